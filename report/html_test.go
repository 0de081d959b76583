package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/internal/cli"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/html")

// htmlTarget is one configuration of the sample run and the options it is audited with.
type htmlTarget struct {
	file string
	opts rules.Options
}

func pathOptions(register time.Duration, ports ...asa.Port) rules.Options {
	return rules.Options{Ports: ports, RegisterInterval: register,
		Clients: []netip.Prefix{netip.MustParsePrefix("10.200.41.0/24")}, Providers: []netip.Addr{netip.MustParseAddr("204.11.192.22")}}
}

// htmlSample is a small fleet run that has every part of the page: SIP paths that are
// dropped or pass, observed SIP flows, a baselined finding, an input error, and a target
// whose hostname, descriptions and finding sources hold markup and quotes.
func htmlSample(t testing.TB) (*report.Report, *report.HTMLContext) {
	t.Helper()
	ev, err := evidence.ParseFile("../fixtures/evidence/seed-9x.show.txt")
	if err != nil {
		t.Fatal(err)
	}
	udp5060, udp5080 := asa.Port{Proto: "udp", Number: 5060}, asa.Port{Proto: "udp", Number: 5080}
	evOpts := rules.Options{Ports: []asa.Port{udp5060, udp5080}, RegisterInterval: 5 * time.Minute, Evidence: ev}
	targets := []htmlTarget{
		{"../fixtures/paths/pat-no-inspect.txt", pathOptions(10*time.Minute, udp5080)},
		{"../fixtures/paths/pat-inspect.txt", pathOptions(10*time.Minute, udp5080)},
		{"../fixtures/paths/acl-implicit-deny.txt", pathOptions(10*time.Minute, udp5080)},
		{"../fixtures/evidence/seed-9x.config.txt", evOpts},
		{"testdata/html/hostile.txt", pathOptions(10*time.Minute, udp5080)},
	}
	ctx := &report.HTMLContext{Run: report.Run{Command: "check", Time: time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC),
		Settings: report.RunSettings(pathOptions(10*time.Minute, udp5080))}}
	var results []*audit.Result
	for _, tg := range targets {
		f, err := os.Open(tg.file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := audit.Reader(f, tg.file, audit.Options{Rules: tg.opts})
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", tg.file, err)
		}
		results = append(results, res)
		ctx.AddResult(res, tg.opts)
	}
	errs := []report.Error{{Target: "fw-<b>gone</b>", Message: `fw-<b>gone</b>: connect: "unreachable" <script>window.pwned=3</script>`}}
	r := report.New(results, errs, rules.Warning)
	var accept []rules.Finding
	for _, f := range r.Findings {
		if f.Rule == "ACL002" {
			accept = append(accept, f)
			break
		}
	}
	r.ApplyBaseline(report.NewBaseline(accept))
	return r, ctx
}

func renderHTML(t testing.TB, r *report.Report, ctx *report.HTMLContext) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.Write(&b, "html", r, report.Options{HTML: ctx}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHTMLEscapes: configuration text, hostnames, descriptions and error messages are
// text on the page, never markup.
func TestHTMLEscapes(t *testing.T) {
	r, ctx := htmlSample(t)
	page := string(renderHTML(t, r, ctx))
	for _, bad := range []string{"<script>window.pwned", "<i>gp", "<b>gone", `"q'`} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q unescaped", bad)
		}
	}
	for _, want := range []string{
		"&lt;script&gt;window.pwned=1&lt;/script&gt;&#34;q&#39;",                   // hostname
		"&lt;script&gt;window.pwned=2&lt;/script&gt; &#34;phones&#34; &#39;x&#39;", // description, a context line
		"policy-map &lt;i&gt;gp&#34;&#39;&lt;/i&gt;",                               // a finding's source
		"&lt;script&gt;window.pwned=3&lt;/script&gt;",                              // an input error
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The only script is the page's own.
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("page has %d <script elements, want 1", n)
	}
}

// TestHTMLSelfContained: nothing on the page is loaded from elsewhere.
func TestHTMLSelfContained(t *testing.T) {
	r, ctx := htmlSample(t)
	for n := range parsePage(t, renderHTML(t, r, ctx)).all() {
		for _, a := range n.attr {
			if (a.Name.Local == "src" || a.Name.Local == "href") && !strings.HasPrefix(a.Value, "#") && !strings.HasPrefix(a.Value, "data:") {
				t.Errorf("<%s %s=%q> loads from elsewhere", n.tag, a.Name.Local, a.Value)
			}
		}
	}
}

