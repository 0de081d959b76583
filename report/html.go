package report

import (
	"bufio"
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/rules"
)

// HTMLContext is what only the HTML page shows, beyond the Report: the run that made it,
// the SIP paths and the observed SIP flows of each target, and where the configuration
// lines around a finding come from. A nil HTMLContext is a page without them.
type HTMLContext struct {
	Run Run
	// Lines returns the lines of an input file, for the lines around a finding; nil reads
	// the file when it is a readable local file. An error only leaves the context out.
	Lines func(file string) ([]string, error)
	paths map[string][]*asa.Path
	flows map[string][]ObservedFlow
	// ladders are the registrations of each capture target, in the order they ended.
	ladders map[string][]Ladder
	// pending are the results whose paths and flows are worked out when a page is
	// written: a run without --format html does not pay for them.
	pending []pendingResult
	// ladderSources are called when a page is written (AddLadders).
	ladderSources []func(add func(target string, l Ladder))
	opts          rules.Options // the run's options, for AddResults
}

type pendingResult struct {
	res  *audit.Result
	opts rules.Options
}

// Run is what made the report: the command, when, and the settings that shaped it.
type Run struct {
	Command  string // "check", "live", "diff", "check --apply"
	Time     time.Time
	Settings []Setting
}

// Setting is one setting of the run as the page names it ("SIP ports", "udp/5080").
type Setting struct {
	Name, Value string
}

// ObservedFlow is one SIP connection seen in runtime evidence, with the refresh interval
// its clients are audited against (zero when unknown).
type ObservedFlow struct {
	Conn        *evidence.Conn
	Port        asa.Port
	Refresh     time.Duration
	RefreshName string // "keepalive interval" or "re-REGISTER interval"
}

// NewHTMLContext describes a run of command made now with options o, which AddResults
// uses.
func NewHTMLContext(command string, o rules.Options) *HTMLContext {
	return &HTMLContext{Run: Run{Command: command, Time: time.Now(), Settings: RunSettings(o)}, opts: o}
}

// RunSettings names the options that shaped an audit, for the page's header.
func RunSettings(o rules.Options) []Setting {
	var out []Setting
	add := func(name string, vals []string) {
		if len(vals) > 0 {
			out = append(out, Setting{name, strings.Join(vals, ", ")})
		}
	}
	add("SIP ports", mapStrings(o.Ports, asa.Port.String))
	if o.Keepalive > 0 {
		add("keepalive", []string{o.Keepalive.String()})
	}
	if o.RegisterInterval > 0 {
		add("re-REGISTER interval", []string{o.RegisterInterval.String()})
	}
	var per []string
	for _, p := range sortedPorts(o.PerPort) {
		in := o.PerPort[p]
		d, name := rules.Options{Keepalive: in.Keepalive, RegisterInterval: in.RegisterInterval}.Refresh()
		if d == 0 {
			per = append(per, p.String()+": no refresh")
		} else {
			per = append(per, fmt.Sprintf("%s: %s %s", p, name, d))
		}
	}
	add("per-port profiles", per)
	add("clients", mapStrings(o.Clients, netip.Prefix.String))
	add("provider", mapStrings(o.Providers, netip.Addr.String))
	if o.Evidence != nil {
		add("evidence", []string{fmt.Sprintf("%d output(s), %d SIP connection(s)", len(o.Evidence.Outputs), len(o.Evidence.Conns))})
	}
	return out
}

func mapStrings[T any](xs []T, f func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func sortedPorts(m map[asa.Port]rules.Intervals) []asa.Port {
	var ps []asa.Port
	for p := range m {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b asa.Port) int {
		return cmp.Or(cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Number, b.Number))
	})
	return ps
}

// AddResult records that the page shows the SIP paths of res (each client subnet to each
// provider on each port, when o names both) and the SIP flows the evidence in o shows for
// it. They are worked out when a page is written. A nil c records nothing.
func (c *HTMLContext) AddResult(res *audit.Result, o rules.Options) {
	if c == nil || res == nil {
		return
	}
	for i, p := range c.pending {
		if p.res == res {
			c.pending[i].opts = o
			return
		}
	}
	c.pending = append(c.pending, pendingResult{res, o})
}

// AddResults is AddResult with the run's options (NewHTMLContext) for each result not
// added yet: a target audited with options of its own (live's inventory profiles) is
// added with them first.
func (c *HTMLContext) AddResults(results []*audit.Result) {
	if c == nil {
		return
	}
	for _, res := range results {
		if res != nil && !slices.ContainsFunc(c.pending, func(p pendingResult) bool { return p.res == res }) {
			c.pending = append(c.pending, pendingResult{res, c.opts})
		}
	}
}

// resolve works out the paths and flows of the pending results.
func (c *HTMLContext) resolve() {
	pending := c.pending
	c.pending = nil
	for _, p := range pending {
		c.addResult(p.res, p.opts)
	}
	sources := c.ladderSources
	c.ladderSources = nil
	for _, each := range sources {
		each(c.AddLadder)
	}
}

