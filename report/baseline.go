package report

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/asaaudit/asaaudit/internal/input"
	"github.com/asaaudit/asaaudit/rules"
)

// BaselineVersion is the version of the baseline file format.
const BaselineVersion = 1

// Baseline is a set of accepted findings. A finding is accepted when the baseline has an
// entry with the same file and fingerprint; the fingerprint hashes the rule and what the
// finding is about (port, policy, class), so edits that only move lines keep it.
type Baseline struct {
	SchemaVersion int             `json:"schemaVersion"`
	Findings      []BaselineEntry `json:"findings"`

	keys map[string]bool
}

// BaselineEntry is one accepted finding. Rule and Message are there for the reader of
// the file and for review; only File and Fingerprint are matched.
type BaselineEntry struct {
	File        string `json:"file"`
	Rule        string `json:"rule"`
	Fingerprint string `json:"fingerprint"`
	Message     string `json:"message"`
}

func baselineKey(file, fingerprint string) string {
	return filepath.ToSlash(file) + "\x00" + fingerprint
}

// NewBaseline accepts findings, sorted by file, rule and fingerprint so that the file
// diffs well under version control.
func NewBaseline(findings []rules.Finding) *Baseline {
	b := &Baseline{SchemaVersion: BaselineVersion, Findings: []BaselineEntry{}}
	seen := map[string]bool{}
	for _, f := range findings {
		k := baselineKey(f.File, f.Fingerprint)
		if seen[k] {
			continue
		}
		seen[k] = true
		b.Findings = append(b.Findings, BaselineEntry{File: filepath.ToSlash(f.File), Rule: f.Rule, Fingerprint: f.Fingerprint, Message: f.Message})
	}
	slices.SortFunc(b.Findings, func(x, y BaselineEntry) int {
		return strings.Compare(x.File+"\x00"+x.Rule+"\x00"+x.Fingerprint, y.File+"\x00"+y.Rule+"\x00"+y.Fingerprint)
	})
	return b
}

// Contains reports whether b accepts f.
func (b *Baseline) Contains(f rules.Finding) bool {
	if b.keys == nil {
		b.keys = map[string]bool{}
		for _, e := range b.Findings {
			b.keys[baselineKey(e.File, e.Fingerprint)] = true
		}
	}
	return b.keys[baselineKey(f.File, f.Fingerprint)]
}

// ReadBaseline reads the baseline file at path.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := input.ReadAllBounded(path, "a baseline file", input.MaxFile)
	if err != nil {
		return nil, fmt.Errorf("baseline %w", err)
	}
	var b Baseline
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("baseline %s: not a baseline file (%v); write one with --write-baseline", path, err)
	}
	if b.SchemaVersion != BaselineVersion {
		return nil, fmt.Errorf("baseline %s: schemaVersion %d, want %d; write it again with --write-baseline", path, b.SchemaVersion, BaselineVersion)
	}
	for i, e := range b.Findings {
		if e.File == "" || e.Fingerprint == "" {
			return nil, fmt.Errorf("baseline %s: findings[%d] lacks file or fingerprint", path, i)
		}
	}
	return &b, nil
}

// Write writes b as indented JSON.
func (b *Baseline) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(b)
}
