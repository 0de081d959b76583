package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/config"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

// auditFlags are the flags check and live share. A zero auditFlags (not registered on a
// command) reads no configuration file: only the fields it was given count.
type auditFlags struct {
	// errOut is the command's standard error (set by register).
	errOut func() io.Writer
	// configResolved is set once the configuration file was looked for; configUsed is the
	// one used ("" for none).
	configResolved bool
	configUsed     string
	// format is the --format values joined by commas: FORMAT or FORMAT=FILE each.
	format           string
	keepalive        time.Duration
	registerInterval time.Duration
	sipPorts         []string
	failOn           string
	output           string
	configPath       string
	baseline         string
	writeBaseline    string
	disable          []string
	quiet            bool
	clients          []string
	providers        []string

	flags *pflag.FlagSet // set by register, to tell flags given from defaults

	// Set by options for finish.
	failOnLevel rules.Severity
	ran         []*rules.Rule
	accepted    *report.Baseline
	evidence    *evidence.Evidence // --evidence, for the report to count what was lost
	// read are the configuration and baseline files options read, for checkClobber.
	read []namedPath
	// interrupted is set by live when a signal stopped the collection.
	interrupted bool
	// outputFailed is set when an output file could not be written: the exit code is then 2.
	outputFailed bool
	// html is what only --format html shows (the run's settings, SIP paths, observed
	// flows); nil until a command sets it, and adding to nil does nothing.
	html *report.HTMLContext
}

func (f *auditFlags) register(c *cobra.Command) {
	f.errOut = c.ErrOrStderr
	fl := c.Flags()
	f.flags = fl
	f.format = "text"
	fl.Var(&formatValue{p: &f.format}, "format", "output `FORMAT[=FILE]`: "+strings.Join(report.Formats, ", ")+"; =FILE writes that format to FILE (repeatable, or comma-separated)")
	fl.StringVarP(&f.output, "output", "o", "", "write the output (of the --format without =FILE) to `FILE` instead of standard output")
	fl.DurationVar(&f.keepalive, "keepalive", 0, "SIP clients' keepalive interval (e.g. 30s); enables the timeout rules")
	fl.DurationVar(&f.registerInterval, "register-interval", 0, "SIP clients' re-REGISTER interval (e.g. 10m), used when --keepalive is not given")
	fl.StringArrayVar(&f.sipPorts, "sip-port", nil, "SIP `port` to audit, udp/N, tcp/N or N for both (repeatable; replaces the default udp/5060 and tcp/5060)")
	fl.StringVar(&f.failOn, "fail-on", "warning", "lowest `severity` that makes the exit code 1: error, warning, info or never")
	fl.StringVar(&f.configPath, "config", "", "configuration `FILE` (default: the first "+config.FileName+" in the working directory or a parent)")
	fl.StringArrayVar(&f.disable, "disable", nil, "`RULE` to turn off, e.g. SIP004 (repeatable)")
	fl.StringVar(&f.baseline, "baseline", "", "accept the findings listed in `FILE`: they are counted but do not fail the run")
	fl.StringVar(&f.writeBaseline, "write-baseline", "", "write every current finding to `FILE` as a baseline, and accept them")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only findings and errors: no summary line, nothing when clean")
	fl.StringArrayVar(&f.clients, "clients", nil, "the SIP clients' `CIDR` (the phones' subnet, or one address; repeatable); with --provider it enables the path rules ACL001, ACL002, NAT001")
	fl.StringArrayVar(&f.providers, "provider", nil, "the SIP provider's `ADDR` (repeatable); with --clients it enables the path rules")
}

// formatValue collects repeated --format flags; the first replaces the default.
type formatValue struct {
	p   *string
	set bool
}

func (v *formatValue) String() string { return *v.p }
func (v *formatValue) Type() string   { return "format" }
func (v *formatValue) Set(s string) error {
	if v.set {
		*v.p += "," + s
	} else {
		*v.p, v.set = s, true
	}
	return nil
}

