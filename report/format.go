package report

import (
	"fmt"
	"io"
	"strings"
)

// Formats are the output formats, in the order the help lists them.
var Formats = []string{"text", "json", "sarif", "junit", "github"}

// Options control Write.
type Options struct {
	// Color and Quiet apply to the text format (see TextOptions).
	Color, Quiet bool
	// ToolVersion is named in SARIF output.
	ToolVersion string
}

// Write writes r in format, one of Formats.
func Write(w io.Writer, format string, r *Report, o Options) error {
	switch format {
	case "text":
		return Text(w, r, TextOptions{Color: o.Color, Quiet: o.Quiet})
	case "json":
		return JSON(w, r)
	case "sarif":
		return SARIF(w, r, SARIFOptions{ToolVersion: o.ToolVersion})
	case "junit":
		return JUnit(w, r)
	case "github":
		return GitHub(w, r)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}
