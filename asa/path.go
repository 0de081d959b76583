package asa

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/asaaudit/asaaudit/parser"
)

// Flow is SIP from the clients (the phones, a subnet or one address) to the provider on
// an audited port. By default the clients send from the port they listen on, as SIP user
// agents usually do (symmetric signalling), so the source port is the audited port too;
// with Ephemeral they send from a port the operating system hands out (1024-65535).
type Flow struct {
	Clients  netip.Prefix
	Provider netip.Addr
	Port     Port
	// Input is the interface the flow enters by when the clients' subnet is a bridge
	// group's: which member port the phones are behind is not in the configuration, so
	// each member is a flow of its own (Inputs). "" otherwise.
	Input     string
	Ephemeral bool
}

func (f Flow) String() string {
	s := fmt.Sprintf("%s %s -> %s", f.Port, clientsString(f.Clients), f.Provider)
	if f.Ephemeral {
		s += " from an ephemeral port"
	}
	if f.Input != "" {
		s += " via " + f.Input
	}
	return s
}

// sourcePorts is the ports the clients send from.
func (f Flow) sourcePorts() portSpan {
	if f.Ephemeral {
		return Ephemeral
	}
	return portSpan{f.Port.Number, f.Port.Number}
}

// ParseClients reads the clients as --clients and .asaaudit.yaml give them: a subnet
// (10.200.41.0/24, 2001:db8::/64) or one address.
func ParseClients(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	p, err := netip.ParsePrefix(s)
	if err != nil {
		a, aerr := netip.ParseAddr(s)
		if aerr != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("invalid clients %q: want a subnet such as 10.200.41.0/24 or 2001:db8::/64, or an address", s)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() {
		return netip.Prefix{}, fmt.Errorf("invalid clients %q: write an IPv4-mapped subnet in IPv4 form", s)
	}
	return p.Masked(), nil
}

// ParseProvider reads a provider address as --provider and .asaaudit.yaml give it.
func ParseProvider(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, fmt.Errorf("invalid provider %q: want an address such as 204.11.192.22 or 2001:db8:1::10", s)
	}
	return a.Unmap(), nil
}

func clientsString(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}

// ConfigLine is a configuration line a step relies on (Line 0: none, a default).
type ConfigLine struct {
	Line int
	Text string
}

// Step results.
const (
	Allow = "ALLOW"
	Drop  = "DROP"
	Info  = "INFO"
)

// Step is one phase of what the ASA does to the flow, in the order it does it, like a
// phase of the ASA's packet-tracer.
type Step struct {
	Phase  string // INPUT, ROUTE-LOOKUP, SAME-SECURITY, ACCESS-LIST, SECURITY-LEVEL, NAT, INSPECT, IDLE-TIMEOUT, RETURN
	Result string // Allow, Drop or Info
	Config []ConfigLine
	// Detail says what the step does, except for the step of an entry that decides only
	// under a condition (cond): a large access-list has thousands of those, few of which
	// are ever printed, so their text is written when asked for. Text gives both.
	Detail string
	cond   *condStep
}

// condStep is what the text of a conditional access-list step is made of.
type condStep struct {
	num               int
	named, verb, part string
	cond              string
}

// Text returns what the step does.
func (s Step) Text() string {
	if c := s.cond; c != nil {
		return fmt.Sprintf("the entry on line %d of %s %s it%s only if what the configuration cannot tell holds: %s; the evaluation goes on as if it did not", c.num, c.named, c.verb, c.part, c.cond)
	}
	return s.Detail
}

// Denial is the part of the clients a step drops, and why.
type Denial struct {
	Clients string // the dropped part: a prefix, an address or a range list
	Phase   string // ACCESS-LIST, SECURITY-LEVEL or SAME-SECURITY
	// ACL names the access-list whose entry or implicit deny drops it ("" otherwise);
	// Implicit is set for the implicit deny.
	ACL      string
	Implicit bool
	// Entry is the denying entry's line number within the access-list (as "access-list
	// NAME line N" counts, remarks included); 0 for the implicit deny.
	Entry  int
	Reason string
	// At is the configuration line the denial points at: the deny entry, the
	// access-group of an implicit deny, or the security-level line.
	At ConfigLine
	// Depends is set when the drop depends on what the configuration cannot tell: "if
	// ..." for an entry that drops the flow only if it applies (a time-range, an FQDN),
	// "unless ..." for a drop that an entry above would prevent if it applied.
	Depends string
}