// changed reports whether the user gave flag name; every field of an unregistered
// auditFlags counts as given.
func (f *auditFlags) changed(name string) bool {
	return f.flags == nil || f.flags.Changed(name)
}

// options merges the configuration file and the flags (flags win) into audit options and
// the fail-on level, and checks the output and baseline flags.
// parseSIPPorts reads --sip-port values (or an inventory host's ports), each port once.
func parseSIPPorts(list []string) ([]asa.Port, error) {
	var out []asa.Port
	for _, s := range list {
		ports, err := asa.ParsePorts(s)
		if err != nil {
			return nil, usageError{fmt.Errorf("--sip-port: %w", err)}
		}
		out = appendNew(out, ports...)
	}
	return out, nil
}

func (f *auditFlags) options() (audit.Options, rules.Severity, error) {
	var o audit.Options
	if _, err := parseOutputs(f.format, f.output); err != nil {
		return o, 0, usageError{err}
	}
	f.read = nil
	cfg, err := f.loadConfig()
	if err != nil {
		return o, 0, usageError{err}
	}
	failOnName := f.failOn
	if cfg.FailOn != "" && !f.changed("fail-on") {
		failOnName = cfg.FailOn
	}
	failOn, err := report.ParseFailOn(failOnName)
	if err != nil {
		return o, 0, usageError{fmt.Errorf("--fail-on: %w", err)}
	}
	if f.keepalive < 0 || f.registerInterval < 0 {
		return o, 0, usageError{fmt.Errorf("--keepalive and --register-interval must be positive durations")}
	}
	if o.Rules.Ports, err = parseSIPPorts(f.sipPorts); err != nil {
		return o, 0, err
	}
	o.Rules.Keepalive, o.Rules.RegisterInterval = f.keepalive, f.registerInterval
	// The file's profiles give the ports unless --sip-port does, and each port its own
	// intervals unless --keepalive or --register-interval set one for every port.
	intervalsGiven := f.changed("keepalive") || f.changed("register-interval")
	for _, p := range cfg.Profiles {
		if len(f.sipPorts) == 0 {
			o.Rules.Ports = appendNew(o.Rules.Ports, p.Ports...)
		}
		if intervalsGiven {
			continue
		}
		if o.Rules.PerPort == nil {
			o.Rules.PerPort = map[asa.Port]rules.Intervals{}
		}
		for _, port := range p.Ports {
			o.Rules.PerPort[port] = rules.Intervals{Keepalive: p.Keepalive, RegisterInterval: p.RegisterInterval}
		}
	}
	if len(o.Rules.Ports) == 0 {
		o.Rules.Ports = asa.DefaultSIPPorts
	}
	if err := f.paths(&o, cfg); err != nil {
		return o, 0, err
	}
	if err := f.selectRules(&o, cfg); err != nil {
		return o, 0, err
	}
	baseline := f.baseline
	if baseline == "" {
		baseline = cfg.Baseline
	}
	f.accepted = nil
	if baseline != "" && f.writeBaseline == "" {
		if f.accepted, err = report.ReadBaseline(baseline); err != nil {
			return o, 0, usageError{err}
		}
		f.read = append(f.read, namedPath{"--baseline", baseline})
	}
	f.failOnLevel = failOn
	return o, failOn, nil
}

// paths sets the clients and providers from the flags, else from the file.
func (f *auditFlags) paths(o *audit.Options, cfg *config.File) error {
	o.Rules.Clients, o.Rules.Providers = cfg.Clients, cfg.Providers
	if len(f.clients) > 0 {
		o.Rules.Clients = nil
		for _, s := range f.clients {
			p, err := asa.ParseClients(s)
			if err != nil {
				return usageError{fmt.Errorf("--clients: %w", err)}
			}
			o.Rules.Clients = append(o.Rules.Clients, p)
		}
	}
	if len(f.providers) > 0 {
		o.Rules.Providers = nil
		for _, s := range f.providers {
			a, err := asa.ParseProvider(s)
			if err != nil {
				return usageError{fmt.Errorf("--provider: %w", err)}
			}
			o.Rules.Providers = append(o.Rules.Providers, a)
		}
	}
	return nil
}

