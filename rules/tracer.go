package rules

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/internal/lazyre"
)

// The packet-tracer rules set the firewall's own simulation of a SIP packet
// ("packet-tracer input IF udp SRC SPORT DST DPORT", Options.Evidence) beside the
// evaluation of the same flow from the configuration (asa.Model.Path). A disagreement is
// either what the configuration cannot show (a route learned by OSPF, an FQDN object
// resolved at run time, a feature the audit does not model) or a defect of the model.

// tracesGiven is the active condition of the packet-tracer rules.
func tracesGiven(o Options) bool { return o.Evidence != nil && len(o.Evidence.Traces) > 0 }

// PT001 reports a packet-tracer answer that disagrees with the configuration's evaluation.
var PT001 = &Rule{
	ID:       "PT001",
	Title:    "the firewall's packet-tracer disagrees with the configuration",
	Severity: Warning,
	active:   tracesGiven,
	Check:    func(p *Pass) { checkTraces(p, true) },
}

// PT002 reports, once per flow, a packet-tracer answer that agrees with the configuration.
var PT002 = &Rule{
	ID:       "PT002",
	Title:    "the firewall's packet-tracer agrees with the configuration",
	Severity: Info,
	active:   tracesGiven,
	Check:    func(p *Pass) { checkTraces(p, false) },
}

// TraceComparison is one packet-tracer answer set beside the model's evaluation of the
// same flow.
type TraceComparison struct {
	Trace *evidence.Trace
	// Path is the model's evaluation of the flow (for a request from the provider, of the
	// phones' flow whose way back it is); Reverse is set then.
	Path    *asa.Path
	Reverse bool
	// Diffs are the phases where the two disagree, in the order the ASA goes through them.
	Diffs []PhaseDiff
	// Agreed says, phase by phase, what both sides found.
	Agreed []string
}

// PhaseDiff is one phase where the firewall and the configuration disagree.
type PhaseDiff struct {
	Phase  string // INPUT, ROUTE-LOOKUP, ACCESS-LIST, NAT, INSPECT, RESULT
	Device string // what packet-tracer shows
	Config string // what the configuration gives
	// Lines are the configuration lines the model used for the phase.
	Lines []asa.ConfigLine
	// Why says what can explain it.
	Why string
}

// CompareTrace evaluates the flow t traced and compares it phase by phase. clients and
// providers (Options.Clients, Options.Providers) tell a request from the provider to the
// phones from a packet of the phones.
func CompareTrace(m *asa.Model, t *evidence.Trace, clients []netip.Prefix, providers []netip.Addr) *TraceComparison {
	c := &TraceComparison{Trace: t}
	port := asa.Port{Proto: t.Proto, Number: t.DstPort}
	c.Reverse = slices.Contains(providers, t.Src) || (inAny(clients, t.Dst) && !inAny(clients, t.Src))
	if c.Reverse {
		port.Number = t.SrcPort
		f := asa.Flow{Clients: netip.PrefixFrom(t.Dst, t.Dst.BitLen()), Provider: t.Src, Port: port, Ephemeral: t.DstPort != t.SrcPort}
		if !inAny(clients, t.Dst) {
			// Sent to the phones' mapped address (ASA 8.2): the phones whose way back it is.
			for _, cl := range clients {
				g := f
				g.Clients = netip.PrefixFrom(sampleAddr(cl), t.Dst.BitLen())
				if to := m.Path(g).Return.To; to.IsValid() && to.Contains(t.Dst) {
					f = g
					break
				}
			}
		}
		c.Path = m.Path(f)
		c.compareReverse()
		return c
	}
	f := asa.Flow{Clients: netip.PrefixFrom(t.Src, t.Src.BitLen()), Provider: t.Dst, Port: port, Ephemeral: t.SrcPort != t.DstPort}
	if len(m.Inputs(f)) > 0 {
		f.Input = t.Input
	}
	c.Path = m.Path(f)
	c.compareForward()
	return c
}

func inAny(ps []netip.Prefix, a netip.Addr) bool {
	return slices.ContainsFunc(ps, func(p netip.Prefix) bool { return p.Contains(a) })
}

func (c *TraceComparison) diff(d PhaseDiff) { c.Diffs = append(c.Diffs, d) }

// stepLines returns the configuration lines of the path's steps of phase.
func stepLines(p *asa.Path, phases ...string) []asa.ConfigLine {
	var out []asa.ConfigLine
	for _, s := range p.Steps {
		if slices.Contains(phases, s.Phase) {
			for _, l := range s.Config {
				if l.Line > 0 {
					out = append(out, l)
				}
			}
		}
	}
	return out
}

