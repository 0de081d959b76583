// Package rules holds the audit's rules: each is a value with a stable ID, a title, a
// default severity, its documentation and a check that reads the model and reports
// findings. Rules never print and never decide exit codes.
package rules

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/evidence"
)

// Severity orders findings; the JSON and text forms are "info", "warning" and "error".
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads "info", "warning" or "error".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "info":
		return Info, nil
	case "warning":
		return Warning, nil
	case "error":
		return Error, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want info, warning or error)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Finding is one problem at one place. Its JSON field names are a public contract.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`
	Message  string   `json:"message"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column,omitempty"`
	// Source is the configuration line the finding points at, as written.
	Source string `json:"source,omitempty"`
	// Detail says why this breaks SIP.
	Detail string `json:"detail,omitempty"`
	// Fix is the ASA command lines to enter in configuration mode, in order.
	Fix []string `json:"fix"`
	// FTD says where the fix is made on Firepower Threat Defense, whose CLI cannot
	// configure (FMC or FDM); set only for an FTD configuration ("NGFW Version").
	FTD string `json:"ftd,omitempty"`
	// Fingerprint identifies the finding across edits that move lines: it hashes the
	// rule and what the finding is about (port, policy, class), not its position.
	Fingerprint string `json:"fingerprint"`
	// Key is what Fingerprint hashes; not part of the output.
	Key string `json:"-"`
}

// Options are what the rules need to know beyond the configuration.
type Options struct {
	// Ports are the SIP ports to audit.
	Ports []asa.Port
	// Keepalive and RegisterInterval are the SIP clients' refresh intervals; zero when unknown.
	Keepalive        time.Duration
	RegisterInterval time.Duration
	// PerPort holds the intervals of ports whose clients differ from the ones above (a
	// configuration file's per-provider profiles); a port listed here ignores the fields
	// above, so a trunk that neither registers nor sends keepalives gets zeros.
	PerPort map[asa.Port]Intervals
	// Evidence is what the firewall showed at run time (show conn, show service-policy);
	// nil when none was given, which keeps the RUN rules silent.
	Evidence *evidence.Evidence
	// Clients are the SIP clients' subnets (the phones) and Providers the provider's
	// addresses: the path rules (ACL001, ACL002, NAT001) evaluate the flow of each pair
	// on each port. Without both, PATH000 says what to give.
	Clients   []netip.Prefix
	Providers []netip.Addr
}

// Intervals are one set of SIP clients' refresh intervals; zero when unknown.
type Intervals struct {
	Keepalive        time.Duration
	RegisterInterval time.Duration
}

// Refresh is the interval the idle timeout must exceed: the keepalive if the clients
// send one, else the re-REGISTER interval; zero when neither is known.
func (o Options) Refresh() (time.Duration, string) {
	if o.Keepalive > 0 {
		return o.Keepalive, "keepalive interval"
	}
	if o.RegisterInterval > 0 {
		return o.RegisterInterval, "re-REGISTER interval"
	}
	return 0, ""
}

// RefreshFor is Refresh for the clients on port: its PerPort intervals when it has them.
func (o Options) RefreshFor(port asa.Port) (time.Duration, string) {
	if in, ok := o.PerPort[port]; ok {
		return Options{Keepalive: in.Keepalive, RegisterInterval: in.RegisterInterval}.Refresh()
	}
	return o.Refresh()
}

// Rule is one check.
type Rule struct {
	// scopeFree rules report on the input itself (unreadable lines, what was not
	// evaluated) and run whatever the input holds.
	scopeFree bool
	ID        string
	Title     string
	Severity  Severity
	// Check reports the rule's findings on the pass.
	Check func(*Pass)
	// Needs are the configuration sections (first words: "policy-map", "timeout"...) the
	// rule's premise lives in. On a partial input that does not show one of them the rule
	// is not evaluated, and SCOPE001 says so: what is not shown is unknown, not absent.
	Needs []string
	// active, when set, says whether the rule evaluates anything with these options (the
	// path rules need clients and a provider): SCOPE001 names only the rules that would have.
	active func(Options) bool
	// relevant, when set, says whether the input holds anything the rule would evaluate
	// (REF004 needs a "match access-list"): SCOPE001 names only the rules that would.
	relevant func(*asa.Model) bool
	// Capture, set for the capture rules (REG, reg.go), judges one registration read from a
	// packet capture (RunCapture); their Check reports nothing on a configuration.
	Capture func(*CapturePass)
}

// missing returns the sections of r.Needs that cfg does not show.
func (r *Rule) missing(m *asa.Model) []string {
	var out []string
	for _, s := range r.Needs {
		if !m.Config.Shows(s) {
			out = append(out, s)
		}
	}
	return out
}

