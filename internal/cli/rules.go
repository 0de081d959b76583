package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/asaaudit/asaaudit/rules"
)

func newRulesCmd(s *IOStreams) *cobra.Command {
	c := &cobra.Command{
		Use:   "rules",
		Short: "List the rules (ID, severity, title)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE")
			for _, r := range rules.All {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Title)
			}
			return tw.Flush()
		},
	}
	c.AddCommand(&cobra.Command{
		Use:   "explain RULE",
		Short: "Explain a rule: the symptom, how it decides, the fix, references",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return ruleCompletion(c, args, toComplete)
		},
		RunE: func(_ *cobra.Command, args []string) error {
			r := rules.ByID(args[0])
			if r == nil {
				return usageError{fmt.Errorf("unknown rule %q (see asaaudit rules)", args[0])}
			}
			_, err := fmt.Fprintf(s.Out, "%s (%s): %s\n\n%s", r.ID, r.Severity, r.Title, r.Doc())
			return err
		},
	})
	return c
}