func (c *HTMLContext) addResult(res *audit.Result, o rules.Options) {
	if res.Model != nil && res.Model.Config != nil && res.Model.Config.Paths != nil && len(o.Clients) > 0 && len(o.Providers) > 0 {
		for _, port := range o.Ports {
			for _, cl := range o.Clients {
				for _, pr := range o.Providers {
					f := asa.Flow{Clients: cl, Provider: pr, Port: port}
					inputs := res.Model.Inputs(f)
					if len(inputs) == 0 {
						inputs = []string{""}
					}
					for _, in := range inputs {
						f.Input = in
						c.AddPath(res.Target, res.Model.Path(f))
					}
				}
			}
		}
	}
	if o.Evidence == nil {
		return
	}
	for _, conn := range o.Evidence.Conns {
		if !conn.Output.BelongsTo(res.Hostname) {
			continue
		}
		for _, port := range o.Ports {
			if conn.HasPort(port.Proto, port.Number) {
				d, name := o.RefreshFor(port)
				c.AddFlow(res.Target, ObservedFlow{Conn: conn, Port: port, Refresh: d, RefreshName: name})
				break
			}
		}
	}
}

// AddPath records a SIP path of target.
func (c *HTMLContext) AddPath(target string, p *asa.Path) {
	if c == nil {
		return
	}
	if c.paths == nil {
		c.paths = map[string][]*asa.Path{}
	}
	c.paths[target] = append(c.paths[target], p)
}

// AddFlow records an observed SIP flow of target.
func (c *HTMLContext) AddFlow(target string, f ObservedFlow) {
	if c == nil {
		return
	}
	if c.flows == nil {
		c.flows = map[string][]ObservedFlow{}
	}
	c.flows[target] = append(c.flows[target], f)
}

// Ladder is one registration of a capture as the page draws it: its messages between the
// client (left) and the registrar (right), and the diagnosis beneath them.
type Ladder struct {
	// Title names the registration: "registration udp/5080 sip:1001@example.net, ...".
	Title string
	// Client and Registrar are the addresses of the first REGISTER, the two columns.
	Client, Registrar string
	Steps             []LadderStep
	// Omitted counts the messages not kept.
	Omitted   int
	Diagnoses []Diagnosis
}

// LadderStep is one message of a Ladder.
type LadderStep struct {
	Frame int
	// Time is the seconds since the registration's first message ("90.050"), "" when the
	// input shows no times.
	Time     string
	Src, Dst string
	// Text is the message: "REGISTER sip:example.com", "SIP/2.0 401 Unauthorized".
	Text string
}

// Diagnosis is a finding on a registration, at the frame it points at. With a
// Fingerprint, the page shows the report's findings of that fingerprint instead (their
// message as the report has it, linked to them), and nothing when the report holds none:
// a baselined finding is not a diagnosis.
type Diagnosis struct {
	Frame                   int
	Rule, Severity, Message string
	Fingerprint             string
}

// AddLadders records where the page's registration ladders come from: each is called,
// with AddLadder, when a page is written, so that a run without --format html does not
// build them. A nil c records nothing.
func (c *HTMLContext) AddLadders(each func(add func(target string, l Ladder))) {
	if c == nil || each == nil {
		return
	}
	c.ladderSources = append(c.ladderSources, each)
}

// AddLadder records a registration of the capture target. A nil c records nothing.
func (c *HTMLContext) AddLadder(target string, l Ladder) {
	if c == nil {
		return
	}
	if c.ladders == nil {
		c.ladders = map[string][]Ladder{}
	}
	c.ladders[target] = append(c.ladders[target], l)
}

//go:embed html/page.html.tmpl
var pageTemplate string

//go:embed html/style.css
var pageCSS string

//go:embed html/script.js
var pageJS string

// page is parsed when a page is first written, not at start-up: every other command pays
// nothing for it.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Funcs(template.FuncMap{
		"css": func() template.CSS { return template.CSS(pageCSS) },
		"js":  func() template.JS { return template.JS(pageJS) },
		"pct": func(part, whole int) string {
			if whole <= 0 {
				return "0"
			}
			return strconv.FormatFloat(float64(part)*100/float64(whole), 'f', 2, 64)
		},
		"lower": strings.ToLower,
	}).Parse(pageTemplate))
})

// HTML writes r as one self-contained page (styles and script inline, nothing loaded from
// elsewhere, readable without the script): the run, a fleet overview, each target's
// findings by severity and rule with the lines around them, their fix and the rule's
// documentation, its SIP paths and observed SIP flows, and the configuration lines the
// findings and paths point at. ctx may be nil.
func HTML(w io.Writer, r *Report, ctx *HTMLContext) error {
	b := newPageBuilder(ctx)
	v := b.reportView(r)
	return page().Execute(w, v)
}

// DiffHTML writes d as HTML: introduced findings first and in full, then resolved and
// unchanged ones, the commands not simulated and the input errors.
func DiffHTML(w io.Writer, d *Diff, ctx *HTMLContext) error {
	b := newPageBuilder(ctx)
	v := b.diffView(d)
	return page().Execute(w, v)
}

// pageView is what the template renders.
type pageView struct {
	Title    string
	Run      *Run
	RunTime  string
	Summary  []countView
	Fleet    []fleetRow
	MaxTotal int
	Targets  []*targetView
	Diff     *diffView
	Errors   []Error
	Evidence *Evidence
	Files    []*fileView
	Docs     []docView
	// WhyUnderRules is set when the findings' reasons are said once per rule, under Rules.
	WhyUnderRules bool
}

