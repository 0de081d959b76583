package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/asaaudit/asaaudit/rules"
)

// SARIFOptions control the SARIF format.
type SARIFOptions struct {
	// ToolVersion is asaaudit's version; empty for a development build.
	ToolVersion string
}

// InformationURI is asaaudit's home page, named in SARIF output.
const InformationURI = "https://github.com/asaaudit/asaaudit"

// fingerprintKey names asaaudit's fingerprint among a result's partial fingerprints; the
// version changes if the fingerprint's recipe ever does.
const fingerprintKey = "asaauditFingerprint/v1"

// SARIF writes r as a SARIF 2.1.0 log with one run: every rule with its documentation,
// and one result per finding that counts (baselined findings are left out, as in the
// other formats). Input errors become tool execution notifications.
func SARIF(w io.Writer, r *Report, o SARIFOptions) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("asaaudit", InformationURI)
	if o.ToolVersion != "" {
		run.Tool.Driver.WithVersion(o.ToolVersion)
	}
	index := map[string]int{}
	for i, rule := range rules.All {
		index[rule.ID] = i
		doc := rule.Doc()
		run.AddRule(rule.ID).
			WithName(ruleName(rule.Title)).
			WithShortDescription(sarif.NewMultiformatMessageString(rule.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(firstParagraph(doc))).
			WithTextHelp(doc).
			WithMarkdownHelp(doc).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(rule.Severity)))
	}
	for _, f := range r.Findings {
		region := sarif.NewRegion().WithStartLine(f.Line)
		if f.Column > 0 {
			region.WithStartColumn(f.Column)
		}
		res := run.CreateResultForRule(f.Rule).
			WithLevel(level(f.Severity)).
			WithMessage(sarif.NewTextMessage(resultMessage(f))).
			WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(
				sarif.NewPhysicalLocation().
					WithArtifactLocation(sarif.NewSimpleArtifactLocation(artifactURI(f.File))).
					WithRegion(region))}).
			WithPartialFingerPrints(map[string]any{fingerprintKey: f.Fingerprint})
		if i, ok := index[f.Rule]; ok {
			res.WithRuleIndex(i)
		}
	}
	inv := run.AddInvocation(len(r.Errors) == 0).WithExitCode(r.Summary.ExitCode)
	for _, e := range r.Errors {
		n := sarif.NewNotification().WithLevel("error").WithMessage(sarif.NewTextMessage(e.Message))
		n.WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(
			sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(artifactURI(e.Target))))})
		inv.AddTToolExecutionNotification(n)
	}
	if e := r.Evidence; e != nil {
		run.AttachPropertyBag(evidenceProperties(r))
		for _, u := range e.Unread {
			inv.AddTToolExecutionNotification(evidenceNotification(u.File, u.Line, u.EndLine, u.Message+": "+u.Text))
		}
		for _, u := range e.Unmatched {
			inv.AddTToolExecutionNotification(evidenceNotification(u.File, u.Line, u.Line, unmatchedMessage(u)))
		}
		for _, o := range e.UnreadNotListed {
			// One for the runs not listed one by one, so that every loss has a notification.
			msg := fmt.Sprintf("%d more runs of unread lines (%d lines) not listed", o.Runs, o.Lines)
			inv.AddTToolExecutionNotification(sarif.NewNotification().WithLevel("warning").WithMessage(sarif.NewTextMessage(msg)).
				WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(
					sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(artifactURI(o.File))))}))
		}
	}
	log.AddRun(run)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// level maps a severity to a SARIF level.
func level(s rules.Severity) string {
	switch s {
	case rules.Error:
		return "error"
	case rules.Warning:
		return "warning"
	}
	return "note"
}

// resultMessage is the finding, why it matters and the fix: code scanning shows the
// message and not the rule's help until the user expands it.
func resultMessage(f rules.Finding) string {
	msg := f.Message
	if f.Detail != "" {
		msg += "\n\n" + f.Detail
	}
	if len(f.Fix) > 0 {
		msg += "\n\nFix (in configuration mode):\n" + strings.Join(f.Fix, "\n")
	}
	if f.FTD != "" {
		msg += "\n\nOn FTD: " + f.FTD
	}
	return msg
}

// ruleName turns a title into the CamelCase identifier SARIF viewers show as the rule name.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(w)
		b.WriteRune(unicode.ToUpper(rs[0]))
		b.WriteString(string(rs[1:]))
	}
	return b.String()
}

func firstParagraph(doc string) string {
	p, _, _ := strings.Cut(strings.TrimSpace(doc), "\n\n")
	return strings.Join(strings.Fields(p), " ")
}

// artifactURI is file as a URI reference: relative to the working directory when the file
// is under it (what code scanning resolves against the repository root), else an
// absolute file: URI. Names that are not paths (standard input, a host) are escaped.
func artifactURI(file string) string {
	p := displayPath(file)
	if filepath.IsAbs(p) {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
	}
	return (&url.URL{Path: filepath.ToSlash(p)}).String()
}

// displayPath is file relative to the working directory when it is under it, else
// absolute; names that are not paths are returned unchanged.
func displayPath(file string) string {
	if strings.HasPrefix(file, "<") {
		return file // <stdin>
	}
	wd, err := os.Getwd()
	if err != nil {
		return file
	}
	abs := file
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(wd, file)
	}
	rel, err := filepath.Rel(wd, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs
	}
	return rel
}

// evidenceProperties are the run's counts of evidence lost, under the summary's JSON names.
func evidenceProperties(r *Report) *sarif.PropertyBag {
	pb := sarif.NewPropertyBag()
	pb.Add("evidenceUnread", *r.Summary.EvidenceUnread)
	pb.Add("evidenceUnmatched", *r.Summary.EvidenceUnmatched)
	return pb
}

// evidenceNotification is a warning about lines start to end of an evidence file.
func evidenceNotification(file string, start, end int, msg string) *sarif.Notification {
	region := sarif.NewRegion().WithStartLine(start)
	if end > start {
		region.WithEndLine(end)
	}
	return sarif.NewNotification().WithLevel("warning").WithMessage(sarif.NewTextMessage(msg)).
		WithLocations([]*sarif.Location{sarif.NewLocationWithPhysicalLocation(
			sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(artifactURI(file))).WithRegion(region))})
}