// loadConfig reads --config, else the configuration file found from the working
// directory upward; an empty File when there is none or f is not registered.
func (f *auditFlags) loadConfig() (*config.File, error) {
	if f.flags == nil {
		return &config.File{}, nil
	}
	if !f.configResolved {
		// Once per run: live reads the options twice, and the notice is said once.
		path, err := configPath(f.errOut(), f.configPath, f.quiet, config.DefaultSearch())
		if err != nil {
			return &config.File{}, err
		}
		f.configResolved, f.configUsed = true, path
		if path != "" {
			f.read = append(f.read, namedPath{"--config", path})
		}
	}
	path := f.configUsed
	if path == "" {
		return &config.File{}, nil
	}
	return config.Load(path)
}

// outputFiles are the files the run writes: each --format's and --write-baseline.
func (f *auditFlags) outputFiles() []namedPath {
	var files []namedPath
	outs, _ := parseOutputs(f.format, f.output) // options has checked them
	for _, o := range outs {
		switch {
		case o.file == "":
		case o.file == f.output:
			files = append(files, namedPath{"--output", o.file})
		default:
			files = append(files, namedPath{"--format " + o.format + "=", o.file})
		}
	}
	if f.writeBaseline != "" {
		files = append(files, namedPath{"--write-baseline", f.writeBaseline})
	}
	return files
}

// guard refuses a run whose outputs would overwrite one of its inputs (the files options
// read, and inputs) or one another. Call it after options.
func (f *auditFlags) guard(inputs ...namedPath) error {
	return checkClobber(append(slices.Clone(f.read), inputs...), f.outputFiles())
}

// probeOutputs checks that every output file can be written, for the commands that log in
// to a firewall: they check before touching it.
func (f *auditFlags) probeOutputs() error {
	for _, o := range f.outputFiles() {
		if err := probeWritable(o.path); err != nil {
			return usageError{fmt.Errorf("%s: %w", o.what, err)}
		}
	}
	return nil
}

// selectRules applies the file's rule settings and --disable to o.
func (f *auditFlags) selectRules(o *audit.Options, cfg *config.File) error {
	off := map[string]bool{}
	severity := map[string]rules.Severity{}
	for id, s := range cfg.Rules {
		off[id] = s.Disabled
		if s.Severity != 0 {
			severity[id] = s.Severity
		}
	}
	for _, id := range f.disable {
		r := rules.ByID(id)
		if r == nil {
			return usageError{fmt.Errorf("--disable: unknown rule %q (see asaaudit rules)", id)}
		}
		off[r.ID] = true
	}
	f.ran = nil
	for _, r := range rules.All {
		if !off[r.ID] {
			f.ran = append(f.ran, r)
		}
	}
	if len(f.ran) < len(rules.All) {
		o.Enabled = func(r *rules.Rule) bool { return !off[r.ID] }
	}
	if len(severity) > 0 {
		o.Severity = func(r *rules.Rule) rules.Severity {
			if s, ok := severity[r.ID]; ok {
				return s
			}
			return r.Severity
		}
	}
	return nil
}

func appendNew(ports []asa.Port, add ...asa.Port) []asa.Port {
	for _, p := range add {
		if !slices.Contains(ports, p) {
			ports = append(ports, p)
		}
	}
	return ports
}

