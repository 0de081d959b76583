// Package report renders audit results (text, JSON) and decides the exit code.
package report

import (
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
	Lines    int    `json:"lines"`
	Findings int    `json:"findings"`
}

// Summary counts findings by severity.
type Summary struct {
	Targets  int    `json:"targets"`
	Findings int    `json:"findings"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
	Infos    int    `json:"infos"`
	Failed   int    `json:"inputErrors"`
	FailOn   string `json:"failOn"`
	ExitCode int    `json:"exitCode"`
}

// Report is everything one run found; its JSON form is the documented contract.
type Report struct {
	SchemaVersion int             `json:"schemaVersion"`
	Targets       []Target        `json:"targets"`
	Findings      []rules.Finding `json:"findings"`
	Errors        []Error         `json:"errors"`
	Summary       Summary         `json:"summary"`
}

// New assembles a report from results and input errors and decides its exit code.
func New(results []*audit.Result, errs []Error, failOn rules.Severity) *Report {
	r := &Report{SchemaVersion: SchemaVersion, Targets: []Target{}, Findings: []rules.Finding{}, Errors: []Error{}}
	for _, res := range results {
		r.Targets = append(r.Targets, Target{Target: res.Target, Hostname: res.Hostname, Version: res.Version, Lines: res.Lines, Findings: len(res.Findings)})
		r.Findings = append(r.Findings, res.Findings...)
	}
	r.Errors = append(r.Errors, errs...)
	s := &r.Summary
	s.Targets, s.Findings, s.Failed = len(results), len(r.Findings), len(errs)
	for _, f := range r.Findings {
		switch f.Severity {
		case rules.Error:
			s.Errors++
		case rules.Warning:
			s.Warnings++
		case rules.Info:
			s.Infos++
		}
	}
	s.FailOn = FailOnName(failOn)
	s.ExitCode = ExitCode(r.Findings, len(errs) > 0, failOn)
	return r
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
