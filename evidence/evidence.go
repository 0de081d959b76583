// Package evidence reads what a firewall is doing at run time from the output of ASA show
// commands ("show conn ... long", "show service-policy", "show mode", "show context"), saved
// in files or collected live, so that the rules can set it beside the configuration.
//
// A file may hold several outputs one after another, with or without the prompt and the
// echoed command; the kind of each output is recognised from its content. Every record keeps
// the file and line it came from, and a line that cannot be read is reported as a
// Diagnostic, never guessed at. Files are streamed and only what is used is kept (see
// Options; Diagnostics past the first ones of a file are counted, not kept), so that a
// capture of any size is read in the memory of what the rules need.
package evidence

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/internal/input"
	"github.com/asaaudit/asaaudit/internal/lazyre"
	"github.com/asaaudit/asaaudit/parser"
)

// Kind is what an output holds.
type Kind int

// Kinds of output.
const (
	// Other is the output of a command this package does not read (known from its echo).
	Other Kind = iota
	// Conns is "show conn" (plain, long or detail).
	Conns
	// ServicePolicies is "show service-policy".
	ServicePolicies
	// Mode is "show mode".
	Mode
	// Contexts is "show context".
	Contexts
	// PacketTracer is "packet-tracer input ..." (text or xml).
	PacketTracer
	// Timeouts is "show running-config all timeout": every timeout in force on the device.
	Timeouts
)

func (k Kind) String() string {
	switch k {
	case Conns:
		return "show conn"
	case ServicePolicies:
		return "show service-policy"
	case Mode:
		return "show mode"
	case Contexts:
		return "show context"
	case PacketTracer:
		return "packet-tracer"
	case Timeouts:
		return "show running-config all timeout"
	}
	return "other"
}

// Position is a line of an evidence file.
type Position struct {
	File string
	Line int
}

func (p Position) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Output is one command's output in an evidence file.
type Output struct {
	Kind Kind
	// Pos is the command echo, or the output's first line when there is no echo.
	Pos     Position
	EndLine int
	// Command is the echoed command, "" without an echo.
	Command string
	// Host and Context come from the echo's prompt ("fw1/admin# show conn"); empty
	// without an echo, Context empty in single-context mode and the system space.
	Host, Context string
	// Conns and Inspects count the connections and Inspect lines read in the output, kept
	// or not (Options.Ports keeps only the SIP ones): Unmatched reports them all.
	Conns, Inspects int
}

// BelongsTo reports whether o counts for the configuration whose hostname is hostname: an
// output saved with its prompt belongs to the configuration named by the prompt's host or
// context; one without a prompt, or a configuration without a hostname, matches any.
func (o *Output) BelongsTo(hostname string) bool {
	if o == nil || o.Host == "" || hostname == "" {
		return true
	}
	return strings.EqualFold(o.Host, hostname) || strings.EqualFold(o.Context, hostname)
}

// Unmatched is an output whose prompt names a host that no audited configuration has: its
// records count for none of them.
type Unmatched struct {
	Output *Output
	// Flows and Counters are how many connections and Inspect lines went unused.
	Flows, Counters int
}

// Unmatched returns the outputs this package reads that belong to none of the audited
// configurations named hostnames, in file order.
func (e *Evidence) Unmatched(hostnames []string) []Unmatched {
	if e == nil || len(hostnames) == 0 {
		return nil
	}
	var out []Unmatched
	for _, o := range e.Outputs {
		if o.Kind == Other || slices.ContainsFunc(hostnames, o.BelongsTo) {
			continue
		}
		out = append(out, Unmatched{Output: o, Flows: o.Conns, Counters: o.Inspects})
	}
	return out
}

// UnreadLines counts the lines of e's files that were not read (a run of lines reported as
// one Diagnostic counts each of its lines).
func (e *Evidence) UnreadLines() int {
	if e == nil {
		return 0
	}
	n := 0
	for _, d := range e.Diagnostics {
		n += max(d.EndLine, d.Pos.Line) - d.Pos.Line + 1
	}
	for _, o := range e.Omitted {
		n += o.Lines
	}
	return n
}

