package evidence

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/asaaudit/asaaudit/internal/lazyre"
)

// Trace is one answer of the ASA's packet-tracer: the phases the simulated packet went
// through and the verdict, in the text form (ASA 7.2 and later) or the xml one (the
// "xml" keyword; 9.x). The flow comes from the echoed command: without it the output
// cannot be set beside a flow of the configuration, and is a Diagnostic.
type Trace struct {
	Output *Output
	Pos    Position
	// The command's arguments: input interface, protocol, source and destination.
	Input            string
	Proto            string
	Src, Dst         netip.Addr
	SrcPort, DstPort int
	// XML is set for the xml form.
	XML    bool
	Phases []TracePhase
	// InputInterface, OutputInterface, Action ("allow" or "drop") and DropReason are the
	// final Result section; DropReason is "" for an allowed packet.
	InputInterface, OutputInterface string
	Action                          string
	DropReason                      string
}

// TracePhase is one "Phase:" of a trace.
type TracePhase struct {
	ID      int
	Type    string // ROUTE-LOOKUP, ACCESS-LIST, NAT, INSPECT, FLOW-CREATION...
	Subtype string
	Result  string // ALLOW or DROP
	// Config holds the configuration lines the device shows for the phase; Extra its
	// "Additional Information" lines. Both trimmed, blank lines left out.
	Config []string
	Extra  []string
	Line   int // where the phase starts in the file
}

func (t *Trace) String() string {
	return fmt.Sprintf("packet-tracer input %s %s %s %d %s %d", t.Input, t.Proto, t.Src, t.SrcPort, t.Dst, t.DstPort)
}

// Phase returns the phases of type typ, in order.
func (t *Trace) Phase(typ string) []TracePhase {
	var out []TracePhase
	for _, p := range t.Phases {
		if strings.EqualFold(p.Type, typ) {
			out = append(out, p)
		}
	}
	return out
}

// maxTraceLines and maxTraceBytes bound what one packet-tracer output may hold: a real
// one has a few hundred lines (tens of KB) even with "detailed"; past them the rest is
// unread, so that a file of junk after a packet-tracer echo costs bounded memory.
const (
	maxTraceLines = 5000
	maxTraceBytes = 1 << 20
)

// tracerReader keeps the lines of one packet-tracer output; they are read at its end,
// since the xml form is one document over many lines.
type tracerReader struct {
	lines []tracerLine
	size  int
}

type tracerLine struct {
	num  int
	text string
}

func (r *tracerReader) line(p *state, pos Position, text string) bool {
	if len(r.lines) >= maxTraceLines || r.size+len(text) > maxTraceBytes {
		p.diag(pos, text, fmt.Sprintf("packet-tracer output longer than %d lines or %d bytes, not used", maxTraceLines, maxTraceBytes))
		return true
	}
	t := strings.Clone(strings.TrimRight(text, " \t\r"))
	r.size += len(t)
	r.lines = append(r.lines, tracerLine{pos.Line, t})
	return true
}

// flush reads the lines kept for the output o.
func (r *tracerReader) flush(p *state, o *Output) {
	defer func() { r.lines, r.size = nil, 0 }()
	if len(r.lines) == 0 && o.Command == "" {
		return
	}
	t := &Trace{Output: o, Pos: o.Pos}
	if o.Command == "" {
		p.diag(o.Pos, firstText(r.lines), "packet-tracer output without its command: the flow it traced is unknown, not used")
		return
	}
	if err := t.parseCommand(o.Command); err != nil {
		p.diag(o.Pos, o.Command, err.Error()+", not used")
		return
	}
	var err error
	if isXMLTrace(r.lines) {
		t.XML = true
		err = t.readXML(r.lines)
	} else {
		err = t.readText(p, r.lines)
	}
	if err != nil {
		p.diag(o.Pos, o.Command, err.Error())
		return
	}
	if t.Action == "" {
		if msg := deviceError(r.lines); msg != "" {
			p.diag(o.Pos, o.Command, "the device refused packet-tracer: "+msg)
			return
		}
		p.diag(o.Pos, o.Command, "packet-tracer output without its final Result (Action), not used")
		return
	}
	p.ev.Traces = append(p.ev.Traces, t)
}

func firstText(lines []tracerLine) string {
	for _, l := range lines {
		if strings.TrimSpace(l.text) != "" {
			return l.text
		}
	}
	return ""
}

