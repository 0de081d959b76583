package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/asaaudit/asaaudit/collect"
	"github.com/asaaudit/asaaudit/internal/input"
)

// sshFlags are how live and diff (for live:HOST) reach a firewall.
type sshFlags struct {
	user           string
	port           int
	passwordStdin  bool
	sshKey         string
	knownHosts     string
	insecure       bool
	timeout        time.Duration
	passwordPrompt func(prompt string) (string, error) // tests replace the terminal prompt
}

func (f *sshFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.user, "user", "", "SSH user (default $ASAAUDIT_USERNAME)")
	fl.IntVar(&f.port, "port", 22, "SSH port")
	fl.BoolVar(&f.passwordStdin, "password-stdin", false, "read the SSH password from the first line of standard input")
	fl.StringVar(&f.sshKey, "ssh-key", "", "private key file for public-key authentication")
	fl.StringVar(&f.knownHosts, "known-hosts", "", "known_hosts file to verify host keys with (default ~/.ssh/known_hosts)")
	fl.BoolVar(&f.insecure, "insecure-ignore-host-key", false, "DANGEROUS: do not verify host keys (man-in-the-middle goes unnoticed)")
	fl.DurationVar(&f.timeout, "timeout", collect.DefaultTimeout, "bound on connecting, each command and the whole host")
}

// inputs are the local files the flags name, for checkClobber.
func (f *sshFlags) inputs() []namedPath {
	return []namedPath{{"--ssh-key", f.sshKey}, {"--known-hosts", f.knownHosts}}
}

// probeInputs checks that the --ssh-key file can be opened, so that a typing mistake fails
// before any firewall is contacted, not once per host after connecting. (A missing
// known_hosts file is collect's to explain: it is where host keys are looked up.)
func (f *sshFlags) probeInputs() error {
	if f.sshKey == "" {
		return nil
	}
	file, err := input.Open(f.sshKey, "a private key file")
	if err != nil {
		return usageError{fmt.Errorf("--ssh-key: %w", err)}
	}
	return file.Close()
}

// username is --user, else $ASAAUDIT_USERNAME.
func (f *sshFlags) username(s *IOStreams) string {
	if f.user != "" {
		return f.user
	}
	return s.Getenv("ASAAUDIT_USERNAME")
}

// collectOptions are the collection options the flags set; it warns about an unverified host key.
func (f *sshFlags) collectOptions(s *IOStreams) collect.Options {
	if f.insecure {
		fmt.Fprintln(s.ErrOut, "asaaudit: WARNING: --insecure-ignore-host-key: host keys are NOT verified; a man-in-the-middle would go unnoticed and could capture the password")
	}
	return collect.Options{Timeout: f.timeout, KnownHostsFile: f.knownHosts, InsecureIgnoreHostKey: f.insecure}
}

// target builds the collection target for HOST or HOST:PORT with the secrets given.
func (f *sshFlags) target(s *IOStreams, host, password, enable string) (collect.Target, error) {
	t := collect.Target{Name: host, Host: host, Port: f.port, Username: f.username(s), Password: password, EnablePassword: enable, KeyFile: f.sshKey}
	if h, port, ok := splitHostPort(host); ok {
		t.Host, t.Port = h, port
	}
	if t.Username == "" {
		return t, usageError{fmt.Errorf("%s: no SSH user: use --user or ASAAUDIT_USERNAME", host)}
	}
	return t, nil
}

// secrets gathers the password and enable secret without ever taking them from a flag value.
func (f *sshFlags) secrets(s *IOStreams) (password, enable string, err error) {
	password = s.Getenv("ASAAUDIT_PASSWORD")
	if f.passwordStdin {
		line, err := bufio.NewReader(s.In).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", "", fmt.Errorf("--password-stdin: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	prompt := f.passwordPrompt
	if prompt == nil && s.InTTY {
		prompt = func(p string) (string, error) {
			fmt.Fprint(s.ErrOut, p)
			b, err := term.ReadPassword(int(os.Stdin.Fd()))
			fmt.Fprintln(s.ErrOut)
			return string(b), err
		}
	}
	if password == "" && f.sshKey == "" && prompt != nil {
		if password, err = prompt("SSH password: "); err != nil {
			return "", "", err
		}
	}
	if password == "" && f.sshKey == "" {
		return "", "", usageError{errors.New("no SSH password: set ASAAUDIT_PASSWORD, use --password-stdin or --ssh-key, or run on a terminal to be prompted")}
	}
	enable, set := s.lookup("ASAAUDIT_ENABLE_PASSWORD")
	if !set && prompt != nil {
		if enable, err = prompt("Enable password (empty for none): "); err != nil {
			return "", "", err
		}
	}
	return password, enable, nil
}
