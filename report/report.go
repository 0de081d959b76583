// Package report renders audit results (text, JSON, SARIF, JUnit XML, GitHub workflow
// commands), applies baselines and decides the exit code.
package report

import (
	"slices"

	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/rules"
)

// SchemaVersion is the version of the JSON document; it changes only with a README note.
const SchemaVersion = 1

// Exit codes are a public contract.
const (
	ExitClean    = 0 // no finding at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitError    = 2 // an input could not be audited, or a usage error
	// ExitInterrupted: live was interrupted (SIGINT, SIGTERM); the report covers the hosts
	// collected before. 128+SIGINT, what a shell reports for a command stopped by Ctrl-C.
	ExitInterrupted = 130
)

// Never is the --fail-on level that never fails on findings.
const Never rules.Severity = 1 << 10

// Error is an input that could not be audited.
type Error struct {
	Target  string `json:"target"`
	Message string `json:"message"`
}

// Target describes one audited configuration.
type Target struct {
	Target   string `json:"target"`
	Hostname string `json:"hostname,omitempty"`
	Version  string `json:"version,omitempty"`
	// VersionMarker is "context" or "system" when the version header carries that marker.
	VersionMarker string `json:"versionMarker,omitempty"`
	Lines         int    `json:"lines"`
	Findings      int    `json:"findings"`
	// Scope is "partial" or "system" when the input was not a whole configuration, and
	// NotEvaluated lists the rules that could not run on it (SCOPE001, SCOPE002).
	Scope        string   `json:"scope,omitempty"`
	NotEvaluated []string `json:"notEvaluated,omitempty"`
	// Kind is "capture" for a packet capture (Lines then counts its frames); left out for
	// a configuration.
	Kind string `json:"kind,omitempty"`
}

// Summary counts findings by severity. Baselined findings are counted only in Baselined.
type Summary struct {
	Targets   int    `json:"targets"`
	Findings  int    `json:"findings"`
	Errors    int    `json:"errors"`
	Warnings  int    `json:"warnings"`
	Infos     int    `json:"infos"`
	Baselined int    `json:"baselined"`
	Failed    int    `json:"inputErrors"`
	FailOn    string `json:"failOn"`
	ExitCode  int    `json:"exitCode"`
	// EvidenceUnread counts the lines of evidence not read and EvidenceUnmatched the
	// outputs that counted for no configuration; both are left out when the run had no
	// evidence.
	EvidenceUnread    *int `json:"evidenceUnread,omitempty"`
	EvidenceUnmatched *int `json:"evidenceUnmatched,omitempty"`
	// Interrupted is true when the run was interrupted before every target was collected
	// (live): the report is incomplete, and the exit code is ExitInterrupted.
	Interrupted bool `json:"interrupted,omitempty"`
}

// Report is everything one run found; its JSON form is the documented contract.
type Report struct {
	SchemaVersion int             `json:"schemaVersion"`
	Targets       []Target        `json:"targets"`
	Findings      []rules.Finding `json:"findings"`
	// Baselined are the findings a baseline accepts: reported, but they never fail the run.
	Baselined []rules.Finding `json:"baselined"`
	Errors    []Error         `json:"errors"`
	// Evidence is what was lost of the runtime evidence; nil without evidence.
	Evidence *Evidence `json:"evidence,omitempty"`
	Summary  Summary   `json:"summary"`
	// Rules are the rules that ran; nil means all of them. JUnit lists the others as skipped.
	Rules []*rules.Rule `json:"-"`

	failOn      rules.Severity
	interrupted bool
}

// MarkInterrupted records that the run stopped before every target was collected.
func (r *Report) MarkInterrupted() {
	r.interrupted = true
	r.count()
}

// New assembles a report from results and input errors and decides its exit code.
func New(results []*audit.Result, errs []Error, failOn rules.Severity) *Report {
	r := &Report{SchemaVersion: SchemaVersion, Targets: []Target{}, Findings: []rules.Finding{}, Baselined: []rules.Finding{}, Errors: []Error{}, failOn: failOn}
	for _, res := range results {
		r.Targets = append(r.Targets, *target(res))
		r.Findings = append(r.Findings, res.Findings...)
	}
	r.Errors = append(r.Errors, errs...)
	r.count()
	return r
}

// ApplyBaseline moves the findings that b accepts from Findings to Baselined and
// decides the exit code again.
func (r *Report) ApplyBaseline(b *Baseline) {
	kept := []rules.Finding{}
	for _, f := range r.Findings {
		if b.Contains(f) {
			r.Baselined = append(r.Baselined, f)
		} else {
			kept = append(kept, f)
		}
	}
	r.Findings = kept
	for i, t := range r.Targets {
		r.Targets[i].Findings = len(r.findingsOf(t.Target))
	}
	r.count()
}

func (r *Report) count() {
	s := &r.Summary
	*s = Summary{Targets: len(r.Targets), Findings: len(r.Findings), Baselined: len(r.Baselined), Failed: len(r.Errors)}
	s.Errors, s.Warnings, s.Infos = bySeverity(r.Findings)
	s.FailOn = FailOnName(r.failOn)
	s.ExitCode = ExitCode(r.Findings, len(r.Errors) > 0, r.failOn)
	if r.interrupted {
		s.Interrupted, s.ExitCode = true, ExitInterrupted
	}
	if r.Evidence != nil {
		unread, unmatched := r.Evidence.unreadLines(), len(r.Evidence.Unmatched)
		s.EvidenceUnread, s.EvidenceUnmatched = &unread, &unmatched
	}
}

// bySeverity counts findings by severity.
func bySeverity(findings []rules.Finding) (errors, warnings, infos int) {
	for _, f := range findings {
		switch f.Severity {
		case rules.Error:
			errors++
		case rules.Warning:
			warnings++
		case rules.Info:
			infos++
		}
	}
	return errors, warnings, infos
}

// findingsOf returns the (not baselined) findings of one target.
func (r *Report) findingsOf(target string) []rules.Finding {
	var out []rules.Finding
	for _, f := range r.Findings {
		if f.File == target {
			out = append(out, f)
		}
	}
	return out
}

// ran reports whether rule ran.
func (r *Report) ran(rule *rules.Rule) bool {
	return r.Rules == nil || slices.Contains(r.Rules, rule)
}

// ExitCode is 2 when an input could not be audited, else 1 when a finding is at or above
// failOn, else 0.
func ExitCode(findings []rules.Finding, inputErrors bool, failOn rules.Severity) int {
	if inputErrors {
		return ExitError
	}
	for _, f := range findings {
		if f.Severity >= failOn {
			return ExitFindings
		}
	}
	return ExitClean
}

// ParseFailOn reads a --fail-on value.
func ParseFailOn(s string) (rules.Severity, error) {
	if s == "never" {
		return Never, nil
	}
	return rules.ParseSeverity(s)
}

// FailOnName is the inverse of ParseFailOn.
func FailOnName(s rules.Severity) string {
	if s == Never {
		return "never"
	}
	return s.String()
}