// maxDiagnostics is how many Diagnostics one file keeps with their text; the others are
// counted in Evidence.Omitted, so that a file of text that is no show output (a whole
// session log) costs memory for a few of its lines, not for every one.
const maxDiagnostics = 100

// maxText is how much of a line a Diagnostic keeps: enough to recognise it.
const maxText = 200

// Omitted counts the Diagnostics of one file beyond the first maxDiagnostics, which are
// not kept.
type Omitted struct {
	File string
	// Diagnostics is how many were not kept and Lines how many lines they cover.
	Diagnostics, Lines int
}

// Diagnostic is a line that was not read.
type Diagnostic struct {
	Pos Position
	// EndLine is the last line of a run of unread lines (equal to Pos.Line for one line).
	EndLine int
	Text    string // the (first) line as written
	Message string
}

func (d Diagnostic) String() string {
	at := d.Pos.String()
	if d.EndLine > d.Pos.Line {
		at += fmt.Sprintf("-%d", d.EndLine)
	}
	return fmt.Sprintf("%s: %s: %s", at, d.Message, d.Text)
}

// Evidence is everything read from one or more evidence files.
type Evidence struct {
	Outputs  []*Output
	Conns    []*Conn
	Policies []*Policy
	// Modes holds each "show mode" answer: "single" or "multiple".
	Modes    []ModeAnswer
	Contexts []*Context
	// Traces are the packet-tracer answers, and Timeouts the values of "show
	// running-config all timeout", in file order.
	Traces   []*Trace
	Timeouts []*TimeoutValue
	// Diagnostics are the lines that were not read, in file order: the first
	// maxDiagnostics of each file, the others counted in Omitted.
	Diagnostics []Diagnostic
	// Omitted counts, per file, the Diagnostics not kept.
	Omitted []Omitted
}

// Empty reports whether e holds no output this package reads (an output of "show conn"
// without connections is evidence that there are none, so it counts).
func (e *Evidence) Empty() bool {
	if e == nil {
		return true
	}
	for _, o := range e.Outputs {
		if o.Kind != Other {
			return false
		}
	}
	return true
}

// Merge returns the evidence of all of es together, in order.
func Merge(es ...*Evidence) *Evidence {
	out := &Evidence{}
	for _, e := range es {
		if e == nil {
			continue
		}
		out.Outputs = append(out.Outputs, e.Outputs...)
		out.Conns = append(out.Conns, e.Conns...)
		out.Policies = append(out.Policies, e.Policies...)
		out.Modes = append(out.Modes, e.Modes...)
		out.Contexts = append(out.Contexts, e.Contexts...)
		out.Traces = append(out.Traces, e.Traces...)
		out.Timeouts = append(out.Timeouts, e.Timeouts...)
		out.Diagnostics = append(out.Diagnostics, e.Diagnostics...)
		out.Omitted = append(out.Omitted, e.Omitted...)
	}
	return out
}

// Options say what of the evidence is kept. What is not kept is still read and counted
// (a connection on another port is no unread line), but costs no memory: a full
// connection table of a busy firewall is read in the memory of its SIP flows.
type Options struct {
	// Ports are the SIP ports audited (rules.Options.Ports): only the connections that use
	// one of them are kept, and of "show service-policy" only the "Inspect: sip" lines
	// with their class and policy, which is all the RUN rules read. Nil keeps everything.
	Ports []asa.Port
}

// ParseFile reads the evidence file path, keeping everything.
func ParseFile(path string) (*Evidence, error) { return Options{}.ParseFile(path) }

// Parse reads one or more show outputs from r, keeping everything; name is the file name
// records carry.
func Parse(r io.Reader, name string) (*Evidence, error) { return Options{}.Parse(r, name) }

// ParseFile reads the evidence file path, keeping what o says.
func (o Options) ParseFile(path string) (*Evidence, error) {
	f, err := input.Open(path, "an evidence file")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return o.Parse(f, path)
}

