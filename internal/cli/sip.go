package cli

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/capture"
	"github.com/asaaudit/asaaudit/registration"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

// maxCaptureWarnings bounds the capture warnings printed per capture; the rest are counted.
const maxCaptureWarnings = 10

func newSIPCmd(s *IOStreams) *cobra.Command {
	var f auditFlags
	var running string
	c := &cobra.Command{
		Use:   "sip [flags] CAPTURE...",
		Short: "Tell from packet captures whether SIP registration fails, why, and whether the firewall is the cause",
		Long: `sip reads packet captures (pcap, pcapng, the ASA's "show capture" output or a tshark
one-line summary; - for standard input) and follows each registration: the REGISTERs, the
challenges and answers, the keepalives. It prints each registration's exchange as a ladder
with the diagnosis beneath it (the REG rules): wrong credentials, unknown domain, provider
limits (not the firewall), or no answer, addresses not rewritten, a NAT binding that moved
(the firewall).

With --running-config, the firewall's saved configuration is audited beside the captures:
the refresh intervals measured in the capture take the place of --keepalive and
--register-interval when those are not given, the capture's SIP ports are audited too, and
each capture finding that points at the firewall names the configuration finding it
confirms (REG004 and SIP003, REG003 and SIP001...).`,
		Example: `  asaaudit sip phones.pcapng
  asaaudit sip --running-config running.txt --sip-port udp/5080 outside.pcap
  tshark -r phones.pcapng -Y sip | asaaudit sip -
  asaaudit sip --format json -o registration.json phones.pcapng`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			return sipRun(s, &f, args, running)
		},
	}
	f.register(c)
	c.Flags().StringVar(&running, "running-config", "", "the firewall's saved \"show running-config\" (`FILE`) to audit beside the captures")
	return c
}

// sipRun analyses the captures and, with running, audits the configuration with what they
// measured, then reports both.
func sipRun(s *IOStreams, f *auditFlags, captures []string, running string) error {
	stdin := 0
	for _, p := range append(slices.Clone(captures), running) {
		if p == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return usageError{fmt.Errorf("sip: standard input (-) can be given once")}
	}
	opts, _, err := f.options()
	if err != nil {
		return err
	}
	var inputs []namedPath
	for _, p := range captures {
		inputs = append(inputs, namedPath{"", p})
	}
	if running != "" {
		inputs = append(inputs, namedPath{"--running-config", running})
	}
	if err := f.guard(inputs...); err != nil {
		return err
	}
	cr := newCaptureRun(f.ran)
	for _, p := range captures {
		cr.read(s, p, f.quiet)
	}
	results, errs := cr.results, cr.errs
	if running != "" {
		cr.apply(s, &opts, f)
		res, err := audit.File(running, s.In, opts)
		if err != nil {
			errs = append(errs, report.Error{Target: running, Message: err.Error()})
		} else {
			cr.corroborate(res, opts)
			results = append([]*audit.Result{res}, results...)
		}
	}
	f.html = cr.htmlContext("sip", opts.Rules)
	return f.finishWith(s, results, errs, cr.writeLadders)
}

// captureRun is the analysis of the captures of one run: a result per capture read, the
// ladders of their registrations for the text output, and the intervals measured per port.
type captureRun struct {
	selected []*rules.Rule
	results  []*audit.Result
	errs     []report.Error
	ladders  []ladder
	measured map[asa.Port]rules.Intervals
	order    []asa.Port
	// unanswered are the private client addresses and registrars of REGISTERs that got no
	// answer (REG002): without --clients and --provider, the path rules follow them.
	unanswered [][2]netip.Addr
}

// maxUnanswered bounds the flows the path rules are given from a capture.
const maxUnanswered = 16

// ladder is one registration as the text output and the HTML page show it: its exchange,
// then the diagnosis (the findings, by fingerprint, that the report still holds).
type ladder struct {
	file, title       string
	client, registrar netip.AddrPort
	start             time.Time
	steps             []registration.Step
	omitted           int
	diagnoses         []report.Diagnosis
}

func newCaptureRun(selected []*rules.Rule) *captureRun {
	return &captureRun{selected: selected, measured: map[asa.Port]rules.Intervals{}}
}

// read analyses one capture ("-" is standard input): a result, or an input error naming
// the file (and frame).
func (cr *captureRun) read(s *IOStreams, path string, quiet bool) {
	var rd *capture.Reader
	var err error
	name := path
	if path == "-" {
		name = "<stdin>"
		rd, err = capture.NewReader(s.In, name)
	} else {
		rd, err = capture.Open(path)
	}
	if err != nil {
		cr.errs = append(cr.errs, report.Error{Target: path, Message: err.Error()})
		return
	}
	defer rd.Close()
	if err := cr.readFrom(s, rd, name, quiet); err != nil {
		cr.errs = append(cr.errs, report.Error{Target: name, Message: err.Error()})
	}
}

