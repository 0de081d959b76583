package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/rules"
)

// Diff compares the audits of a configuration before and after a change. Findings are
// matched by fingerprint, as a multiset: a fingerprint found twice after and once before
// is one unchanged finding and one introduced. Only introduced findings can fail the run:
// a change is not blocked by debt it did not create. Its JSON form is a documented contract.
type Diff struct {
	SchemaVersion int     `json:"schemaVersion"`
	Before        *Target `json:"before"` // nil when BEFORE could not be audited
	After         *Target `json:"after"`
	// Change is the change script applied to BEFORE to get AFTER (check --apply).
	Change     string          `json:"change,omitempty"`
	Introduced []rules.Finding `json:"introduced"`
	Resolved   []rules.Finding `json:"resolved"`
	Unchanged  []rules.Finding `json:"unchanged"`
	// NotSimulated are the commands of the change script that were not applied.
	NotSimulated []Unsimulated `json:"notSimulated"`
	Errors       []Error       `json:"errors"`
	Summary      DiffSummary   `json:"summary"`

	failOn rules.Severity
}

// Unsimulated is a command of a change script that the simulation did not apply.
type Unsimulated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Command string `json:"command"`
	Reason  string `json:"reason"`
}

// DiffSummary counts the groups; Errors, Warnings and Infos count introduced findings.
type DiffSummary struct {
	Introduced   int    `json:"introduced"`
	Resolved     int    `json:"resolved"`
	Unchanged    int    `json:"unchanged"`
	Errors       int    `json:"errors"`
	Warnings     int    `json:"warnings"`
	Infos        int    `json:"infos"`
	NotSimulated int    `json:"notSimulated"`
	Failed       int    `json:"inputErrors"`
	FailOn       string `json:"failOn"`
	ExitCode     int    `json:"exitCode"`
}

// NewDiff compares before and after (either nil when it could not be audited; errs say
// why) and decides the exit code: 2 on input errors, 1 when an introduced finding is at
// or above failOn, else 0.
func NewDiff(before, after *audit.Result, errs []Error, failOn rules.Severity) *Diff {
	d := &Diff{SchemaVersion: SchemaVersion, Introduced: []rules.Finding{}, Resolved: []rules.Finding{},
		Unchanged: []rules.Finding{}, NotSimulated: []Unsimulated{}, Errors: append([]Error{}, errs...), failOn: failOn}
	var old, cur []rules.Finding
	if before != nil {
		d.Before = target(before)
		old = before.Findings
	}
	if after != nil {
		d.After = target(after)
		cur = after.Findings
	}
	if before != nil && after != nil {
		left := map[string]int{}
		for _, f := range old {
			left[f.Fingerprint]++
		}
		for _, f := range cur {
			if left[f.Fingerprint] > 0 {
				left[f.Fingerprint]--
				d.Unchanged = append(d.Unchanged, f)
			} else {
				d.Introduced = append(d.Introduced, f)
			}
		}
		// The last occurrences before are the ones left over.
		for i := len(old) - 1; i >= 0; i-- {
			if f := old[i]; left[f.Fingerprint] > 0 {
				left[f.Fingerprint]--
				d.Resolved = append(d.Resolved, f)
			}
		}
		for i, j := 0, len(d.Resolved)-1; i < j; i, j = i+1, j-1 {
			d.Resolved[i], d.Resolved[j] = d.Resolved[j], d.Resolved[i]
		}
	}
	d.count()
	return d
}

func target(r *audit.Result) *Target {
	return &Target{Target: r.Target, Hostname: r.Hostname, Version: r.Version, VersionMarker: r.VersionMarker, Lines: r.Lines, Findings: len(r.Findings),
		Scope: r.Scope, NotEvaluated: r.NotEvaluated, Kind: kind(r)}
}

// kind is Target.Kind of r.
func kind(r *audit.Result) string {
	if r.Capture {
		return "capture"
	}
	return ""
}

// AddNotSimulated records commands of the change script that were not applied.
func (d *Diff) AddNotSimulated(u ...Unsimulated) {
	d.NotSimulated = append(d.NotSimulated, u...)
	d.count()
}