// Parse reads one or more show outputs from r, keeping what o says; name is the file name
// records carry. The input is streamed: memory follows what is kept, not the input's size.
func (o Options) Parse(r io.Reader, name string) (*Evidence, error) {
	p := newState(name)
	p.opts = o
	sc := parser.NewScanner(r)
	binary := func() (*Evidence, error) {
		return nil, fmt.Errorf("%s: binary data, not a text capture of show commands", name)
	}
	if parser.BinaryStream(sc.Head(512)) {
		return binary()
	}
	for sc.Scan() {
		if sc.Binary() {
			return binary() // at once: an endless binary stream must not be read on
		}
		num, text := sc.Line()
		if p.fastLine(num, text) {
			continue
		}
		p.line(num, string(text))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if sc.Binary() {
		return binary()
	}
	return p.finish(), nil
}

// ParseOutput reads the output of one command collected live: command is the command that
// was sent (it decides the kind when the output is empty), name the file name records carry
// (e.g. "fw1/admin show conn"). Line numbers count the lines of output.
func ParseOutput(name, command, output string) *Evidence {
	p := newState(name)
	p.start(Position{name, 1}, command, "", "")
	sc := parser.NewScanner(strings.NewReader(output))
	for sc.Scan() {
		num, text := sc.Line()
		p.line(num, string(text))
	}
	return p.finish()
}

// promptRe matches a prompt with the command typed after it: "fw1# show conn",
// "fw1/admin# show mode", "fw1(config)# show run", the failover forms "fw1/pri/act# sh conn"
// and "fw1/voice/sec/stby#", "Sydney-FW#show conn" (no blank after the prompt) and FTD's
// bare "> show service-policy". The host name cannot hold a blank, so no line of a show
// output matches.
var promptRe = lazyre.New(`^([A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*)?(?:\([a-z0-9-]+\))?[#>](?: *([A-Za-z].*)| *)$`)

// failoverWords are the prompt elements "prompt hostname context priority state" adds
// after the host and context: they name the unit's role, never a context.
var failoverWords = map[string]bool{"pri": true, "sec": true, "act": true, "stby": true, "actnofailover": true, "stbynofailover": true}

// prompt reads a prompt line: ok is false when text is not one. A prompt without a host
// (FTD's ">", a capture whose host name was cut) is taken as one only before a show
// command or alone, so that a note starting with "#" is not read as a command.
func prompt(text string) (command, host, context string, ok bool) {
	if !mayBePrompt(text) {
		return "", "", "", false
	}
	m := promptRe.Get().FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return "", "", "", false
	}
	command = strings.TrimSpace(strings.TrimPrefix(m[2], "do "))
	if m[1] == "" && command != "" {
		if f := strings.Fields(strings.ToLower(command)); !prefixOf(f[0], "show", 2) && !prefixOf(f[0], "packet-tracer", 8) {
			return "", "", "", false
		}
	}
	path := strings.Split(m[1], "/")
	if len(path) > 1 && !failoverWords[strings.ToLower(path[1])] {
		context = path[1]
	}
	return command, path[0], context, true
}

// state reads one file line by line.
type state struct {
	file string
	opts Options
	ev   *Evidence
	cur  *current
	// omitted counts the Diagnostics beyond maxDiagnostics.
	omitted Omitted
	// unread is the run of unread lines outside any output, reported as one Diagnostic.
	unread *Diagnostic
}

// current is the output being read.
type current struct {
	out    *Output
	echoed bool
	conns  connReader
	policy policyReader
	ctx    contextReader
	tracer tracerReader
}

func newState(file string) *state {
	return &state{file: file, ev: &Evidence{}, omitted: Omitted{File: file}}
}

// filtered reports whether only what the RUN rules read is kept.
func (p *state) filtered() bool { return p.opts.Ports != nil }

// keepsConn reports whether c is kept: it uses an audited port, or every connection is kept.
func (p *state) keepsConn(c *Conn) bool {
	if !p.filtered() {
		return true
	}
	for _, port := range p.opts.Ports {
		if c.HasPort(port.Proto, port.Number) {
			return true
		}
	}
	return false
}

