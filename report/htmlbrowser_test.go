package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/asaaudit/asaaudit/bench"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

// skipBrowserEnv opts out of the browser tests. Nothing sets it for you: without
// Chromium the tests fail, so that a missing browser is never a silent pass ("make test"
// installs it).
const skipBrowserEnv = "ASAAUDIT_NO_BROWSER_TESTS"

// chromium finds the browser: $CHROMIUM, else chromium on the PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if os.Getenv(skipBrowserEnv) != "" {
		t.Skipf("%s is set: the HTML report is not tested in a browser", skipBrowserEnv)
	}
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium not found (%v): install it (make test does: apt-get install -y chromium), set CHROMIUM to its path, or set %s=1 to skip the browser tests", err, skipBrowserEnv)
	}
	return p
}

// page is a browser tab with a page loaded from a file, the network off, and every
// console message collected.
type page struct {
	ctx      context.Context
	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
}

func openPage(t *testing.T, file string, width, height int) *page {
	t.Helper()
	exe := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(width, height),
		// The network is off: every name resolves to nothing and every request goes to a
		// proxy that is not there, so a page that loads anything from elsewhere logs an error.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"), chromedp.ProxyServer("http://127.0.0.1:9"),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
	}
	// A browser that exits before it listens (seen once under the load of the whole
	// suite: "chrome failed to start") is started once more; one that fails twice fails
	// the test.
	var ctx context.Context
	for attempt := 1; ; attempt++ {
		// A profile of its own each time: a browser that died may leave its lock behind.
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, chromedp.UserDataDir(t.TempDir()))...)
		t.Cleanup(cancelAlloc)
		c, cancel := chromedp.NewContext(actx)
		t.Cleanup(cancel)
		err := chromedp.Do(c)
		if err == nil {
			ctx = c
			break
		}
		if attempt == 2 {
			t.Fatalf("starting %s: %v", exe, err)
		}
		t.Logf("starting %s: %v; starting it again", exe, err)
		cancel()
		cancelAlloc()
	}
	p := &page{ctx: ctx}
	mctx, stop := context.WithCancel(ctx)
	messages := chromedp.Console(mctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			p.mu.Lock()
			p.messages = append(p.messages, m)
			p.mu.Unlock()
		}
	}()
	t.Cleanup(func() { stop(); <-done })
	u := url.URL{Scheme: "file", Path: file}
	if err := chromedp.Do(ctx, chromedp.Navigate(u.String()), chromedp.WaitVisible(chromedp.CSS("#summary"))); err != nil {
		t.Fatalf("loading %s: %v", u.String(), err)
	}
	return p
}

// eval runs a script in the page and decodes its result.
func eval[T any](t *testing.T, p *page, script string) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	return v
}

// waitFor waits up to five seconds for a condition in the page (events such as toggle
// and the clipboard's promise land after the click that caused them).
func waitFor(t *testing.T, p *page, cond string) bool {
	t.Helper()
	return eval[bool](t, p, `new Promise(function (done) {
		var end = performance.now() + 5000;
		(function check() {
			if (`+cond+`) return done(true);
			if (performance.now() > end) return done(false);
			setTimeout(check, 20);
		})();
	})`)
}

func (p *page) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// noConsoleErrors fails on every error or exception the page reported so far.
func (p *page) noConsoleErrors(t *testing.T) {
	t.Helper()
	// Messages arrive asynchronously: a round trip lets the last ones in.
	eval[int](t, p, "1")
	time.Sleep(100 * time.Millisecond)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range p.messages {
		if m.Type == chromedp.ConsoleError || m.IsException() || m.Type == chromedp.ConsoleWarning {
			t.Errorf("console %s: %s (%s:%d)", m.Type, m, m.URL, m.Line+1)
		}
	}
}

func (p *page) screenshot(t *testing.T, name string, full bool) {
	t.Helper()
	var shot []byte
	var err error
	if full {
		shot, err = chromedp.Run(p.ctx, chromedp.FullScreenshot(90))
	} else {
		shot, err = chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		t.Fatal(err)
	}
	p.save(t, name, shot)
}