// Return is whether the provider's requests (an INVITE to a phone) reach the clients.
type Return struct {
	// Admitted is set when the configuration admits them by itself: an access-list (or
	// the security levels) permit them and the clients are reachable (a static
	// translation, or none).
	Admitted bool
	Detail   string
	Config   []ConfigLine
	// Interface is where the requests enter (the egress of the flow), ACL the access-list
	// applied to them there ("" when none is), and To the addresses they must be sent to
	// (the clients, or their 8.2 static mapping).
	Interface string
	ACL       string
	To        netip.Prefix
	// Pinholes is set when SIP is inspected on the path: each REGISTER opens a pinhole
	// through which the provider's requests reach the phone (and keeps its translation)
	// for as long as the registration lasts.
	Pinholes bool
}

// Path is what the configuration does to a flow and to the replies and requests coming
// back.
type Path struct {
	Flow
	// Unresolved says why the path could not be evaluated ("" when it was).
	Unresolved string
	// Ingress and Egress are the interfaces the flow enters and leaves by.
	Ingress, Egress string
	Steps           []Step
	// Denied lists the parts of the clients the ASA drops; empty when all pass.
	Denied []Denial
	// Notes are assumptions about entries the audit could not fully evaluate.
	Notes []string
	// Translation is the NAT of the source on the way out; nil when untranslated. It and
	// SIP are set for a dropped flow too: what it meets once the drop is fixed.
	Translation *Translation
	// SIP is issue 2's verdict for the port, from the policies applied globally and on the
	// ingress and egress interfaces.
	SIP     Verdict
	Return  Return
	passed  spans
	dropped int // assumptions not listed in Notes
	// sportSeen is set when an entry or a translation that names source ports was
	// consulted: only then can phones that send from another port fare differently.
	sportSeen bool
}

// Allowed reports whether some of the clients get through.
func (p *Path) Allowed() bool { return len(p.passed) > 0 }

// Inputs returns the interfaces flow f may enter by when the clients are in a bridge
// group's subnet: its named members (nil otherwise).
func (m *Model) Inputs(f Flow) []string {
	if m.Config.Paths == nil {
		return nil
	}
	m.initPath()
	in, ok := m.lookup(f.Clients.Addr())
	if !ok {
		return nil
	}
	var names []string
	if i := m.iface(in.Interface); i != nil {
		for _, mb := range i.members {
			names = append(names, mb.name)
		}
	}
	return names
}

// Variants evaluates f with the phones sending from the SIP port and, when the source
// port can change the verdict (an entry or a translation names source ports), from an
// ephemeral port; eph is nil when it cannot.
func (m *Model) Variants(f Flow) (sym, eph *Path) {
	f.Ephemeral = false
	sym = m.Path(f)
	if !sym.sportSeen {
		return sym, nil
	}
	f.Ephemeral = true
	return sym, m.Path(f)
}

// pathState holds what the path evaluation compiled from the configuration.
type pathState struct {
	ifaces  map[string]*ifaceInfo
	routes  []route
	words   []string // the interfaces and gateways routes name
	wordIDs map[string]int32
	// expect are the addresses Expect named; expected their routes, once looked up.
	expect   []netip.Addr
	expected map[netip.Addr]route
	// routeIndex finds the longest prefix among routes (longest).
	routeIndex *routeIndex
	lookups    map[netip.Addr]lookupResult
	nat        map[[2]string][]*natRule
	acls       map[string]*compiledACL
	objSets    map[string]*addrSet
	grpSets    map[string]*addrSet
	// netSets holds the object-groups resolved from the parse's summary (netGroupSet).
	netSets map[parser.NetRef]*addrSet
	netHas  map[netHasKey]uint8
	// ports and services cache the service groups used as port arguments and as protocols.
	ports    map[string]portSet
	services map[string]*services
	// simple and spanSets share what many entries name alike: a protocol with ports, and
	// one range of addresses.
	simple   map[string]*services
	spanSets map[span]*addrSet
	// sketched shares the services of entries compiled from their sketch.
	sketched map[sketchKey]*services
	paths    map[Flow]*Path
	scratch  sketchScratch
	// ahead is the reading ahead evaluate started for the way back, until the walk takes
	// it (aheadFor) or the evaluation ends.
	ahead *ahead
	// unread holds the route and NAT lines that could not be read (PARSE001): the lookups
	// passed over them, and the paths say so.
	unread parser.Unreadable
	// audited are the ports of the flows the evaluation will be asked about (Audits);
	// chainHits holds what evalChain decided for them before they were asked.
	audited   []Port
	chainHits map[string]chainResult
}

