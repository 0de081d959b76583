package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/spf13/cobra"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/internal/input"
	"github.com/asaaudit/asaaudit/parser"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

// traceOptions are the trace command's flags.
type traceOptions struct {
	from, to, port, format string
	input, sourcePort      string
	file                   string
	evidence               []string
}

func newTraceCmd(s *IOStreams) *cobra.Command {
	var o traceOptions
	c := &cobra.Command{
		Use:   "trace --from ADDR --to ADDR [--port udp/5060] FILE",
		Short: "Show what the configuration does to one SIP packet, step by step (an offline packet-tracer)",
		Long: `trace follows one SIP packet from --from (a phone, or the phones' subnet) to --to (the
provider) through a saved configuration, like the ASA's packet-tracer: the input interface,
the route lookup and output interface, the same-security rule, each access-list consulted
and the entry that matched (or the security levels), the NAT rule and translated address,
the policy-map, class and inspect that apply, the idle timeout that will govern the
connection, and whether the provider's requests can come back. Each step names the
configuration lines it relies on.

It reads the configuration only: it never runs packet-tracer on a device. With --evidence,
the saved output of the device's own packet-tracer for this flow (text or xml, as "live
--packet-tracer --save" writes it, or pasted with its command) is compared with the trace
phase by phase: input interface, route lookup, access-list verdict and entry, NAT,
inspect sip and the result. The exit code is 0 when the packet passes, 1 when it is
dropped, 2 when the input cannot be read.`,
		Example: `  asaaudit trace --from 10.200.41.89 --to 204.11.192.22 --port udp/5080 running-config.txt
  asaaudit trace --from 10.200.41.0/24 --to 204.11.192.22 --format json running-config.txt`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			s.deferGC()
			o.file = args[0]
			return traceRun(s, o)
		},
	}
	fl := c.Flags()
	fl.StringVar(&o.from, "from", "", "source `ADDR`: a phone's address, or the phones' subnet (CIDR)")
	fl.StringVar(&o.to, "to", "", "destination `ADDR`: the provider's address")
	fl.StringVar(&o.port, "port", "udp/5060", "SIP `PORT`: udp/N or tcp/N")
	fl.StringVar(&o.format, "format", "text", "output `FORMAT`: text or json")
	fl.StringVar(&o.input, "input", "", "input `INTERFACE` (nameif) when the phones' subnet is a bridge group's: the member port they are behind (default: its first member)")
	fl.StringArrayVar(&o.evidence, "evidence", nil, "saved packet-tracer output (`FILE`, text or xml) of this flow to compare with the trace (repeatable)")
	fl.StringVar(&o.sourcePort, "source-port", "sip", "the phones' source `PORT`: sip (the SIP port, symmetric signalling) or ephemeral (1024-65535)")
	_ = c.MarkFlagRequired("from")
	_ = c.MarkFlagRequired("to")
	return c
}

// traceRun parses the flags into a flow, evaluates it and writes the steps.
func traceRun(s *IOStreams, o traceOptions) error {
	clients, err := asa.ParseClients(o.from)
	if err != nil {
		return usageError{fmt.Errorf("--from: %w", err)}
	}
	provider, err := asa.ParseProvider(o.to)
	if err != nil {
		return usageError{fmt.Errorf("--to: %w", err)}
	}
	ports, err := asa.ParsePorts(o.port)
	if err != nil || len(ports) != 1 {
		return usageError{fmt.Errorf("--port: want udp/N or tcp/N, not %q", o.port)}
	}
	if o.sourcePort != "sip" && o.sourcePort != "ephemeral" {
		return usageError{fmt.Errorf("--source-port: want sip or ephemeral, not %q", o.sourcePort)}
	}
	if o.format != "text" && o.format != "json" {
		return usageError{fmt.Errorf("--format: unknown format %q (want text or json)", o.format)}
	}
	cfg, closeFile, err := readPaths(s, o.file)
	if err != nil {
		fmt.Fprintf(s.ErrOut, "asaaudit: %s\n", err)
		return exitError{report.ExitError}
	}
	defer closeFile()
	m := asa.New(cfg)
	path := m.Path(asa.Flow{Clients: clients, Provider: provider, Port: ports[0], Input: o.input, Ephemeral: o.sourcePort == "ephemeral"})
	t := newTrace(cfg, path)
	for _, file := range o.evidence {
		ev, err := evidence.ParseFile(file)
		if err != nil {
			fmt.Fprintf(s.ErrOut, "asaaudit: %s\n", err)
			return exitError{report.ExitError}
		}
		for _, d := range ev.Diagnostics {
			fmt.Fprintf(s.ErrOut, "asaaudit: warning: %s\n", d)
		}
		n := 0
		for _, pt := range ev.Traces {
			if !traceFor(pt, clients, provider, ports[0]) {
				continue
			}
			n++
			t.PacketTracer = append(t.PacketTracer, newTraceCheck(rules.CompareTrace(m, pt, []netip.Prefix{clients}, []netip.Addr{provider})))
		}
		if n == 0 {
			fmt.Fprintf(s.ErrOut, "asaaudit: warning: %s: no packet-tracer output for this flow (%d for other flows)\n", file, len(ev.Traces))
		}
	}
	// The trace is written out once whole: the lines it names are read back from the file
	// as they are printed, and a file changed meanwhile is an error, not a trace of half
	// old, half new lines.
	var out bytes.Buffer
	if o.format == "json" {
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		err = enc.Encode(t)
	} else {
		err = t.writeText(&out)
	}
	if err == nil {
		if err = cfg.ReadBackErr(); err != nil {
			fmt.Fprintf(s.ErrOut, "asaaudit: %s\n", err)
			return exitError{report.ExitError}
		}
		_, err = out.WriteTo(s.Out)
	}
	if err != nil {
		return err
	}
	if t.Result != asa.Allow {
		return exitError{report.ExitFindings}
	}
	return nil
}