// egressRe finds the egress interface in a ROUTE-LOOKUP phase: 9.x "found next-hop A using
// egress ifc outside" (also "outside(vrfid:0)"), 8.x "in 0.0.0.0 0.0.0.0 outside".
var (
	egressRe     = lazyre.New(`(?i)egress ifc\s+([A-Za-z0-9_.\-]+)`)
	egress8Re    = lazyre.New(`^in\s+\S+\s+\S+\s+([A-Za-z0-9_.\-]+)$`)
	translateRe  = lazyre.New(`(?i)^(dynamic|static) translate (\S+?)/(\d+) to (\S+?)/(\d+)`)
	noRouteWords = []string{"no-route", "no route", "no-adjacency"}
)

// deviceEgress is the output interface packet-tracer found, "" when it found none.
func deviceEgress(t *evidence.Trace) string {
	for _, ph := range t.Phase("ROUTE-LOOKUP") {
		for _, e := range ph.Extra {
			if m := egressRe.Get().FindStringSubmatch(e); m != nil {
				return m[1]
			}
			if m := egress8Re.Get().FindStringSubmatch(e); m != nil {
				return m[1]
			}
		}
	}
	if noRoute(t) {
		return ""
	}
	if t.Action == "allow" {
		return t.OutputInterface
	}
	return ""
}

func noRoute(t *evidence.Trace) bool {
	r := strings.ToLower(t.DropReason)
	return slices.ContainsFunc(noRouteWords, func(w string) bool { return strings.Contains(r, w) })
}

// deviceACL is the access-list verdict of packet-tracer: whether an ACCESS-LIST phase
// dropped the packet, and the access-list entry (or "Implicit Rule") that decided.
func deviceACL(t *evidence.Trace) (drop bool, entry string, seen bool) {
	for _, ph := range t.Phase("ACCESS-LIST") {
		seen = true
		e := ""
		for _, l := range ph.Config {
			if strings.HasPrefix(l, "access-list ") || l == "Implicit Rule" {
				e = l
			}
		}
		if ph.Result == "DROP" {
			return true, e, true
		}
		if e != "" && e != "Implicit Rule" {
			entry = e
		}
	}
	return false, entry, seen
}

// deviceTranslation is the address packet-tracer translates the source to ("" when it
// shows no translation) and whether a NAT phase was reached.
func deviceTranslation(t *evidence.Trace) (mapped string, seen bool) {
	for _, ph := range t.Phase("NAT") {
		seen = true
		for _, e := range ph.Extra {
			if m := translateRe.Get().FindStringSubmatch(e); m != nil {
				if m[2] != m[4] {
					return m[4], true
				}
				return "", true // translated to itself: identity
			}
		}
	}
	return "", seen
}

// deviceInspect says whether an INSPECT phase applies inspect sip, and whether there was
// one.
func deviceInspect(t *evidence.Trace) (sip bool, seen bool) {
	for _, ph := range t.Phase("INSPECT") {
		seen = true
		for _, l := range slices.Concat(ph.Config, ph.Extra) {
			if f := strings.Fields(strings.ToLower(l)); len(f) >= 2 && f[0] == "inspect" && f[1] == "sip" {
				sip = true
			}
		}
	}
	return sip, seen
}

// aclDrop returns the model's access-list (or security) denial, nil when it passes.
func aclDrop(p *asa.Path) *asa.Denial {
	if len(p.Denied) == 0 {
		return nil
	}
	return &p.Denied[0]
}

func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

