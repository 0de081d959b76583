package rules

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/parser"
)

// The path rules follow a SIP flow from the clients (--clients) to the provider
// (--provider) through the interfaces, access-lists, security levels and NAT, and the
// provider's requests back (asa.Path). They run before PARSE001, which then reports the
// lines they read that could not be read.

// flows returns every client subnet, provider and audited port, in that order; clients
// in a bridge group's subnet make a flow per member port they may be behind.
func flows(p *Pass) []asa.Flow {
	p.Model.Audits(p.Options.Ports)
	var addrs []netip.Addr
	for _, c := range p.Options.Clients {
		addrs = append(addrs, c.Addr())
	}
	p.Model.Expect(append(addrs, p.Options.Providers...))
	var out []asa.Flow
	for _, c := range p.Options.Clients {
		for _, pr := range p.Options.Providers {
			if c.Addr().Is6() != pr.Is6() {
				continue // IPv4 phones do not talk to an IPv6 provider, nor the reverse
			}
			for _, port := range p.Options.Ports {
				f := asa.Flow{Clients: c, Provider: pr, Port: port}
				inputs := p.Model.Inputs(f)
				if len(inputs) == 0 {
					out = append(out, f)
				}
				for _, in := range inputs {
					f.Input = in
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// through is the path the return and NAT rules look at: the phones sending from the SIP
// port, or from an ephemeral port when only that gets out; nil when neither does.
func through(m *asa.Model, f asa.Flow) *asa.Path {
	sym, eph := m.Variants(f)
	switch {
	case sym.Allowed():
		return sym
	case eph != nil && eph.Allowed():
		return eph
	}
	return nil
}

// behind names the bridge-group member a flow enters by, for messages.
func behind(f asa.Flow) string {
	if f.Input == "" {
		return ""
	}
	return " behind " + f.Input
}

func clients(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}

// pathAnchor is where a finding about the paths as a whole points: the first access-group
// line, else the first interface, else line 1.
func pathAnchor(m *asa.Model) anchor {
	switch h := m.Config.PathHint; {
	case h.Pos.Line > 0:
		return anchor{line: h.Pos.Line, source: h.Source}
	case len(m.Config.Interfaces) > 0:
		i := m.Config.Interfaces[0]
		return anchor{line: i.HeaderPos.Line, source: "interface " + i.Hardware}
	}
	return anchor{line: 1}
}

// PATH000 says when the path rules did not run, and why.
var PATH000 = &Rule{
	ID:       "PATH000",
	Title:    "SIP path not evaluated",
	Severity: Info,
	Needs:    []string{"interface", "route", "access-list", "access-group", "nat"},
	active:   pathsGiven,
	Check: func(p *Pass) {
		m, o := p.Model, p.Options
		a := pathAnchor(m)
		report := func(msg, key string) {
			p.Report(Finding{Message: msg, Line: a.line, Source: a.source, Key: key,
				Detail: "ACL001, ACL002 and NAT001 follow SIP from the phones to the provider through the interfaces, access-lists, security levels and NAT; they need to know where both are."})
		}
		switch {
		case len(o.Clients) == 0 && len(o.Providers) == 0:
			if m.Config.PathHint.Pos.Line == 0 {
				// No access-list is applied: only the security levels and NAT act on the
				// path, and SIP001 already reports NAT without inspection.
				return
			}
			report("the SIP path rules (ACL001, ACL002, NAT001) were not evaluated: give --clients CIDR (the phones) and --provider ADDR (the provider), or clients: and provider: in .asaaudit.yaml", "flags")
			return
		case len(o.Clients) == 0:
			report("the SIP path rules (ACL001, ACL002, NAT001) were not evaluated: --provider is given but not --clients CIDR (the phones' subnet), nor clients: in .asaaudit.yaml", "flags")
			return
		case len(o.Providers) == 0:
			report("the SIP path rules (ACL001, ACL002, NAT001) were not evaluated: --clients is given but not --provider ADDR (the provider's address), nor provider: in .asaaudit.yaml", "flags")
			return
		}
		seen := map[string]bool{}
		for _, f := range flows(p) {
			path := m.Path(f)
			if path.Unresolved == "" || seen[path.Unresolved] {
				continue
			}
			seen[path.Unresolved] = true
			report(fmt.Sprintf("the SIP path from %s to %s was not evaluated: %s", clients(f.Clients), f.Provider, path.Unresolved), path.Unresolved)
		}
	},
}

// ACL001 reports SIP from the clients to the provider that the ASA drops.
var ACL001 = &Rule{
	ID:       "ACL001",
	Title:    "SIP from the clients to the provider is denied",
	Severity: Error,
	Needs:    []string{"interface", "route", "access-list", "access-group", "nat"},
	active:   pathsGiven,
	Check: func(p *Pass) {
		// The members of a bridge group that are dropped alike make one finding: same
		// place, same fix, the members named together.
		var order []*denial
		same := map[string]*denial{}
		add := func(path *asa.Path, d asa.Denial, from, extra string) {
			x := &denial{path: path, d: d, from: from, extra: extra, fix: denialFix(p.Model, path, d)}
			f := path.Flow
			group := fmt.Sprintf("%s|%s|%s|%v|%s|%d|%v|%s|%s|%s|%s", f.Port, f.Clients, f.Provider, f.Ephemeral, d.Phase, d.Entry, d.Implicit, d.Clients, d.Depends, d.ACL, strings.Join(x.fix, "\n"))
			if d.Phase == "SECURITY-LEVEL" || d.Phase == "SAME-SECURITY" {
				group += "|" + d.Reason // names the member
			}
			if prev := same[group]; prev != nil && f.Input != "" {
				prev.members = append(prev.members, f.Input)
				return
			}
			if f.Input != "" {
				x.members = []string{f.Input}
			}
			same[group] = x
			order = append(order, x)
		}
		for _, f := range flows(p) {
			sym, eph := p.Model.Variants(f)
			for _, d := range sym.Denied {
				extra := ""
				if eph != nil && !denies(eph, d) {
					extra = fmt.Sprintf("Phones that send from an ephemeral source port (not %d) are not dropped here. ", f.Port.Number)
				}
				add(sym, d, "", extra)
			}
			if eph == nil {
				continue
			}
			for _, d := range eph.Denied {
				if !denies(sym, d) {
					add(eph, d, " from an ephemeral source port", fmt.Sprintf("Phones that send from the SIP port itself (%d) are not dropped here; many phones and softphones send from an ephemeral port instead, and TCP always does. ", f.Port.Number))
				}
			}
		}
		for _, x := range order {
			x.report(p)
		}
	},
}

// denial is an ACL001 finding before it is reported: a drop, how the phones send (from),
// what differs for the other source port (extra), and the bridge-group members it holds
// for.
type denial struct {
	path        *asa.Path
	d           asa.Denial
	from, extra string
	fix         []string
	members     []string
}

// denies reports whether path drops the same clients at the same place as d.
func denies(path *asa.Path, d asa.Denial) bool {
	for _, x := range path.Denied {
		if x.Phase == d.Phase && x.ACL == d.ACL && x.Entry == d.Entry && x.Implicit == d.Implicit && x.Clients == d.Clients && x.Depends == d.Depends {
			return true
		}
	}
	return false
}

func (x *denial) report(p *Pass) {
	f, d := x.path.Flow, x.d
	who := clients(f.Clients)
	part := ""
	if d.Clients != who {
		part = fmt.Sprintf(" (%s of them)", d.Clients)
	}
	detail := "The phones' REGISTER and INVITE never reach the provider: registration fails and no call can be made or received. " + x.extra + pathDepends(x.path)
	if d.Depends != "" {
		detail = "The drop depends on what the configuration cannot tell (" + d.Depends + "): check it on the device (show access-list shows the entry's hit count, show time-range and show dns-hosts what the ASA resolved), or make the access-list independent of it. " + x.extra + pathDepends(x.path)
	}
	if d.Phase == "SECURITY-LEVEL" {
		detail += "Applying an access-list to an interface replaces its security-level rule: everything the list does not permit is then denied, so add permits for the other traffic that must pass too."
	}
	key := fmt.Sprintf("%s %s %s %s %s %s", f.Port, f.Clients, f.Provider, d.Phase, d.ACL, d.Clients)
	behind := ""
	if len(x.members) > 0 {
		key += " input " + strings.Join(x.members, " ")
		behind = " behind " + strings.Join(x.members, ", ")
	}
	if f.Ephemeral {
		key += " ephemeral"
	}
	if d.Depends != "" {
		// "if" or "unless": the rest names file lines, which a fingerprint must not.
		key += " " + strings.Fields(d.Depends)[0]
	}
	p.Report(Finding{
		Message: fmt.Sprintf("%s%s: SIP from %s%s%s to %s is dropped: %s", f.Port, x.from, who, part, behind, f.Provider, d.Reason),
		Line:    d.At.Line, Source: d.At.Text,
		Detail: strings.TrimSpace(detail),
		Fix:    x.fix,
		Key:    key,
	})
}

// pathDepends lists what the verdict depends on that the configuration cannot tell.
func pathDepends(path *asa.Path) string {
	if len(path.Notes) == 0 {
		return ""
	}
	return "Depends on what the configuration cannot tell: " + strings.Join(path.Notes, "; ") + ". "
}

// aclSpec writes addresses as an access-list entry names them (IPv6 as a prefix).
func aclSpec(p netip.Prefix) string {
	switch {
	case p.IsSingleIP():
		return "host " + p.Addr().String()
	case p.Addr().Is6():
		return p.Masked().String()
	}
	m := net4Mask(p.Bits())
	return p.Masked().Addr().String() + " " + m
}

func net4Mask(bits int) string {
	v := ^uint32(0) << (32 - bits)
	if bits == 0 {
		v = 0
	}
	return fmt.Sprintf("%d.%d.%d.%d", v>>24, v>>16&0xff, v>>8&0xff, v&0xff)
}

// permitLine is the entry that permits SIP from src to dst on port.
func permitLine(acl string, line int, src, dst netip.Prefix, port asa.Port) string {
	at := ""
	if line > 0 {
		at = fmt.Sprintf("line %d ", line)
	}
	return fmt.Sprintf("access-list %s %sextended permit %s %s %s eq %d", acl, at, port.Proto, aclSpec(src), aclSpec(dst), port.Number)
}

// denialFix returns the commands that let the flow through where d drops it.
func denialFix(m *asa.Model, path *asa.Path, d asa.Denial) []string {
	f := path.Flow
	provider := netip.PrefixFrom(f.Provider, f.Provider.BitLen())
	switch d.Phase {
	case "SAME-SECURITY":
		if path.Ingress == path.Egress {
			return []string{"same-security-traffic permit intra-interface"}
		}
		return []string{"same-security-traffic permit inter-interface"}
	case "SECURITY-LEVEL":
		acl := path.Ingress + "_access_in"
		return []string{permitLine(acl, 0, f.Clients, provider, f.Port), "access-group " + acl + " in interface " + path.Ingress}
	}
	return addEntry(m, d.ACL, d.Entry, f.Clients, provider, f.Port)
}

// addEntry returns the commands that put the permit of SIP from src to dst at line (0:
// at the end) of access-list acl. The same entry further down the list, where it does
// not take effect, is removed first: the ASA refuses a duplicate entry, and a fix never
// proposes a line the configuration already has.
func addEntry(m *asa.Model, acl string, line int, src, dst netip.Prefix, port asa.Port) []string {
	entry := permitLine(acl, 0, src, dst, port)
	var fix []string
	if list := m.Config.Paths.AccessList(acl); list != nil && list.Find(entry) >= 0 {
		fix = append(fix, "no "+entry)
	}
	return append(fix, permitLine(acl, line, src, dst, port))
}

// ACL002 reports requests from the provider that reach the clients only through the
// pinholes inspect sip opens or the state of connections the clients opened.
var ACL002 = &Rule{
	ID:       "ACL002",
	Title:    "provider's requests reach the phones only through connection state",
	Severity: Warning,
	Needs:    []string{"interface", "route", "access-list", "access-group", "nat"},
	active:   pathsGiven,
	Check: func(p *Pass) {
		for _, f := range flows(p) {
			path := through(p.Model, f)
			if path == nil || path.Return.Admitted || path.Return.Pinholes {
				// With inspect sip, each REGISTER opens a pinhole for the provider's requests
				// that lasts as long as the registration: the way in behind PAT, by design.
				// Whether it outlasts the phones' refresh is SIP003's question.
				continue
			}
			idle := path.SIP.Idle
			if refresh, _ := p.Options.RefreshFor(f.Port); refresh > 0 && (idle.Value == 0 || refresh < idle.Value) {
				continue // the clients refresh the connection before it idles out
			}
			governs := fmt.Sprintf("%s (%s)", hms(idle.Value), setting(idle))
			if idle.Value == 0 {
				governs = fmt.Sprintf("never (%s is 0:00:00)", setting(idle))
			}
			t := path.Translation
			msg := fmt.Sprintf("%s: requests from %s (an INVITE for an incoming call) reach %s only through the connection the phones opened, which idles out after %s", f.Port, f.Provider, clients(f.Clients)+behind(f), governs)
			detail := "Nothing in the configuration admits a new connection from the provider to the phones (an access-list permit, and a static translation or none), and SIP is not inspected on the path (inspect sip would open a pinhole for them at each REGISTER), so incoming calls work only while the phones keep their connection alive: send keepalives or re-REGISTER more often than the idle timeout. Give that interval (--keepalive or --register-interval): when it is shorter than the idle timeout this rule is satisfied, and SIP003 reports it when it is not."
			if t.Dynamic() {
				xlate := p.Model.Timeout("pat-xlate")
				msg += fmt.Sprintf(", and the %s translation lasts %s (timeout pat-xlate) after that", t.Kind, hms(xlate.Value))
			}
			fix, how := returnFix(p.Model, path)
			at := returnAnchor(p.Model, path)
			p.Report(Finding{
				Message: msg, Line: at.line, Source: at.source,
				Detail: detail + " " + path.Return.Detail + ". " + how,
				Fix:    fix,
				Key:    flowKey(f),
			})
		}
	},
}

// flowKey identifies a flow in a finding's fingerprint (as before bridge groups and
// source ports, for the flows that have neither).
func flowKey(f asa.Flow) string {
	key := fmt.Sprintf("%s %s %s", f.Port, f.Clients, f.Provider)
	if f.Input != "" {
		key += " input " + f.Input
	}
	return key
}

// returnAnchor is where ACL002 points: the dynamic NAT rule, else the access-group of
// the interface the requests enter by, else the first line of the return step.
func returnAnchor(m *asa.Model, path *asa.Path) anchor {
	if t := path.Translation; t.Dynamic() {
		c := t.Config[0]
		return anchor{line: c.Line, source: c.Text}
	}
	for _, c := range path.Return.Config {
		if c.Line > 0 {
			return anchor{line: c.Line, source: c.Text}
		}
	}
	return pathAnchor(m)
}

// returnFix admits the provider's requests, and says why it is what it is. Behind
// dynamic PAT an access-list permit changes nothing (the translation exists only while
// the phones' connections use it): for one phone the fix is a static translation of its
// SIP port (a port forward) with the permit it then needs; for a subnet, inspect sip,
// whose pinholes let the requests in. Otherwise it is the permit on the interface the
// requests enter by.
func returnFix(m *asa.Model, path *asa.Path) ([]string, string) {
	f := path.Flow
	provider := netip.PrefixFrom(f.Provider, f.Provider.BitLen())
	r, t := path.Return, path.Translation
	permit := func(to netip.Prefix) []string {
		if r.ACL != "" {
			return addEntry(m, r.ACL, 1, provider, to, f.Port)
		}
		acl := r.Interface + "_access_in"
		return []string{permitLine(acl, 0, provider, to, f.Port), "access-group " + acl + " in interface " + r.Interface}
	}
	if !t.Dynamic() {
		return permit(r.To), ""
	}
	access := m.ReturnAccess(path)
	cause := fmt.Sprintf("The phones leave through %s: the translation, not the access-list, keeps the provider's requests out", t.Kind)
	if access {
		cause += " (the access-lists already admit them, so a permit would change nothing)"
	}
	cause += ". "
	if !f.Clients.IsSingleIP() || m.LegacyNAT() {
		return notInspected(m, path.SIP).Fix, cause + "The fix is inspect sip (as NAT001's): each REGISTER then opens a pinhole through which the provider's requests reach the phone. Where inspection must stay off (phones or an SBC doing their own NAT traversal), only a static translation of each phone's SIP port (a port forward, one mapped port per phone) admits them."
	}
	phone := f.Clients.Addr().String()
	name := "sip-phone-" + phone
	for n := 2; m.Config.Paths.ObjectKind(name) != ""; n++ {
		name = fmt.Sprintf("sip-phone-%s-%d", phone, n)
	}
	fix := []string{
		"object network " + name,
		" host " + phone,
		fmt.Sprintf(" nat (%s,%s) static interface service %s %d %d", path.Ingress, path.Egress, f.Port.Proto, f.Port.Number, f.Port.Number),
	}
	if !access {
		fix = append(fix, permit(f.Clients)...)
	}
	return fix, cause + "The fix forwards the SIP port of the interface's address to the phone (a static translation of that port only), which admits the provider's requests by configuration; inspect sip (NAT001's fix) would let them in through its pinholes instead."
}

// NAT001 reports clients whose source address NAT rewrites while SIP on the port is not
// inspected.
var NAT001 = &Rule{
	ID:       "NAT001",
	Title:    "SIP leaves through NAT without inspect sip",
	Severity: Error,
	Needs:    []string{"interface", "route", "access-list", "access-group", "nat"},
	active:   pathsGiven,
	Check: func(p *Pass) {
		for _, f := range flows(p) {
			path, leaves := through(p.Model, f), "leaves"
			if path == nil {
				// Dropped on the way out (ACL001): once that is fixed, SIP meets this NAT.
				if path, leaves = p.Model.Path(f), "would leave"; path.Unresolved != "" {
					continue
				}
			}
			t := path.Translation
			if !t.Translates() || path.SIP.Best != nil && path.SIP.Best.Inspected() {
				continue
			}
			c := t.Config[0]
			fix := notInspected(p.Model, path.SIP).Fix
			p.Report(Finding{
				Message: fmt.Sprintf("%s: %s%s %s for %s through %s (to %s) and SIP on %s is not inspected: the SIP headers and SDP keep the phones' private addresses", f.Port, clients(f.Clients), behind(f), leaves, f.Provider, t.Kind, t.Mapped, f.Port),
				Line:    c.Line, Source: c.Text,
				Detail: "NAT rewrites the packets' addresses, but only inspect sip rewrites the addresses inside SIP (Via, Contact) and SDP (the media address) and opens pinholes for the media: without it the provider answers and sends audio to private addresses, so calls get one-way or no audio and inbound calls fail. Leave it only when the phones or an SBC do their own NAT traversal (STUN/ICE, a provider that uses the received address); then disable NAT001. " + inspectWhere(path.SIP),
				Fix:    fix,
				Key:    flowKey(f),
			})
		}
	},
}

// inspectWhere says which policy decides the port on the path.
func inspectWhere(v asa.Verdict) string {
	c := v.Best
	switch {
	case c == nil:
		return "No service-policy applies on this path."
	case c.Class == nil:
		return fmt.Sprintf("No class of policy-map %s (%s) with an inspect action matches %s.", c.Applied.Line.Name, scope(c.Applied), v.Port)
	}
	return fmt.Sprintf("%s is matched by class %s of policy-map %s (%s), which has no inspect sip.", v.Port, c.Class.Name, c.Applied.Line.Name, scope(c.Applied))
}

// pathRules are the rules that need the configuration's path sections parsed.
var pathRules = []*Rule{PATH000, ACL001, ACL002, NAT001}

// ParserOptions returns how to parse a configuration for rules run with opts (enabled
// selects them; nil is all): with its path sections when a path rule will evaluate paths.
func ParserOptions(opts Options, enabled func(*Rule) bool) parser.Options {
	if tracesGiven(opts) && (enabled == nil || enabled(PT001) || enabled(PT002)) {
		// A packet-tracer answer is compared with the model's evaluation of its own flow,
		// which needs the path sections whether or not clients and a provider are given.
		return parser.Options{Paths: true}
	}
	if len(opts.Clients) == 0 || len(opts.Providers) == 0 {
		return parser.Options{}
	}
	for _, r := range pathRules {
		if enabled == nil || enabled(r) {
			return parser.Options{Paths: true}
		}
	}
	return parser.Options{}
}
