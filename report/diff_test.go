package report

import (
	"strconv"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/rules"
)

func finding(fp string, line int, sev rules.Severity) rules.Finding {
	return rules.Finding{Rule: "SIP001", Severity: sev, Fingerprint: fp, File: "cfg.txt", Line: line, Message: fp, Fix: []string{}}
}

// Findings match by fingerprint as a multiset, whatever their lines.
func TestDiffMatchesByFingerprint(t *testing.T) {
	tests := []struct {
		name                            string
		before, after                   []rules.Finding
		introduced, resolved, unchanged string // fingerprints@line
		exit                            int
	}{
		{"moved lines are unchanged",
			[]rules.Finding{finding("a", 10, rules.Error)}, []rules.Finding{finding("a", 12, rules.Error)},
			"", "", "a@12", 0},
		{"a fingerprint twice counts twice",
			[]rules.Finding{finding("a", 10, rules.Error)}, []rules.Finding{finding("a", 10, rules.Error), finding("a", 20, rules.Error)},
			"a@20", "", "a@10", 1},
		{"resolved keeps the first occurrences matched",
			[]rules.Finding{finding("a", 1, rules.Warning), finding("b", 2, rules.Warning), finding("a", 3, rules.Warning)}, []rules.Finding{finding("a", 5, rules.Warning)},
			"", "b@2 a@3", "a@5", 0},
		{"introduced below fail-on does not fail",
			nil, []rules.Finding{finding("c", 4, rules.Info)},
			"c@4", "", "", 0},
		{"introduced at fail-on fails",
			[]rules.Finding{finding("c", 4, rules.Info)}, []rules.Finding{finding("d", 4, rules.Warning)},
			"d@4", "c@4", "", 1},
	}
	show := func(fs []rules.Finding) string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Fingerprint+"@"+strconv.Itoa(f.Line))
		}
		return strings.Join(out, " ")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDiff(&audit.Result{Target: "before.txt", Findings: tt.before}, &audit.Result{Target: "after.txt", Findings: tt.after}, nil, rules.Warning)
			if got := show(d.Introduced); got != tt.introduced {
				t.Errorf("introduced %q, want %q", got, tt.introduced)
			}
			if got := show(d.Resolved); got != tt.resolved {
				t.Errorf("resolved %q, want %q", got, tt.resolved)
			}
			if got := show(d.Unchanged); got != tt.unchanged {
				t.Errorf("unchanged %q, want %q", got, tt.unchanged)
			}
			if d.Summary.ExitCode != tt.exit {
				t.Errorf("exit %d, want %d", d.Summary.ExitCode, tt.exit)
			}
		})
	}
}

// The formats without a diff form carry the introduced findings, each file a target.
func TestDiffReport(t *testing.T) {
	change := finding("n", 3, rules.Error)
	change.File = "change.txt"
	d := NewDiff(&audit.Result{Target: "cfg.txt", Findings: []rules.Finding{finding("a", 1, rules.Error)}},
		&audit.Result{Target: "cfg.txt", Findings: []rules.Finding{finding("a", 1, rules.Error), finding("b", 2, rules.Error), change}}, nil, rules.Error)
	r := d.Report()
	if len(r.Findings) != 2 || len(r.Targets) != 2 || r.Targets[0].Target != "cfg.txt" || r.Targets[1].Target != "change.txt" || r.Summary.ExitCode != 1 {
		t.Errorf("report %+v", r)
	}
	var b strings.Builder
	if err := WriteDiff(&b, "junit", d, Options{}); err != nil || !strings.Contains(b.String(), `<testsuite name="change.txt"`) {
		t.Errorf("junit: %v\n%s", err, b.String())
	}
}
