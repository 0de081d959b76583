package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/audit"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

// Evidence that was lost (lines not read, outputs of a host not audited) is in the JSON
// summary and the SARIF run, so that a CI job sees it; a run without evidence keeps the
// documents as they were.
func TestEvidenceLoss(t *testing.T) {
	in := "notes from the ticket\nmore notes\n" +
		"fw2/pri/act# show conn\n2 in use, 2 most used\n" +
		"UDP outside 198.51.100.7:5060 inside 10.1.1.10:5060, idle 0:00:03, bytes 1, flags T\n" +
		"UDP outside 198.51.100.8:5060 inside 10.1.1.10:5060, idle 0:00:03, bytes 1, flags T\n" +
		"  Initiator 10.1.1.10\n" +
		"fw1# show conn\n0 in use, 1 most used\n"
	ev, err := evidence.Parse(strings.NewReader(in), "fw.show.txt")
	if err != nil {
		t.Fatal(err)
	}
	results := []*audit.Result{{Target: "fw1.txt", Hostname: "fw1", Findings: []rules.Finding{}}}
	without := report.New(results, nil, rules.Warning)
	var plain bytes.Buffer
	if err := report.JSON(&plain, without); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "evidence") {
		t.Errorf("a run without evidence mentions it:\n%s", plain.String())
	}

	r := report.New(results, nil, rules.Warning)
	r.AddEvidence(ev)
	doc := evidenceJSON(t, r)
	if doc.Summary["evidenceUnread"] != 3.0 || doc.Summary["evidenceUnmatched"] != 1.0 || doc.Summary["exitCode"] != 0.0 {
		t.Errorf("summary %v, want evidenceUnread 3, evidenceUnmatched 1 and the other fields", doc.Summary)
	}
	if len(doc.Evidence.Unread) != 2 || doc.Evidence.Unread[0].Line != 1 || doc.Evidence.Unread[0].EndLine != 2 || doc.Evidence.Unread[1].Line != 7 {
		t.Errorf("unread %+v, want lines 1-2 and 7", doc.Evidence.Unread)
	}
	want := report.EvidenceUnmatched{File: "fw.show.txt", Line: 3, Host: "fw2", Audited: []string{"fw1"}, Flows: 2}
	if len(doc.Evidence.Unmatched) != 1 || doc.Evidence.Unmatched[0].String() != want.String() {
		t.Errorf("unmatched %+v, want %+v", doc.Evidence.Unmatched, want)
	}
	if got := want.String(); got != "fw.show.txt:3: output of host fw2 matches no configuration audited (fw1): 2 flows and 0 counters not used" {
		t.Errorf("warning text %q", got)
	}
	// A baseline recounts the summary: the evidence counts stay.
	r.ApplyBaseline(report.NewBaseline(nil))
	if r.Summary.EvidenceUnread == nil || *r.Summary.EvidenceUnread != 3 {
		t.Errorf("ApplyBaseline lost the evidence counts: %+v", r.Summary)
	}

	var sf bytes.Buffer
	if err := report.SARIF(&sf, r, report.SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, sarifSchema(t), "evidence loss", sf.Bytes())
	var log struct {
		Runs []struct {
			Properties  map[string]any `json:"properties"`
			Invocations []struct {
				Notifications []struct {
					Level     string `json:"level"`
					Message   struct{ Text string }
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           struct{ StartLine, EndLine int }
						}
					}
				} `json:"toolExecutionNotifications"`
			}
		}
	}
	if err := json.Unmarshal(sf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.Properties["evidenceUnread"] != 3.0 || run.Properties["evidenceUnmatched"] != 1.0 {
		t.Errorf("run properties %v", run.Properties)
	}
	var got []string
	for _, n := range run.Invocations[0].Notifications {
		l := n.Locations[0].PhysicalLocation
		got = append(got, fmt.Sprintf("%s %s %d-%d", n.Level, l.ArtifactLocation.URI, l.Region.StartLine, l.Region.EndLine))
	}
	if strings.Join(got, ", ") != "warning fw.show.txt 1-2, warning fw.show.txt 7-0, warning fw.show.txt 3-0" {
		t.Errorf("notifications %q", got)
	}
}

// A file of unread text lists only its first unread runs, but the JSON and SARIF counts
// still count every line, and the JSON says how many runs and lines it leaves out.
func TestEvidenceLossBounded(t *testing.T) {
	var in strings.Builder
	const runs = 250
	for i := range runs {
		fmt.Fprintf(&in, "ticket note %d\ncontinued\n\n", i)
	}
	in.WriteString("fw1# show conn\n0 in use, 1 most used\n")
	ev, err := evidence.Parse(strings.NewReader(in.String()), "log.txt")
	if err != nil {
		t.Fatal(err)
	}
	r := report.New([]*audit.Result{{Target: "fw1.txt", Hostname: "fw1", Findings: []rules.Finding{}}}, nil, rules.Warning)
	r.AddEvidence(ev)
	doc := evidenceJSON(t, r)
	listed := len(doc.Evidence.Unread)
	if doc.Summary["evidenceUnread"] != 2.0*runs || listed == 0 || listed >= runs {
		t.Errorf("evidenceUnread %v with %d runs listed, want %d lines and fewer runs listed", doc.Summary["evidenceUnread"], listed, 2*runs)
	}
	want := []report.EvidenceNotListed{{File: "log.txt", Runs: runs - listed, Lines: 2 * (runs - listed)}}
	if fmt.Sprint(doc.Evidence.UnreadNotListed) != fmt.Sprint(want) {
		t.Errorf("unreadNotListed %+v, want %+v", doc.Evidence.UnreadNotListed, want)
	}
	var sf bytes.Buffer
	if err := report.SARIF(&sf, r, report.SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Properties  map[string]any `json:"properties"`
			Invocations []struct {
				Notifications []struct {
					Message struct{ Text string } `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		}
	}
	if err := json.Unmarshal(sf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if got := log.Runs[0].Properties["evidenceUnread"]; got != 2.0*runs {
		t.Errorf("SARIF evidenceUnread %v, want %d", got, 2*runs)
	}
	validateSARIF(t, sarifSchema(t), "evidence loss not listed", sf.Bytes())
	// Every loss has a notification: one per listed run, and one for the runs not listed.
	notes := log.Runs[0].Invocations[0].Notifications
	summary := fmt.Sprintf("%d more runs of unread lines (%d lines) not listed", runs-listed, 2*(runs-listed))
	if len(notes) != listed+1 || notes[len(notes)-1].Message.Text != summary {
		t.Errorf("%d SARIF notifications, last %+v; want %d, the last %q", len(notes), notes[len(notes)-1], listed+1, summary)
	}
}

// evidenceDoc is the part of the JSON report these tests read.
type evidenceDoc struct {
	Evidence report.Evidence `json:"evidence"`
	Summary  map[string]any  `json:"summary"`
}

// evidenceJSON renders r as JSON and reads back its evidence and summary.
func evidenceJSON(t *testing.T, r *report.Report) evidenceDoc {
	t.Helper()
	var js bytes.Buffer
	if err := report.JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var doc evidenceDoc
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}