type countView struct {
	ID, Label string
	N         int
}

type fleetRow struct {
	Target, Hostname, Anchor, Error    string
	Errors, Warnings, Infos, Baselined int
	Total                              int
}

type targetView struct {
	Target
	Anchor    string
	Counts    [3]int // errors, warnings, infos
	Groups    []*sevGroup
	Baselined []findingView
	Paths     []pathView
	Flows     []flowView
	Ladders   []*ladderView
	// Undrawn counts the registrations left out of Ladders (maxLadders).
	Undrawn int
	Open    bool
}

type sevGroup struct {
	Severity string
	Count    int
	Rules    []*ruleGroup
}

type ruleGroup struct {
	Rule, Title, Severity string
	// Detail is said once for the group when its findings all say the same.
	Detail   string
	Findings []findingView
	HasDoc   bool
}

type findingView struct {
	ID       string
	Rule     string
	Title    string
	Severity string
	Message  string
	Detail   string
	File     string
	Line     int
	Link     string // fragment of the configuration line, "" when none
	// Linked is set when Link leads elsewhere than the finding's own line.
	Linked bool
	// Step is set when Link leads to the message of a registration ladder the finding's
	// frame is.
	Step    bool
	Context []lineView
	Fix     string
	FTD     string
}

type lineView struct {
	N    int
	Text string
	Hit  bool
	ID   string
}

type pathView struct {
	Flow       string
	Ingress    string
	Egress     string
	Unresolved string
	Verdict    string // "passes", "dropped", "partly dropped"
	Bad        bool
	Steps      []stepView
	Denied     []string
	Notes      []string
	Return     string
	ReturnOK   bool
	ReturnLink []configLink
}

type stepView struct {
	Phase, Result, Detail string
	Bad, Info             bool
	Links                 []configLink
}

type configLink struct {
	Line int
	Text string
	Href string
}

type flowView struct {
	Port, Conn, Where         string
	Idle, Timeout, Refresh    string
	RefreshName               string
	IdlePct, TimeoutPct       string
	RefreshPct                string
	HasTimeout, NoIdleTimeout bool
	HasRefresh, Bad, Near     bool
}

type ladderView struct {
	ID, Title, Client, Registrar string
	Worst                        string // the worst severity of its diagnoses, "" when none
	Steps                        []ladderStepView
	Omitted                      int
	Diagnoses                    []diagnosisView
	Open                         bool
	frames                       map[int]int // frame → index in Steps
	src                          *Ladder
}

type ladderStepView struct {
	ID         string
	Frame      int
	Time, Text string
	Right      bool // from the client to the registrar
	// Ends is "src → dst" when either is not its column's address (a binding that moved).
	Ends string
	// Hit is the worst severity of the diagnoses that point at the step.
	Hit string
}

type diagnosisView struct {
	Frame                   int
	StepID, FindingID       string
	Rule, Severity, Message string
}

type diffView struct {
	Before, After, Change string
	IntroducedN           int
	Introduced            []*sevGroup
	Resolved, Unchanged   []findingView
	NotSimulated          []Unsimulated
}

type fileView struct {
	File, Anchor string
	Ranges       [][]lineView
}

type docView struct {
	ID, Title string
	// Why are the reasons the rule's findings give, when the page is too large to repeat
	// them under each finding (see detailsInline).
	Why    []string
	Blocks []docBlock
}

// docBlock is a heading, a paragraph or a list item of a rule's Markdown documentation,
// made of plain and code spans: the page never takes markup from the Markdown.
type docBlock struct {
	Kind  string // "h", "p", "li", "pre"
	Spans []docSpan
}

type docSpan struct {
	Code bool
	Text string
}

// pageBuilder collects the configuration lines the page points at, file by file.
type pageBuilder struct {
	ctx     *HTMLContext
	fileIDs map[string]string
	files   []string
	wanted  map[string]map[int]string // file → line → text as the finding or path has it
	// pathLines are the lines SIP paths point at: shown even when the file cannot be read.
	pathLines map[string]map[int]bool
	lines     map[string][]string // file → wanted lines read (index line-1), nil if unreadable
	rules     map[string]bool
	nextID    int
	// why are the distinct reasons (Finding.Detail) of each rule, in order of appearance.
	why map[string][]string
	// ladders are the registration ladders of each target drawn on the page, which the
	// target's findings link to; shown the findings (IDs) of each fingerprint.
	ladders map[string][]*ladderView
	shown   map[string][]shownFinding // file + "\x00" + fingerprint
	nLadder int
}

type shownFinding struct {
	id string
	f  rules.Finding
}

func newPageBuilder(ctx *HTMLContext) *pageBuilder {
	if ctx == nil {
		ctx = &HTMLContext{}
	}
	ctx.resolve()
	return &pageBuilder{ctx: ctx, fileIDs: map[string]string{}, wanted: map[string]map[int]string{}, pathLines: map[string]map[int]bool{}, why: map[string][]string{}, lines: map[string][]string{}, rules: map[string]bool{},
		ladders: map[string][]*ladderView{}, shown: map[string][]shownFinding{}}
}