// readFrom analyses the capture rd reads, whose findings and result are named name (a
// file, or what live read it from): it adds a result, or returns the error that stopped
// the reading. The registrations are judged as they end, so memory follows the
// registrations open, not the capture's size.
func (cr *captureRun) readFrom(s *IOStreams, rd *capture.Reader, name string, quiet bool) error {
	res := &audit.Result{Target: name, Findings: []rules.Finding{}, Capture: true}
	a := registration.New(func(r *registration.Registration) {
		fs := rules.RunCapture(r, cr.selected)
		res.Findings = append(res.Findings, fs...)
		cr.measure(r)
		cr.ladders = append(cr.ladders, newLadder(r, fs))
	})
	for {
		ev, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		a.Add(ev)
	}
	a.Flush()
	res.Lines = rd.Frames()
	if !quiet {
		for i, w := range rd.Warnings() {
			if i == maxCaptureWarnings {
				break
			}
			fmt.Fprintf(s.ErrOut, "asaaudit: warning: %s\n", w)
		}
		if more := rd.WarningCount() - min(len(rd.Warnings()), maxCaptureWarnings); more > 0 {
			fmt.Fprintf(s.ErrOut, "asaaudit: warning: %s: %d more frames not read whole\n", res.Target, more)
		}
		if rd.FlowOnly() {
			fmt.Fprintf(s.ErrOut, "asaaudit: note: %s shows no SIP payloads (\"show capture\" without detail or dump): only its flows are known\n", res.Target)
		}
	}
	cr.results = append(cr.results, res)
	return nil
}

func newLadder(r *registration.Registration, fs []rules.Finding) ladder {
	port := r.Port() + " "
	if port == "sip " {
		port = "" // a summary shows neither transport nor port
	}
	l := ladder{file: r.File, title: fmt.Sprintf("registration %s%s, %s -> %s", port, r.AOR, registration.Addr(r.Client), registration.Addr(r.Registrar)),
		client: r.Client, registrar: r.Registrar, start: r.Start, steps: slices.Clone(r.Steps), omitted: r.Omitted}
	if r.CallID != "" {
		l.title += ", Call-ID " + r.CallID
	}
	for _, f := range fs {
		l.diagnoses = append(l.diagnoses, report.Diagnosis{Frame: f.Line, Rule: f.Rule, Severity: f.Severity.String(), Message: f.Message, Fingerprint: f.Fingerprint})
	}
	return l
}

// htmlContext is the HTML page's context of a run of command with options o: the
// registrations are drawn on it as ladders (made only when a page is written).
func (cr *captureRun) htmlContext(command string, o rules.Options) *report.HTMLContext {
	c := report.NewHTMLContext(command, o)
	cr.addLadders(c)
	return c
}

// addLadders gives c the ladders of cr's registrations, drawn only when a page is
// written.
func (cr *captureRun) addLadders(c *report.HTMLContext) {
	c.AddLadders(func(add func(string, report.Ladder)) {
		for _, l := range cr.ladders {
			add(l.file, l.html())
		}
	})
}

// html is the ladder as the HTML page draws it.
func (l ladder) html() report.Ladder {
	hl := report.Ladder{Title: l.title, Client: registration.Addr(l.client), Registrar: registration.Addr(l.registrar), Omitted: l.omitted, Diagnoses: l.diagnoses}
	for _, st := range l.steps {
		s := report.LadderStep{Frame: st.Frame, Src: registration.Addr(st.Src), Dst: registration.Addr(st.Dst), Text: st.Text}
		if !st.Time.IsZero() && !l.start.IsZero() {
			s.Time = fmt.Sprintf("%.3f", st.Time.Sub(l.start).Seconds())
		}
		hl.Steps = append(hl.Steps, s)
	}
	return hl
}

// measure keeps, per registrar port, the longest refresh and keepalive intervals seen.
func (cr *captureRun) measure(r *registration.Registration) {
	ports, err := asa.ParsePorts(r.Port())
	if err != nil || len(ports) != 1 {
		return
	}
	p := ports[0]
	if pair := [2]netip.Addr{r.Client.Addr(), r.Registrar.Addr()}; r.Has(registration.NoAnswer) && registration.Private(pair[0]) &&
		len(cr.unanswered) < maxUnanswered && !slices.Contains(cr.unanswered, pair) {
		cr.unanswered = append(cr.unanswered, pair)
	}
	in, seen := cr.measured[p]
	if !seen {
		cr.order = append(cr.order, p)
	}
	in.Keepalive = max(in.Keepalive, r.Keepalive)
	in.RegisterInterval = max(in.RegisterInterval, r.Refresh)
	cr.measured[p] = in
}

