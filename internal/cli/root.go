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
	root.AddCommand(newSIPCmd(s))
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

// flagCompletions are the flags whose values the shell completes, by command. cobra keeps
// completion functions in a map of its own, for the whole process, keyed by flag and never
// emptied: registered while a tree is built, they keep every tree built, with what its
// flags point at (a run's configuration, evidence, baseline), about 18 KB a Main call, which
// grew fuzz workers to gigabytes. So they are registered only when the shell asks for
// completions (cobra's hidden __complete command), in a process started for that one call.
var flagCompletions = []struct {
	commands []string
	flag     string
	complete cobra.CompletionFunc
}{
	{[]string{"check", "live", "diff"}, "format", fixedCompletion(report.Formats...)},
	{[]string{"check", "live", "diff"}, "fail-on", fixedCompletion("error", "warning", "info", "never")},
	{[]string{"check", "live", "diff"}, "disable", ruleCompletion},
	{[]string{"check", "live", "diff"}, "sip-port", fixedCompletion("udp/5060", "tcp/5060", "udp/5080")},
	{[]string{"trace"}, "format", fixedCompletion("text", "json")},
	{[]string{"trace"}, "port", fixedCompletion("udp/5060", "tcp/5060", "udp/5080")},
}

// completing reports whether args ask for shell completions.
func completing(args []string) bool {
	return len(args) > 0 && (args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd)
}

// registerCompletions registers flagCompletions on root's commands.
func registerCompletions(root *cobra.Command) {
	for _, fc := range flagCompletions {
		for _, name := range fc.commands {
			if c, _, err := root.Find([]string{name}); err == nil && c != root {
				// cobra refuses a second registration of a flag, which changes nothing;
				// TestFlagCompletions checks that every flag listed completes.
				_ = c.RegisterFlagCompletionFunc(fc.flag, fc.complete)
			}
		}
	}
}

// mainContext is Main with the commands' context: canceling it is what a signal does to
// live, which tests use to interrupt a run.
func mainContext(ctx context.Context, args []string, s *IOStreams) int {
	root := NewRoot(s)
	if completing(args) {
		registerCompletions(root)
	}
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