// Audits says which ports the flows the model will be asked about use, so that an
// access-list is walked once for the flows of all of them.
func (m *Model) Audits(ports []Port) {
	m.initPath()
	m.path.audited = slices.Clone(ports)
}

// Path evaluates flow f. It needs a configuration parsed with parser.Options.Paths;
// results are cached, so the rules and the trace can ask for the same flow.
func (m *Model) Path(f Flow) *Path {
	if m.Config.Paths == nil {
		return &Path{Flow: f, Unresolved: "the configuration was parsed without its paths (parser.Options.Paths)"}
	}
	m.initPath()
	f.Clients = f.Clients.Masked()
	if p := m.path.paths[f]; p != nil {
		return p
	}
	p := &Path{Flow: f}
	m.expectFlow(f)
	m.evaluate(p)
	m.path.paths[f] = p
	return p
}

// initPath makes the evaluation state on first use.
func (m *Model) initPath() {
	if m.path == nil {
		m.path = &pathState{acls: map[string]*compiledACL{}, objSets: map[string]*addrSet{}, grpSets: map[string]*addrSet{}, netSets: map[parser.NetRef]*addrSet{}, netHas: map[netHasKey]uint8{},
			nat: map[[2]string][]*natRule{}, ports: map[string]portSet{}, services: map[string]*services{}, simple: map[string]*services{}, spanSets: map[span]*addrSet{}, sketched: map[sketchKey]*services{}, paths: map[Flow]*Path{}, chainHits: map[string]chainResult{}}
	}
}

// aclPaths returns where the access-lists, objects and object-groups are: the path
// sections, or the second pass that read the access-lists of "match access-list" lines
// (nil when neither was read).
func (m *Model) aclPaths() *parser.Paths {
	if m.Config.Paths != nil {
		return m.Config.Paths
	}
	return m.Config.ACLs
}

func (p *Path) step(s Step) { p.Steps = append(p.Steps, s) }

// maxNotes bounds the assumptions a path lists: an access-list full of undefined
// objects would otherwise list every entry.
const maxNotes = 10

// note adds assumptions, each once, and says how many more there were past maxNotes.
func (p *Path) note(notes ...string) {
	for _, n := range notes {
		switch {
		case slices.Contains(p.Notes, n):
		case len(p.Notes) < maxNotes:
			p.Notes = append(p.Notes, n)
		default:
			p.dropped++
		}
	}
	if p.dropped > 0 {
		more := fmt.Sprintf("and %d more entries like these", p.dropped)
		if last := len(p.Notes) - 1; strings.HasPrefix(p.Notes[last], "and ") {
			p.Notes[last] = more
		} else {
			p.Notes = append(p.Notes, more)
		}
	}
}