func (c *TraceComparison) compareForward() {
	t, p := c.Trace, c.Path
	device := "allow"
	if t.Action != "allow" {
		device = "drop " + t.DropReason
	}
	if p.Ingress != "" && !strings.EqualFold(p.Ingress, t.Input) {
		c.diff(PhaseDiff{Phase: "INPUT", Device: "packet-tracer was run with input interface " + t.Input,
			Config: fmt.Sprintf("the clients %s are on interface %s", t.Src, p.Ingress), Lines: stepLines(p, "INPUT"),
			Why: "the packet-tracer command names another interface than the one the configuration puts the phones on"})
	}
	if p.Ingress == "" {
		c.diff(PhaseDiff{Phase: "INPUT", Device: device, Config: "not evaluated: " + p.Unresolved,
			Why: "the configuration does not say where the phones are; the firewall knows a route the configuration does not show"})
		return
	}
	eg := deviceEgress(t)
	switch {
	case p.Egress == "" && eg != "":
		c.diff(PhaseDiff{Phase: "ROUTE-LOOKUP", Device: "output interface " + eg, Config: "no route: " + p.Unresolved,
			Why: "the firewall routes the provider by a route the configuration does not show (learned by OSPF, EIGRP, BGP or DHCP)"})
		return
	case p.Egress != "" && eg == "" && noRoute(t):
		c.diff(PhaseDiff{Phase: "ROUTE-LOOKUP", Device: "no route (" + t.DropReason + ")", Config: "output interface " + p.Egress,
			Lines: stepLines(p, "ROUTE-LOOKUP"), Why: "the route the configuration gives is not in the firewall's routing table (its next hop is down, or the interface is)"})
		return
	case p.Egress != "" && eg != "" && !strings.EqualFold(eg, p.Egress):
		c.diff(PhaseDiff{Phase: "ROUTE-LOOKUP", Device: "output interface " + eg, Config: "output interface " + p.Egress,
			Lines: stepLines(p, "ROUTE-LOOKUP"), Why: "the firewall prefers a route the configuration does not show (a dynamic routing protocol, policy-based routing, or a static route tracked down)"})
	case eg != "":
		c.Agreed = append(c.Agreed, "output interface "+eg)
	}
	if p.Egress == "" {
		return
	}
	ddrop, dentry, dseen := deviceACL(t)
	ours := aclDrop(p)
	switch {
	case dseen && ddrop && ours == nil:
		c.diff(PhaseDiff{Phase: "ACCESS-LIST", Device: "drop by " + orImplicit(dentry), Config: "permitted",
			Lines: stepLines(p, "SAME-SECURITY", "ACCESS-LIST", "SECURITY-LEVEL"), Why: accessWhy(p)})
	case dseen && !ddrop && ours != nil && t.Action == "allow":
		c.diff(PhaseDiff{Phase: "ACCESS-LIST", Device: "permitted" + entryOf(dentry), Config: "drop: " + ours.Reason,
			Lines: []asa.ConfigLine{ours.At}, Why: accessWhy(p)})
	case ddrop && ours != nil && dentry != "" && dentry != "Implicit Rule" && ours.At.Text != "" && normalize(dentry) != normalize(ours.At.Text):
		c.diff(PhaseDiff{Phase: "ACCESS-LIST", Device: "drop by " + dentry, Config: "drop by " + normalize(ours.At.Text),
			Lines: []asa.ConfigLine{ours.At}, Why: accessWhy(p)})
	case !ddrop && ours == nil && dentry != "" && !hasLine(stepLines(p, "ACCESS-LIST"), dentry):
		c.diff(PhaseDiff{Phase: "ACCESS-LIST", Device: "permitted by " + dentry, Config: "permitted by another entry",
			Lines: stepLines(p, "ACCESS-LIST"), Why: accessWhy(p)})
	case dseen && ddrop:
		c.Agreed = append(c.Agreed, "access-list drop by "+orImplicit(dentry))
	case dseen:
		c.Agreed = append(c.Agreed, "access-list permit"+entryOf(dentry))
	}
	if t.Action == "allow" || !ddrop {
		c.compareNAT()
		c.compareInspect()
	}
	ourResult := "allow"
	if !p.Allowed() {
		ourResult = "drop"
	}
	if (t.Action == "allow") != p.Allowed() && len(c.Diffs) == 0 {
		c.diff(PhaseDiff{Phase: "RESULT", Device: device, Config: ourResult, Lines: stepLines(p, "INPUT"),
			Why: "a phase the audit does not model decides (the drop reason names it: a VPN, a host limit, uRPF, a module)"})
	} else if len(c.Diffs) == 0 {
		c.Agreed = append(c.Agreed, "result "+ourResult)
	}
}

func orImplicit(e string) string {
	if e == "" {
		return "the implicit deny"
	}
	return e
}

func entryOf(e string) string {
	if e == "" {
		return ""
	}
	return " by " + e
}

func hasLine(lines []asa.ConfigLine, text string) bool {
	return slices.ContainsFunc(lines, func(l asa.ConfigLine) bool { return normalize(l.Text) == normalize(text) })
}

func accessWhy(p *asa.Path) string {
	if len(p.Notes) > 0 {
		return "the configuration's verdict depends on what it cannot tell: " + strings.Join(p.Notes, "; ")
	}
	return "an object the firewall resolves at run time (FQDN), a time-range, an identity or security-group argument, or an access-list the audit reads differently"
}

