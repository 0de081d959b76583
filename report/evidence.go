package report

import (
	"fmt"
	"strings"

	"github.com/asaaudit/asaaudit/evidence"
)

// Evidence is what happened to the runtime evidence of a run (--evidence, or collected
// live): the lines that were not read and the outputs that counted for no configuration.
// A CI job reads it to tell that evidence was lost, which stderr alone does not show.
type Evidence struct {
	Unread []EvidenceUnread `json:"unread"`
	// UnreadNotListed counts, per file, the runs of unread lines beyond the first ones,
	// which Unread does not list (their lines are in the summary's evidenceUnread).
	UnreadNotListed []EvidenceNotListed `json:"unreadNotListed,omitempty"`
	Unmatched       []EvidenceUnmatched `json:"unmatched"`
}

// EvidenceNotListed counts the unread runs of one file that Unread leaves out.
type EvidenceNotListed struct {
	File  string `json:"file"`
	Runs  int    `json:"runs"`
	Lines int    `json:"lines"`
}

// EvidenceUnread is a line, or a run of lines, of an evidence file that was not read.
type EvidenceUnread struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	EndLine int    `json:"endLine"`
	Text    string `json:"text"`
	Message string `json:"message"`
}

// EvidenceUnmatched is an output whose prompt names a host that none of the audited
// configurations has, so that its flows and counters were used for none of them.
type EvidenceUnmatched struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Host    string `json:"host"`
	Context string `json:"context,omitempty"`
	// Audited are the hostnames of the configurations audited.
	Audited  []string `json:"audited"`
	Flows    int      `json:"flows"`
	Counters int      `json:"counters"`
}

// AddEvidence records in r what was lost of ev: its unread lines, and its outputs that
// belong to none of r's targets (by hostname). Nil evidence (none given) records nothing,
// so the summary's evidence counts are left out.
func (r *Report) AddEvidence(ev *evidence.Evidence) {
	if ev == nil {
		return
	}
	e := &Evidence{Unread: []EvidenceUnread{}, Unmatched: []EvidenceUnmatched{}}
	for _, d := range ev.Diagnostics {
		e.Unread = append(e.Unread, EvidenceUnread{File: d.Pos.File, Line: d.Pos.Line, EndLine: max(d.EndLine, d.Pos.Line), Text: d.Text, Message: d.Message})
	}
	for _, o := range ev.Omitted {
		e.UnreadNotListed = append(e.UnreadNotListed, EvidenceNotListed{File: o.File, Runs: o.Diagnostics, Lines: o.Lines})
	}
	var hostnames []string
	for _, t := range r.Targets {
		hostnames = append(hostnames, t.Hostname)
	}
	for _, u := range ev.Unmatched(hostnames) {
		e.Unmatched = append(e.Unmatched, EvidenceUnmatched{File: u.Output.Pos.File, Line: u.Output.Pos.Line, Host: u.Output.Host,
			Context: u.Output.Context, Audited: hostnames, Flows: u.Flows, Counters: u.Counters})
	}
	r.Evidence = e
	r.count()
}

// unreadLines counts the lines not read, listed in e.Unread or not.
func (e *Evidence) unreadLines() int {
	n := 0
	for _, u := range e.Unread {
		n += u.EndLine - u.Line + 1
	}
	for _, o := range e.UnreadNotListed {
		n += o.Lines
	}
	return n
}

// String writes u as a warning's text: "FILE:LINE: output of host ...".
func (u EvidenceUnmatched) String() string {
	return fmt.Sprintf("%s:%d: %s", u.File, u.Line, unmatchedMessage(u))
}

// unmatchedMessage says which output went unused and why.
func unmatchedMessage(u EvidenceUnmatched) string {
	host := u.Host
	if u.Context != "" {
		host += "/" + u.Context
	}
	return fmt.Sprintf("output of host %s matches no configuration audited (%s): %d flows and %d counters not used",
		host, strings.Join(u.Audited, ", "), u.Flows, u.Counters)
}