// detailsInline is the number of findings up to which each finding (or rule group) says
// why it breaks SIP; a larger page (a fleet) says each rule's reasons once, under Rules,
// where the rule's "About" fold shows them: the same paragraph ten thousand times is most
// of a fleet page's size and nobody reads it there.
const detailsInline = 1000

// contextLines is how many lines above and below a finding's line the page shows.
const contextLines = 2

func (b *pageBuilder) fileID(file string) string {
	id, ok := b.fileIDs[file]
	if !ok {
		id = "c" + strconv.Itoa(len(b.files)+1)
		b.fileIDs[file] = id
		b.files = append(b.files, file)
	}
	return id
}

// want notes that the page shows line n of file, which the finding or path gives as text.
func (b *pageBuilder) want(file string, n int, text string) string {
	if file == "" || n <= 0 {
		return ""
	}
	id := b.fileID(file)
	if b.wanted[file] == nil {
		b.wanted[file] = map[int]string{}
	}
	if _, ok := b.wanted[file][n]; !ok || text != "" {
		b.wanted[file][n] = text
	}
	return id + "-L" + strconv.Itoa(n)
}

func (b *pageBuilder) run() (*Run, string) {
	if b.ctx.Run.Command == "" && b.ctx.Run.Time.IsZero() {
		return nil, ""
	}
	t := ""
	if !b.ctx.Run.Time.IsZero() {
		t = b.ctx.Run.Time.Format(time.RFC3339)
	}
	return &b.ctx.Run, t
}

func (b *pageBuilder) reportView(r *Report) *pageView {
	v := &pageView{Title: "asaaudit report", Errors: r.Errors, Evidence: r.Evidence}
	v.Run, v.RunTime = b.run()
	s := r.Summary
	v.Summary = []countView{{"sum-targets", "targets", s.Targets}, {"sum-errors", "errors", s.Errors}, {"sum-warnings", "warnings", s.Warnings},
		{"sum-infos", "infos", s.Infos}, {"sum-baselined", "baselined", s.Baselined}, {"sum-inputErrors", "input errors", s.Failed}}
	byFile := map[string][]rules.Finding{}
	for _, f := range r.Findings {
		byFile[f.File] = append(byFile[f.File], f)
	}
	baselined := map[string][]rules.Finding{}
	for _, f := range r.Baselined {
		baselined[f.File] = append(baselined[f.File], f)
	}
	targets := slices.Clone(r.Targets)
	seen := map[string]bool{}
	for _, t := range targets {
		seen[t.Target] = true
	}
	for _, fs := range [][]rules.Finding{r.Findings, r.Baselined} {
		for _, f := range fs {
			if !seen[f.File] {
				seen[f.File] = true
				targets = append(targets, Target{Target: f.File})
			}
		}
	}
	for i, t := range targets {
		tv := &targetView{Target: t, Anchor: "t" + strconv.Itoa(i+1)}
		fs := byFile[t.Target]
		tv.Counts[0], tv.Counts[1], tv.Counts[2] = bySeverity(fs)
		tv.Ladders, tv.Undrawn = b.drawLadders(t.Target, tv.Anchor)
		tv.Groups = b.groups(fs)
		for _, f := range baselined[t.Target] {
			tv.Baselined = append(tv.Baselined, b.finding(f, false))
		}
		tv.Paths = b.paths(t.Target)
		tv.Flows = b.flows(t.Target)
		b.diagnose(t.Target)
		v.Targets = append(v.Targets, tv)
		row := fleetRow{Target: t.Target, Hostname: t.Hostname, Anchor: tv.Anchor, Errors: tv.Counts[0], Warnings: tv.Counts[1], Infos: tv.Counts[2], Baselined: len(tv.Baselined)}
		row.Total = row.Errors + row.Warnings + row.Infos
		v.MaxTotal = max(v.MaxTotal, row.Total)
		v.Fleet = append(v.Fleet, row)
	}
	// Worst first: most errors, then warnings, then infos; ties by name.
	slices.SortStableFunc(v.Fleet, func(a, b fleetRow) int {
		return cmp.Or(cmp.Compare(b.Errors, a.Errors), cmp.Compare(b.Warnings, a.Warnings), cmp.Compare(b.Infos, a.Infos), cmp.Compare(a.Target, b.Target))
	})
	for _, e := range r.Errors {
		v.Fleet = append([]fleetRow{{Target: e.Target, Error: e.Message}}, v.Fleet...)
	}
	// A single target is opened: folding is for fleets.
	if len(v.Targets) == 1 {
		v.Targets[0].Open = true
	}
	if b.nLadder <= laddersOpen {
		for _, ls := range b.ladders {
			for _, l := range ls {
				l.Open = true
			}
		}
	}
	b.finish(v)
	return v
}

