package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/asaaudit/asaaudit/registration"
)

// The capture rules (REG) judge registrations read from a packet capture, not a
// configuration: they are in All (so "rules", "rules explain", SARIF and JUnit list them)
// with a Check that reports nothing and never counts as not evaluated, and RunCapture runs
// their Capture.

// CapturePass is one capture rule's run over one registration.
type CapturePass struct {
	Registration *registration.Registration
	rule         *Rule
	out          *[]Finding
}

// Report records a finding of the running rule on the registration: the capture is the
// file, the frame the line, the frame's summary line the source. The fingerprint hashes
// the rule, the binding and f.Key, never the frame.
func (p *CapturePass) Report(f Finding, s registration.Step) {
	r := p.Registration
	f.Rule, f.Title = p.rule.ID, p.rule.Title
	if f.Severity == 0 {
		f.Severity = p.rule.Severity
	}
	f.File, f.Line, f.Source = r.File, s.Frame, strings.TrimSpace(s.Line(r.Start))
	if f.Fix == nil {
		f.Fix = []string{}
	}
	f.Key = r.Key() + " " + f.Key
	sum := sha256.Sum256([]byte(f.Rule + "\x00" + f.Key))
	f.Fingerprint = hex.EncodeToString(sum[:8])
	*p.out = append(*p.out, f)
}

// RunCapture runs the capture rules among selected over one registration and returns
// their findings by frame and rule.
func RunCapture(r *registration.Registration, selected []*Rule) []Finding {
	out := []Finding{}
	for _, rule := range selected {
		if rule.Capture != nil {
			rule.Capture(&CapturePass{Registration: r, rule: rule, out: &out})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Rule < out[j].Rule
	})
	return out
}

// captureRule is a REG rule: no Check over a configuration, never named by SCOPE001.
func captureRule(id, title string, sev Severity, check func(*CapturePass)) *Rule {
	return &Rule{ID: id, Title: title, Severity: sev, Check: func(*Pass) {}, active: func(Options) bool { return false }, Capture: check}
}

// notFirewall ends the detail of the findings whose cause is beyond the firewall.
const notFirewall = " The firewall is not the cause: it passed the exchange both ways (the request reached the registrar and its answer came back), so no firewall change will fix it."

// each calls fn with every observation of kind k.
func (p *CapturePass) each(k registration.Kind, fn func(registration.Observation)) {
	for _, o := range p.Registration.Observations {
		if o.Kind == k {
			fn(o)
		}
	}
}

// who names the registration: its AOR and where it registers from and to.
func who(r *registration.Registration) string {
	s := fmt.Sprintf("%s (%s -> %s)", r.AOR, registration.Addr(r.Client), registration.Addr(r.Registrar))
	if p := r.Port(); p != "sip" {
		s = p + " " + s
	}
	return s
}

// port is the SIP port a capture finding is about, as the configuration findings name it
// ("udp/5080"); "" when the capture does not show it.
func port(c *Finding) string {
	p, _, _ := strings.Cut(c.Message, " ")
	if !strings.Contains(p, "/") {
		return ""
	}
	return p
}

func status(o registration.Observation) string {
	return strings.TrimSpace(fmt.Sprintf("%d %s", o.Status, o.Reason))
}

// REG001 reports credentials the registrar rejected after its challenge.
var REG001 = captureRule("REG001", "registration rejected: wrong credentials", Error, func(p *CapturePass) {
	r := p.Registration
	p.each(registration.AuthRejected, func(o registration.Observation) {
		var acct []string
		if o.Username != "" {
			acct = append(acct, fmt.Sprintf("username %q", o.Username))
		}
		if o.Realm != "" {
			acct = append(acct, fmt.Sprintf("realm %q", o.Realm))
		}
		used := "the credentials (the capture does not show the username or realm: a summary has no headers)"
		if len(acct) > 0 {
			used = "the credentials (" + strings.Join(acct, ", ") + ")"
		}
		answer := status(o)
		if o.SameNonce {
			answer = fmt.Sprintf("%d again with the same nonce (not stale)", o.Status)
		}
		p.Report(Finding{
			Message: fmt.Sprintf("%s: the registrar challenged (%d) and rejected %s: %s%s", who(r), o.Challenged, used, answer, times(o.Count)),
			Detail:  "The provider rejected the credentials: the username, password or authentication realm (auth user) configured on the phone or PBX is wrong." + notFirewall,
			Key:     "auth",
		}, o.Step)
	})
})

// repeated says how many transactions failed alike.
func repeated(n int) string {
	if n > 1 {
		return fmt.Sprintf(" (%d transactions alike)", n)
	}
	return ""
}

// times says how often an observation repeated.
func times(n int) string {
	if n > 1 {
		return fmt.Sprintf(" (%d times)", n)
	}
	return ""
}