// evaluate fills p in the ASA's order: route lookups, the security checks and
// access-lists, NAT, inspection, the idle timeout, and the way back.
func (m *Model) evaluate(p *Path) {
	defer m.dropAhead()
	f := p.Flow
	clients := clientsString(f.Clients)
	if f.Clients.Addr().Is6() != f.Provider.Is6() {
		p.Unresolved = fmt.Sprintf("the clients %s and the provider %s are of different address families", clients, f.Provider)
		p.step(Step{Phase: "INPUT", Result: Drop, Detail: p.Unresolved})
		return
	}
	ps := m.Config.Paths
	noteUnread(p, ps.Unreadable(), "interface", "the interfaces and their subnets may depend on")
	in, ok := m.lookup(f.Clients.Addr())
	noteUnread(p, &m.path.unread, "route", "the route lookups may depend on")
	if !ok {
		p.Unresolved = fmt.Sprintf("no interface's subnet and no route holds the clients %s", clients)
		p.step(Step{Phase: "INPUT", Result: Drop, Detail: p.Unresolved})
		return
	}
	detail := in.describe(clients)
	if in.Prefix.IsValid() && in.Prefix.Bits() > f.Clients.Bits() {
		detail += fmt.Sprintf(" (only part of %s is; the rest was taken to be there too)", clients)
	}
	p.Ingress = in.Interface
	cfg := []ConfigLine{in.Config}
	if b := m.iface(in.Interface); b != nil && len(b.members) > 0 {
		// The phones are behind one of the bridge group's member ports; the configuration
		// does not say which, so the flow names it (the first when it does not).
		mb := b.members[0]
		for _, x := range b.members {
			if x.name == f.Input {
				mb = x
			}
		}
		if f.Input != "" && mb.name != f.Input {
			p.Unresolved = fmt.Sprintf("%s is not a member of bridge group %s, which holds the clients %s", f.Input, b.decl.Hardware, clients)
			p.step(Step{Phase: "INPUT", Result: Drop, Config: cfg, Detail: p.Unresolved})
			return
		}
		p.Ingress = mb.name
		cfg = append(cfg, mb.group)
		detail += fmt.Sprintf(", %s of bridge group %s; the phones are taken to be behind its member %s", in.Interface, b.decl.Hardware, mb.name)
		if len(b.members) > 1 {
			detail += fmt.Sprintf(" (each of its %d members is evaluated)", len(b.members))
		}
	} else if f.Input != "" && f.Input != in.Interface {
		p.Unresolved = fmt.Sprintf("the clients %s are on interface %s, not %s", clients, in.Interface, f.Input)
		p.step(Step{Phase: "INPUT", Result: Drop, Config: cfg, Detail: p.Unresolved})
		return
	}
	if f.Ephemeral {
		detail += fmt.Sprintf("; the phones send from an ephemeral port (%d-%d), not %d", Ephemeral.lo, Ephemeral.hi, f.Port.Number)
	}
	p.step(Step{Phase: "INPUT", Result: Allow, Config: cfg, Detail: "input interface " + p.Ingress + ": " + detail})

	out, ok := m.lookup(f.Provider)
	if !ok {
		p.Unresolved = fmt.Sprintf("no interface's subnet and no route holds the provider %s", f.Provider)
		p.step(Step{Phase: "ROUTE-LOOKUP", Result: Drop, Detail: p.Unresolved})
		return
	}
	p.Egress = out.Interface
	p.step(Step{Phase: "ROUTE-LOOKUP", Result: Allow, Config: []ConfigLine{out.Config}, Detail: "output interface " + out.Interface + ": " + out.describe(f.Provider.String())})
	ing, eg := m.iface(p.Ingress), m.iface(p.Egress)
	if ing == nil || eg == nil {
		p.Unresolved = fmt.Sprintf("interface %s is routed to but has no nameif", cmpIface(ing, p.Ingress, p.Egress))
		p.step(Step{Phase: "ROUTE-LOOKUP", Result: Drop, Detail: p.Unresolved})
		return
	}

	noteUnread(p, ps.Unreadable(), "same-security-traffic", "the access checks may depend on")
	noteUnread(p, ps.Unreadable(), "access-group", "the access checks may depend on")
	q := query(f, f.sourcePorts())
	q.sportSeen = &p.sportSeen
	p.passed = m.admit(p, ing, eg, q, true)
	if len(p.passed) > 0 {
		m.aheadBack(f, eg)
	}
	// The translation and inspection are worked out for a dropped flow too (without
	// steps): what SIP will meet once the drop is fixed is worth saying at once.
	p.Translation = m.translate(f, ing, eg)
	noteUnread(p, &m.path.unread, "nat", "the translation may depend on")
	p.sportSeen = p.sportSeen || p.Translation != nil && p.Translation.Port > 0
	p.SIP = m.SIPOn(f.Port, p.Ingress, p.Egress)
	if len(p.passed) == 0 {
		return
	}
	p.step(natStep(p.Translation, clients))
	p.step(inspectStep(p.SIP))
	p.step(idleStep(p.SIP.Idle))

	m.evalReturn(p, ing, eg)
}

func cmpIface(ing *ifaceInfo, in, out string) string {
	if ing == nil {
		return in
	}
	return out
}