func (b *pageBuilder) diffView(d *Diff) *pageView {
	v := &pageView{Title: "asaaudit change review", Errors: d.Errors}
	v.Run, v.RunTime = b.run()
	if v.Run != nil && d.Change != "" && !strings.Contains(v.Run.Command, "--apply") {
		run := *v.Run
		run.Command += " --apply " + d.Change
		v.Run = &run
	}
	s := d.Summary
	v.Summary = []countView{{"sum-introduced", "introduced", s.Introduced}, {"sum-errors", "introduced errors", s.Errors},
		{"sum-warnings", "introduced warnings", s.Warnings}, {"sum-infos", "introduced infos", s.Infos},
		{"sum-resolved", "resolved", s.Resolved}, {"sum-unchanged", "unchanged", s.Unchanged},
		{"sum-notSimulated", "not simulated", s.NotSimulated}, {"sum-inputErrors", "input errors", s.Failed}}
	dv := &diffView{Before: side(d.Before), After: side(d.After), Change: d.Change, NotSimulated: d.NotSimulated}
	dv.Introduced, dv.IntroducedN = b.groups(d.Introduced), len(d.Introduced)
	for _, f := range d.Resolved {
		dv.Resolved = append(dv.Resolved, b.finding(f, false))
	}
	for _, f := range d.Unchanged {
		dv.Unchanged = append(dv.Unchanged, b.finding(f, false))
	}
	v.Diff = dv
	if d.After != nil {
		tv := &targetView{Target: *d.After, Anchor: "t1", Open: true}
		tv.Paths = b.paths(d.After.Target)
		tv.Flows = b.flows(d.After.Target)
		if len(tv.Paths)+len(tv.Flows) > 0 {
			v.Targets = []*targetView{tv}
		}
	}
	b.finish(v)
	return v
}

// groups orders findings by severity (worst first), then rule, then position.
func (b *pageBuilder) groups(fs []rules.Finding) []*sevGroup {
	fs = slices.Clone(fs)
	slices.SortStableFunc(fs, func(x, y rules.Finding) int {
		return cmp.Or(cmp.Compare(y.Severity, x.Severity), cmp.Compare(x.Rule, y.Rule), cmp.Compare(x.File, y.File), cmp.Compare(x.Line, y.Line))
	})
	var out []*sevGroup
	for _, f := range fs {
		sev := f.Severity.String()
		if len(out) == 0 || out[len(out)-1].Severity != sev {
			out = append(out, &sevGroup{Severity: sev})
		}
		sg := out[len(out)-1]
		sg.Count++
		if len(sg.Rules) == 0 || sg.Rules[len(sg.Rules)-1].Rule != f.Rule {
			rule := rules.ByID(f.Rule)
			hasDoc := rule != nil && rule.Doc() != ""
			if hasDoc {
				b.rules[rule.ID] = true
			}
			sg.Rules = append(sg.Rules, &ruleGroup{Rule: f.Rule, Title: f.Title, Severity: sev, HasDoc: hasDoc})
		}
		rg := sg.Rules[len(sg.Rules)-1]
		rg.Findings = append(rg.Findings, b.finding(f, true))
	}
	for _, sg := range out {
		for _, rg := range sg.Rules {
			same := true
			for _, f := range rg.Findings {
				same = same && f.Detail == rg.Findings[0].Detail
			}
			if same {
				rg.Detail = rg.Findings[0].Detail
				for i := range rg.Findings {
					rg.Findings[i].Detail = ""
				}
			}
		}
	}
	return out
}

func (b *pageBuilder) finding(f rules.Finding, full bool) findingView {
	b.nextID++
	fv := findingView{ID: "f" + strconv.Itoa(b.nextID), Rule: f.Rule, Title: f.Title, Severity: f.Severity.String(), Message: f.Message,
		File: f.File, Line: f.Line, FTD: f.FTD}
	if id := b.stepLink(f); id != "" {
		fv.Link, fv.Step = id, true
	} else {
		fv.Link = b.want(f.File, f.Line, f.Source)
	}
	if full && f.Fingerprint != "" && b.ladders[f.File] != nil {
		k := f.File + "\x00" + f.Fingerprint
		b.shown[k] = append(b.shown[k], shownFinding{fv.ID, f})
	}
	if full {
		fv.Detail = f.Detail
		if f.Detail != "" && !slices.Contains(b.why[f.Rule], f.Detail) {
			b.why[f.Rule] = append(b.why[f.Rule], f.Detail)
		}
		fv.Fix = strings.Join(f.Fix, "\n")
		if f.Line > 0 {
			// Filled in by finish, once the files are read.
			fv.Context = []lineView{{N: f.Line, Text: f.Source, Hit: true}}
			if fv.Step {
				fv.Context[0].N = 0 // the frame's summary line starts with its number
			}
			for n := f.Line - contextLines; n <= f.Line+contextLines && !fv.Step; n++ {
				if n > 0 && n != f.Line {
					b.want(f.File, n, "")
				}
			}
		}
	}
	return fv
}