// apply adds the captures' SIP ports to the audited ones and, unless --keepalive or
// --register-interval is given, uses the intervals measured for them, with a note on
// stderr for each.
//
// Without clients and providers, the path rules follow the REGISTERs that got no answer
// from a private (inside) address, so that REG002 can name what drops them.
func (cr *captureRun) apply(s *IOStreams, o *audit.Options, f *auditFlags) {
	if len(o.Rules.Clients) == 0 && len(o.Rules.Providers) == 0 && len(cr.unanswered) > 0 {
		var flags []string
		for _, pair := range cr.unanswered {
			c := netip.PrefixFrom(pair[0], pair[0].BitLen())
			if !slices.Contains(o.Rules.Clients, c) {
				o.Rules.Clients = append(o.Rules.Clients, c)
				flags = append(flags, "--clients "+pair[0].String())
			}
			if !slices.Contains(o.Rules.Providers, pair[1]) {
				o.Rules.Providers = append(o.Rules.Providers, pair[1])
				flags = append(flags, "--provider "+pair[1].String())
			}
		}
		if !f.quiet {
			fmt.Fprintf(s.ErrOut, "asaaudit: note: the path rules follow the REGISTERs the capture shows unanswered (%s)\n", strings.Join(flags, " "))
		}
	}
	given := f.changed("keepalive") || f.changed("register-interval")
	for _, p := range cr.order {
		if !slices.Contains(o.Rules.Ports, p) {
			o.Rules.Ports = append(o.Rules.Ports, p)
			if !f.quiet {
				fmt.Fprintf(s.ErrOut, "asaaudit: note: %s added to the audited SIP ports: the capture registers on it\n", p)
			}
		}
		in := cr.measured[p]
		if given || (in.Keepalive == 0 && in.RegisterInterval == 0) {
			continue
		}
		if old, ok := o.Rules.PerPort[p]; ok && (old.Keepalive > 0 || old.RegisterInterval > 0) {
			continue // the configuration file's profile says what these clients do
		}
		if o.Rules.PerPort == nil {
			o.Rules.PerPort = map[asa.Port]rules.Intervals{}
		}
		o.Rules.PerPort[p] = in
		if !f.quiet {
			fmt.Fprintf(s.ErrOut, "asaaudit: note: %s: the timeout rules use the intervals measured in the capture (%s)\n", p, intervals(in))
		}
	}
}

func intervals(in rules.Intervals) string {
	var parts []string
	if in.Keepalive > 0 {
		parts = append(parts, "keepalive "+in.Keepalive.Round(time.Second).String())
	}
	if in.RegisterInterval > 0 {
		parts = append(parts, "re-REGISTER "+in.RegisterInterval.Round(time.Second).String())
	}
	return strings.Join(parts, ", ")
}

// corroborate links the capture findings to the configuration findings they confirm.
func (cr *captureRun) corroborate(res *audit.Result, o audit.Options) {
	paths := len(o.Rules.Clients) > 0 && len(o.Rules.Providers) > 0
	for _, c := range cr.results {
		rules.Corroborate(c.Findings, res.Findings, paths)
	}
}

// writeLadders writes, for the text format, each registration's exchange with the
// diagnosis beneath: the one-line form of its findings the report still holds (a
// baselined one is left out).
func (cr *captureRun) writeLadders(w io.Writer, r *report.Report) error {
	if len(cr.ladders) == 0 {
		return nil
	}
	byFP := map[string][]rules.Finding{}
	for _, f := range r.Findings {
		byFP[f.Fingerprint] = append(byFP[f.Fingerprint], f)
	}
	var b strings.Builder
	for _, l := range cr.ladders {
		b.WriteString(l.file + ": " + l.title + "\n")
		for _, st := range l.steps {
			b.WriteString("  " + st.Line(l.start) + "\n")
		}
		if l.omitted > 0 {
			fmt.Fprintf(&b, "  (%d more messages not shown)\n", l.omitted)
		}
		seen := map[string]bool{}
		for _, d := range l.diagnoses {
			if seen[d.Fingerprint] {
				continue
			}
			seen[d.Fingerprint] = true
			for _, f := range byFP[d.Fingerprint] {
				fmt.Fprintf(&b, "  => frame %d: %s %s %s\n", f.Line, f.Severity, f.Rule, f.Message)
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