// save keeps a screenshot with the test's artifacts and, with -update, under docs/img.
func (p *page) save(t *testing.T, name string, shot []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(t.ArtifactDir(), name), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if *update {
		// The README shows these.
		if err := os.WriteFile(filepath.Join("..", "docs", "img", name), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// element saves a screenshot of the first element sel selects.
func (p *page) element(t *testing.T, name, sel string) {
	t.Helper()
	p.do(t, chromedp.Evaluate[chromedp.Void](`(function (el) { for (var d = el; d; d = d.parentElement) if (d.tagName === "DETAILS") d.open = true; })(document.querySelector(`+strconv.Quote(sel)+`))`))
	shot, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		t.Fatal(err)
	}
	p.save(t, name, shot)
}

func writePage(t *testing.T, name string, page []byte) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

type fleetRowShown struct {
	Target   string `json:"target"`
	Error    bool   `json:"error"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
	Infos    int    `json:"infos"`
}

const fleetRowsJS = `Array.from(document.querySelectorAll("#fleet-table tbody tr")).map(function (r) {
	var n = function (c) { var e = r.querySelector(c); return e ? Number(e.textContent) : 0; };
	return {target: r.cells[0].textContent, error: r.classList.contains("input-error"),
		errors: n(".c-error"), warnings: n(".c-warning"), infos: n(".c-info")};
})`

// TestHTMLInBrowser opens the report of a sample run as a person would, from a file with
// the network off, and checks what they would see and do.
func TestHTMLInBrowser(t *testing.T) {
	r, ctx := htmlSample(t)
	file := writePage(t, "report.html", renderHTML(t, r, ctx))
	var js bytes.Buffer
	if err := report.JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Targets  []report.Target `json:"targets"`
		Findings []rules.Finding `json:"findings"`
		Errors   []report.Error  `json:"errors"`
		Summary  map[string]any  `json:"summary"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	p := openPage(t, file, 1280, 900)

	t.Run("no script from the configuration ran", func(t *testing.T) {
		if got := eval[string](t, p, `typeof window.pwned`); got != "undefined" {
			t.Errorf("window.pwned is %s: markup from the configuration ran", got)
		}
	})

	t.Run("counts match the JSON report", func(t *testing.T) {
		for _, k := range []string{"targets", "errors", "warnings", "infos", "baselined", "inputErrors"} {
			got := eval[string](t, p, fmt.Sprintf(`document.getElementById("sum-%s").textContent`, k))
			if want := fmt.Sprint(doc.Summary[k]); got != want {
				t.Errorf("summary %s: page shows %s, JSON has %s", k, got, want)
			}
		}
		rows := eval[[]fleetRowShown](t, p, fleetRowsJS)
		checkFleetRows(t, rows, doc.Targets, doc.Findings, doc.Errors)
		if !rows[0].Error {
			t.Errorf("first row is %q, want the input error", rows[0].Target)
		}
		for i := 2; i < len(rows); i++ {
			if rows[i].Errors > rows[i-1].Errors && !rows[i-1].Error {
				t.Errorf("rows not worst first: %+v before %+v", rows[i-1], rows[i])
			}
		}
	})

	t.Run("sorting", func(t *testing.T) {
		p.do(t, chromedp.Click(chromedp.CSS(`#fleet-table th:nth-child(1)`)))
		rows := eval[[]fleetRowShown](t, p, fleetRowsJS)
		names := []string{}
		for _, r := range rows[1:] {
			names = append(names, strings.ToLower(r.Target))
		}
		if !rows[0].Error || !slices.IsSorted(names) {
			t.Errorf("after a click on target: %v", rows)
		}
		p.do(t, chromedp.Click(chromedp.CSS(`#fleet-table th:nth-child(4)`)))
		rows = eval[[]fleetRowShown](t, p, fleetRowsJS)
		for i := 2; i < len(rows); i++ {
			if rows[i].Warnings > rows[i-1].Warnings {
				t.Errorf("after a click on warnings, not descending: %v", rows)
			}
		}
		p.do(t, chromedp.Click(chromedp.CSS(`#fleet-table th:nth-child(4)`)))
		rows = eval[[]fleetRowShown](t, p, fleetRowsJS)
		for i := 2; i < len(rows); i++ {
			if rows[i].Warnings < rows[i-1].Warnings {
				t.Errorf("after a second click on warnings, not ascending: %v", rows)
			}
		}
	})

	t.Run("copy button", func(t *testing.T) {
		if _, err := chromedp.CallBrowser(p.ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: "clipboard-read"}, Setting: browser.PermissionSettingGranted}); err != nil {
			t.Fatal(err)
		}
		p.do(t, chromedp.Click(chromedp.CSS(`#t1 > summary`)), chromedp.Click(chromedp.CSS(`#f1 button.copy`)))
		want := eval[string](t, p, `document.querySelector("#f1 .fix pre").textContent`)
		if !strings.Contains(want, "inspect sip") {
			t.Fatalf("fix of f1 is %q", want)
		}
		waitFor(t, p, `document.querySelector("#f1 button.copy").textContent !== "Copy"`)
		label := eval[string](t, p, `document.querySelector("#f1 button.copy").textContent`)
		got := eval[string](t, p, `navigator.clipboard.readText()`)
		if label != "Copied" || got != want {
			t.Errorf("after Copy: button %q, clipboard %q, want %q", label, got, want)
		}
	})

	t.Run("link to a configuration line", func(t *testing.T) {
		href := eval[string](t, p, `document.querySelector("#f1 a.cfg").getAttribute("href")`)
		source := eval[string](t, p, `document.querySelector("#f1 .line.hit").lastChild.textContent`)
		p.do(t, chromedp.Click(chromedp.CSS(`#f1 a.cfg`)))
		waitFor(t, p, `location.hash === `+strconv.Quote(href)+` && document.getElementById(location.hash.slice(1)).classList.contains("landed")`)
		type landed struct {
			Hash    string `json:"hash"`
			Text    string `json:"text"`
			Visible bool   `json:"visible"`
			Marked  bool   `json:"marked"`
		}
		got := eval[landed](t, p, `(function () {
			var el = document.getElementById(location.hash.slice(1));
			var r = el.getBoundingClientRect();
			return {hash: location.hash, text: el.lastChild.textContent, marked: el.classList.contains("landed"),
				visible: el.offsetParent !== null && r.top >= 0 && r.bottom <= window.innerHeight};
		})()`)
		if got.Hash != href || got.Text != source || !got.Visible || !got.Marked {
			t.Errorf("clicking %s landed on %+v, want the line %q in view", href, got, source)
		}
		p.screenshot(t, "report-config-line.png", false)
		// A path step's link lands on its line too.
		step := eval[string](t, p, `document.querySelector("#t1 .steps a.cfg").getAttribute("href")`)
		p.do(t, chromedp.Click(chromedp.CSS(`#t1 .steps a.cfg`)))
		waitFor(t, p, `location.hash === `+strconv.Quote(step)+` && document.getElementById(location.hash.slice(1)).classList.contains("landed")`)
		if got := eval[landed](t, p, `(function () {
			var el = document.getElementById(location.hash.slice(1)), r = el.getBoundingClientRect();
			return {hash: location.hash, visible: el.offsetParent !== null && r.top >= 0 && r.bottom <= window.innerHeight};
		})()`); got.Hash != step || !got.Visible {
			t.Errorf("clicking the path step's %s landed on %+v", step, got)
		}
	})

	t.Run("rule documentation unfolds", func(t *testing.T) {
		p.do(t, chromedp.Click(chromedp.CSS(`#t1 .ruledoc > summary`)))
		waitFor(t, p, `document.querySelector("#t1 .ruledoc .docbody") !== null`)
		if got := eval[string](t, p, `document.querySelector("#t1 .ruledoc .docbody").textContent`); !strings.Contains(got, "How it decides") {
			t.Errorf("the rule documentation shows %q", got)
		}
	})

	t.Run("screenshots", func(t *testing.T) {
		p.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details.target, details.ruledoc").forEach(function (d) { d.open = false; });
			document.getElementById("t1").open = true; location.hash = ""; window.scrollTo(0, 0)`))
		p.screenshot(t, "report.png", false)
		p.do(t, chromedp.Evaluate[chromedp.Void](`document.getElementById("t1").scrollIntoView()`))
		p.screenshot(t, "report-target.png", false)
		p.element(t, "report-path.png", `#t1 figure.path`)
		p.element(t, "report-flows.png", `section.flows`)
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
			t.Fatal(err)
		}
		p.screenshot(t, "report-dark.png", false)
		if bg := eval[string](t, p, `getComputedStyle(document.body).backgroundColor`); bg == "rgb(255, 255, 255)" {
			t.Error("prefers-color-scheme: dark leaves the page white")
		}
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		if d := eval[string](t, p, `getComputedStyle(document.querySelector("button.copy")).display`); d != "none" {
			t.Errorf("printed, the copy button is displayed %q", d)
		}
	})

	t.Run("no console errors", p.noConsoleErrors)
}