func newCheckCmd(s *IOStreams) *cobra.Command {
	var f auditFlags
	var a applyFlags // --apply, --print-config: see diff.go
	c := &cobra.Command{
		Use:   "check [flags] FILE...",
		Short: "Audit saved \"show running-config\" captures (FILE, or - for standard input)",
		Long: `check audits saved "show running-config" captures (FILE, or - for standard input).

Settings come from the flags, then from the configuration file (--config, or the first
` + config.FileName + ` found from the working directory upward; "asaaudit config init" writes
one), then from the defaults. Each --format goes to standard output, to --output, or to
the file after "=": --format text --format sarif=asaaudit.sarif writes both.`,
		Example: `  asaaudit check running-config.txt
  asaaudit check --sip-port udp/5080 --keepalive 30s fw1.txt fw2.txt
  ssh fw1 'show running-config' | asaaudit check --format json -
  asaaudit check --format sarif --output asaaudit.sarif configs/*.txt
  asaaudit check --format text --format junit=report.xml --baseline .asaaudit-baseline.json configs/*.txt`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			s.deferGC()
			if i := slices.Index(args, "-"); i >= 0 && slices.Contains(args[i+1:], "-") {
				// Standard input can be read once: the second - would audit an empty input.
				return usageError{fmt.Errorf("check: standard input (-) can be given once")}
			}
			opts, _, err := f.options()
			if err != nil {
				return err
			}
			captures, _ := splitEvidence(c)
			cr := newCaptureRun(f.ran)
			for _, p := range captures {
				cr.read(s, p, f.quiet)
			}
			cr.apply(s, &opts, &f)
			if opts.Rules.Evidence, err = readEvidence(c, s, opts.Rules.Ports...); err != nil {
				return err
			}
			f.evidence = opts.Rules.Evidence
			f.html = cr.htmlContext("check", opts.Rules)
			inputs := evidenceInputs(c)
			for _, path := range args {
				inputs = append(inputs, namedPath{"", path})
			}
			if a.change != "" {
				inputs = append(inputs, namedPath{"--apply", a.change})
			}
			if err := f.guard(inputs...); err != nil {
				return err
			}
			if a.active() {
				return a.run(s, &f, args, opts)
			}
			var results []*audit.Result
			errs := cr.errs
			for _, path := range args {
				res, err := audit.File(path, s.In, opts)
				if err != nil {
					errs = append(errs, report.Error{Target: path, Message: err.Error()})
					continue
				}
				cr.corroborate(res, opts)
				results = append(results, res)
			}
			return f.finishWith(s, append(results, cr.results...), errs, cr.writeLadders)
		},
	}
	f.register(c)
	a.register(c)
	registerEvidence(c)
	return c
}

// finishWith builds the report of results and errs with the settings options resolved
// (fail-on, rules that ran, baseline), writes --write-baseline, and renders it; before,
// when set, writes text before the text format's findings (the registrations of
// captures, sip.go).
func (f *auditFlags) finishWith(s *IOStreams, results []*audit.Result, errs []report.Error, before func(io.Writer, *report.Report) error) error {
	f.html.AddResults(results)
	r := report.New(results, errs, f.failOnLevel)
	r.Rules = f.ran
	if f.interrupted {
		r.MarkInterrupted()
	}
	reportEvidence(s, r, f.evidence, f.quiet)
	if f.accepted != nil {
		r.ApplyBaseline(f.accepted)
	}
	if f.writeBaseline != "" {
		// A baseline that cannot be written accepts nothing; the reports are still written,
		// and the exit code is 2.
		b := report.NewBaseline(append(slices.Clone(r.Findings), r.Baselined...))
		if err := writeFileAtomic(f.writeBaseline, permReport, b.Write); err != nil {
			fmt.Fprintf(s.ErrOut, "asaaudit: --write-baseline: %v\n", err)
			f.outputFailed = true
		} else {
			r.ApplyBaseline(b)
			if !f.quiet {
				fmt.Fprintf(s.ErrOut, "asaaudit: wrote %d finding(s) to baseline %s\n", len(b.Findings), f.writeBaseline)
			}
		}
	}
	outs, err := parseOutputs(f.format, f.output)
	if err != nil {
		return usageError{err}
	}
	return f.writeOutputs(s, outs, r.Errors, r.Summary.ExitCode, func(w io.Writer, format string, o report.Options) error {
		if format == "text" && before != nil {
			if err := before(w, r); err != nil {
				return err
			}
		}
		return report.Write(w, format, r, o)
	})
}