// REG002 reports REGISTERs that got no answer.
var REG002 = captureRule("REG002", "registration unanswered: REGISTER filtered or not reaching the registrar", Error, func(p *CapturePass) {
	r := p.Registration
	p.each(registration.NoAnswer, func(o registration.Observation) {
		var msg string
		switch {
		case o.ICMP != "":
			from := ""
			if o.Router.IsValid() {
				from = " from " + o.Router.String()
			}
			msg = fmt.Sprintf("%s: the REGISTER came back as ICMP %s%s", who(r), o.ICMP, from)
		case o.Retransmits > 0:
			msg = fmt.Sprintf("%s: REGISTER sent %d times (retransmitted, Timer E) with no response%s", who(r), o.Retransmits+1, repeated(o.Count))
		default:
			msg = fmt.Sprintf("%s: REGISTER got no response within 32 s (Timer F)%s", who(r), repeated(o.Count))
		}
		p.Report(Finding{
			Message: msg,
			Detail:  "The REGISTER did not reach the registrar, or its answer did not come back: an access-list, a route or NAT on the way drops it, or the registrar's address or port is wrong. The capture alone cannot tell which; with the configuration (asaaudit sip --running-config, with --clients and --provider) the path rules (ACL001, NAT001) say whether the firewall drops it.",
			Key:     "noanswer",
		}, o.Step)
	})
})

// REG003 reports private addresses in SIP messages that left with a public source.
var REG003 = captureRule("REG003", "SIP addresses not rewritten by the firewall", Warning, func(p *CapturePass) {
	r := p.Registration
	p.each(registration.NotRewritten, func(o registration.Observation) {
		port := r.Port()
		proto, num, _ := strings.Cut(port, "/")
		p.Report(Finding{
			Message: fmt.Sprintf("%s: the %s carries the private address %s while the packet's source is the public %s: SIP inspection did not rewrite it", who(r), o.Where, o.Private, o.Step.Src),
			Detail:  "The firewall translated the IP header but not the SIP message: the provider answers and sends calls and media to a private address it cannot reach (one-way audio, calls that do not ring). Inspecting SIP on the port makes the firewall rewrite Via, Contact and SDP (SIP001, NAT001 with the configuration). The fix assumes the default global_policy.",
			Fix:     []string{"class-map sip-" + proto + "-" + num, " match port " + proto + " eq " + num, "policy-map global_policy", " class sip-" + proto + "-" + num, "  inspect sip"},
			Key:     o.Where + " " + o.Private,
		}, o.Step)
	})
})

// REG004 reports a binding whose public source changed between refreshes.
var REG004 = captureRule("REG004", "registration binding moved: NAT idled out between refreshes", Error, func(p *CapturePass) {
	r := p.Registration
	p.each(registration.Moved, func(o registration.Observation) {
		moved := ""
		if o.Count > 1 {
			moved = fmt.Sprintf(" (moved %d times)", o.Count)
		}
		p.Report(Finding{
			Message: fmt.Sprintf("%s: the REGISTER left from %s, %s after the last message from %s: the NAT binding idled out between refreshes%s", who(r), o.To, human(o.Gap.Round(time.Second)), o.From, moved),
			Detail:  fmt.Sprintf("The firewall's idle timeout for the flow is shorter than the clients' refresh interval (%s): the connection and its translation expire, the next refresh gets a new public port, and calls from the provider to the old one are dropped. The idle timeout that governs the flow must exceed it (SIP003 with the configuration names the line).", human(o.Gap.Round(time.Second))),
			Key:     "moved",
		}, o.Step)
	})
})

// REG005 reports the intervals measured for every binding.
var REG005 = captureRule("REG005", "registration refresh interval measured", Info, func(p *CapturePass) {
	r := p.Registration
	var parts []string
	if r.Granted > 0 {
		parts = append(parts, "granted expires "+human(r.Granted))
	} else {
		parts = append(parts, "no expiry granted")
	}
	if r.Refreshes > 0 {
		parts = append(parts, fmt.Sprintf("REGISTER refreshed at most %s apart (%d refreshes)", human(r.Refresh.Round(time.Second)), r.Refreshes))
	} else {
		parts = append(parts, "no REGISTER refresh seen")
	}
	if r.Keepalives > 0 {
		parts = append(parts, fmt.Sprintf("keepalives at most %s apart (%d)", human(r.Keepalive.Round(time.Second)), r.Keepalives))
	} else {
		parts = append(parts, "no keepalives")
	}
	p.Report(Finding{
		Message: fmt.Sprintf("%s: %s", who(r), strings.Join(parts, ", ")),
		Detail:  "The firewall's idle timeout for the flow must exceed the longest of these gaps (the keepalive interval when there are keepalives); with the configuration, these intervals replace --keepalive and --register-interval for SIP003 and SIP004.",
		Key:     "intervals",
	}, r.Steps[0])
})