func (b *pageBuilder) paths(target string) []pathView {
	var out []pathView
	link := func(cl []asa.ConfigLine) []configLink {
		var ls []configLink
		for _, c := range cl {
			if b.pathLines[target] == nil {
				b.pathLines[target] = map[int]bool{}
			}
			b.pathLines[target][c.Line] = true
			ls = append(ls, configLink{Line: c.Line, Text: c.Text, Href: b.want(target, c.Line, c.Text)})
		}
		return ls
	}
	for _, p := range b.ctx.paths[target] {
		pv := pathView{Flow: p.Flow.String(), Ingress: p.Ingress, Egress: p.Egress, Unresolved: p.Unresolved, Notes: p.Notes}
		if p.Input != "" {
			pv.Flow += " (entering by " + p.Input + ")"
		}
		switch {
		case p.Unresolved != "":
			pv.Verdict, pv.Bad = "not evaluated", true
		case !p.Allowed():
			pv.Verdict, pv.Bad = "dropped", true
		case len(p.Denied) > 0:
			pv.Verdict, pv.Bad = "partly dropped", true
		default:
			pv.Verdict = "passes"
		}
		for _, s := range p.Steps {
			pv.Steps = append(pv.Steps, stepView{Phase: s.Phase, Result: s.Result, Detail: s.Text(), Bad: s.Result == asa.Drop, Info: s.Result == asa.Info, Links: link(s.Config)})
			if s.Result == asa.Drop && !pv.Bad {
				// The way out passes, but a later phase (the way back) breaks SIP.
				pv.Verdict, pv.Bad = "passes out, broken at "+s.Phase, true
			}
		}
		for _, d := range p.Denied {
			msg := d.Clients + ": " + d.Reason
			if d.Depends != "" {
				msg += " (" + d.Depends + ")"
			}
			pv.Denied = append(pv.Denied, msg)
		}
		pv.Return, pv.ReturnOK, pv.ReturnLink = p.Return.Detail, p.Return.Admitted, link(p.Return.Config)
		out = append(out, pv)
	}
	return out
}

func (b *pageBuilder) flows(target string) []flowView {
	var out []flowView
	for _, f := range b.ctx.flows[target] {
		c := f.Conn
		fv := flowView{Port: f.Port.String(), Conn: c.Source, Where: fmt.Sprintf("%s:%d", c.Pos.File, c.Pos.Line), Idle: evidence.FormatDuration(c.Idle),
			HasTimeout: c.HasTimeout, HasRefresh: f.Refresh > 0, RefreshName: f.RefreshName}
		scale := max(c.Idle, f.Refresh)
		if c.HasTimeout {
			fv.Timeout = evidence.FormatDuration(c.Timeout)
			fv.NoIdleTimeout = c.Timeout == 0
			scale = max(scale, c.Timeout)
		}
		if f.Refresh > 0 {
			fv.Refresh = evidence.FormatDuration(f.Refresh)
		}
		frac := func(d time.Duration) string {
			if scale <= 0 {
				return "0"
			}
			return strconv.FormatFloat(float64(d)*100/float64(scale), 'f', 2, 64)
		}
		fv.IdlePct, fv.RefreshPct = frac(c.Idle), frac(f.Refresh)
		if c.HasTimeout && c.Timeout > 0 {
			fv.TimeoutPct = frac(c.Timeout)
			fv.Bad = f.Refresh > 0 && c.Timeout < f.Refresh
			fv.Near = c.Idle*100 >= c.Timeout*80
		} else {
			fv.TimeoutPct = "100"
		}
		out = append(out, fv)
	}
	return out
}

// maxLadders bounds the registrations drawn per capture target, the worst first: a
// capture of thousands of phones would make a page nobody opens. The text output lists
// them all.
const maxLadders = 200

// laddersOpen is the number of ladders up to which the page shows them unfolded.
const laddersOpen = 8

// drawLadders lays out the registration ladders of target, whose section is anchor; the
// findings of target link to their steps (stepLink) and diagnose fills in their
// diagnoses once the findings have their IDs.
func (b *pageBuilder) drawLadders(target, anchor string) ([]*ladderView, int) {
	ls := b.ctx.ladders[target]
	keep := make([]int, len(ls))
	for i := range keep {
		keep[i] = i
	}
	if len(ls) > maxLadders {
		slices.SortStableFunc(keep, func(i, j int) int { return cmp.Compare(worstDiagnosis(ls[j]), worstDiagnosis(ls[i])) })
		keep = keep[:maxLadders]
		slices.Sort(keep)
	}
	var out []*ladderView
	for n, i := range keep {
		l := &ls[i]
		lv := &ladderView{ID: anchor + "-r" + strconv.Itoa(n+1), Title: l.Title, Client: l.Client, Registrar: l.Registrar, Omitted: l.Omitted,
			frames: map[int]int{}, src: l}
		for _, st := range l.Steps {
			sv := ladderStepView{ID: lv.ID + "-f" + strconv.Itoa(st.Frame), Frame: st.Frame, Time: st.Time, Text: st.Text, Right: l.toRegistrar(st)}
			client, registrar := st.Src, st.Dst
			if !sv.Right {
				client, registrar = st.Dst, st.Src
			}
			if client != l.Client || registrar != l.Registrar {
				sv.Ends = st.Src + " → " + st.Dst
			}
			if _, dup := lv.frames[st.Frame]; dup {
				sv.ID += "-" + strconv.Itoa(len(lv.Steps))
			} else {
				lv.frames[st.Frame] = len(lv.Steps)
			}
			lv.Steps = append(lv.Steps, sv)
		}
		out = append(out, lv)
	}
	b.ladders[target] = out
	b.nLadder += len(out)
	return out, len(ls) - len(out)
}