func (d *Diff) count() {
	s := &d.Summary
	*s = DiffSummary{Introduced: len(d.Introduced), Resolved: len(d.Resolved), Unchanged: len(d.Unchanged),
		NotSimulated: len(d.NotSimulated), Failed: len(d.Errors), FailOn: FailOnName(d.failOn)}
	s.Errors, s.Warnings, s.Infos = bySeverity(d.Introduced)
	s.ExitCode = ExitCode(d.Introduced, len(d.Errors) > 0, d.failOn)
}

// Report returns the introduced findings as a Report of AFTER, for the formats that have
// no diff form of their own (SARIF, JUnit, GitHub): a change is annotated with what it
// introduces. Findings in another file (the change script) get a target of their own.
func (d *Diff) Report() *Report {
	var results []*audit.Result
	byFile := map[string]*audit.Result{}
	if d.After != nil {
		res := &audit.Result{Target: d.After.Target, Hostname: d.After.Hostname, Version: d.After.Version, VersionMarker: d.After.VersionMarker, Lines: d.After.Lines, Findings: []rules.Finding{}}
		results, byFile[res.Target] = append(results, res), res
	}
	for _, f := range d.Introduced {
		res := byFile[f.File]
		if res == nil {
			res = &audit.Result{Target: f.File}
			results, byFile[f.File] = append(results, res), res
		}
		res.Findings = append(res.Findings, f)
	}
	return New(results, d.Errors, d.failOn)
}

// WriteDiff writes d in format: text and json have a diff form; the other formats get
// the introduced findings (see Report).
func WriteDiff(w io.Writer, format string, d *Diff, o Options) error {
	switch format {
	case "text":
		return DiffText(w, d, TextOptions{Color: o.Color, Quiet: o.Quiet})
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	case "html":
		return DiffHTML(w, d, o.HTML)
	}
	return Write(w, format, d.Report(), o)
}

// DiffText writes the three groups: introduced findings in full (source line and fix),
// resolved and unchanged ones a line each, then the commands not simulated and a summary
// line. Quiet writes only the introduced findings and the commands not simulated.
func DiffText(w io.Writer, d *Diff, o TextOptions) error {
	paint := noPaint
	if o.Color {
		paint = func(code, s string) string { return code + s + ansiReset }
	}
	var b strings.Builder
	group := func(name string, fs []rules.Finding, full bool) {
		if o.Quiet && (!full || len(fs) == 0) {
			return
		}
		fmt.Fprintf(&b, "%s (%d):\n", paint(ansiBold, name), len(fs))
		for _, f := range fs {
			if full {
				writeFinding(&b, f, paint)
			} else {
				fmt.Fprintf(&b, "%s:%d: %s %s %s\n", f.File, f.Line, f.Severity, f.Rule, f.Message)
			}
		}
		if !o.Quiet {
			b.WriteString("\n")
		}
	}
	group("introduced", d.Introduced, true)
	group("resolved", d.Resolved, false)
	group("unchanged", d.Unchanged, false)
	if len(d.NotSimulated) > 0 {
		fmt.Fprintf(&b, "%s (%d):\n", paint(ansiBold, "not simulated"), len(d.NotSimulated))
		for _, u := range d.NotSimulated {
			fmt.Fprintf(&b, "%s:%d: %s\n    %s\n", u.File, u.Line, u.Reason, paint(ansiDim, u.Command))
		}
		if !o.Quiet {
			b.WriteString("\n")
		}
	}
	if !o.Quiet {
		s := d.Summary
		after := side(d.After)
		if d.Change != "" {
			after += " + " + d.Change
		}
		fmt.Fprintf(&b, "%s -> %s: %d introduced (%d error(s), %d warning(s), %d info), %d resolved, %d unchanged",
			side(d.Before), after, s.Introduced, s.Errors, s.Warnings, s.Infos, s.Resolved, s.Unchanged)
		if d.Change != "" {
			fmt.Fprintf(&b, "; %d command(s) not simulated", s.NotSimulated)
		}
		fmt.Fprintf(&b, "; %d input error(s)\n", s.Failed)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func side(t *Target) string {
	if t == nil {
		return "?"
	}
	return t.Target
}
