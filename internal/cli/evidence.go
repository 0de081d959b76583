package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/capture"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/report"
)

// maxEvidenceWarnings bounds the unread-line warnings printed per run; the rest are counted.
const maxEvidenceWarnings = 10

// registerEvidence adds --evidence to c. The values are read back by readEvidence, so that
// the flag needs no field in auditFlags.
func registerEvidence(c *cobra.Command) {
	c.Flags().StringArray("evidence", nil, "saved output of \"show conn ... long\" and \"show service-policy\" (several may be concatenated, with or without the prompt), or a packet capture (pcap, pcapng, \"show capture\", tshark summary), to set beside the configuration: enables the RUN and REG rules (`FILE`, repeatable)")
}

// readEvidence reads the --evidence files of c: nil when none is given. A file that cannot
// be read or holds no show output asaaudit reads is a usage error; lines that are not read
// are warnings on stderr (unless --quiet). ports are the SIP ports audited: given, only
// their connections are kept (a saved connection table may hold millions of others);
// none keeps every connection. Packet captures among the files are left to the caller
// (splitEvidence).
func readEvidence(c *cobra.Command, s *IOStreams, ports ...asa.Port) (*evidence.Evidence, error) {
	_, paths := splitEvidence(c)
	if len(paths) == 0 {
		return nil, nil
	}
	quiet, _ := c.Flags().GetBool("quiet")
	var all []*evidence.Evidence
	for _, path := range paths {
		ev, err := evidence.Options{Ports: ports}.ParseFile(path)
		if err != nil {
			return nil, usageError{fmt.Errorf("--evidence: %w", err)}
		}
		if ev.Empty() {
			return nil, usageError{fmt.Errorf("--evidence: %s: no \"show conn\", \"show service-policy\", \"show mode\" or \"show context\" output found, nor \"show running-config all timeout\" or \"packet-tracer\"", path)}
		}
		all = append(all, ev)
	}
	ev := evidence.Merge(all...)
	if !quiet {
		// The lines of the warnings not printed, those of the Diagnostics not kept included.
		more := ev.UnreadLines()
		for i, d := range ev.Diagnostics {
			if i == maxEvidenceWarnings {
				break
			}
			more -= max(d.EndLine, d.Pos.Line) - d.Pos.Line + 1
			fmt.Fprintf(s.ErrOut, "asaaudit: warning: %s\n", d)
		}
		if more > 0 {
			fmt.Fprintf(s.ErrOut, "asaaudit: warning: %d more evidence lines not read\n", more)
		}
	}
	return ev, nil
}

// reportEvidence records in r what was lost of ev (unread lines, outputs of a host that no
// configuration audited has), so that JSON and SARIF carry it, and warns on stderr of
// each output that counted for no configuration (unless quiet).
func reportEvidence(s *IOStreams, r *report.Report, ev *evidence.Evidence, quiet bool) {
	r.AddEvidence(ev)
	if quiet || r.Evidence == nil {
		return
	}
	for _, u := range r.Evidence.Unmatched {
		fmt.Fprintf(s.ErrOut, "asaaudit: warning: %s\n", u)
	}
}

// splitEvidence sorts c's --evidence files into packet captures, for the registration
// analysis, and show outputs, for package evidence. A pcap or pcapng is known by its
// magic number; a text file is a capture when the capture reader recognises it ("show
// capture" output, a tshark summary).
func splitEvidence(c *cobra.Command) (captures, shows []string) {
	paths, _ := c.Flags().GetStringArray("evidence")
	for _, p := range paths {
		if isCapture(p) {
			captures = append(captures, p)
		} else {
			shows = append(shows, p)
		}
	}
	return captures, shows
}

// isCapture reports whether the --evidence file at path is a packet capture rather than
// show output.
func isCapture(path string) bool {
	if st, err := os.Stat(path); err != nil || st.IsDir() {
		return false // evidence.ParseFile says why
	}
	// A capture when the capture readers recognise it (they sniff pcap and pcapng by their
	// magic, the text forms by their lines); a damaged one is a capture too, and reading it
	// says what is wrong, where evidence.ParseFile would only say it holds no show output.
	r, err := capture.Open(path)
	if err != nil {
		return !errors.Is(err, capture.ErrNotCapture)
	}
	r.Close()
	return true
}