// admit runs the checks a new connection from interface from to interface to passes
// (same-security, then the inbound access-lists or the security levels, then the
// outbound access-lists) and returns the part of q.vary that passes. With record, the
// denials and notes are added to p; without, only the steps. A bridge-group member
// counts with its BVI's security level for routed traffic.
func (m *Model) admit(p *Path, from, to *ifaceInfo, q aclQuery, record bool) spans {
	deny := func(d Denial, s Step) spans {
		p.step(s)
		if record {
			p.Denied = append(p.Denied, d)
		}
		return nil
	}
	who := clientsString(p.Clients)
	rf, rt := from.routed(), to.routed()
	if rf.name == rt.name {
		if line, ok := m.sameSecurity("intra-interface"); ok {
			p.step(Step{Phase: "SAME-SECURITY", Result: Allow, Config: []ConfigLine{line}, Detail: fmt.Sprintf("the flow enters and leaves by %s, which same-security-traffic permit intra-interface allows", rf.name)})
		} else {
			reason := fmt.Sprintf("the flow enters and leaves by interface %s, and without \"same-security-traffic permit intra-interface\" the ASA drops it", rf.name)
			return deny(Denial{Clients: who, Phase: "SAME-SECURITY", Reason: reason, At: from.levelLine()[0]}, Step{Phase: "SAME-SECURITY", Result: Drop, Config: from.levelLine(), Detail: reason})
		}
	} else if rf.level == rt.level {
		if line, ok := m.sameSecurity("inter-interface"); ok {
			p.step(Step{Phase: "SAME-SECURITY", Result: Allow, Config: []ConfigLine{line}, Detail: fmt.Sprintf("%s and %s have the same security level, which same-security-traffic permit inter-interface allows", from.describe(), to.describe())})
		} else {
			reason := fmt.Sprintf("%s and %s have the same security level, and without \"same-security-traffic permit inter-interface\" the ASA drops traffic between them, whatever the access-lists say", from.describe(), to.describe())
			return deny(Denial{Clients: who, Phase: "SAME-SECURITY", Reason: reason, At: from.levelLine()[0]}, Step{Phase: "SAME-SECURITY", Result: Drop, Config: append(from.levelLine(), to.levelLine()...), Detail: reason})
		}
	}

	rest := q.vary
	checks := m.inbound(from)
	if len(checks) == 0 {
		if rf.level < rt.level {
			reason := fmt.Sprintf("no access-list is applied to traffic entering %s, and the security levels let traffic only from a higher level to a lower one: %s is lower than %s", from.name, from.describe(), to.describe())
			return deny(Denial{Clients: who, Phase: "SECURITY-LEVEL", Reason: reason, At: from.levelLine()[0]}, Step{Phase: "SECURITY-LEVEL", Result: Drop, Config: append(from.levelLine(), to.levelLine()...), Detail: reason})
		}
		p.step(Step{Phase: "SECURITY-LEVEL", Result: Allow, Config: append(from.levelLine(), to.levelLine()...),
			Detail: fmt.Sprintf("no access-list is applied to traffic entering %s; the security levels permit %s to %s", from.name, from.describe(), to.describe())})
	}
	for _, c := range checks {
		q.vary = rest
		if rest = m.aclSteps(p, c, q, "in", record); len(rest) == 0 {
			return nil
		}
	}
	for _, c := range m.outbound(to) {
		q.vary = rest
		if rest = m.aclSteps(p, c, q, "out", record); len(rest) == 0 {
			return nil
		}
	}
	return rest
}

// aclSteps evaluates one check of access-lists applied in direction dir and adds a step
// (and a denial) for each decision. An entry that decides only under a condition the
// configuration cannot tell (ACLHit.Cond) is a step of its own, and the decisions it
// could change say they depend on it.
func (m *Model) aclSteps(p *Path, c aclCheck, q aclQuery, dir string, record bool) spans {
	acls, groups := c.acls, c.groups
	hits := m.evalChain(acls, q)
	var passed spans
	// conds point into hits, which hold thousands of conditional entries in a large
	// access-list: copying them would cost more than the evaluation that found them.
	var conds []*ACLHit
	p.Steps = slices.Grow(p.Steps, len(hits))
	nameds := make([]string, len(acls))
	for i, a := range acls {
		nameds[i] = fmt.Sprintf("access-list %s (%s)", a.Name, groupWhere(groups[i].Text, dir))
	}
	where := func(h *ACLHit) (ConfigLine, string) {
		for i, a := range acls {
			if a == h.ACL {
				return groups[i], nameds[i]
			}
		}
		return groups[len(groups)-1], ""
	}
	for k := range hits {
		h := &hits[k]
		part := ""
		if !h.Addrs.covers(q.vary[0]) || len(q.vary) > 1 {
			part = " (for " + q.str(h.Addrs) + ")"
		}
		group, named := where(h)
		if h.Cond != "" {
			num, text := h.Source()
			verb := "denies"
			switch {
			case h.Unread:
				verb = "permits or denies"
			case h.Permit:
				verb = "permits"
			}
			p.step(Step{Phase: "ACCESS-LIST", Result: Info, Config: []ConfigLine{group, {num, text}}, cond: &condStep{num, named, verb, part, h.Cond}})
			if record {
				p.note(fmt.Sprintf("line %d %s it only under a condition the configuration cannot tell: %s", num, verb, h.Cond))
			}
			conds = append(conds, h)
			continue
		}
		unless := dependsOn(conds, h.Addrs, !h.Permit)
		if h.ACL == nil {
			last := acls[len(acls)-1]
			reason := fmt.Sprintf("no entry of access-list %s matches, so the implicit deny at its end drops it%s", last.Name, part)
			if len(acls) > 1 {
				reason = fmt.Sprintf("no entry of the access-lists %s matches, so the implicit deny after the global one drops it%s", aclNames(acls), part)
			}
			if unless != "" {
				reason += ", unless " + unless
			}
			p.step(Step{Phase: "ACCESS-LIST", Result: Drop, Config: groups, Detail: reason})
			if record {
				p.Denied = append(p.Denied, Denial{Clients: q.str(h.Addrs), Phase: "ACCESS-LIST", ACL: last.Name, Implicit: true, Reason: reason, At: group, Depends: prefixed("unless ", unless)})
			}
			continue
		}
		num, text := h.Source()
		entry := ConfigLine{num, text}
		if h.Permit {
			passed = passed.union(h.Addrs)
			p.step(Step{Phase: "ACCESS-LIST", Result: Allow, Config: []ConfigLine{group, entry}, Detail: fmt.Sprintf("permitted by the entry on line %d of %s%s", num, named, part)})
			continue
		}
		reason := fmt.Sprintf("denied by the entry on line %d of %s%s", num, named, part)
		if unless != "" {
			reason += ", unless " + unless
		}
		p.step(Step{Phase: "ACCESS-LIST", Result: Drop, Config: []ConfigLine{group, entry}, Detail: reason})
		if record {
			p.Denied = append(p.Denied, Denial{Clients: q.str(h.Addrs), Phase: "ACCESS-LIST", ACL: h.ACL.Name, Entry: h.Line + 1, Reason: reason, At: entry, Depends: prefixed("unless ", unless)})
		}
	}
	if record {
		// A conditional deny above a permit drops what the permit lets through whenever
		// its condition holds.
		for _, h := range conds {
			hit := h.Addrs.intersect(passed)
			if h.Permit || h.Unread || len(hit) == 0 {
				continue // a line that could not be read is not taken to deny
			}
			num, text := h.Source()
			_, named := where(h)
			reason := fmt.Sprintf("denied by the entry on line %d of %s whenever it applies (%s)", num, named, h.Cond)
			p.Denied = append(p.Denied, Denial{Clients: q.str(hit), Phase: "ACCESS-LIST", ACL: h.ACL.Name, Entry: h.Line + 1, Reason: reason, At: ConfigLine{num, text}, Depends: fmt.Sprintf("if line %d applies (%s)", num, h.Cond)})
		}
	}
	return passed
}

