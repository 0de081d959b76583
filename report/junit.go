package report

import (
	"encoding/xml"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/asaaudit/asaaudit/rules"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	File      string         `xml:"file,attr,omitempty"`
	Skipped   *junitMessage  `xml:"skipped"`
	Errors    []junitMessage `xml:"error"`
	Failures  []junitMessage `xml:"failure"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}

// JUnit writes r as JUnit XML for GitLab, Jenkins and other CI test reports: one
// testsuite per audited target, one testcase per rule, a failure per finding (its type
// is the severity). Rules that did not run are skipped testcases; an input that could
// not be audited is a testsuite with one erroring testcase. Baselined findings are only
// counted, in the suite's "baselined" property.
func JUnit(w io.Writer, r *Report) error {
	doc := junitSuites{Name: "asaaudit"}
	for _, t := range r.Targets {
		file := displayPath(t.Target)
		s := junitSuite{Name: t.Target}
		for _, p := range [][2]string{{"hostname", t.Hostname}, {"version", t.Version}} {
			if p[1] != "" {
				s.Properties = append(s.Properties, junitProperty{p[0], p[1]})
			}
		}
		if n := countFile(r.Baselined, t.Target); n > 0 {
			s.Properties = append(s.Properties, junitProperty{"baselined", strconv.Itoa(n)})
		}
		findings := r.findingsOf(t.Target)
		for _, rule := range rules.All {
			c := junitCase{Name: rule.ID + " " + rule.Title, Classname: t.Target, File: file}
			switch {
			case !r.ran(rule):
				c.Skipped = &junitMessage{Message: "disabled by configuration"}
				s.Skipped++
			case (rule.Capture != nil) != (t.Kind == "capture"):
				// A capture rule judges registrations, the others configurations.
				if t.Kind == "capture" {
					c.Skipped = &junitMessage{Message: "not applicable: the rule judges a configuration, and this is a packet capture"}
				} else {
					c.Skipped = &junitMessage{Message: "not applicable: the rule judges a packet capture (asaaudit sip, or --evidence CAPTURE)"}
				}
				s.Skipped++
			case slices.Contains(t.NotEvaluated, rule.ID):
				c.Skipped = &junitMessage{Message: "not evaluated: the input does not show what the rule needs (see SCOPE001/SCOPE002)"}
				s.Skipped++
			}
			for _, f := range findings {
				if f.Rule != rule.ID {
					continue
				}
				var b strings.Builder
				writeFinding(&b, f, noPaint)
				if f.Detail != "" {
					b.WriteString("  why: " + f.Detail + "\n")
				}
				c.Failures = append(c.Failures, junitMessage{Message: f.Message, Type: f.Severity.String(), Text: xmlText(b.String())})
				s.Failures++
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests = len(s.Cases)
		doc.Suites = append(doc.Suites, s)
	}
	for _, e := range r.Errors {
		doc.Suites = append(doc.Suites, junitSuite{Name: e.Target, Tests: 1, Errors: 1, Cases: []junitCase{{
			Name: "audit", Classname: e.Target, File: displayPath(e.Target),
			Errors: []junitMessage{{Message: e.Message, Type: "input", Text: xmlText(e.Message)}},
		}}})
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// xmlText replaces the characters XML 1.0 cannot carry (the encoder does so in
// attributes, not in CDATA sections), e.g. a stray control character of a terminal capture.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

func countFile(findings []rules.Finding, file string) int {
	n := 0
	for _, f := range findings {
		if f.File == file {
			n++
		}
	}
	return n
}
