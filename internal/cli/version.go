package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at link time by release builds (-ldflags "-X ...cli.version=v1.2.3").
var version = ""

// buildInfo returns the module version ("(devel)" for a build from a work tree), the VCS
// revision ("unknown" when not stamped; "-dirty" when modified) and the Go version.
func buildInfo() (v, rev, goVersion string) {
	v = version
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
	return v, rev, goVersion
}

// releaseVersion is the version for machine-readable output: empty for development
// builds, so that their output does not claim a version.
func releaseVersion() string {
	if v, _, _ := buildInfo(); v != "(devel)" {
		return v
	}
	return ""
}

func newVersionCmd(s *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, VCS revision and Go version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			v, rev, goVersion := buildInfo()
			_, err := fmt.Fprintf(s.Out, "asaaudit %s\nrevision %s\ngo %s\n", v, rev, goVersion)
			return err
		},
	}
}