func (c *TraceComparison) compareNAT() {
	t, p := c.Trace, c.Path
	dmapped, seen := deviceTranslation(t)
	if !seen && t.Action != "allow" {
		return
	}
	ours := ""
	if p.Translation.Translates() {
		ours = p.Translation.Mapped
	}
	lines := stepLines(p, "NAT")
	if p.Translation != nil {
		lines = p.Translation.Config
	}
	switch {
	case dmapped == "" && ours == "":
		c.Agreed = append(c.Agreed, "no translation")
	case dmapped != "" && ours == "":
		c.diff(PhaseDiff{Phase: "NAT", Device: "translated to " + dmapped, Config: "leaves with its own address", Lines: lines,
			Why: "a NAT rule the configuration evaluation did not apply (another output interface, an object resolved at run time)"})
	case dmapped == "" && ours != "":
		c.diff(PhaseDiff{Phase: "NAT", Device: "leaves with its own address", Config: p.Translation.Kind + " to " + ours, Lines: lines,
			Why: "the firewall applies another NAT rule (or none) for this flow: a rule above it, or another output interface"})
	case hasAddr(ours) && !strings.Contains(ours, dmapped):
		c.diff(PhaseDiff{Phase: "NAT", Device: "translated to " + dmapped, Config: p.Translation.Kind + " to " + ours, Lines: lines,
			Why: "the firewall applies another NAT rule, or the packet leaves by another interface than the configuration's route says"})
	default:
		c.Agreed = append(c.Agreed, "translated to "+dmapped)
	}
}

// hasAddr reports whether s names an address (an object name cannot be compared).
func hasAddr(s string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '(' || r == ')' }) {
		if _, err := netip.ParseAddr(w); err == nil {
			return true
		}
	}
	return false
}

func (c *TraceComparison) compareInspect() {
	t, p := c.Trace, c.Path
	dsip, seen := deviceInspect(t)
	if !seen && t.Action != "allow" {
		return
	}
	ours := p.SIP.Best != nil && p.SIP.Best.Inspected()
	yes := func(b bool) string {
		if b {
			return "inspect sip applies"
		}
		return "no inspect sip"
	}
	if dsip != ours {
		c.diff(PhaseDiff{Phase: "INSPECT", Device: yes(dsip), Config: yes(ours), Lines: stepLines(p, "INSPECT"),
			Why: "the firewall matches the flow to another class than the configuration evaluation does (a match access-list class, an interface policy)"})
		return
	}
	c.Agreed = append(c.Agreed, yes(ours))
}

// compareReverse compares a request from the provider to the phones with the way back
// the configuration gives.
func (c *TraceComparison) compareReverse() {
	t, p := c.Trace, c.Path
	if p.Egress == "" {
		c.diff(PhaseDiff{Phase: "INPUT", Device: "action " + t.Action, Config: "not evaluated: " + p.Unresolved,
			Why: "the configuration does not show where the provider is"})
		return
	}
	if !strings.EqualFold(p.Egress, t.Input) {
		c.diff(PhaseDiff{Phase: "INPUT", Device: "packet-tracer was run with input interface " + t.Input,
			Config: fmt.Sprintf("the provider %s is reached through %s", t.Src, p.Egress), Lines: stepLines(p, "ROUTE-LOOKUP"),
			Why: "the packet-tracer command names another interface than the one the configuration routes the provider by"})
	}
	admitted := p.Allowed() && p.Return.Admitted
	if (t.Action == "allow") != admitted {
		ours := "dropped: " + lastOr(p.Return.Detail, p.Unresolved)
		if admitted {
			ours = "admitted: " + p.Return.Detail
		}
		dev := "allow"
		if t.Action != "allow" {
			dev = "drop " + t.DropReason
		}
		c.diff(PhaseDiff{Phase: "RESULT", Device: dev, Config: ours, Lines: p.Return.Config,
			Why: "the firewall admits (or drops) the provider's requests otherwise than the configuration's access-lists and static translations say"})
		return
	}
	c.Agreed = append(c.Agreed, "the provider's request is "+map[bool]string{true: "admitted", false: "dropped"}[admitted])
}

func lastOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// checkTraces reports PT001 (disagree) or PT002 (agree) for each packet-tracer answer
// of this configuration.
func checkTraces(p *Pass, disagree bool) {
	if !tracesGiven(p.Options) {
		return
	}
	m := p.Model
	seen := map[string]bool{}
	for _, t := range p.Options.Evidence.Traces {
		if !t.Output.BelongsTo(m.Config.Hostname) {
			continue
		}
		key := t.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		if m.Config.Paths == nil {
			if disagree {
				p.Report(Finding{Key: key, Message: fmt.Sprintf("%s (%s): not compared: the configuration's paths were not read; give --clients and --provider (or clients: and provider: in .asaaudit.yaml)", key, t.Pos),
					Detail: "packet-tracer is set beside the configuration's evaluation of the same flow, which the path rules make."})
			}
			continue
		}
		c := CompareTrace(m, t, p.Options.Clients, p.Options.Providers)
		if disagree != (len(c.Diffs) > 0) {
			continue
		}
		if !disagree {
			line, src := flowAnchor(c)
			p.Report(Finding{Key: key, Line: line, Source: src,
				Message: fmt.Sprintf("%s (%s): the firewall agrees with the configuration: %s", key, t.Pos, strings.Join(c.Agreed, ", "))})
			continue
		}
		var parts []string
		for _, d := range c.Diffs {
			s := fmt.Sprintf("%s: the firewall: %s; the configuration: %s", d.Phase, d.Device, d.Config)
			var at []string
			for _, l := range d.Lines {
				at = append(at, fmt.Sprintf("line %d %q", l.Line, normalize(l.Text)))
			}
			if len(at) > 0 {
				s += " (" + strings.Join(at, ", ") + ")"
			}
			parts = append(parts, s+"; likely: "+d.Why)
		}
		line, src := flowAnchor(c)
		if ls := c.Diffs[0].Lines; len(ls) > 0 {
			line, src = ls[0].Line, ls[0].Text
		}
		p.Report(Finding{Key: key, Line: line, Source: src,
			Message: fmt.Sprintf("%s (%s): %s; the rules trusted the configuration", key, t.Pos, strings.Join(parts, "; ")),
			Detail:  "packet-tracer simulates the packet in the firewall itself, with its routing table, resolved objects and every feature; the audit evaluates the configuration alone. The other findings on this flow (ACL001, ACL002, NAT001, SIP001) follow the configuration: where packet-tracer shows a route, object or feature the configuration does not, trust packet-tracer; where it does not, report the difference as an asaaudit defect with both outputs (the configuration and the packet-tracer output) attached."})
	}
}

// flowAnchor is the configuration line a finding about the flow points at: the input
// interface's line.
func flowAnchor(c *TraceComparison) (int, string) {
	if ls := stepLines(c.Path, "INPUT"); len(ls) > 0 {
		return ls[0].Line, ls[0].Text
	}
	return 0, ""
}

// TracerCommands returns the packet-tracer commands that check the flows the path rules
// evaluate: for each client subnet, provider and port, the phones' packet (from an
// address of the subnet, source port = the SIP port, on the input interface the model
// finds) and, when the phones' flow passes, the provider's request coming back. xml asks
// for the xml form (ASA 9.x). Flows whose interfaces the configuration cannot tell are
// left out.
func TracerCommands(m *asa.Model, o Options, xml bool) []string {
	ports := o.Ports
	if len(ports) == 0 {
		ports = asa.DefaultSIPPorts
	}
	suffix := ""
	if xml {
		suffix = " xml"
	}
	var out []string
	add := func(cmd string) {
		if !slices.Contains(out, cmd) {
			out = append(out, cmd)
		}
	}
	for _, cl := range o.Clients {
		phone := sampleAddr(cl)
		for _, prov := range o.Providers {
			if phone.Is4() != prov.Is4() {
				continue
			}
			for _, port := range ports {
				f := asa.Flow{Clients: netip.PrefixFrom(phone, phone.BitLen()), Provider: prov, Port: port}
				inputs := m.Inputs(f)
				if len(inputs) == 0 {
					inputs = []string{""}
				}
				for _, in := range inputs {
					f.Input = in
					p := m.Path(f)
					if p.Ingress == "" {
						continue
					}
					add(fmt.Sprintf("packet-tracer input %s %s %s %d %s %d%s", p.Ingress, port.Proto, phone, port.Number, prov, port.Number, suffix))
					if p.Allowed() && p.Egress != "" {
						to := phone
						if r := p.Return.To; r.IsValid() && !r.Contains(phone) {
							to = r.Addr()
						}
						add(fmt.Sprintf("packet-tracer input %s %s %s %d %s %d%s", p.Egress, port.Proto, prov, port.Number, to, port.Number, suffix))
					}
				}
			}
		}
	}
	return out
}

// sampleAddr picks the phone packet-tracer sends from: the address itself, or one inside
// the subnet past the first few (where the gateway usually is).
func sampleAddr(p netip.Prefix) netip.Addr {
	p = p.Masked()
	a := p.Addr()
	if p.Bits() == a.BitLen() {
		return a
	}
	steps := 1
	if a.BitLen()-p.Bits() >= 5 {
		steps = 10
	}
	for range steps {
		a = a.Next()
	}
	return a
}
