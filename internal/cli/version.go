package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at link time by release builds (-ldflags "-X ...cli.version=v1.2.3").
var version = ""

func newVersionCmd(s *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and build information",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			v, rev, goVersion := version, "", ""
			if bi, ok := debug.ReadBuildInfo(); ok {
				goVersion = bi.GoVersion
				if v == "" {
					v = bi.Main.Version
				}
				for _, kv := range bi.Settings {
					switch kv.Key {
					case "vcs.revision":
						rev = kv.Value
					case "vcs.modified":
						if kv.Value == "true" {
							rev += "-dirty"
						}
					}
				}
			}
			if v == "" {
				v = "(devel)"
			}
			if rev == "" {
				rev = "unknown"
			}
			_, err := fmt.Fprintf(s.Out, "asaaudit %s\nrevision %s\ngo %s\n", v, rev, goVersion)
			return err
		},
	}
}
