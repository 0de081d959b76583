package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/change"
	"github.com/asaaudit/asaaudit/collect"
	"github.com/asaaudit/asaaudit/internal/input"
	"github.com/asaaudit/asaaudit/parser"
	"github.com/asaaudit/asaaudit/report"
)

func newDiffCmd(s *IOStreams) *cobra.Command {
	var f auditFlags
	var conn sshFlags // for live:HOST
	c := &cobra.Command{
		Use:   "diff [flags] BEFORE AFTER",
		Short: "Compare two configurations: the findings a change introduces, resolves and leaves",
		Long: `diff audits BEFORE and AFTER (saved "show running-config" captures; - for standard input)
and reports the findings the change introduces, those it resolves and those it leaves
unchanged, matched by fingerprint (lines that only moved do not count as changes). The exit
code is 1 only when the change introduces a finding at or above --fail-on: a change is not
blocked by the debt it did not create. text and json show the three groups; sarif, junit
and github carry the introduced findings.

BEFORE may be live:HOST (or live:HOST:PORT): the firewall's current running configuration,
collected read-only over SSH with the same connection flags and credentials as live.

To review a change script before it is typed in, use check FILE --apply SCRIPT, or
live --host HOST --apply SCRIPT.`,
		Example: `  asaaudit diff running-before.txt running-after.txt
  asaaudit diff --sip-port udp/5080 --keepalive 30s --format json old.txt new.txt
  asaaudit diff --user audit live:fw1 proposed-running-config.txt`,
		Args: cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			s.deferGC()
			if err := f.noBaseline("diff"); err != nil {
				return err
			}
			opts, failOn, err := f.options()
			if err != nil {
				return err
			}
			if args[0] == "-" && args[1] == "-" {
				return usageError{errors.New("diff: only one of BEFORE and AFTER can be standard input (-)")}
			}
			if strings.HasPrefix(args[1], "live:") {
				return usageError{errors.New("diff: live:HOST can only be BEFORE (AFTER is the proposed configuration)")}
			}
			host, live := strings.CutPrefix(args[0], "live:")
			if live {
				if err := conn.checkFlags(); err != nil {
					return err
				}
				if _, _, err := splitHostPort(host); err != nil {
					return usageError{fmt.Errorf("diff: live:%w", err)}
				}
				if conn.passwordStdin && args[1] == "-" {
					return usageError{errors.New("diff: --password-stdin and AFTER - both read standard input; give AFTER as a file")}
				}
			}
			inputs := []namedPath{{"", args[1]}}
			if !live {
				inputs = append(inputs, namedPath{"", args[0]})
			}
			if err := f.guard(append(inputs, conn.inputs()...)...); err != nil {
				return err
			}
			// The local files are audited first: a firewall is logged in to only when
			// everything else of the run is in order.
			var errs []report.Error
			res := make([]*audit.Result, 2)
			for i, path := range args {
				if i == 0 && live {
					continue
				}
				if res[i], err = audit.File(path, s.In, opts); err != nil {
					errs = append(errs, report.Error{Target: path, Message: err.Error()})
				}
			}
			if live && len(errs) == 0 {
				if err := f.probeOutputs(); err != nil {
					return err
				}
				if err := conn.probeInputs(); err != nil {
					return err
				}
				if res[0], err = auditLive(c.Context(), s, &conn, host, opts, f.quiet); err != nil {
					if errors.As(err, new(usageError)) {
						return err
					}
					errs = append(errs, report.Error{Target: args[0], Message: err.Error()})
				}
			}
			f.html = report.NewHTMLContext("diff", opts.Rules)
			f.html.AddResult(res[1], opts.Rules)
			return writeDiff(s, &f, report.NewDiff(res[0], res[1], errs, failOn))
		},
	}
	f.register(c)
	conn.register(c)
	for _, name := range []string{"baseline", "write-baseline"} {
		_ = c.Flags().MarkHidden(name)
	}
	return c
}