// output is one format and where it goes ("" is standard output).
type output struct {
	format, file string
}

// parseOutputs reads the --format list. A format goes to its own FILE ("=-" is standard
// output), else to outputFile, else to standard output; one destination takes one format.
func parseOutputs(spec, outputFile string) ([]output, error) {
	var outs []output
	byDest := map[string][]string{}
	usesOutputFile := false
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, file, hasFile := strings.Cut(item, "=")
		if !slices.Contains(report.Formats, name) {
			return nil, fmt.Errorf("unknown --format %q (want %s, optionally FORMAT=FILE)", name, strings.Join(report.Formats, ", "))
		}
		switch {
		case hasFile && file == "":
			return nil, fmt.Errorf("--format %s=: missing file name after \"=\"", name)
		case file == "-":
			file = ""
		case !hasFile:
			file, usesOutputFile = outputFile, outputFile != ""
		}
		byDest[file] = append(byDest[file], name)
		outs = append(outs, output{name, file})
	}
	if len(outs) == 0 {
		return nil, fmt.Errorf("--format: no format given (want %s)", strings.Join(report.Formats, ", "))
	}
	if outputFile != "" && !usesOutputFile {
		return nil, fmt.Errorf("--output %s: every --format already names its file", outputFile)
	}
	for _, o := range outs {
		if names := byDest[o.file]; len(names) > 1 {
			where := "standard output"
			if o.file != "" {
				where = o.file
			}
			return nil, fmt.Errorf("--format: %s all write to %s; give all but one a file of its own, e.g. --format %s=FILE", strings.Join(names, ", "), where, names[1])
		}
	}
	return outs, nil
}

// writeOutputs is what check, live and diff share: input errors go to stderr, one line
// each; every output gets its document (coloured only on a terminal); the exit code
// becomes an exitError. The text format of a run with input errors adds nothing to their
// lines on stderr when the caller leaves the text output out (diff does). An output that
// cannot be written is one line on stderr naming it; the others are still written, and
// the exit code is 2 (the documents' summary.exitCode says what the findings decided).
func (f *auditFlags) writeOutputs(s *IOStreams, outs []output, errs []report.Error, exitCode int, write func(w io.Writer, format string, o report.Options) error) error {
	for _, e := range errs {
		fmt.Fprintf(s.ErrOut, "asaaudit: %s\n", e.Message)
	}
	for _, o := range outs {
		opts := report.Options{Quiet: f.quiet, ToolVersion: releaseVersion(), HTML: f.html}
		var err error
		if o.file == "" {
			opts.Color = s.Color()
			err = write(s.Out, o.format, opts)
			if err != nil {
				err = fmt.Errorf("write standard output: %w", err)
			}
		} else {
			err = writeFileAtomic(o.file, permReport, func(w io.Writer) error { return write(w, o.format, opts) })
		}
		if err != nil {
			fmt.Fprintf(s.ErrOut, "asaaudit: %s output: %v\n", o.format, err)
			f.outputFailed = true
		}
	}
	if f.outputFailed && exitCode != report.ExitInterrupted {
		exitCode = report.ExitError
	}
	if exitCode != 0 {
		return exitError{exitCode}
	}
	return nil
}

func fixedCompletion(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// ruleCompletion completes rule IDs, with their titles as descriptions.
func ruleCompletion(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var ids []cobra.Completion
	for _, r := range rules.All {
		if strings.HasPrefix(r.ID, strings.ToUpper(toComplete)) {
			ids = append(ids, cobra.CompletionWithDesc(r.ID, r.Title))
		}
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}
