package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

// auditFlags are the flags check and live share.
type auditFlags struct {
	format           string
	keepalive        time.Duration
	registerInterval time.Duration
	sipPorts         []string
	failOn           string
}

func (f *auditFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	fl.DurationVar(&f.keepalive, "keepalive", 0, "SIP clients' keepalive interval (e.g. 30s); enables the timeout rules")
	fl.DurationVar(&f.registerInterval, "register-interval", 0, "SIP clients' re-REGISTER interval (e.g. 10m), used when --keepalive is not given")
	fl.StringArrayVar(&f.sipPorts, "sip-port", nil, "SIP port to audit, udp/N, tcp/N or N for both (repeatable; replaces the default udp/5060 and tcp/5060)")
	fl.StringVar(&f.failOn, "fail-on", "warning", "lowest severity that makes the exit code 1: error, warning, info or never")
}

// options validates the flags into audit options and the fail-on level.
func (f *auditFlags) options() (audit.Options, rules.Severity, error) {
	var o audit.Options
	switch f.format {
	case "text", "json":
	default:
		return o, 0, usageError{fmt.Errorf("unknown --format %q (want text or json)", f.format)}
	}
	failOn, err := report.ParseFailOn(f.failOn)
	if err != nil {
		return o, 0, usageError{fmt.Errorf("--fail-on: %w", err)}
	}
	if f.keepalive < 0 || f.registerInterval < 0 {
		return o, 0, usageError{fmt.Errorf("--keepalive and --register-interval must be positive durations")}
	}
	o.Rules.Keepalive, o.Rules.RegisterInterval = f.keepalive, f.registerInterval
	for _, s := range f.sipPorts {
		ports, err := asa.ParsePorts(s)
		if err != nil {
			return o, 0, usageError{fmt.Errorf("--sip-port: %w", err)}
		}
		o.Rules.Ports = appendNew(o.Rules.Ports, ports...)
	}
	if len(o.Rules.Ports) == 0 {
		o.Rules.Ports = asa.DefaultSIPPorts
	}
	return o, failOn, nil
}

func appendNew(ports []asa.Port, add ...asa.Port) []asa.Port {
next:
	for _, p := range add {
		for _, q := range ports {
			if p == q {
				continue next
			}
		}
		ports = append(ports, p)
	}
	return ports
}

func newCheckCmd(s *IOStreams) *cobra.Command {
	var f auditFlags
	c := &cobra.Command{
		Use:   "check [flags] FILE...",
		Short: "Audit saved \"show running-config\" captures (FILE, or - for standard input)",
		Example: `  asaaudit check running-config.txt
  asaaudit check --sip-port udp/5080 --keepalive 30s fw1.txt fw2.txt
  ssh fw1 'show running-config' | asaaudit check --format json -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts, failOn, err := f.options()
			if err != nil {
				return err
			}
			var results []*audit.Result
			var errs []report.Error
			for _, path := range args {
				res, err := audit.File(path, s.In, opts)
				if err != nil {
					errs = append(errs, report.Error{Target: path, Message: err.Error()})
					continue
				}
				results = append(results, res)
			}
			return render(s, f.format, report.New(results, errs, failOn))
		},
	}
	f.register(c)
	return c
}

// render writes the report, prints input errors to stderr and returns the exit code.
func render(s *IOStreams, format string, r *report.Report) error {
	for _, e := range r.Errors {
		fmt.Fprintf(s.ErrOut, "asaaudit: %s\n", e.Message)
	}
	var err error
	switch format {
	case "json":
		err = report.JSON(s.Out, r)
	default:
		err = report.Text(s.Out, r, report.TextOptions{Color: s.Color()})
	}
	if err != nil {
		return err
	}
	if r.Summary.ExitCode != 0 {
		return exitError{r.Summary.ExitCode}
	}
	return nil
}
