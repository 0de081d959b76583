package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/asaaudit/asaaudit/rules"
)

// TextOptions control the human-readable format.
type TextOptions struct {
	// Color adds ANSI colours; the caller decides (a terminal, and NO_COLOR unset).
	Color bool
	// Quiet leaves out the summary line, so that a clean run prints nothing.
	Quiet bool
}

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiYel   = "\x1b[33m"
	ansiBlue  = "\x1b[34m"
	ansiDim   = "\x1b[2m"
	ansiGreen = "\x1b[32m"
)

// Text writes findings as "file:line: severity RULE message", the source line and the fix,
// followed by a summary line. Input errors go to stderr, not here; baselined findings are
// only counted.
func Text(w io.Writer, r *Report, o TextOptions) error {
	paint := func(code, s string) string {
		if !o.Color {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	for _, f := range r.Findings {
		writeFinding(&b, f, paint)
	}
	if !o.Quiet {
		s := r.Summary
		fmt.Fprintf(&b, "%d target(s), %d finding(s): %d error(s), %d warning(s), %d info; %d input error(s)",
			s.Targets, s.Findings, s.Errors, s.Warnings, s.Infos, s.Failed)
		if s.Baselined > 0 {
			fmt.Fprintf(&b, "; %d baselined", s.Baselined)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeFinding writes one finding as Text does; paint colours a string.
func writeFinding(b *strings.Builder, f rules.Finding, paint func(code, s string) string) {
	sev := f.Severity.String()
	switch f.Severity {
	case rules.Error:
		sev = paint(ansiRed+ansiBold, sev)
	case rules.Warning:
		sev = paint(ansiYel+ansiBold, sev)
	default:
		sev = paint(ansiBlue, sev)
	}
	fmt.Fprintf(b, "%s:%d: %s %s %s\n", f.File, f.Line, sev, paint(ansiBold, f.Rule), f.Message)
	if f.Source != "" {
		fmt.Fprintf(b, "    %s\n", paint(ansiDim, f.Source))
	}
	if len(f.Fix) > 0 {
		b.WriteString("  fix:\n")
		for _, l := range f.Fix {
			fmt.Fprintf(b, "    %s\n", paint(ansiGreen, l))
		}
	}
	if f.FTD != "" {
		fmt.Fprintf(b, "  on FTD: %s\n", f.FTD)
	}
}

func noPaint(_, s string) string { return s }