// REG006 reports a registrar that does not know the domain or the account.
var REG006 = captureRule("REG006", "registration rejected: SIP domain or account unknown", Error, func(p *CapturePass) {
	r := p.Registration
	p.each(registration.DomainUnknown, func(o registration.Observation) {
		domain := registration.Domain(r.RequestURI)
		if d := registration.Domain(r.AOR); d != "" {
			domain = d
		}
		p.Report(Finding{
			Message: fmt.Sprintf("%s: the registrar answered %s%s: it does not know the domain %q or the account %s", who(r), status(o), times(o.Count), domain, r.AOR),
			Detail:  "The SIP domain (Request-URI and To) or the username configured on the phone or PBX is not one the registrar serves." + notFirewall,
			Key:     "domain",
		}, o.Step)
	})
})

// REG007 reports the provider refusing the registration for its own limits.
var REG007 = captureRule("REG007", "registration refused by provider limits", Warning, func(p *CapturePass) {
	r := p.Registration
	p.each(registration.ProviderLimit, func(o registration.Observation) {
		why := "the provider's admission control refused the registration"
		switch o.Status {
		case 423:
			why = "the requested expiry is shorter than the registrar accepts (Min-Expires): raise the registration interval"
			if o.MinExpires > 0 {
				why = fmt.Sprintf("the requested expiry is shorter than the registrar accepts (Min-Expires: %d s): raise the phones' registration expiry to at least %d s", o.MinExpires, o.MinExpires)
			}
		case 503:
			why = "the registrar is overloaded or out of service for this account"
		}
		p.Report(Finding{
			Message: fmt.Sprintf("%s: the registrar answered %s%s: %s", who(r), status(o), times(o.Count), why),
			Detail:  "The provider limits registrations (count per account, expiry, rate, capacity)." + notFirewall,
			Key:     fmt.Sprint("limit ", o.Status),
		}, o.Step)
	})
})

// REG008 reports a registration that succeeded.
var REG008 = captureRule("REG008", "registered", Info, func(p *CapturePass) {
	r := p.Registration
	var last *registration.Observation
	p.each(registration.Registered, func(o registration.Observation) { last = &o })
	if last == nil {
		return
	}
	p.Report(Finding{
		Message: fmt.Sprintf("%s: registered (%s), expires in %s", who(r), status(*last), human(last.Expires)),
		Key:     "registered",
	}, last.Step)
})

// confirms are the configuration rules each firewall-side capture rule corroborates.
var confirms = map[string][]string{"REG002": {"ACL001"}, "REG003": {"SIP001", "NAT001"}, "REG004": {"SIP003", "SIP004"}}

// Corroborate sets the capture findings beside the configuration findings they confirm,
// on the same SIP port: each names the other's file and line, and the capture finding
// takes the configuration's exact fix. A REG002 that no ACL001 confirms says what the
// path rules found (paths: they ran with clients and providers). It returns how many
// pairs it linked.
func Corroborate(capture, config []Finding, paths bool) int {
	n := 0
	for i := range capture {
		c := &capture[i]
		port := port(c)
		if f := confirmed(c, port, config); f != nil {
			c.Message += fmt.Sprintf(" (the configuration says why: %s at %s:%d)", f.Rule, f.File, f.Line)
			// The configuration's fix is exact where the capture's can only assume.
			c.Fix = append([]string{}, f.Fix...)
			if !strings.Contains(f.Message, "(the capture confirms it: "+c.Rule+" at "+c.File+":") {
				f.Message += fmt.Sprintf(" (the capture confirms it: %s at %s:%d)", c.Rule, c.File, c.Line)
			}
			n++
			continue
		}
		if c.Rule != "REG002" {
			continue
		}
		if paths {
			c.Detail += " With the configuration, the path rules find no drop of this flow: the firewall's configuration passes it, so look beyond it (the registrar's address and port, the provider, an upstream filter)."
		} else {
			c.Detail += " The configuration was read without --clients and --provider: give them to follow this flow through its access-lists, routes and NAT."
		}
	}
	return n
}

// confirmed returns the configuration finding on port that the capture finding c confirms.
func confirmed(c *Finding, port string, config []Finding) *Finding {
	if port == "" {
		return nil
	}
	for j := range config {
		f := &config[j]
		if slices.Contains(confirms[c.Rule], f.Rule) && (strings.HasPrefix(f.Key, port) || strings.HasPrefix(f.Message, port+":") || strings.Contains(f.Message, " "+port)) {
			return f
		}
	}
	return nil
}