// evaluated reports whether r runs on m: not on the system execution space of a
// multiple-context firewall (it holds no security policy; SCOPE002), and not when the
// input does not show a section its premise needs (SCOPE001).
func (r *Rule) evaluated(m *asa.Model) bool {
	if m.Config.Scope.System != nil {
		return r.scopeFree
	}
	return len(r.missing(m)) == 0
}

// Doc returns the rule's documentation (Markdown): the symptom, how the rule decides, the
// fix and references. It is the one source for "rules explain", SARIF help and the README.
func (r *Rule) Doc() string {
	b, err := docs.ReadFile("docs/" + r.ID + ".md")
	if err != nil {
		return ""
	}
	return string(b)
}

//go:embed docs/*.md
var docs embed.FS

// Pass is one rule's run over one model.
type Pass struct {
	Model   *asa.Model
	Options Options
	rule    *Rule
	out     *[]Finding
	// selected are the rules of the run, for SCOPE001 to name those not evaluated.
	selected []*Rule
}

// Report records a finding of the running rule. Rule, severity, title, file and
// fingerprint are filled in when empty.
func (p *Pass) Report(f Finding) {
	f.Rule = p.rule.ID
	if f.Severity == 0 {
		f.Severity = p.rule.Severity
	}
	f.Title = p.rule.Title
	if f.File == "" {
		f.File = p.Model.Config.File
	}
	if f.Fix == nil {
		f.Fix = []string{}
	}
	sum := sha256.Sum256([]byte(f.Rule + "\x00" + f.Key))
	f.Fingerprint = hex.EncodeToString(sum[:8])
	*p.out = append(*p.out, f)
}

// All is every rule, in the order of the documentation. The path rules come before
// PARSE001, which reports the lines they read on demand that could not be read.
var All = []*Rule{SIP001, SIP002, SIP003, SIP004, REF001, REF002, REF003, REF004, PATH000, ACL001, ACL002, NAT001, PARSE001, PARSE002, SCOPE001, SCOPE002, RUN001, RUN002, RUN003, RUN004, RUN005, RUN006, REG001, REG002, REG003, REG004, REG005, REG006, REG007, REG008, PT001, PT002}

// ByID returns the rule with the given ID, or nil.
func ByID(id string) *Rule {
	for _, r := range All {
		if strings.EqualFold(r.ID, id) {
			return r
		}
	}
	return nil
}

// Run runs rules over m and returns their findings sorted by file, line and rule.
func Run(m *asa.Model, opts Options, rules []*Rule) []Finding {
	if len(opts.Ports) == 0 {
		opts.Ports = asa.DefaultSIPPorts
	}
	out := []Finding{}
	for _, r := range rules {
		if r.evaluated(m) {
			r.Check(&Pass{Model: m, Options: opts, rule: r, out: &out, selected: rules})
		}
	}
	if m.Config.Platform == "FTD" {
		for i := range out {
			out[i].FTD = ftdWhere(out[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Rule < b.Rule
	})
	return out
}

// ftdWhere says where on FTD the fix of f is made: its CLI shows the LINA configuration
// but cannot change it.
func ftdWhere(f Finding) string {
	if len(f.Fix) == 0 {
		return ""
	}
	timeouts, conn := true, false
	for _, l := range f.Fix {
		t := strings.TrimSpace(l)
		if !strings.HasPrefix(t, "timeout ") && !strings.HasPrefix(t, "no timeout ") {
			timeouts = false
		}
		if strings.HasPrefix(t, "set connection timeout") {
			conn = true
		}
	}
	const flex = "FMC: Objects > Object Management > FlexConfig > FlexConfig Object holding these lines, added to the device's FlexConfig policy (Devices > FlexConfig) and deployed; FDM: Device > Advanced Configuration > FlexConfig Objects and FlexConfig Policy"
	switch {
	case timeouts:
		return "FMC: Devices > Platform Settings > (the device's policy) > Timeouts, then deploy; FDM: Device > Advanced Configuration > FlexConfig (these lines)"
	case f.Rule == "ACL001" || f.Rule == "ACL002":
		return "FMC: Policies > Access Control (a rule for this flow), then deploy; FDM: Policies > Access Control. The lines above are the ASA equivalent"
	case conn:
		return "FMC: Policies > Access Control > (the policy) > Advanced > Threat Defense Service Policy (the rule's idle timeout), or " + flex
	}
	return flex
}

// NotEvaluated returns the IDs of the rules among selected that did not run on m because
// the input does not show what their premise needs (SCOPE001) or is the system execution
// space (SCOPE002), and that would have evaluated something with opts.
func NotEvaluated(m *asa.Model, opts Options, selected []*Rule) []string {
	var out []string
	for _, r := range selected {
		if !r.evaluated(m) && (r.active == nil || r.active(opts)) && (r.relevant == nil || r.relevant(m)) {
			out = append(out, r.ID)
		}
	}
	return out
}