// TestHTMLDiffInBrowser: a change review shows introduced findings first.
func TestHTMLDiffInBrowser(t *testing.T) {
	d := htmlDiffSample(t)
	p := openPage(t, writePage(t, "diff.html", renderDiffHTML(t, d)), 1280, 900)
	order := eval[[]string](t, p, `Array.from(document.querySelectorAll("#change > .group")).map(function (s) { return s.id; })`)
	if !slices.Equal(order, []string{"introduced", "resolved", "unchanged"}) {
		t.Errorf("groups in order %v", order)
	}
	if got := eval[string](t, p, `document.getElementById("sum-introduced").textContent`); got != fmt.Sprint(d.Summary.Introduced) {
		t.Errorf("introduced: page %s, report %d", got, d.Summary.Introduced)
	}
	p.screenshot(t, "report-diff.png", false)
	p.noConsoleErrors(t)
}

// fleetReport is a fleet run of n targets with per findings each, made of the sample
// run's findings.
func fleetReport(t testing.TB, n, per int) *report.Report {
	sample, _ := htmlSample(t)
	return report.New(bench.Fleet(sample.Findings, n, per), nil, rules.Warning)
}

// TestHTMLFleetInBrowser: the page of 1,000 targets and 10,000 findings is under 10 MB
// and opens; how long it takes is logged, not asserted (a shared machine's timing).
func TestHTMLFleetInBrowser(t *testing.T) {
	r := fleetReport(t, 1000, 10)
	page := renderHTML(t, r, nil)
	const limit = 10 << 20
	t.Logf("fleet page: %d targets, %d findings, %.2f MB", len(r.Targets), len(r.Findings), float64(len(page))/(1<<20))
	if len(page) >= limit {
		t.Errorf("fleet page is %d bytes, want under %d", len(page), limit)
	}
	start := time.Now()
	p := openPage(t, writePage(t, "fleet.html", page), 1280, 900)
	loaded := time.Since(start)
	type timing struct {
		DOMContentLoaded float64 `json:"domContentLoaded"`
		Load             float64 `json:"load"`
		Interactive      float64 `json:"interactive"`
		Sort             float64 `json:"sort"`
		Open             float64 `json:"open"`
		Rows             int     `json:"rows"`
	}
	tm := eval[timing](t, p, `new Promise(function (done) {
		var nav = performance.getEntriesByType("navigation")[0];
		var t0 = performance.now();
		document.querySelector("#fleet-table th:nth-child(3)").click();
		var sort = performance.now() - t0;
		t0 = performance.now();
		var d = document.querySelector("details.target"); d.open = true;
		d.getBoundingClientRect();
		requestAnimationFrame(function () {
			done({interactive: nav.domInteractive, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd, sort: sort,
				open: performance.now() - t0, rows: document.querySelectorAll("#fleet-table tbody tr").length});
		});
	})`)
	t.Logf("fleet page in Chromium: DOM interactive %.0f ms, DOMContentLoaded %.0f ms, load %.0f ms (navigation timing); sort by errors %.1f ms; open a target %.1f ms; %s from navigation to visible",
		tm.Interactive, tm.DOMContentLoaded, tm.Load, tm.Sort, tm.Open, loaded.Round(time.Millisecond))
	if tm.Rows != 1000 {
		t.Errorf("fleet table has %d rows", tm.Rows)
	}
	if open := eval[int](t, p, `document.querySelectorAll("details.target[open]").length`); open != 1 {
		t.Errorf("%d targets open, want only the one the test opened (folded by default)", open)
	}
	p.noConsoleErrors(t)
}