func (p *state) line(num int, text string) {
	pos := Position{p.file, num}
	if cmd, host, ctx, ok := prompt(text); ok {
		p.flushUnread()
		p.end()
		if cmd != "" {
			p.start(pos, cmd, host, ctx)
		}
		return
	}
	// A command echoed without its prompt (copied from a terminal, or a document that
	// shows the command above its output) starts an output all the same.
	if cmd := strings.TrimSpace(text); commandKind(cmd) != Other {
		p.flushUnread()
		p.end()
		p.start(pos, cmd, "", "")
		return
	}
	// Empty lines end nothing inside an output: the pager's erased prompt leaves one in the
	// middle of a broken Inspect line, and captures pasted double-spaced put one between a
	// connection and its continuation lines.
	if strings.TrimSpace(text) == "" {
		p.flushUnread()
		return
	}
	if p.cur != nil {
		if p.feed(pos, text) {
			return
		}
		// The first line of another output (saved without its echo, after this one): the
		// new output starts here.
		if sniff(text) != Other {
			p.end()
		} else {
			p.cur.out.EndLine = num
			if p.cur.out.Kind != Other { // another command's output is skipped whole
				p.diag(pos, text, notRecognised(p.cur.out.Kind))
			}
			return
		}
	}
	if k := sniff(text); k != Other {
		p.flushUnread()
		p.start(pos, "", "", "")
		p.cur.out.Kind = k
		if p.feed(pos, text) {
			return
		}
	}
	if p.unread != nil && p.unread.EndLine == num-1 {
		p.unread.EndLine = num
		return
	}
	p.flushUnread()
	p.unread = &Diagnostic{Pos: pos, EndLine: num, Text: strings.TrimSpace(text),
		Message: "not recognised as show conn, show service-policy, show mode or show context output, not used"}
}

// notRecognised is the message of a line of an output of kind k that is not read.
func notRecognised(k Kind) string {
	return fmt.Sprintf("line not recognised in %s output, not used", k)
}

// start opens an output at pos; its kind comes from the echoed command when there is one.
func (p *state) start(pos Position, command, host, context string) {
	out := &Output{Kind: commandKind(command), Pos: pos, EndLine: pos.Line, Command: command, Host: host, Context: context}
	p.ev.Outputs = append(p.ev.Outputs, out)
	p.cur = &current{out: out, echoed: command != ""}
}

// feed reads one line of the current output; false when the line does not belong to it.
func (p *state) feed(pos Position, text string) bool {
	c := p.cur
	var ok bool
	switch c.out.Kind {
	case Conns:
		ok = c.conns.line(p, pos, text)
	case ServicePolicies:
		ok = c.policy.line(p, pos, text)
	case Mode:
		ok = p.mode(pos, text)
	case Contexts:
		ok = c.ctx.line(p, pos, text)
	case PacketTracer:
		ok = c.tracer.line(p, pos, text)
	case Timeouts:
		ok = timeoutsReader{}.line(p, pos, text)
	case Other:
		// An echoed command of unknown kind whose output turns out to be one this package
		// reads (an abbreviation such as "sh conn l").
		if c.echoed && c.out.EndLine == c.out.Pos.Line {
			if k := sniff(text); k != Other {
				c.out.Kind = k
				return p.feed(pos, text)
			}
		}
		return false
	}
	if ok {
		c.out.EndLine = pos.Line
	}
	return ok
}

// end closes the current output.
func (p *state) end() {
	if p.cur == nil {
		return
	}
	switch p.cur.out.Kind {
	case Conns:
		p.cur.conns.flush(p)
	case ServicePolicies:
		p.cur.policy.flush(p)
	case PacketTracer:
		p.cur.tracer.flush(p, p.cur.out)
	case Other:
		// Another command's output is kept only to be counted as skipped.
		if outs := p.ev.Outputs; p.filtered() && outs[len(outs)-1] == p.cur.out {
			p.ev.Outputs = outs[:len(outs)-1]
		}
	}
	p.cur = nil
}

func (p *state) finish() *Evidence {
	p.flushUnread()
	p.end()
	sort.SliceStable(p.ev.Diagnostics, func(i, j int) bool { return p.ev.Diagnostics[i].Pos.Line < p.ev.Diagnostics[j].Pos.Line })
	if p.omitted.Diagnostics > 0 {
		p.ev.Omitted = append(p.ev.Omitted, p.omitted)
	}
	return p.ev
}

func (p *state) diag(pos Position, text, msg string) {
	p.addDiag(Diagnostic{Pos: pos, EndLine: pos.Line, Text: text, Message: msg})
}

