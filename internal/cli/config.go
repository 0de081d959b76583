package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

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

// configPath is the configuration file check, live and diff read: explicit (--config) when
// given, else the one search finds from the working directory upward, made relative to the
// working directory as the user would type it; "" for none. Because a file found this way
// changes the exit code (fail-on, rules turned off) without being named on the command line,
// stderr always says which one is used (not with quiet) and which were refused and why (even with quiet: a refused file is
// someone else's attempt, or a permissions mistake, the user must hear about).
func configPath(errOut io.Writer, explicit string, quiet bool, search config.Search) (string, error) {
	if explicit != "" {
		return explicit, nil // named on the command line: nothing the user does not know
	}
	d, err := search.Find(".")
	for _, sk := range d.Skipped {
		fmt.Fprintf(errOut, "asaaudit: warning: %s\n", sk)
	}
	if err != nil || d.Path == "" {
		return "", err
	}
	path := d.Path
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, path); err == nil {
			path = rel
		}
	}
	if !quiet {
		fmt.Fprintf(errOut, "asaaudit: using configuration file %s\n", path)
	}
	return path, nil
}