func deviceError(lines []tracerLine) string {
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if strings.HasPrefix(t, "ERROR:") || strings.HasPrefix(t, "Command authorization failed") || strings.HasPrefix(t, "%") {
			return t
		}
	}
	return ""
}

func isXMLTrace(lines []tracerLine) bool {
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if t == "" {
			continue
		}
		return strings.HasPrefix(t, "<")
	}
	return false
}

// portNames are the port names packet-tracer accepts that SIP audits meet.
var portNames = map[string]int{"sip": 5060, "www": 80, "http": 80, "https": 443, "domain": 53}

// ParsePort reads a port as packet-tracer takes it: a number or a name ("sip").
func ParsePort(s string) (int, bool) {
	if n, ok := portNames[strings.ToLower(s)]; ok {
		return n, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 || s[0] == '+' {
		return 0, false
	}
	return n, true
}

// parseCommand reads "packet-tracer input IF udp|tcp SRC SPORT DST DPORT [detailed] [xml]".
func (t *Trace) parseCommand(cmd string) error {
	f := strings.Fields(cmd)
	bad := fmt.Errorf("packet-tracer command %q is not of the form \"packet-tracer input IF udp|tcp SRC SPORT DST DPORT\"", cmd)
	if len(f) < 8 || !strings.EqualFold(f[1], "input") {
		return bad
	}
	t.Input, t.Proto = f[2], strings.ToLower(f[3])
	if t.Proto != "udp" && t.Proto != "tcp" {
		return bad
	}
	var err1, err2 error
	t.Src, err1 = netip.ParseAddr(f[4])
	t.Dst, err2 = netip.ParseAddr(f[6])
	sp, ok1 := ParsePort(f[5])
	dp, ok2 := ParsePort(f[7])
	if err1 != nil || err2 != nil || !ok1 || !ok2 {
		return bad
	}
	t.SrcPort, t.DstPort = sp, dp
	return nil
}

// textKeyRe is a "Key: value" line of the text form.
var textKeyRe = lazyre.New(`^(Phase|Type|Subtype|Result|Config|Additional Information|input-interface|input-status|input-line-status|output-interface|output-status|output-line-status|Action|Drop-reason|Time Taken|Module information for [a-z]+|Elapsed time):\s*(.*)$`)

// readText reads the text form: "Phase: N", then Type, Subtype, Result, "Config:" and its
// lines, "Additional Information:" and its lines; after the last phase "Result:" alone and
// the interfaces, Action and Drop-reason.
func (t *Trace) readText(p *state, lines []tracerLine) error {
	var cur *TracePhase
	section := "" // "config", "extra", "result" or ""
	for _, l := range lines {
		text := strings.TrimSpace(l.text)
		if text == "" {
			continue
		}
		m := textKeyRe.Get().FindStringSubmatch(text)
		if m == nil {
			switch {
			case section == "config" && cur != nil:
				cur.Config = append(cur.Config, text)
			case section == "extra" && cur != nil:
				cur.Extra = append(cur.Extra, text)
			case section == "result":
				p.diag(Position{p.file, l.num}, text, "line not recognised in the Result of packet-tracer output, not used")
			default:
				if cur == nil {
					p.diag(Position{p.file, l.num}, text, "line not recognised in packet-tracer output, not used")
				} else {
					cur.Extra = append(cur.Extra, text)
				}
			}
			continue
		}
		key, val := m[1], strings.TrimSpace(m[2])
		switch key {
		case "Phase":
			id, _ := strconv.Atoi(val)
			t.Phases = append(t.Phases, TracePhase{ID: id, Line: l.num})
			cur, section = &t.Phases[len(t.Phases)-1], ""
		case "Type", "Subtype":
			if cur != nil && section != "result" {
				if key == "Type" {
					cur.Type = val
				} else {
					cur.Subtype = val
				}
			}
		case "Result":
			switch {
			case val == "":
				section, cur = "result", nil // the final Result
			case cur != nil:
				cur.Result = strings.ToUpper(val)
			}
		case "Config":
			section = "config"
			if val != "" && cur != nil {
				cur.Config = append(cur.Config, val)
			}
		case "Additional Information":
			section = "extra"
			if val != "" && cur != nil {
				cur.Extra = append(cur.Extra, val)
			}
		case "input-interface":
			t.InputInterface = val
		case "output-interface":
			t.OutputInterface = val
		case "Action":
			t.Action = strings.ToLower(val)
		case "Drop-reason":
			t.DropReason = val
		}
		// The status lines and timings are read and not kept.
	}
	return nil
}

// xmlPhase and xmlResult are the elements of the xml form.
type xmlPhase struct {
	ID      string `xml:"id"`
	Type    string `xml:"type"`
	Subtype string `xml:"subtype"`
	Result  string `xml:"result"`
	Config  string `xml:"config"`
	Extra   string `xml:"extra"`
}

type xmlResult struct {
	InputInterface  string `xml:"input-interface"`
	OutputInterface string `xml:"output-interface"`
	Action          string `xml:"action"`
	DropReason      string `xml:"drop-reason"`
}

// readXML reads the xml form: several top-level <Phase> elements then one <result>, no
// single root.
func (t *Trace) readXML(lines []tracerLine) error {
	var b strings.Builder
	starts := make([]int, 0, len(lines)) // byte offset of each line, for the phases' lines
	for _, l := range lines {
		starts = append(starts, b.Len())
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	lineAt := func(off int64) int {
		i := 0
		for i+1 < len(starts) && int64(starts[i+1]) <= off {
			i++
		}
		return lines[i].num
	}
	dec := xml.NewDecoder(strings.NewReader(b.String()))
	dec.Strict = false
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("packet-tracer xml output cannot be read (%v), not used", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch strings.ToLower(se.Name.Local) {
		case "phase":
			var x xmlPhase
			if err := dec.DecodeElement(&x, &se); err != nil {
				return fmt.Errorf("packet-tracer xml phase cannot be read (%v), not used", err)
			}
			id, _ := strconv.Atoi(strings.TrimSpace(x.ID))
			t.Phases = append(t.Phases, TracePhase{ID: id, Type: strings.TrimSpace(x.Type), Subtype: strings.TrimSpace(x.Subtype),
				Result: strings.ToUpper(strings.TrimSpace(x.Result)), Config: textLines(x.Config), Extra: textLines(x.Extra), Line: lineAt(off)})
		case "result":
			var x xmlResult
			if err := dec.DecodeElement(&x, &se); err != nil {
				return fmt.Errorf("packet-tracer xml result cannot be read (%v), not used", err)
			}
			t.InputInterface, t.OutputInterface = strings.TrimSpace(x.InputInterface), strings.TrimSpace(x.OutputInterface)
			t.Action, t.DropReason = strings.ToLower(strings.TrimSpace(x.Action)), strings.TrimSpace(x.DropReason)
		}
	}
}

func textLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// TimeoutValue is one timeout of "show running-config all timeout": the value in force
// on the device, configured or its default.
type TimeoutValue struct {
	Name   string // "udp", "sip", "pat-xlate", "igp stale-route"...
	Value  time.Duration
	Pos    Position
	Output *Output
}

// timeoutsReader reads "show running-config all timeout": lines of "timeout KEY H:MM:SS"
// pairs, several on a line, some followed by a word ("uauth 0:05:00 absolute").
type timeoutsReader struct{}

var hmsRe = lazyre.New(`^(\d+):(\d\d):(\d\d)$`)

func (timeoutsReader) line(p *state, pos Position, text string) bool {
	f := strings.Fields(text)
	if len(f) < 3 || f[0] != "timeout" {
		return false
	}
	var key []string
	for _, w := range f[1:] {
		m := hmsRe.Get().FindStringSubmatch(w)
		if m == nil {
			key = append(key, w)
			continue
		}
		if len(key) == 0 {
			continue // a value after a value: not a form the ASA prints
		}
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		s, _ := strconv.Atoi(m[3])
		d := time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(s)*time.Second
		p.ev.Timeouts = append(p.ev.Timeouts, &TimeoutValue{Name: strings.Join(key, " "), Value: d, Pos: pos, Output: p.cur.out})
		key = nil
	}
	return true
}

// DeviceTimeouts returns the timeouts the device showed for the configuration named
// hostname, by keyword; the last output wins.
func (e *Evidence) DeviceTimeouts(hostname string) map[string]*TimeoutValue {
	if e == nil {
		return nil
	}
	var out map[string]*TimeoutValue
	for _, t := range e.Timeouts {
		if t.Output != nil && !t.Output.BelongsTo(hostname) {
			continue
		}
		if out == nil {
			out = map[string]*TimeoutValue{}
		}
		out[t.Name] = t
	}
	return out
}

// tracerStartRe is the first line of a packet-tracer output saved without its echo.
var tracerStartRe = lazyre.New(`^(Phase: \d+|<Phase>)$`)