// TestHTMLContextLines: the lines around a finding come from its file when that file is
// the one the finding quotes, and the page does not fail when it is not.
func TestHTMLContextLines(t *testing.T) {
	r, ctx := htmlSample(t)
	page := string(renderHTML(t, r, ctx))
	// nat (phones,outside) is line 28 of hostile.txt; the description above it is context.
	if !strings.Contains(page, `<span class="ln">26</span> description &lt;script&gt;`) {
		t.Error("the lines around a finding are missing")
	}
	ctx.Lines = func(string) ([]string, error) { return []string{"another file"}, nil }
	page = string(renderHTML(t, r, ctx))
	if strings.Contains(page, "another file") {
		t.Error("lines of a file that is not the one the findings quote are shown")
	}
	if !strings.Contains(page, `<span class="ln">28</span> nat (phones,outside) dynamic interface`) {
		t.Error("the finding's own line is missing when its file cannot be read")
	}
}

// TestHTMLOutline compares the page's structure (ids, classes, headings, table rows) with
// testdata/html/*.outline, so that a style change does not break it but a lost section does.
func TestHTMLOutline(t *testing.T) {
	r, ctx := htmlSample(t)
	d := htmlDiffSample(t)
	for name, page := range map[string][]byte{
		"report": renderHTML(t, r, ctx),
		"diff":   renderDiffHTML(t, d),
		"sip":    sipRun(t).html,
	} {
		t.Run(name, func(t *testing.T) {
			got := outline(t, page)
			golden := "testdata/html/" + name + ".outline"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./report -run TestHTMLOutline -update writes it)", err)
			}
			if got != string(want) {
				t.Errorf("outline differs from %s (-update rewrites it):\n%s", golden, lineDiff(string(want), got))
			}
		})
	}
}

func htmlDiffSample(t testing.TB) *report.Diff {
	t.Helper()
	opts := pathOptions(10*time.Minute, asa.Port{Proto: "udp", Number: 5080})
	audited := func(file string) *audit.Result {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		res, err := audit.Reader(f, file, audit.Options{Rules: opts})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	before, after := audited("../fixtures/paths/pat-inspect.txt"), audited("../fixtures/paths/pat-no-inspect.txt")
	d := report.NewDiff(before, after, nil, rules.Warning)
	d.AddNotSimulated(report.Unsimulated{File: "change.txt", Line: 3, Command: `interface <b>x</b>`, Reason: "interfaces are not simulated"})
	return d
}

func renderDiffHTML(t testing.TB, d *report.Diff) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.DiffHTML(&b, d, &report.HTMLContext{Run: report.Run{Command: "diff"}}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// node is an element of a page: the page is the package's own output, so encoding/xml
// in its HTML mode reads it.
type node struct {
	tag      string
	attr     []xml.Attr
	children []*node
	text     string // only for text nodes (tag "")
}

func (n *node) get(key string) string {
	for _, a := range n.attr {
		if a.Name.Local == key {
			return a.Value
		}
	}
	return ""
}

// all yields n and every element under it, in document order.
func (n *node) all() func(func(*node) bool) {
	return func(yield func(*node) bool) {
		var walk func(*node) bool
		walk = func(m *node) bool {
			if m.tag != "" && !yield(m) {
				return false
			}
			for _, c := range m.children {
				if !walk(c) {
					return false
				}
			}
			return true
		}
		walk(n)
	}
}

func (n *node) textContent() string {
	if n.tag == "" {
		return n.text
	}
	var b strings.Builder
	for _, c := range n.children {
		b.WriteString(c.textContent())
		b.WriteString(" ")
	}
	return b.String()
}

var rawText = regexp.MustCompile(`(?s)<(script|style)>.*?</(?:script|style)>`)

func parsePage(t testing.TB, page []byte) *node {
	t.Helper()
	// The script and the style sheet are not markup; what remains is.
	page = rawText.ReplaceAll(page, []byte("<$1></$1>"))
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict, d.AutoClose, d.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	root := &node{tag: "#document"}
	stack := []*node{root}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("page does not parse: %v", err)
		}
		top := stack[len(stack)-1]
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{tag: strings.ToLower(tok.Name.Local), attr: tok.Attr}
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			top.children = append(top.children, &node{text: string(tok)})
		}
	}
	return root
}