// TestHTMLSipInBrowser opens the page of an "asaaudit sip" run: the counts are the JSON
// report's of the same run, and a capture finding's link lands on its message in the
// registration's ladder, even folded.
func TestHTMLSipInBrowser(t *testing.T) {
	run := sipRun(t)
	var doc struct {
		Targets  []report.Target `json:"targets"`
		Findings []rules.Finding `json:"findings"`
		Errors   []report.Error  `json:"errors"`
		Summary  map[string]any  `json:"summary"`
	}
	if err := json.Unmarshal(run.json, &doc); err != nil {
		t.Fatal(err)
	}
	p := openPage(t, writePage(t, "sip.html", run.html), 1280, 900)

	t.Run("counts match the JSON report", func(t *testing.T) {
		for _, k := range []string{"targets", "errors", "warnings", "infos", "baselined", "inputErrors"} {
			got := eval[string](t, p, fmt.Sprintf(`document.getElementById("sum-%s").textContent`, k))
			if want := fmt.Sprint(doc.Summary[k]); got != want {
				t.Errorf("summary %s: page shows %s, JSON has %s", k, got, want)
			}
		}
		reg := 0
		for _, f := range doc.Findings {
			if strings.HasPrefix(f.Rule, "REG") {
				reg++
			}
		}
		checkFleetRows(t, eval[[]fleetRowShown](t, p, fleetRowsJS), doc.Targets, doc.Findings, doc.Errors)
		if got := eval[int](t, p, `document.querySelectorAll("details.ladder ul.diag > li").length`); got != reg {
			t.Errorf("the ladders show %d diagnoses, the JSON has %d capture findings", got, reg)
		}
	})

	t.Run("a REG004 finding lands on its ladder step", func(t *testing.T) {
		var want rules.Finding
		for _, f := range doc.Findings {
			if f.Rule == "REG004" {
				want = f
			}
		}
		if want.Rule == "" {
			t.Fatal("the run has no REG004 finding")
		}
		const finding = `Array.from(document.querySelectorAll("section.rule")).find(function (s) {
			return s.querySelector(".rid").textContent === "REG004"; }).querySelector("article.finding")`
		id := eval[string](t, p, finding+`.id`)
		href := eval[string](t, p, `document.querySelector("#`+id+` a.cfg").getAttribute("href")`)
		// Folded, as a fleet's are: the link opens what it lands in.
		p.do(t, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details.target, details.ladder").forEach(function (d) { d.open = false; });
			document.getElementById("`+id+`").closest("details.target").open = true`))
		p.do(t, chromedp.Click(chromedp.CSS(`#`+id+` a.cfg`)))
		waitFor(t, p, `location.hash === `+strconv.Quote(href)+` && document.getElementById(location.hash.slice(1)).classList.contains("landed")`)
		type landed struct {
			Hash    string `json:"hash"`
			Frame   string `json:"frame"`
			Step    bool   `json:"step"`
			Hit     bool   `json:"hit"`
			Visible bool   `json:"visible"`
			Marked  bool   `json:"marked"`
		}
		got := eval[landed](t, p, `(function () {
			var el = document.getElementById(location.hash.slice(1)), r = el.getBoundingClientRect();
			return {hash: location.hash, frame: el.querySelector(".fr").textContent, step: el.classList.contains("lstep"),
				hit: el.classList.contains("hit"), marked: el.classList.contains("landed"),
				visible: el.offsetParent !== null && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight};
		})()`)
		if w := (landed{Hash: href, Frame: strconv.Itoa(want.Line), Step: true, Hit: true, Visible: true, Marked: true}); got != w {
			t.Errorf("clicking %s landed on %+v, want %+v", href, got, w)
		}
		// And the ladder's diagnosis leads back to the finding.
		back := eval[string](t, p, `document.getElementById(location.hash.slice(1)).closest("details.ladder").querySelector("ul.diag li.error a.rid").getAttribute("href")`)
		if back != "#"+id {
			t.Errorf("the ladder's REG004 diagnosis links to %s, want #%s", back, id)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		p.do(t, chromedp.Evaluate[chromedp.Void](`location.hash = ""; document.querySelectorAll(".landed").forEach(function (e) { e.classList.remove("landed"); })`))
		p.element(t, "report-sip.png", `section.ladders`)
	})

	t.Run("no console errors", p.noConsoleErrors)
}

// TestHTMLLadderMarkupInBrowser: markup in SIP messages (a Request-URI, a reason phrase)
// does not run on the page.
func TestHTMLLadderMarkupInBrowser(t *testing.T) {
	r, ctx := hostileLadder()
	p := openPage(t, writePage(t, "hostile-sip.html", renderHTML(t, r, ctx)), 1280, 900)
	if got := eval[string](t, p, `typeof window.pwned`); got != "undefined" {
		t.Errorf("window.pwned is %s: markup from a capture ran", got)
	}
	if got := eval[string](t, p, `document.getElementById("t1-r1-f2").querySelector(".mtext").textContent`); got != `SIP/2.0 403 <img src=x onerror="window.pwned=7">'` {
		t.Errorf("the reason phrase reads %q", got)
	}
	p.noConsoleErrors(t)
}

// checkFleetRows compares the fleet table's rows with the JSON report of the same run: a
// row per target with its counts by severity, and a row per input error.
func checkFleetRows(t *testing.T, rows []fleetRowShown, targets []report.Target, findings []rules.Finding, errs []report.Error) {
	t.Helper()
	want := map[string]fleetRowShown{}
	for _, tg := range targets {
		want[tg.Target] = fleetRowShown{Target: tg.Target}
	}
	for _, f := range findings {
		w := want[f.File]
		switch f.Severity {
		case rules.Error:
			w.Errors++
		case rules.Warning:
			w.Warnings++
		case rules.Info:
			w.Infos++
		}
		want[f.File] = w
	}
	for _, e := range errs {
		want[e.Target] = fleetRowShown{Target: e.Target, Error: true}
	}
	if len(rows) != len(want) {
		t.Errorf("fleet table has %d rows, JSON %d targets and errors", len(rows), len(want))
	}
	for _, row := range rows {
		if w, ok := want[row.Target]; !ok || w != row {
			t.Errorf("fleet row %+v, JSON says %+v", row, w)
		}
	}
}
