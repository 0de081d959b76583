package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/asaaudit/asaaudit/asa"
)

// An evidence file of pasted notes keeps only its first unread runs, but stderr and the
// JSON summary count every one: ten warnings, then the number of the others.
func TestEvidenceUnreadCounted(t *testing.T) {
	var in strings.Builder
	const runs = 300
	for i := range runs {
		fmt.Fprintf(&in, "ticket note %d\ncontinued\n\n", i)
	}
	in.WriteString("> show conn\n0 in use, 1 most used\n")
	path := filepath.Join(t.TempDir(), "notes.show.txt")
	if err := os.WriteFile(path, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", nil, false, "check", "--config", os.DevNull, "--format", "json", "--evidence", path, fixtures+"seed-policy.txt")
	lines := strings.Split(strings.TrimSuffix(r.err, "\n"), "\n")
	want := fmt.Sprintf("asaaudit: warning: %d more evidence lines not read", 2*(runs-maxEvidenceWarnings))
	if len(lines) != maxEvidenceWarnings+1 || lines[maxEvidenceWarnings] != want {
		t.Fatalf("stderr:\n%s\nwant %d warnings, then %q", r.err, maxEvidenceWarnings, want)
	}
	var doc struct{ Summary map[string]any }
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary["evidenceUnread"] != 2.0*runs {
		t.Errorf("evidenceUnread %v, want %d", doc.Summary["evidenceUnread"], 2*runs)
	}
}

// readEvidence keeps only the audited ports' connections when it is given them, and every
// connection otherwise.
func TestReadEvidencePorts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conn.show.txt")
	conns := "fw1# show conn\n2 in use, 2 most used\n" +
		"UDP outside 198.51.100.7:5060 inside 10.1.1.10:5060, idle 0:00:03, bytes 1, flags T\n" +
		"TCP outside 198.51.100.8:443 inside 10.1.1.10:50000, idle 0:00:03, bytes 1, flags UIO\n"
	if err := os.WriteFile(path, []byte(conns), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		ports []asa.Port
		want  int
	}{{nil, 2}, {asa.DefaultSIPPorts, 1}} {
		c := &cobra.Command{}
		c.Flags().Bool("quiet", false, "")
		registerEvidence(c)
		if err := c.Flags().Set("evidence", path); err != nil {
			t.Fatal(err)
		}
		var errOut bytes.Buffer
		ev, err := readEvidence(c, &IOStreams{ErrOut: &errOut}, tt.ports...)
		if err != nil || len(ev.Conns) != tt.want || ev.Outputs[0].Conns != 2 || errOut.Len() != 0 {
			t.Errorf("ports %v: %v, %d connections kept of %d, stderr %q; want %d kept of 2", tt.ports, err, len(ev.Conns), ev.Outputs[0].Conns, errOut.String(), tt.want)
		}
	}
}