// readPaths parses the configuration at path ("-": standard input) with its path sections.
// The lines of a file are read back from it when they are asked for (as check does:
// parser.Options.ReadBack), so the file stays open until closeFile is called.
func readPaths(s *IOStreams, path string) (cfg *parser.Config, closeFile func(), err error) {
	if path == "-" {
		cfg, err = parser.ParseWith(s.In, "<stdin>", parser.Options{Paths: true})
		return cfg, func() {}, err
	}
	f, err := input.Open(path, "a configuration file")
	if err != nil {
		return nil, nil, err
	}
	if cfg, err = parser.ParseWith(f, path, parser.Options{Paths: true, ReadBack: true}); err != nil {
		f.Close()
		return nil, nil, err
	}
	return cfg, func() { f.Close() }, nil
}

// trace is the trace command's output; its JSON form is a public contract.
type trace struct {
	SchemaVersion int          `json:"schemaVersion"`
	File          string       `json:"file"`
	Flow          traceFlow    `json:"flow"`
	Input         string       `json:"input,omitempty"`
	Output        string       `json:"output,omitempty"`
	Steps         []traceStep  `json:"steps"`
	Result        string       `json:"result"`
	Unresolved    string       `json:"unresolved,omitempty"`
	Notes         []string     `json:"notes"`
	Return        *traceReturn `json:"return,omitempty"`
	// Diagnostics are the lines the trace read that could not be read (PARSE001).
	Diagnostics []traceDiagnostic `json:"diagnostics"`
	// PacketTracer compares the device's packet-tracer outputs for this flow (--evidence).
	PacketTracer []traceCheck `json:"packetTracer,omitempty"`
}

// traceCheck is one packet-tracer output set beside the trace.
type traceCheck struct {
	Command string      `json:"command"`
	At      string      `json:"at"`
	Reverse bool        `json:"reverse,omitempty"`
	Agrees  bool        `json:"agrees"`
	Agreed  []string    `json:"agreed"`
	Diffs   []traceDiff `json:"diffs"`
}

type traceDiff struct {
	Phase  string      `json:"phase"`
	Device string      `json:"device"`
	Config string      `json:"config"`
	Lines  []traceLine `json:"lines"`
	Why    string      `json:"why"`
}

func newTraceCheck(c *rules.TraceComparison) traceCheck {
	tc := traceCheck{Command: c.Trace.String(), At: c.Trace.Pos.String(), Reverse: c.Reverse, Agrees: len(c.Diffs) == 0,
		Agreed: append([]string{}, c.Agreed...), Diffs: []traceDiff{}}
	for _, d := range c.Diffs {
		td := traceDiff{Phase: d.Phase, Device: d.Device, Config: d.Config, Why: d.Why, Lines: []traceLine{}}
		for _, l := range d.Lines {
			td.Lines = append(td.Lines, traceLine{l.Line, l.Text})
		}
		tc.Diffs = append(tc.Diffs, td)
	}
	return tc
}

// traceFor reports whether pt traces the flow (the phones' packet) or the provider's
// request back to the phones.
func traceFor(pt *evidence.Trace, clients netip.Prefix, provider netip.Addr, port asa.Port) bool {
	if pt.Proto != port.Proto {
		return false
	}
	forward := clients.Contains(pt.Src) && pt.Dst == provider && pt.DstPort == port.Number
	back := pt.Src == provider && pt.SrcPort == port.Number
	return forward || back
}

type traceFlow struct {
	From string `json:"from"`
	To   string `json:"to"`
	Port string `json:"port"`
	// SourcePort is "ephemeral" for phones that do not send from the SIP port.
	SourcePort string `json:"sourcePort,omitempty"`
}

