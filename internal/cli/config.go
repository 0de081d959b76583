package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/asaaudit/asaaudit/config"
)

func newConfigCmd(s *IOStreams) *cobra.Command {
	c := &cobra.Command{
		Use:   "config",
		Short: "Work with the configuration file (" + config.FileName + ")",
		Args:  cobra.NoArgs,
		RunE:  func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	var force bool
	initCmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented starting " + config.FileName + " (FILE, - for standard output)",
		Long: `init writes a commented starting configuration file: the SIP client profiles, every rule
with its default severity, fail-on and baseline. check and live read it from the working
directory or a parent directory. It does not overwrite an existing file without --force.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			path := config.FileName
			if len(args) == 1 {
				path = args[0]
			}
			if path == "-" {
				_, err := io.WriteString(s.Out, config.Template())
				return err
			}
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(path, flags, 0o644)
			if errors.Is(err, fs.ErrExist) {
				return usageError{fmt.Errorf("%s already exists (use --force to overwrite it)", path)}
			}
			if err != nil {
				return err
			}
			if _, err := io.WriteString(f, config.Template()); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			_, err = fmt.Fprintf(s.Out, "wrote %s: set the profiles to your SIP clients' ports and intervals\n", path)
			return err
		},
	}
	initCmd.Flags().BoolVarP(&force, "force", "f", false, "overwrite an existing file")
	c.AddCommand(initCmd)
	return c
}