func severityRank(s string) int {
	switch s {
	case "error":
		return 3
	case "warning":
		return 2
	case "info":
		return 1
	}
	return 0
}

func worstDiagnosis(l Ladder) int {
	w := 0
	for _, d := range l.Diagnoses {
		w = max(w, severityRank(d.Severity))
	}
	return w
}

// toRegistrar says whether st goes from the client's side to the registrar's: by its
// endpoints, else by their addresses (a binding that moved changes the client's port, an
// ICMP error comes from a router).
func (l *Ladder) toRegistrar(st LadderStep) bool {
	switch {
	case st.Dst == l.Registrar || st.Src == l.Client:
		return true
	case st.Src == l.Registrar || st.Dst == l.Client:
		return false
	}
	client, reg := hostOf(l.Client), hostOf(l.Registrar)
	switch {
	case hostOf(st.Dst) == reg || hostOf(st.Src) == client:
		return true
	case hostOf(st.Src) == reg || hostOf(st.Dst) == client:
		return false
	}
	return true
}

// hostOf is the address of "addr:port" (or of an address without a port).
func hostOf(s string) string {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().String()
	}
	return s
}

// stepLink is the ladder step a capture finding points at: the message of its frame in
// the ladder of its registration (its fingerprint), else in any ladder of its capture,
// else its registration's ladder; "" when no ladder of the file is drawn.
func (b *pageBuilder) stepLink(f rules.Finding) string {
	ls := b.ladders[f.File]
	if len(ls) == 0 {
		return ""
	}
	var own *ladderView
	if f.Fingerprint != "" {
		for _, l := range ls {
			if slices.ContainsFunc(l.src.Diagnoses, func(d Diagnosis) bool { return d.Fingerprint == f.Fingerprint }) {
				own = l
				break
			}
		}
	}
	if own != nil {
		if i, ok := own.frames[f.Line]; ok {
			return own.Steps[i].ID
		}
	}
	for _, l := range ls {
		if i, ok := l.frames[f.Line]; ok {
			return l.Steps[i].ID
		}
	}
	if own != nil {
		return own.ID
	}
	return ""
}

// diagnose fills the diagnoses of the ladders of target: the findings the report holds,
// in the order of the ladder's diagnoses, each linked to its step and to itself.
func (b *pageBuilder) diagnose(target string) {
	for _, lv := range b.ladders[target] {
		seen := map[string]bool{}
		for _, d := range lv.src.Diagnoses {
			if d.Fingerprint == "" {
				lv.addDiagnosis(diagnosisView{Frame: d.Frame, Rule: d.Rule, Severity: d.Severity, Message: d.Message})
				continue
			}
			if seen[d.Fingerprint] {
				continue
			}
			seen[d.Fingerprint] = true
			for _, s := range b.shown[target+"\x00"+d.Fingerprint] {
				lv.addDiagnosis(diagnosisView{Frame: s.f.Line, FindingID: s.id, Rule: s.f.Rule, Severity: s.f.Severity.String(), Message: s.f.Message})
			}
		}
	}
}

func (lv *ladderView) addDiagnosis(d diagnosisView) {
	if i, ok := lv.frames[d.Frame]; ok {
		st := &lv.Steps[i]
		d.StepID = st.ID
		if severityRank(d.Severity) > severityRank(st.Hit) {
			st.Hit = d.Severity
		}
	}
	if severityRank(d.Severity) > severityRank(lv.Worst) {
		lv.Worst = d.Severity
	}
	lv.Diagnoses = append(lv.Diagnoses, d)
}

// maxLineFile bounds the size of a file read for the lines around findings.
const maxLineFile = 256 << 20

