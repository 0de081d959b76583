package report

import (
	"fmt"
	"io"
	"strings"
)

// Formats are the output formats, in the order the help lists them.
var Formats = []string{"text", "json", "sarif", "junit", "github", "html"}

// Options control Write.
type Options struct {
	// Color and Quiet apply to the text format (see TextOptions).
	Color, Quiet bool
	// ToolVersion is named in SARIF output.
	ToolVersion string
	// HTML is what only the html format shows (the run, SIP paths, observed flows); nil
	// leaves them out.
	HTML *HTMLContext
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
	case "html":
		return HTML(w, r, o.HTML)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}