// outline lists the page's structural elements, one a line, indented by nesting: tag,
// id, classes, and the text of headings, table rows, buttons and path steps.
func outline(t *testing.T, page []byte) string {
	t.Helper()
	structural := map[string]bool{"header": true, "main": true, "section": true, "details": true, "article": true, "figure": true,
		"table": true, "tr": true, "h1": true, "h2": true, "h3": true, "h4": true, "ol": true, "dl": true, "ul": true, "pre": true, "button": true, "div": true}
	texts := map[string]bool{"h1": true, "h2": true, "h3": true, "h4": true, "tr": true, "button": true}
	var b strings.Builder
	var walk func(n *node, depth int)
	walk = func(n *node, depth int) {
		if n.tag == "style" || n.tag == "script" {
			return
		}
		next := depth
		if n.tag != "" && (structural[n.tag] || n.get("id") != "" || n.tag == "li" && strings.Contains(n.get("class"), "step")) {
			fmt.Fprintf(&b, "%s%s", strings.Repeat("  ", depth), n.tag)
			if id := n.get("id"); id != "" {
				fmt.Fprintf(&b, "#%s", id)
			}
			for c := range strings.FieldsSeq(n.get("class")) {
				fmt.Fprintf(&b, ".%s", c)
			}
			if texts[n.tag] || n.tag == "li" && strings.Contains(n.get("class"), "step") {
				fmt.Fprintf(&b, " %q", strings.Join(strings.Fields(n.textContent()), " "))
			}
			b.WriteString("\n")
			next = depth + 1
		}
		for _, c := range n.children {
			walk(c, next)
		}
	}
	walk(parsePage(t, page), 0)
	return b.String()
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, wl, gl)
		}
	}
	return ""
}

