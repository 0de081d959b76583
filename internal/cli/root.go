package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/asaaudit/asaaudit/report"
)

// exitError carries an exit code out of a command; its message, if any, has been printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// NewRoot builds the command tree. Construction does no work beyond declaring flags, so
// that every invocation starts in milliseconds.
func NewRoot(s *IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "asaaudit",
		Short: "Audit Cisco ASA configurations for what breaks SIP (VoIP) behind the firewall",
		Long: `asaaudit reads a Cisco ASA configuration (a saved "show running-config", or one
collected over SSH) and reports what breaks SIP phones and trunks behind the firewall:
SIP inspection that is off or never applied, and idle timeouts shorter than the clients'
keepalive or re-REGISTER interval. Every finding names the file and line and the ASA
commands that fix it.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newCheckCmd(s), newRulesCmd(s), newVersionCmd(s))
	root.AddCommand(newConfigCmd(s))
	root.AddCommand(newLiveCmd(s))
	root.AddCommand(newDiffCmd(s))
	root.AddCommand(newTraceCmd(s))
	return root
}

// usageError marks a command-line mistake (exit 2).
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// Main runs asaaudit with args and returns the process exit code.
func Main(args []string, s *IOStreams) int {
	return mainContext(context.Background(), args, s)
}

// mainContext is Main with the commands' context: canceling it is what a signal does to
// live, which tests use to interrupt a run.
func mainContext(ctx context.Context, args []string, s *IOStreams) int {
	root := NewRoot(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	var ee exitError
	switch {
	case err == nil:
		return report.ExitClean
	case errors.As(err, &ee):
		return ee.code
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "accepts ") || strings.HasPrefix(msg, "requires ") {
		msg += " (see asaaudit --help)"
	}
	fmt.Fprintf(s.ErrOut, "asaaudit: %s\n", msg)
	return report.ExitError
}
