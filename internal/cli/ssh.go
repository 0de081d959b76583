package cli

import (
	"errors"
	"fmt"
	"os"
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
	fl.BoolVar(&f.passwordStdin, "password-stdin", false, "read the SSH password from the first line of standard input (at most 4 KiB)")
	fl.StringVar(&f.sshKey, "ssh-key", "", "private key file for public-key authentication")
	fl.StringVar(&f.knownHosts, "known-hosts", "", "known_hosts file to verify host keys with; it must exist (default ~/.ssh/known_hosts, where a missing file knows no host)")
	fl.BoolVar(&f.insecure, "insecure-ignore-host-key", false, "DANGEROUS: do not verify host keys (man-in-the-middle goes unnoticed)")
	fl.DurationVar(&f.timeout, "timeout", collect.DefaultTimeout, "bound on connecting, each command and the whole host")
}

// inputs are the local files the flags name, for checkClobber.
func (f *sshFlags) inputs() []namedPath {
	return []namedPath{{"--ssh-key", f.sshKey}, {"--known-hosts", f.knownHosts}}
}

// probeInputs checks that the --ssh-key file reads (within its bound, and not binary) and
// that a --known-hosts file named on the command line exists, so that a typing mistake
// fails before any firewall is contacted, not once per host after connecting, and a
// missing known_hosts is not reported as a host key missing from it. (The default
// ~/.ssh/known_hosts may be missing: collect explains that as an unknown host key, with
// the command that adds it.)
func (f *sshFlags) probeInputs() error {
	if f.sshKey != "" {
		if _, err := input.ReadAllBounded(f.sshKey, "a private key file", input.MaxKey); err != nil {
			return usageError{fmt.Errorf("--ssh-key: %w", err)}
		}
	}
	if f.knownHosts != "" && !f.insecure {
		file, err := input.Open(f.knownHosts, "a known_hosts file")
		if err != nil {
			return usageError{fmt.Errorf("--known-hosts: %w", err)}
		}
		file.Close()
	}
	return nil
}

// checkFlags refuses values that cannot be meant, naming the flag: they are not replaced
// by a default in silence.
func (f *sshFlags) checkFlags() error {
	switch {
	case f.timeout <= 0:
		return usageError{fmt.Errorf("--timeout %s: want a positive duration, e.g. 30s", f.timeout)}
	case f.port < 1 || f.port > 65535:
		return usageError{fmt.Errorf("--port %d: want a TCP port, 1 to 65535", f.port)}
	}
	return nil
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
	h, port, err := splitHostPort(host)
	if err != nil {
		return t, usageError{fmt.Errorf("live:%w", err)}
	}
	if port != 0 {
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
		if password, err = input.ReadLine(s.In, "--password-stdin", input.MaxPassword); err != nil {
			return "", "", usageError{err}
		}
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
