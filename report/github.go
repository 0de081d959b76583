package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/asaaudit/asaaudit/rules"
)

// GitHub writes r as GitHub Actions workflow commands, one per finding
// ("::error file=F,line=L,col=C,title=RULE: title::message"), which the runner turns
// into annotations on the file and line. Input errors are annotated on the input.
// Baselined findings are left out.
func GitHub(w io.Writer, r *Report) error {
	var b strings.Builder
	for _, f := range r.Findings {
		props := []string{"file=" + escapeProperty(displayPath(f.File)), "line=" + strconv.Itoa(f.Line)}
		if f.Column > 0 {
			props = append(props, "col="+strconv.Itoa(f.Column))
		}
		props = append(props, "title="+escapeProperty(f.Rule+": "+f.Title))
		msg := f.Message
		if len(f.Fix) > 0 {
			msg += "\nfix:\n  " + strings.Join(f.Fix, "\n  ")
			if f.FTD != "" {
				msg += "\non FTD: " + f.FTD
			}
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", githubLevel(f.Severity), strings.Join(props, ","), escapeData(msg))
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "::error file=%s,title=%s::%s\n", escapeProperty(displayPath(e.Target)), escapeProperty("asaaudit: input not audited"), escapeData(e.Message))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func githubLevel(s rules.Severity) string {
	switch s {
	case rules.Error:
		return "error"
	case rules.Warning:
		return "warning"
	}
	return "notice"
}

// escapeData escapes a workflow command's message the way the Actions runner unescapes it.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value, where ":" and "," also
// have a meaning.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