// addDiag keeps d, its text cut to maxText, when the file has fewer than maxDiagnostics,
// and else only counts it.
func (p *state) addDiag(d Diagnostic) {
	if len(p.ev.Diagnostics) >= maxDiagnostics {
		p.omitted.Diagnostics++
		p.omitted.Lines += max(d.EndLine, d.Pos.Line) - d.Pos.Line + 1
		return
	}
	d.Text = strings.TrimSpace(d.Text)
	if len(d.Text) > maxText {
		cut := maxText
		for cut > 0 && !utf8.RuneStart(d.Text[cut]) {
			cut--
		}
		d.Text = d.Text[:cut] + "..."
	}
	// A copy, so that the kept text does not hold the whole line (up to 64 KiB) it was cut from.
	d.Text = strings.Clone(d.Text)
	p.ev.Diagnostics = append(p.ev.Diagnostics, d)
}

func (p *state) flushUnread() {
	if p.unread == nil {
		return
	}
	d := *p.unread
	if d.EndLine > d.Pos.Line {
		d.Message = fmt.Sprintf("%d lines %s", d.EndLine-d.Pos.Line+1, d.Message)
	}
	p.addDiag(d)
	p.unread = nil
}

// commandKind recognises an echoed command, abbreviations included ("sh conn", "sh serv").
func commandKind(command string) Kind {
	// Only the first two words are looked at, so that a long line of text is not split
	// and lowered whole: every line of an evidence file is asked whether it is a command.
	// A text whose first byte is ASCII, no blank and neither s nor p starts with a word
	// that abbreviates neither "show" nor "packet-tracer": most lines end here.
	if !reference && command != "" && command[0] < utf8.RuneSelf && !asciiSpace(command[0]) &&
		command[0]|0x20 != 's' && command[0]|0x20 != 'p' {
		return Other
	}
	first, rest := nextWord(command)
	second, rest := nextWord(rest)
	if second == "" {
		return Other
	}
	if prefixOf(strings.ToLower(first), "packet-tracer", 8) {
		return PacketTracer
	}
	if !prefixOf(strings.ToLower(first), "show", 2) {
		return Other
	}
	switch second = strings.ToLower(second); {
	case prefixOf(second, "running-config", 3):
		third, rest := nextWord(rest)
		fourth, rest := nextWord(rest)
		if strings.EqualFold(third, "all") && prefixOf(strings.ToLower(fourth), "timeout", 4) && strings.TrimSpace(rest) == "" {
			return Timeouts
		}
		return Other
	case prefixOf(second, "conn", 4):
		return Conns
	case prefixOf(second, "service-policy", 4):
		return ServicePolicies
	case prefixOf(second, "mode", 3):
		return Mode
	case prefixOf(second, "context", 4):
		return Contexts
	}
	return Other
}

// asciiSpace reports whether b is an ASCII byte unicode.IsSpace accepts.
func asciiSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r'
}

// nextWord returns the first word of s (as strings.Fields splits) and what follows it.
func nextWord(s string) (word, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// prefixOf reports whether w abbreviates keyword with at least min letters.
func prefixOf(w, keyword string, min int) bool {
	return len(w) >= min && strings.HasPrefix(keyword, w)
}

// sniff recognises the first line of an output saved without its echo.
func sniff(text string) Kind {
	t := strings.TrimSpace(text)
	switch {
	// Each expression is asked only of a line that starts with its literal start.
	case isConnCount(t), strings.HasPrefix(t, "Flags: "), connLineStart(t):
		return Conns
	case t == "Global policy:",
		hasPrefixOrRef(t, "Interface ") && interfacePolicyRe.Get().MatchString(t),
		hasPrefixOrRef(t, "Service-policy: ") && servicePolicyRe.Get().MatchString(t):
		return ServicePolicies
	case hasPrefixOrRef(t, "Security context mode: ") && modeRe.Get().MatchString(t):
		return Mode
	case hasPrefixOrRef(t, "Context Name ") && contextHeaderRe.Get().MatchString(t):
		return Contexts
	case (hasPrefixOrRef(t, "Phase: ") || t == "<Phase>") && tracerStartRe.Get().MatchString(t):
		return PacketTracer
	}
	return Other
}