// groupWhere says where an access-group line applies its list: "applied in on inside",
// "applied globally".
func groupWhere(group, dir string) string {
	if _, iface, ok := strings.Cut(group, " interface "); ok {
		iface, _, _ = strings.Cut(strings.TrimSpace(iface), " ")
		return "applied " + dir + " on " + iface
	}
	return "applied globally"
}

// dependsOn describes the conditional entries above a decision that would have taken
// part of addrs first: permits above a deny (deny true), denies above a permit, and
// lines that could not be read above either.
// The first maxNotes are named, the rest counted: in a configuration whose object-groups
// are not shown, every entry naming one is conditional, and a finding that named them all
// ran to hundreds of kilobytes (the path's steps still list each).
func dependsOn(conds []*ACLHit, addrs spans, deny bool) string {
	var parts []string
	more := 0
	for _, c := range conds {
		if (c.Permit == deny || c.Unread) && len(c.Addrs.intersect(addrs)) > 0 {
			if len(parts) == maxNotes {
				more++
				continue
			}
			parts = append(parts, fmt.Sprintf("line %d applies (%s)", c.Num(), c.Cond))
		}
	}
	switch {
	case more == 1:
		parts = append(parts, "1 more entry above it applies under a condition")
	case more > 1:
		parts = append(parts, fmt.Sprintf("one of %d more entries above it applies under a condition", more))
	}
	return strings.Join(parts, ", or ")
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

func aclNames(acls []*parser.AccessList) string {
	names := make([]string, len(acls))
	for i, a := range acls {
		names[i] = a.Name
	}
	return strings.Join(names, " and ")
}

func natStep(t *Translation, clients string) Step {
	switch {
	case t == nil:
		return Step{Phase: "NAT", Result: Info, Detail: fmt.Sprintf("no NAT rule applies: %s leaves with its own address", clients)}
	case t.Kind == "identity":
		return Step{Phase: "NAT", Result: Info, Config: t.Config, Detail: fmt.Sprintf("%s is translated to itself (identity NAT): it leaves with its own address", clients)}
	}
	d := fmt.Sprintf("%s: %s is translated to %s", t.Kind, clients, t.Mapped)
	if t.Port > 0 {
		d += fmt.Sprintf(" (port %d only)", t.Port)
	}
	if t.Partial {
		d += " (the rule holds only part of the clients)"
	}
	return Step{Phase: "NAT", Result: Info, Config: t.Config, Detail: d}
}

func inspectStep(v Verdict) Step {
	c := v.Best
	switch {
	case c == nil:
		return Step{Phase: "INSPECT", Result: Info, Detail: fmt.Sprintf("no service-policy applies on this path: %s is not inspected", v.Port)}
	case c.Inspected():
		cfg := []ConfigLine{{c.Applied.Line.Pos.Line, c.Applied.Line.Source}, {c.Class.Pos.Line, c.Class.Source}}
		for _, a := range c.Class.Actions {
			if a.Inspect == c.Inspect {
				cfg = append(cfg, ConfigLine{a.Pos.Line, a.Source})
			}
		}
		d := fmt.Sprintf("inspect sip: class %s of policy-map %s (%s)", c.Class.Name, c.Applied.Line.Name, scopeName(c.Applied))
		if c.Assumed != "" {
			d += "; " + c.Assumed
		}
		return Step{Phase: "INSPECT", Result: Info, Config: cfg, Detail: d}
	case c.Applied.PolicyMap == nil:
		return Step{Phase: "INSPECT", Result: Info, Config: []ConfigLine{{c.Applied.Line.Pos.Line, c.Applied.Line.Source}}, Detail: fmt.Sprintf("%s is not inspected: policy-map %s does not exist", v.Port, c.Applied.Line.Name)}
	case c.Class == nil:
		return Step{Phase: "INSPECT", Result: Info, Config: []ConfigLine{{c.Applied.Line.Pos.Line, c.Applied.Line.Source}}, Detail: fmt.Sprintf("%s is not inspected: no class of policy-map %s with an inspect action matches it", v.Port, c.Applied.Line.Name)}
	}
	return Step{Phase: "INSPECT", Result: Info, Config: []ConfigLine{{c.Applied.Line.Pos.Line, c.Applied.Line.Source}, {c.Class.Pos.Line, c.Class.Source}},
		Detail: fmt.Sprintf("%s is not inspected: class %s of policy-map %s matches it without inspect sip", v.Port, c.Class.Name, c.Applied.Line.Name)}
}

func scopeName(a Applied) string {
	if a.Scope == "global" {
		return "applied globally"
	}
	return "applied to interface " + a.Scope
}

func idleStep(idle Idle) Step {
	value := parser.FormatHMS(idle.Value)
	if idle.Value == 0 {
		value = "none (0:00:00)"
	}
	s := Step{Phase: "IDLE-TIMEOUT", Result: Info, Detail: fmt.Sprintf("the connection idles out after %s (%s)", value, idle.Source)}
	switch {
	case idle.Default:
		s.Detail = fmt.Sprintf("the connection idles out after %s (%s, the ASA default: no %s line)", value, idle.Source, idle.Source)
	case idle.Pos.Line > 0:
		s.Config = []ConfigLine{{idle.Pos.Line, idle.Line}}
	}
	return s
}

// evalReturn decides whether requests from the provider reach the clients by the
// configuration alone (a static translation, or none, and an access-list permit), or
// only through the pinholes inspect sip opens or the state of connections the clients
// opened.
func (m *Model) evalReturn(p *Path, ing, eg *ifaceInfo) {
	f := p.Flow
	clients := clientsString(f.Clients)
	target, reachable := inboundTarget(f, p.Translation)
	p.Return = Return{Interface: eg.name, To: f.Clients, Pinholes: p.SIP.Best != nil && p.SIP.Best.Inspected()}
	if checks := m.inbound(eg); len(checks) > 0 {
		p.Return.ACL = checks[0].acls[0].Name
	}
	through := "a request from " + f.Provider.String() + " reaches the phones only through an existing connection"
	result := Drop
	if p.Return.Pinholes {
		through = "a request from " + f.Provider.String() + " reaches the phones only through the pinholes inspect sip opens for their registrations"
		result = Info
	}
	if !reachable {
		// The access checks are not run here: behind a dynamic translation they decide
		// nothing, and ReturnAccess runs them when a fix needs to know.
		p.Return.Config = p.Translation.Config
		p.Return.Detail = fmt.Sprintf("%s leaves through %s, which maps it to %s only while a connection uses the translation: %s", clients, p.Translation.Kind, p.Translation.Mapped, through)
		p.step(Step{Phase: "RETURN", Result: result, Config: p.Return.Config, Detail: p.Return.Detail})
		return
	}
	if len(target) == 1 {
		if pf, ok := target[0].prefix(); ok {
			p.Return.To = pf
		}
	}
	back, ok := m.admitBack(p, ing, eg, target, p.Translation == nil || p.Translation.inbound == nil)
	var cfg []ConfigLine
	for _, s := range back.Steps {
		cfg = append(cfg, s.Config...)
	}
	if p.Translation.Translates() {
		cfg = append(p.Translation.Config, cfg...)
	}
	if ok {
		how := "they are not translated"
		if p.Translation.Translates() {
			how = "the static translation maps them to " + p.Translation.Mapped
		}
		p.Return.Admitted, p.Return.Config = true, cfg
		p.Return.Detail = fmt.Sprintf("a request from %s to %s on %s is admitted: %s and %s", f.Provider, clients, f.Port, how, lastDetail(back))
		p.step(Step{Phase: "RETURN", Result: Allow, Config: cfg, Detail: p.Return.Detail})
		return
	}
	p.Return.Config = cfg
	p.Return.Detail = fmt.Sprintf("a request from %s to %s on %s is not admitted by the configuration (%s): %s", f.Provider, clients, f.Port, lastDetail(back), through)
	p.step(Step{Phase: "RETURN", Result: result, Config: cfg, Detail: p.Return.Detail})
}

// aheadBack starts reading ahead the first access-list the way back walks (admitBack),
// for the query it walks when the clients are not translated to other addresses, while
// evaluate works out the translation and inspection.
func (m *Model) aheadBack(f Flow, eg *ifaceInfo) {
	checks := m.inbound(eg)
	if len(checks) == 0 {
		return
	}
	n := f.Port.Number
	q := query(f, portSpan{n, n})
	q.varyDst = true
	m.path.ahead = startAhead(checks[0].acls[0], []aclQuery{q})
}

// noteUnread notes on p the lines of section kind u holds, which what the path decided
// (what) may depend on.
func noteUnread(p *Path, u *parser.Unreadable, kind, what string) {
	if lines, more := u.Lines(kind); len(lines) > 0 {
		p.note(fmt.Sprintf("%s the %s %s, which asaaudit could not read (PARSE001)", what, kind, lineList(lines, more)))
	}
}

// lineList names the file lines of some lines: "line on line 12", "lines on lines 12,
// 15 and 3 more"; more says there were more than these.
func lineList(lines []int, more bool) string {
	list := fmt.Sprint(lines[0])
	for _, n := range lines[1:min(len(lines), maxNotes)] {
		list += fmt.Sprintf(", %d", n)
	}
	switch {
	case more:
		list += fmt.Sprintf(" and more than %d more", len(lines)-maxNotes)
	case len(lines) > maxNotes:
		list += fmt.Sprintf(" and %d more", len(lines)-maxNotes)
	}
	if len(lines) > 1 {
		return "lines on lines " + list
	}
	return "line on line " + list
}

// dropAhead stops a reading ahead no walk took.
func (m *Model) dropAhead() {
	if m.path.ahead != nil {
		m.path.ahead.stop()
		m.path.ahead = nil
	}
}

// admitBack runs the checks a request from the provider passes on its way to the
// clients (real: their real addresses; else target, the mapped ones of an 8.2 static),
// and reports whether all of them pass.
func (m *Model) admitBack(p *Path, ing, eg *ifaceInfo, target spans, real bool) (*Path, bool) {
	f := p.Flow
	back := &Path{Flow: f}
	n := f.Port.Number
	q := query(f, portSpan{n, n})
	q.varyDst = true
	if !real {
		q.vary = target
	}
	passed := m.admit(back, eg, ing, q, false)
	return back, len(q.vary) > 0 && len(q.vary.subtract(passed)) == 0
}

// ReturnAccess reports whether the access checks (access-lists, or the security levels)
// admit the provider's requests to the clients' real addresses: behind a dynamic
// translation, whether a static translation alone would let them in. ASA 8.2 names
// mapped addresses in access-lists, which a new static would choose: false there.
func (m *Model) ReturnAccess(p *Path) bool {
	if p.Return.Admitted {
		return true
	}
	if !p.Allowed() || m.legacyNAT() {
		return false
	}
	_, ok := m.admitBack(p, m.iface(p.Ingress), m.iface(p.Egress), nil, true)
	return ok
}

// lastDetail is the detail of the decisive step of a return evaluation.
func lastDetail(p *Path) string {
	for i := len(p.Steps) - 1; i >= 0; i-- {
		if s := p.Steps[i]; s.Result == Drop {
			return s.Text()
		}
	}
	if n := len(p.Steps); n > 0 {
		return p.Steps[n-1].Text()
	}
	return ""
}