// auditLive collects host's running configuration (read-only) and audits it.
func auditLive(ctx context.Context, s *IOStreams, conn *sshFlags, host string, opts audit.Options, quiet bool) (*audit.Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	password, enable, err := conn.secrets(s)
	if err != nil {
		return nil, err
	}
	t, err := conn.target(s, host, password, enable)
	if err != nil {
		return nil, err
	}
	r := collect.Collect(ctx, t, conn.collectOptions(s))
	collectWarnings(s, r, quiet)
	if r.Err != nil {
		return nil, r.Err
	}
	res, err := audit.Reader(bytes.NewReader(collect.MaskSecrets(r.Config)), "live:"+host, opts)
	if err != nil {
		return nil, err
	}
	if r.Version != "" {
		res.Version = r.Version
	}
	return res, nil
}

// noBaseline refuses the baseline flags: comparing before and after is what separates
// the findings a change brings from the existing ones.
func (f *auditFlags) noBaseline(cmd string) error {
	if f.baseline != "" || f.writeBaseline != "" {
		return usageError{fmt.Errorf("%s compares the configuration before and after a change: --baseline and --write-baseline do not apply", cmd)}
	}
	return nil
}

// applyFlags are check's --apply and --print-config.
type applyFlags struct {
	change      string
	printConfig bool
	script      *change.Script // read ahead by load (live reads it before logging in)
}

func (a *applyFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&a.change, "apply", "", "simulate the change script `SCRIPT` (configuration-mode commands) on the one FILE and report, as diff does, what it introduces, resolves and leaves unchanged")
	fl.BoolVar(&a.printConfig, "print-config", false, "with --apply: print the resulting configuration (the sections the audit reads) instead of the report")
}

// active reports whether check is to simulate a change rather than audit its files.
func (a *applyFlags) active() bool { return a.change != "" || a.printConfig }

// run is check --apply: it reads the one configuration in args and simulates the change on it.
func (a *applyFlags) run(s *IOStreams, f *auditFlags, args []string, opts audit.Options) error {
	switch {
	case a.change == "":
		return usageError{errors.New("--print-config needs --apply SCRIPT")}
	case len(args) != 1:
		return usageError{fmt.Errorf("--apply simulates a change on one configuration, got %d files", len(args))}
	case args[0] == "-" && a.change == "-":
		return usageError{errors.New("--apply: only one of FILE and SCRIPT can be standard input (-)")}
	}
	if err := f.noBaseline("check --apply"); err != nil {
		return err
	}
	src, name, closeSrc, err := openConfig(args[0], s.In)
	if err != nil {
		return writeDiff(s, f, report.NewDiff(nil, nil, []report.Error{{Target: args[0], Message: err.Error()}}, f.failOnLevel))
	}
	defer closeSrc()
	return applyChange(s, f, a, name, src, opts)
}

// openConfig opens the configuration in path ("-" is standard input) for parsing twice. A
// regular file is read from where it is, each time, its lines read back as they are asked
// for (as check does): reading it whole first, a 73 MB configuration took 1.7 s and 296
// MiB, most of it touching memory for the first time. Any other input (standard input, a
// pipe, a device) is read whole, within maxConfigBytes.
func openConfig(path string, stdin io.Reader) (src io.ReadSeeker, name string, closeSrc func(), err error) {
	if path != "-" {
		f, err := input.Open(path, "a configuration file")
		if err != nil {
			return nil, "", nil, err
		}
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			return f, path, func() { f.Close() }, nil
		}
		f.Close()
	}
	b, name, err := readConfig(path, stdin)
	if err != nil {
		return nil, "", nil, err
	}
	return bytes.NewReader(b), name, func() {}, nil
}

// load reads the change script once.
func (a *applyFlags) load(s *IOStreams) (*change.Script, error) {
	if a.script != nil {
		return a.script, nil
	}
	var err error
	if a.change == "-" {
		a.script, err = change.Read(s.In, "<stdin>")
	} else {
		a.script, err = change.ReadFile(a.change)
	}
	return a.script, err
}