// TestHTMLCountsMatchJSON: the counts on the page are the JSON report's.
func TestHTMLCountsMatchJSON(t *testing.T) {
	r, ctx := htmlSample(t)
	var js bytes.Buffer
	if err := report.JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary map[string]any `json:"summary"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	shown := map[string]string{}
	for n := range parsePage(t, renderHTML(t, r, ctx)).all() {
		if id := n.get("id"); strings.HasPrefix(id, "sum-") {
			shown[strings.TrimPrefix(id, "sum-")] = strings.TrimSpace(n.textContent())
		}
	}
	for _, k := range []string{"targets", "errors", "warnings", "infos", "baselined", "inputErrors"} {
		if want := fmt.Sprint(doc.Summary[k]); shown[k] != want {
			t.Errorf("page shows %s %q, JSON %s", k, shown[k], want)
		}
	}
}

// sipPages are the pages of one "asaaudit sip" run, made in-process as a person would
// make them: a capture of a NAT binding that moves between refreshes, with the
// configuration it confirms.
type sipPages struct {
	html, json []byte
}

func sipRun(t testing.TB) sipPages {
	t.Helper()
	dir := t.TempDir()
	page, js := filepath.Join(dir, "sip.html"), filepath.Join(dir, "sip.json")
	var out, errOut bytes.Buffer
	s := &cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	args := []string{"sip", "--running-config", "../fixtures/captures/seed.config.txt", "--format", "html=" + page, "--format", "json=" + js,
		"../fixtures/captures/binding-moves.pcap"}
	if code := cli.Main(args, s); code != 1 {
		t.Fatalf("asaaudit %s: exit %d, want 1 (errors found)\n%s%s", strings.Join(args, " "), code, out.String(), errOut.String())
	}
	var p sipPages
	var err error
	if p.html, err = os.ReadFile(page); err != nil {
		t.Fatal(err)
	}
	if p.json, err = os.ReadFile(js); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHTMLLadderLinks: a capture finding links to the message of its frame in its
// registration's ladder, and the ladder's diagnoses link back to the findings.
func TestHTMLLadderLinks(t *testing.T) {
	run := sipRun(t)
	var doc struct {
		Findings []rules.Finding `json:"findings"`
	}
	if err := json.Unmarshal(run.json, &doc); err != nil {
		t.Fatal(err)
	}
	root := parsePage(t, run.html)
	byID := map[string]*node{}
	for n := range root.all() {
		if id := n.get("id"); id != "" {
			byID[id] = n
		}
	}
	captures := 0
	for n := range root.all() {
		if n.tag != "article" || !strings.Contains(n.get("class"), "finding") {
			continue
		}
		var link *node
		for m := range n.all() {
			if m.tag == "a" && strings.Contains(m.get("class"), "step") {
				link = m
			}
		}
		if link == nil {
			continue
		}
		captures++
		step := byID[strings.TrimPrefix(link.get("href"), "#")]
		if step == nil || !strings.Contains(step.get("class"), "lstep") {
			t.Errorf("finding %s links to %s, not to a ladder step", n.get("id"), link.get("href"))
			continue
		}
		frame := strings.Fields(step.textContent())[0]
		if want := strings.TrimSpace(link.textContent()); !strings.HasSuffix(want, "frame "+frame) {
			t.Errorf("finding %s (%s) lands on frame %s", n.get("id"), want, frame)
		}
		if !strings.Contains(step.get("class"), "hit") {
			t.Errorf("step %s a finding points at is not marked", step.get("id"))
		}
	}
	reg := 0
	for _, f := range doc.Findings {
		if strings.HasPrefix(f.Rule, "REG") {
			reg++
		}
	}
	if captures != reg || reg == 0 {
		t.Errorf("%d findings link to ladder steps, the JSON has %d capture findings", captures, reg)
	}
	diags := 0
	for n := range root.all() {
		if n.tag == "a" && strings.Contains(n.get("class"), "rid") && n.get("href") != "" && byID[strings.TrimPrefix(n.get("href"), "#")] != nil &&
			byID[strings.TrimPrefix(n.get("href"), "#")].tag == "article" {
			diags++
		}
	}
	if diags != reg {
		t.Errorf("%d diagnoses link to their findings, want %d", diags, reg)
	}
}

// hostileLadder is a registration whose Request-URI, reason phrase, addresses and
// diagnosis hold markup and quotes: SIP text comes from the network.
func hostileLadder() (*report.Report, *report.HTMLContext) {
	const file = "phones<b>.pcap"
	f := rules.Finding{Rule: "REG001", Severity: rules.Error, Title: "credentials rejected", File: file, Line: 2, Fingerprint: "fp1",
		Message: `sip:"x'@<script>window.pwned=4</script>: 403 <i>Forbidden</i>`, Source: `    2 b -> a SIP/2.0 403 <i>Forbidden</i>"'`}
	r := report.New([]*audit.Result{{Target: file, Capture: true, Lines: 2, Findings: []rules.Finding{f}}}, nil, rules.Warning)
	ctx := report.NewHTMLContext("sip", rules.Options{})
	ctx.AddLadder(file, report.Ladder{
		Title:  `registration sip:"x'@<script>window.pwned=5</script>`,
		Client: `10.0.0.1:5060`, Registrar: `192.0.2.1:5060`,
		Steps: []report.LadderStep{
			{Frame: 1, Time: "0.000", Src: "10.0.0.1:5060", Dst: "192.0.2.1:5060", Text: `REGISTER sip:"x'@<script>window.pwned=6</script>`},
			{Frame: 2, Time: "0.050", Src: "192.0.2.1:5060", Dst: "10.0.0.1:5060", Text: `SIP/2.0 403 <img src=x onerror="window.pwned=7">'`},
			{Frame: 3, Time: "30.000", Src: "10.0.0.1:5061", Dst: "192.0.2.1:5060", Text: "REGISTER sip:example.com"},
			{Frame: 4, Time: "30.001", Src: "198.51.100.254", Dst: "10.0.0.1:5061", Text: "ICMP port unreachable from 198.51.100.254"},
		},
		Diagnoses: []report.Diagnosis{
			{Frame: 2, Rule: "REG001", Severity: "error", Message: "as found", Fingerprint: "fp1"},
			{Frame: 1, Rule: "REG005", Severity: "info", Message: "left out by the baseline", Fingerprint: "not-in-the-report"},
			{Frame: 1, Rule: "REG009", Severity: "warning", Message: `no fingerprint <u>"'`},
		},
	})
	return r, ctx
}