// finish reads the lines the page points at and fills the findings' context, the
// configuration excerpts and the rule documentation.
func (b *pageBuilder) finish(v *pageView) {
	for _, file := range b.files {
		b.lines[file] = b.read(file, b.wanted[file])
	}
	fill := func(fs []findingView) {
		for i := range fs {
			f := &fs[i]
			if f.Step {
				// A frame of a capture: its ladder step is the finding's line.
				f.Linked = true
				continue
			}
			got := b.lines[f.File]
			if got == nil {
				// Unread, the file's lines are shown only where a path points; elsewhere
				// the finding's own line is all there is.
				f.Linked = f.Link != "" && b.pathLines[f.File][f.Line]
				continue
			}
			f.Linked = f.Link != ""
			if len(f.Context) == 0 {
				continue
			}
			var ctx []lineView
			for n := max(1, f.Line-contextLines); n <= f.Line+contextLines && n <= len(got); n++ {
				if got[n-1] != "" || n == f.Line {
					ctx = append(ctx, lineView{N: n, Text: got[n-1], Hit: n == f.Line})
				}
			}
			f.Context = ctx
		}
	}
	fillGroups := func(gs []*sevGroup) {
		for _, g := range gs {
			for _, r := range g.Rules {
				fill(r.Findings)
			}
		}
	}
	for _, t := range v.Targets {
		fillGroups(t.Groups)
		fill(t.Baselined)
	}
	if b.nextID > detailsInline {
		v.WhyUnderRules = true
		noWhy := func(gs []*sevGroup) {
			for _, g := range gs {
				for _, r := range g.Rules {
					r.Detail = ""
					for i := range r.Findings {
						r.Findings[i].Detail = ""
					}
				}
			}
		}
		for _, t := range v.Targets {
			noWhy(t.Groups)
		}
		if v.Diff != nil {
			noWhy(v.Diff.Introduced)
		}
	}
	if v.Diff != nil {
		fillGroups(v.Diff.Introduced)
		fill(v.Diff.Resolved)
		fill(v.Diff.Unchanged)
	}
	for _, file := range b.files {
		fv := &fileView{File: file, Anchor: b.fileIDs[file]}
		got := b.lines[file]
		var ns []int
		for n := range b.wanted[file] {
			ns = append(ns, n)
		}
		slices.Sort(ns)
		var cur []lineView
		for _, n := range ns {
			text, known := b.wanted[file][n], true
			if got != nil {
				if n > len(got) {
					continue
				}
				text = got[n-1]
			} else if text == "" || !b.pathLines[file][n] {
				// Without the file, only the lines the paths quote are shown here.
				known = false
			}
			if !known {
				continue
			}
			if len(cur) > 0 && cur[len(cur)-1].N != n-1 {
				fv.Ranges = append(fv.Ranges, cur)
				cur = nil
			}
			cur = append(cur, lineView{N: n, Text: text, ID: fv.Anchor + "-L" + strconv.Itoa(n)})
		}
		if len(cur) > 0 {
			fv.Ranges = append(fv.Ranges, cur)
		}
		if len(fv.Ranges) > 0 || got != nil {
			v.Files = append(v.Files, fv)
		}
	}
	for _, r := range rules.All {
		if b.rules[r.ID] {
			dv := docView{ID: r.ID, Title: r.Title, Blocks: markdownBlocks(r.Doc())}
			if v.WhyUnderRules {
				dv.Why = b.why[r.ID]
			}
			v.Docs = append(v.Docs, dv)
		}
	}
}

// read returns the lines of file that the page wants (index line-1; the others empty),
// or nil when the file cannot be read or is not the file the findings quote: the page
// never shows lines of another file that happens to have the same name.
func (b *pageBuilder) read(file string, want map[int]string) []string {
	last := 0
	for n := range want {
		last = max(last, n)
	}
	var got []string
	if b.ctx.Lines != nil {
		all, err := b.ctx.Lines(file)
		if err != nil {
			return nil
		}
		got = make([]string, min(last, len(all)))
		for n := range want {
			if n <= len(all) {
				got[n-1] = all[n-1]
			}
		}
	} else {
		got = readLocalLines(file, want, last)
	}
	if got == nil {
		return nil
	}
	for n, text := range want {
		if text != "" && (n > len(got) || strings.TrimSpace(got[n-1]) != strings.TrimSpace(text)) {
			return nil
		}
	}
	return got
}

// readLocalLines reads the wanted lines of a regular local file, up to line last.
func readLocalLines(file string, want map[int]string, last int) []string {
	if file == "" || file == "-" {
		return nil
	}
	fh, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer fh.Close()
	if st, err := fh.Stat(); err != nil || !st.Mode().IsRegular() || st.Size() > maxLineFile {
		return nil
	}
	got := make([]string, 0, last)
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for n := 1; n <= last && sc.Scan(); n++ {
		line := ""
		if _, ok := want[n]; ok {
			line = strings.TrimRight(sc.Text(), "\r")
		}
		got = append(got, line)
	}
	if sc.Err() != nil {
		return nil
	}
	return got
}

// markdownBlocks reads the subset of Markdown the rule docs use: "#" headings, paragraphs,
// "-" list items, fenced code blocks and `code` spans.
func markdownBlocks(md string) []docBlock {
	var out []docBlock
	var para []string
	kind := ""
	flush := func() {
		switch {
		case kind == "pre":
			out = append(out, docBlock{Kind: kind, Spans: []docSpan{{Code: true, Text: strings.Join(para, "\n")}}})
		case len(para) > 0:
			out = append(out, docBlock{Kind: kind, Spans: codeSpans(strings.Join(para, " "))})
		}
		para, kind = nil, ""
	}
	for line := range strings.SplitSeq(md, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "```"):
			if kind == "pre" {
				flush()
			} else {
				flush()
				kind = "pre"
			}
		case kind == "pre":
			para = append(para, strings.TrimRight(line, " \t\r"))
		case t == "":
			flush()
		case strings.HasPrefix(t, "#"):
			flush()
			out = append(out, docBlock{Kind: "h", Spans: codeSpans(strings.TrimSpace(strings.TrimLeft(t, "#")))})
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			flush()
			kind, para = "li", []string{t[2:]}
		default:
			if kind == "" {
				kind = "p"
			}
			para = append(para, t)
		}
	}
	flush()
	return out
}

func codeSpans(s string) []docSpan {
	var out []docSpan
	for i, part := range strings.Split(s, "`") {
		if part != "" {
			out = append(out, docSpan{Code: i%2 == 1, Text: part})
		}
	}
	return out
}
