// Command asasim runs a Cisco ASA SSH emulator on a loopback address for
// demos and manual testing of asaaudit's live mode.
//
//	ASASIM_PASSWORD=secret asasim --config fw1.cfg --known-hosts ./known_hosts
//	asasim --capture fixtures/evidence/multi-context/fw1.txt
package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"

	"github.com/asaaudit/asaaudit/asasim"
)

const defaultPassword = "cisco"

type flags struct {
	config        string
	hostname      string
	listen        string
	user          string
	passwordEnv   string
	enablePassEnv string
	hostKey       string
	knownHosts    string
	latency       time.Duration
	banner        string
	outputs       []string
	captures      []string
	unauthorized  []string
}

func main() {
	if err := newRootCmd(os.Stdout, os.Stderr).Execute(); err != nil {
		fmt.Fprintf(os.Stderr, "asasim: %v\n", err)
		os.Exit(1)
	}
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	var f flags
	cmd := &cobra.Command{
		Use:   "asasim --config FILE | --capture FILE...",
		Short: "Cisco ASA SSH emulator (loopback only, for tests and demos)",
		Long: `asasim serves an emulated Cisco ASA CLI over SSH on a loopback address.

It answers enable, terminal pager, show running-config (and "all timeout", with
the defaults), show version, show hostname, show mode, packet-tracer (a no-route
answer unless --output gives the command's output, text or xml) and any extra
outputs given with --output, and serves
until SIGINT or SIGTERM. --capture replays saved terminal captures instead of
--config: each command after a privileged prompt ("fw1# show running-config",
"fw1/voice# show conn ... long") is answered with its output, in the context the
prompt names; prompts with a context make a multiple-context device (changeto,
show context). The login password is read from the environment variable
named by --password-env; if that variable is unset the well-known default
"` + defaultPassword + `" is used. The enable password is read from the variable named by
--enable-password-env (unset: empty enable password).`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			err := run(ctx, f, stdout, stderr)
			if err != nil {
				fmt.Fprintln(stderr, "asasim:", strings.TrimPrefix(err.Error(), "asasim: "))
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "`FILE` served as the show running-config output (this or --capture is required)")
	fl.StringVar(&f.hostname, "hostname", "fw1", "device hostname (prompt)")
	fl.StringVar(&f.listen, "listen", "127.0.0.1:2222", "loopback address to listen on")
	fl.StringVar(&f.user, "user", "admin", "SSH username")
	fl.StringVar(&f.passwordEnv, "password-env", "ASASIM_PASSWORD", "name of the environment variable holding the SSH password")
	fl.StringVar(&f.enablePassEnv, "enable-password-env", "ASASIM_ENABLE_PASSWORD", "name of the environment variable holding the enable password")
	fl.StringVar(&f.hostKey, "host-key", "", "PEM host key file (generated and saved if missing; default: ephemeral key)")
	fl.StringVar(&f.knownHosts, "known-hosts", "", "append a known_hosts line for this server to FILE")
	fl.DurationVar(&f.latency, "latency", 0, "delay before every command's response")
	fl.StringVar(&f.banner, "banner", "", "banner shown before the first prompt")
	fl.StringArrayVar(&f.outputs, "output", nil, "extra command output as 'COMMAND=FILE' (repeatable)")
	fl.StringArrayVar(&f.captures, "capture", nil, "terminal capture `FILE` to replay: the commands after its prompts and their outputs (repeatable)")
	fl.StringArrayVar(&f.unauthorized, "unauthorized", nil, "`COMMAND` prefix that command authorization refuses (\"Command authorization failed\"), e.g. packet-tracer (repeatable)")
	cmd.MarkFlagsOneRequired("config", "capture")
	cmd.MarkFlagsMutuallyExclusive("config", "capture")
	return cmd
}

func run(ctx context.Context, f flags, stdout, stderr io.Writer) error {
	device, err := loadDevice(f)
	if err != nil {
		return err
	}
	device.Unauthorized = append(device.Unauthorized, f.unauthorized...)
	for _, o := range f.outputs {
		command, file, ok := strings.Cut(o, "=")
		if !ok || strings.TrimSpace(command) == "" || file == "" {
			return fmt.Errorf("--output %q: want COMMAND=FILE", o)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		if device.Outputs == nil {
			device.Outputs = map[string]string{}
		}
		device.Outputs[command] = string(b)
	}

	password, ok := os.LookupEnv(f.passwordEnv)
	if !ok {
		password = defaultPassword
		fmt.Fprintf(stderr, "note: $%s is not set; using the built-in default password (see --help)\n", f.passwordEnv)
	}
	if password == "" {
		return fmt.Errorf("$%s is set but empty", f.passwordEnv)
	}
	device.EnablePassword = os.Getenv(f.enablePassEnv)

	var signer ssh.Signer
	if f.hostKey != "" {
		if signer, err = loadOrCreateHostKey(f.hostKey); err != nil {
			return err
		}
	}

	srv, err := asasim.Start(asasim.Options{
		Addr:     f.listen,
		Username: f.user,
		Password: password,
		HostKey:  signer,
		Banner:   f.banner,
		Device:   device,
		Faults:   asasim.Faults{Latency: f.latency},
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	if f.knownHosts != "" {
		if err := asasim.WriteKnownHosts(f.knownHosts, srv.Addr(), srv.HostKey()); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "listening on %s\n", srv.Addr())

	<-ctx.Done()
	return srv.Close()
}

// loadOrCreateHostKey reads a PEM private key from path, or generates an
// ed25519 key and saves it there (mode 0600) when the file does not exist.
func loadOrCreateHostKey(path string) (ssh.Signer, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		s, err := ssh.ParsePrivateKey(b)
		if err != nil {
			return nil, fmt.Errorf("host key %s: %w", path, err)
		}
		return s, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "asasim host key")
	if err != nil {
		return nil, err
	}
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if err := pem.Encode(fh, block); err != nil {
		fh.Close()
		return nil, err
	}
	return signer, fh.Close()
}

// loadDevice reads --config (with --hostname) or the --capture files.
func loadDevice(f flags) (asasim.Device, error) {
	if len(f.captures) == 0 {
		cfg, err := os.ReadFile(f.config)
		if err != nil {
			return asasim.Device{}, err
		}
		return asasim.Device{Hostname: f.hostname, Config: string(cfg)}, nil
	}
	var captures []string
	for _, path := range f.captures {
		b, err := os.ReadFile(path)
		if err != nil {
			return asasim.Device{}, err
		}
		captures = append(captures, string(b))
	}
	d, err := asasim.DeviceFromCaptures(captures...)
	if err != nil {
		return asasim.Device{}, fmt.Errorf("--capture: %w", err)
	}
	return d, nil
}
