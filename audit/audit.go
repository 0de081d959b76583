// Package audit runs the pipeline for one configuration: parse, resolve, run the rules.
package audit

import (
	"io"
	"os"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/internal/input"
	"github.com/asaaudit/asaaudit/parser"
	"github.com/asaaudit/asaaudit/rules"
)

// Options select the rules and tell them about the SIP clients.
type Options struct {
	Rules rules.Options
	// Enabled selects rules; nil runs all of them.
	Enabled func(*rules.Rule) bool
	// Severity overrides a rule's severity; nil keeps the defaults.
	Severity func(*rules.Rule) rules.Severity
}

// ParserOptions returns how a configuration must be parsed for these options: with its
// path sections only when a path rule will evaluate paths, so that an audit without
// --clients and --provider does not read them.
func (o Options) ParserOptions() parser.Options { return rules.ParserOptions(o.Rules, o.Enabled) }

// Result is the audit of one configuration.
type Result struct {
	Target   string // file name, or host (and context) for live mode
	Hostname string
	Version  string
	// VersionMarker is "context" or "system" in multiple-context mode (parser.Config).
	VersionMarker string
	Lines         int
	Findings      []rules.Finding
	Model         *asa.Model
	// Scope is "partial" or "system" when the input is not a whole configuration, and
	// NotEvaluated the rules that did not run on it for that reason.
	Scope        string
	NotEvaluated []string
	// Capture is set for a packet capture's registrations (asaaudit sip, --evidence
	// CAPTURE): Lines then counts frames, and only the capture rules (REG) judge it.
	Capture bool
}

// Reader audits the configuration read from r; name is used in findings.
//
// Without the path sections, the access-lists named by "match access-list" are not kept
// by the parse (the class-maps come after them); when the configuration defines some and
// r can be read again (a regular file, or an io.ReadSeeker in memory), a second pass
// reads only them (parser.ReadACLs), so that the SIP rules can evaluate them. From
// standard input they are not evaluated, and the findings say so.
//
// With the path sections, the lines of a configuration that can be read again are read
// back from r when the rules ask for them (parser.Options.ReadBack), so r must not be
// closed before Reader returns; when the file changed in the meantime, the audit is an
// error.
func Reader(r io.Reader, name string, o Options) (*Result, error) {
	rs, start, seekable := rewindable(r)
	po := o.ParserOptions()
	po.ReadBack = seekable
	cfg, err := parser.ParseWith(r, name, po)
	if err != nil {
		return nil, err
	}
	if names := cfg.MatchACLs(); cfg.Paths == nil && len(names) > 0 && seekable {
		if _, err := rs.Seek(start, io.SeekStart); err == nil {
			if err := parser.ReadACLs(rs, cfg, names); err != nil {
				return nil, err
			}
		}
	}
	res := Config(cfg, o)
	if err := cfg.ReadBackErr(); err != nil {
		return nil, err
	}
	return res, nil
}

// rewindable returns r as a seeker and its current offset, when it can be read again: a
// regular file, or a reader in memory.
func rewindable(r io.Reader) (io.ReadSeeker, int64, bool) {
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		return nil, 0, false
	}
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
			return nil, 0, false
		}
	}
	start, err := rs.Seek(0, io.SeekCurrent)
	return rs, start, err == nil
}

// File audits the configuration in path ("-" is standard input, read from stdin).
func File(path string, stdin io.Reader, o Options) (*Result, error) {
	if path == "-" {
		return Reader(stdin, "<stdin>", o)
	}
	f, err := input.Open(path, "a configuration file")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Reader(f, path, o)
}

// Config audits an already parsed configuration.
func Config(cfg *parser.Config, o Options) *Result {
	m := asa.New(cfg)
	var selected []*rules.Rule
	for _, r := range rules.All {
		if o.Enabled == nil || o.Enabled(r) {
			selected = append(selected, r)
		}
	}
	findings := rules.Run(m, o.Rules, selected)
	if o.Severity != nil {
		for i := range findings {
			findings[i].Severity = o.Severity(rules.ByID(findings[i].Rule))
		}
	}
	return &Result{Target: cfg.File, Hostname: cfg.Hostname, Version: cfg.Version, VersionMarker: cfg.VersionMarker, Lines: cfg.Lines, Findings: findings, Model: m,
		Scope: cfg.Scope.Kind(), NotEvaluated: rules.NotEvaluated(m, o.Rules, selected)}
}
