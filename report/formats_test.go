package report_test

import (
	"bytes"
	"encoding/xml"
	"slices"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/report"
	"github.com/asaaudit/asaaudit/rules"
)

func reportWith(findings ...rules.Finding) *report.Report {
	r := report.New(nil, []report.Error{{Target: "bad,name:1.txt", Message: "bad,name:1.txt: no ASA configuration lines found"}}, rules.Warning)
	r.Findings = findings
	return r
}

func TestGitHubEscaping(t *testing.T) {
	r := reportWith(rules.Finding{Rule: "SIP001", Title: "t: x", Severity: rules.Info, File: "a,b:c%.txt", Line: 3, Column: 7,
		Message: "100% broken\r\nsecond line", Fix: []string{"inspect sip"}})
	var b bytes.Buffer
	if err := report.GitHub(&b, r); err != nil {
		t.Fatal(err)
	}
	want := "::notice file=a%2Cb%3Ac%25.txt,line=3,col=7,title=SIP001%3A t%3A x::100%25 broken%0D%0Asecond line%0Afix:%0A  inspect sip\n" +
		"::error file=bad%2Cname%3A1.txt,title=asaaudit%3A input not audited::bad,name:1.txt: no ASA configuration lines found\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestJUnitInputErrorAndControlCharacters(t *testing.T) {
	r := reportWith()
	r.Targets = []report.Target{{Target: "fw.txt"}}
	r.Findings = []rules.Finding{{Rule: "PARSE001", Severity: rules.Warning, File: "fw.txt", Line: 2, Message: "odd \x1b[1m line", Source: "timeout \x00 x"}}
	var b bytes.Buffer
	if err := report.JUnit(&b, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Failures []struct {
					Type string `xml:"type,attr"`
					Text string `xml:",chardata"`
				} `xml:"failure"`
				Errors []struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b.String())
	}
	if doc.Tests != len(rules.All)+1 || doc.Failures != 1 || doc.Errors != 1 || len(doc.Suites) != 2 {
		t.Fatalf("counts %+v", doc)
	}
	failure := doc.Suites[0].Cases[slices.Index(rules.All, rules.PARSE001)].Failures[0] // a testcase per rule, in order
	if failure.Type != "warning" || !strings.Contains(failure.Text, "odd \uFFFD[1m line") {
		t.Errorf("failure %+v", failure)
	}
	if e := doc.Suites[1]; e.Name != "bad,name:1.txt" || !strings.Contains(e.Cases[0].Errors[0].Message, "no ASA configuration") {
		t.Errorf("input error suite %+v", e)
	}
}

func TestBaselineApply(t *testing.T) {
	a := rules.Finding{Rule: "SIP001", Severity: rules.Error, File: "fw.txt", Fingerprint: "aaaa", Message: "a"}
	b := rules.Finding{Rule: "SIP004", Severity: rules.Warning, File: "fw.txt", Fingerprint: "bbbb", Message: "b"}
	base := report.NewBaseline([]rules.Finding{b, a, a})
	if len(base.Findings) != 2 || base.Findings[0].Rule != "SIP001" {
		t.Errorf("baseline not deduplicated and sorted: %+v", base.Findings)
	}
	var buf bytes.Buffer
	if err := base.Write(&buf); err != nil {
		t.Fatal(err)
	}
	r := report.New(nil, nil, rules.Warning)
	r.Targets = []report.Target{{Target: "fw.txt", Findings: 3}}
	c := rules.Finding{Rule: "SIP003", Severity: rules.Error, File: "fw.txt", Fingerprint: "cccc"}
	r.Findings = []rules.Finding{a, b, c}
	r.ApplyBaseline(base)
	s := r.Summary
	if len(r.Findings) != 1 || len(r.Baselined) != 2 || s.Findings != 1 || s.Errors != 1 || s.Warnings != 0 || s.Baselined != 2 || s.ExitCode != 1 || r.Targets[0].Findings != 1 {
		t.Errorf("after the baseline: %+v, targets %+v", s, r.Targets)
	}
	r.ApplyBaseline(report.NewBaseline([]rules.Finding{c}))
	if r.Summary.ExitCode != 0 || r.Summary.Baselined != 3 {
		t.Errorf("everything baselined: %+v", r.Summary)
	}
	var text bytes.Buffer
	if err := report.Text(&text, r, report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(text.String(), "; 3 baselined\n") {
		t.Errorf("text summary %q", text.String())
	}
}