// TestHTMLLadderEscapes: the SIP text of a ladder is text on the page, never markup, and a
// diagnosis the report no longer holds (baselined) is not shown.
func TestHTMLLadderEscapes(t *testing.T) {
	r, ctx := hostileLadder()
	page := string(renderHTML(t, r, ctx))
	for _, bad := range []string{"<script>window", "<img", "<i>Forbidden", "<u>", "<b>.pcap", `"x'`} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q unescaped", bad)
		}
	}
	for _, want := range []string{
		`REGISTER sip:&#34;x&#39;@&lt;script&gt;window.pwned=6&lt;/script&gt;`,
		`SIP/2.0 403 &lt;img src=x onerror=&#34;window.pwned=7&#34;&gt;&#39;`,
		`registration sip:&#34;x&#39;@&lt;script&gt;window.pwned=5&lt;/script&gt;`,
		`sip:&#34;x&#39;@&lt;script&gt;window.pwned=4&lt;/script&gt;: 403 &lt;i&gt;Forbidden&lt;/i&gt;`,
		`no fingerprint &lt;u&gt;&#34;&#39;`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("page has %d <script elements, want 1", n)
	}
	if strings.Contains(page, "left out by the baseline") {
		t.Error("a diagnosis the report does not hold is shown")
	}
	if !strings.Contains(page, `class="lstep left hit error"`) || !strings.Contains(page, `href="#t1-r1-f2"`) {
		t.Error("the answer the finding points at is not marked and linked")
	}
}

// TestHTMLLaddersBounded: a capture of many registrations draws the worst ones, folded,
// and says how many it left out.
func TestHTMLLaddersBounded(t *testing.T) {
	r := report.New([]*audit.Result{{Target: "big.pcap", Capture: true, Findings: []rules.Finding{}}}, nil, rules.Warning)
	ctx := report.NewHTMLContext("sip", rules.Options{})
	const n = 250
	for i := range n {
		sev := "info"
		if i%50 == 7 {
			sev = "error"
		}
		ctx.AddLadder("big.pcap", report.Ladder{Title: fmt.Sprintf("registration %d", i), Client: "10.0.0.1:5060", Registrar: "192.0.2.1:5060",
			Steps:     []report.LadderStep{{Frame: i + 1, Src: "10.0.0.1:5060", Dst: "192.0.2.1:5060", Text: "REGISTER sip:example.com"}},
			Diagnoses: []report.Diagnosis{{Frame: i + 1, Rule: "REG005", Severity: sev, Message: "m"}}})
	}
	page := string(renderHTML(t, r, ctx))
	if got := strings.Count(page, `<details class="ladder`); got != 200 {
		t.Errorf("%d ladders drawn, want 200", got)
	}
	if got := strings.Count(page, `<details class="ladder error"`); got != n/50 {
		t.Errorf("%d ladders with an error drawn, want all %d", got, n/50)
	}
	if strings.Contains(page, `<details class="ladder info" id="t1-r1" open`) {
		t.Error("ladders of a large capture are open")
	}
	if !strings.Contains(page, "50 more registration(s) not drawn") {
		t.Error("the page does not say how many registrations it left out")
	}
}

// TestHTMLLaddersLazy: the ladders are made when a page is written, and once.
func TestHTMLLaddersLazy(t *testing.T) {
	r, _ := hostileLadder()
	ctx := report.NewHTMLContext("sip", rules.Options{})
	calls := 0
	ctx.AddLadders(func(add func(string, report.Ladder)) {
		calls++
		add("phones<b>.pcap", report.Ladder{Title: "registration lazy", Steps: []report.LadderStep{{Frame: 2, Text: "SIP/2.0 403 Forbidden"}}})
	})
	if calls != 0 {
		t.Fatalf("ladders made %d times before a page is written", calls)
	}
	for range 2 {
		if page := string(renderHTML(t, r, ctx)); !strings.Contains(page, "registration lazy") {
			t.Error("the ladder is not on the page")
		}
	}
	if calls != 1 {
		t.Errorf("ladders made %d times for two pages, want 1", calls)
	}
}

// TestHTMLLadderDirections: each message is drawn from the side it left, whether its
// endpoints are the first REGISTER's, a moved binding's or a router's.
func TestHTMLLadderDirections(t *testing.T) {
	r, ctx := hostileLadder()
	root := parsePage(t, renderHTML(t, r, ctx))
	want := map[string]string{"t1-r1-f1": "right", "t1-r1-f2": "left", "t1-r1-f3": "right moved", "t1-r1-f4": "left moved"}
	got := map[string]string{}
	for n := range root.all() {
		if n.tag == "li" && strings.Contains(n.get("class"), "lstep") {
			dir := strings.Fields(n.get("class"))[1]
			for m := range n.all() {
				if m.get("class") == "ends" {
					dir += " moved"
				}
			}
			got[n.get("id")] = dir
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("steps drawn %v, want %v", got, want)
	}
}