type traceStep struct {
	Phase  string      `json:"phase"`
	Result string      `json:"result"`
	Detail string      `json:"detail"`
	Config []traceLine `json:"config"`
}

type traceLine struct {
	Line int    `json:"line"`
	Text string `json:"text"`
}

type traceReturn struct {
	Admitted bool `json:"admitted"`
	// Pinholes is set when the requests come back through the pinholes inspect sip opens.
	Pinholes bool   `json:"pinholes,omitempty"`
	Detail   string `json:"detail"`
}

type traceDiagnostic struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
	Source  string `json:"source"`
}

func newTrace(cfg *parser.Config, p *asa.Path) *trace {
	t := &trace{
		SchemaVersion: 1, File: cfg.File, Input: p.Ingress, Output: p.Egress,
		Flow:       traceFlow{From: prefixString(p.Clients), To: p.Provider.String(), Port: p.Port.String()},
		Result:     asa.Drop,
		Unresolved: p.Unresolved,
		Notes:      append([]string{}, p.Notes...),
		Steps:      []traceStep{},
	}
	if p.Ephemeral {
		t.Flow.SourcePort = "ephemeral"
	}
	if p.Allowed() {
		t.Result = asa.Allow
		t.Return = &traceReturn{Admitted: p.Return.Admitted, Pinholes: p.Return.Pinholes && !p.Return.Admitted, Detail: p.Return.Detail}
	}
	for _, s := range p.Steps {
		ts := traceStep{Phase: s.Phase, Result: s.Result, Detail: s.Text(), Config: []traceLine{}}
		for _, c := range s.Config {
			if c.Line > 0 {
				ts.Config = append(ts.Config, traceLine{c.Line, c.Text})
			}
		}
		t.Steps = append(t.Steps, ts)
	}
	t.Diagnostics = []traceDiagnostic{}
	for _, d := range cfg.Diagnostics {
		if d.Code == "PARSE001" {
			t.Diagnostics = append(t.Diagnostics, traceDiagnostic{d.Pos.Line, d.Message, d.Source})
		}
	}
	return t
}

func prefixString(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}

// writeText writes the trace the way packet-tracer does: numbered phases, each with its
// result, what it found, and the configuration lines it relies on.
func (t *trace) writeText(w io.Writer) error {
	var b strings.Builder
	from := ""
	if t.Flow.SourcePort != "" {
		from = " from an " + t.Flow.SourcePort + " port"
	}
	fmt.Fprintf(&b, "trace %s %s -> %s%s (%s)\n", t.Flow.Port, t.Flow.From, t.Flow.To, from, t.File)
	for i, s := range t.Steps {
		fmt.Fprintf(&b, "\nPhase %d: %s\nResult: %s\n", i+1, s.Phase, s.Result)
		for _, c := range s.Config {
			fmt.Fprintf(&b, "  %s:%d: %s\n", t.File, c.Line, c.Text)
		}
		fmt.Fprintf(&b, "  %s\n", s.Detail)
	}
	for _, n := range t.Notes {
		fmt.Fprintf(&b, "\nDepends: %s\n", n)
	}
	for _, d := range t.Diagnostics {
		fmt.Fprintf(&b, "\nwarning: %s:%d: PARSE001 %s: %s\n", t.File, d.Line, d.Message, d.Source)
	}
	for _, c := range t.PacketTracer {
		verdict := "agrees with the trace: " + strings.Join(c.Agreed, ", ")
		if !c.Agrees {
			verdict = "disagrees with the trace"
		}
		fmt.Fprintf(&b, "\nFirewall: %s (%s) %s\n", c.Command, c.At, verdict)
		for _, d := range c.Diffs {
			fmt.Fprintf(&b, "  %s: the firewall: %s; the configuration: %s\n", d.Phase, d.Device, d.Config)
			for _, l := range d.Lines {
				fmt.Fprintf(&b, "    %s:%d: %s\n", t.File, l.Line, l.Text)
			}
			fmt.Fprintf(&b, "    likely: %s\n", d.Why)
		}
	}
	fmt.Fprintf(&b, "\nResult: %s", t.Result)
	switch {
	case t.Unresolved != "":
		fmt.Fprintf(&b, " (not evaluated: %s)", t.Unresolved)
	case t.Result == asa.Allow:
		back := "only through the connection the phones opened"
		switch {
		case t.Return.Admitted:
			back = "admitted by the configuration"
		case t.Return.Pinholes:
			back = "through the pinholes inspect sip opens"
		}
		fmt.Fprintf(&b, " (input interface %s, output interface %s; the provider's requests back: %s)", t.Input, t.Output, back)
	default:
		fmt.Fprintf(&b, " (input interface %s, output interface %s)", t.Input, t.Output)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
