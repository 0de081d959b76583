package rules_test

import (
	"os"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/rules"
)

// Every rule has documentation with the sections "rules explain" and SARIF help promise.
func TestDocs(t *testing.T) {
	for _, r := range rules.All {
		doc := r.Doc()
		if doc == "" {
			t.Errorf("%s has no docs/%s.md", r.ID, r.ID)
			continue
		}
		for _, section := range []string{"## Symptom\n", "## How it decides\n", "## Fix\n", "## References\n- "} {
			if !strings.Contains(doc, section) {
				t.Errorf("docs/%s.md lacks %q", r.ID, strings.TrimSpace(section))
			}
		}
		if summary, _, _ := strings.Cut(doc, "\n"); !strings.HasSuffix(summary, ".") || strings.HasPrefix(summary, "#") {
			t.Errorf("docs/%s.md does not start with a one-sentence summary: %q", r.ID, summary)
		}
	}
	entries, err := os.ReadDir("docs")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if id := strings.TrimSuffix(e.Name(), ".md"); rules.ByID(id) == nil {
			t.Errorf("docs/%s documents no rule", e.Name())
		}
	}
}

// The README's rule table lists every rule, in order, with its severity and title: the
// rules are the one source, the README cannot drift from them.
func TestREADMETable(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Rules\n")
	if !ok {
		t.Fatal("README has no Rules section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var rows [][]string
	for line := range strings.SplitSeq(section, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| ID ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	if len(rows) != len(rules.All) {
		t.Fatalf("README lists %d rules, rules.All has %d", len(rows), len(rules.All))
	}
	for i, r := range rules.All {
		want := []string{r.ID, r.Severity.String(), r.Title}
		if len(rows[i]) < 4 || rows[i][0] != want[0] || rows[i][1] != want[1] || rows[i][2] != want[2] || rows[i][3] == "" {
			t.Errorf("README row %d is %q, want %q and a \"fires when\" text", i+1, rows[i], want)
		}
	}
}
