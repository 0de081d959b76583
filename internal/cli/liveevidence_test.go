package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// Evidence saved with --save keeps only the first unread lines of a file; live's warning
// count still covers every one, so the user hears how many were lost.
func TestLiveEvidenceCountsUnkeptWarnings(t *testing.T) {
	var capture bytes.Buffer
	capture.WriteString("fw1# show conn\n")
	const junk = 300
	for i := range junk {
		fmt.Fprintf(&capture, "Not show output line %d\n", i)
	}
	var errOut bytes.Buffer
	w := &warnings{s: &IOStreams{ErrOut: &errOut}}
	liveEvidence(liveConfig{target: "fw1"}, "fw1.show.txt", capture.Bytes(), w)
	w.flush()
	printed := strings.Count(errOut.String(), "asaaudit: warning: fw1.show.txt:")
	want := fmt.Sprintf("asaaudit: warning: %d more evidence warnings", junk-printed)
	if printed == 0 || !strings.Contains(errOut.String(), want) {
		t.Errorf("printed %d warnings; stderr lacks %q:\n%s", printed, want, errOut.String())
	}
}