// applyChange audits the configuration src (named name) before and after the change
// script a.change, and writes the diff, or with --print-config the resulting configuration.
// live --apply can call it with a collected configuration.
func applyChange(s *IOStreams, f *auditFlags, a *applyFlags, name string, src io.ReadSeeker, opts audit.Options) error {
	failed := func(target string, err error) error {
		return writeDiff(s, f, report.NewDiff(nil, nil, []report.Error{{Target: target, Message: err.Error()}}, f.failOnLevel))
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return failed(name, err)
	}
	before, err := audit.Reader(src, name, opts)
	if err != nil {
		return failed(name, err)
	}
	script, err := a.load(s)
	if err != nil {
		d := report.NewDiff(before, nil, []report.Error{{Target: a.change, Message: err.Error()}}, f.failOnLevel)
		d.Change = a.change
		return writeDiff(s, f, d)
	}
	// The configuration is parsed again for AFTER, so that BEFORE keeps its own.
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return failed(name, err)
	}
	cfg, applied, err := script.After(src, name, opts.ParserOptions())
	if err != nil {
		return failed(name, err)
	}
	var skipped []report.Unsimulated
	for _, k := range applied.Skipped {
		skipped = append(skipped, report.Unsimulated{File: k.Pos.Filename, Line: k.Pos.Line, Command: k.Text, Reason: k.Reason})
	}
	if a.printConfig {
		return printConfig(s, f, cfg, script.File, skipped)
	}
	after := audit.Config(cfg, opts)
	if err := cfg.ReadBackErr(); err != nil {
		// AFTER's lines were read back from the file, as audit.Reader checks BEFORE's.
		return failed(name, err)
	}
	// The lines the script added to the access-lists, objects or NAT are kept with the
	// configuration's, and the path rules' findings on them name its file: they are the
	// script's lines.
	for i, x := range after.Findings {
		if x.File == cfg.File && applied.Added(x.Line, x.Source) {
			after.Findings[i].File, after.Findings[i].Column = script.File, 0
		}
	}
	d := report.NewDiff(before, after, nil, f.failOnLevel)
	d.Change = script.File
	d.AddNotSimulated(skipped...)
	f.html.AddResult(after, opts.Rules)
	return writeDiff(s, f, d)
}

// printConfig writes the configuration a change script produced, to --output or standard
// output; the commands not simulated go to standard error.
func printConfig(s *IOStreams, f *auditFlags, cfg *parser.Config, script string, skipped []report.Unsimulated) error {
	for _, k := range skipped {
		fmt.Fprintf(s.ErrOut, "asaaudit: %s:%d: not simulated: %s: %s\n", k.File, k.Line, k.Reason, k.Command)
	}
	write := func(w io.Writer) error {
		fmt.Fprintf(w, "! %s with %s applied, as simulated by asaaudit: only the sections the audit reads\n", cfg.File, script)
		return parser.Print(w, cfg)
	}
	if f.output != "" {
		return writeFileAtomic(f.output, permReport, write)
	}
	return write(s.Out)
}

// readConfig reads the configuration in path ("-" is standard input) whole, for parsing
// twice; the errors read as audit.File's do.
func readConfig(path string, stdin io.Reader) ([]byte, string, error) {
	if path == "-" {
		b, err := input.ReadBounded(stdin, "<stdin>", "a configuration", maxConfigBytes)
		return b, "<stdin>", err
	}
	b, err := input.ReadAllBounded(path, "a configuration file", maxConfigBytes)
	return b, path, err
}

// maxConfigBytes bounds a configuration read whole (the one --apply changes): far above
// the largest real running-config (a 5M-line generated one is 371 MB), so that /dev/zero
// or a runaway pipe fails instead of exhausting memory.
const maxConfigBytes = 1 << 30

// writeDiff prints input errors to stderr, writes each --format output of d and returns
// the exit code. When an input could not be read the text format adds nothing to the
// error lines; the other formats still write their document, with the errors in it.
func writeDiff(s *IOStreams, f *auditFlags, d *report.Diff) error {
	outs, err := parseOutputs(f.format, f.output)
	if err != nil {
		return usageError{err}
	}
	if len(d.Errors) > 0 {
		outs = slices.DeleteFunc(outs, func(o output) bool { return o.format == "text" })
	}
	return f.writeOutputs(s, outs, d.Errors, d.Summary.ExitCode, func(w io.Writer, format string, o report.Options) error {
		return report.WriteDiff(w, format, d, o)
	})
}
