// Package registration groups the SIP events of a capture into registrations, one per
// binding, and records what happened to each: the exchange as a ladder, the intervals
// measured and the observations the REG rules judge. It streams: only the registrations
// still open are kept, each with a bounded ladder.
package registration

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/asaaudit/asaaudit/capture"
)

// MaxSteps bounds the ladder kept per registration: the first steps are kept, and later
// ones only when an observation points at them; Omitted counts the others.
const MaxSteps = 40

// maxFlows bounds the flows (client and registrar address:port) kept per registration.
const maxFlows = 16

// timerF is RFC 3261's transaction timeout (64*T1): a REGISTER unanswered for this long
// has failed, retransmitted or not.
const timerF = 32 * time.Second

// minUnanswered is how long after a REGISTER the capture must go on without its answer for
// it to count as unanswered (REG002): by 4 s a UDP client has sent it four times (Timer E
// doubles from T1 = 500 ms), and a registrar answers in far less. A capture that stops
// sooner (one retransmission, then the end of the file) does not show whether it was
// answered.
const minUnanswered = 4 * time.Second

// Step is one line of a registration's ladder, like a tshark summary line.
type Step struct {
	Frame    int
	Time     time.Time
	Src, Dst netip.AddrPort
	// Text is the message: "REGISTER sip:example.com", "SIP/2.0 401 Unauthorized",
	// "keepalive (crlf)", "ICMP port unreachable from 192.0.2.1".
	Text string
}

// Line is the step as one summary line: frame, seconds since start, src -> dst, message.
func (s Step) Line(start time.Time) string {
	t := ""
	if !s.Time.IsZero() && !start.IsZero() {
		t = fmt.Sprintf(" %9.3f", s.Time.Sub(start).Seconds())
	}
	return fmt.Sprintf("%5d%s %s -> %s %s", s.Frame, t, Addr(s.Src), Addr(s.Dst), s.Text)
}

// Addr writes an address:port, or the address alone when the input shows no port (a
// tshark summary).
func Addr(a netip.AddrPort) string {
	if a.Port() == 0 {
		return a.Addr().String()
	}
	return a.String()
}

// Kind is what an Observation says happened.
type Kind int

// The observations, one per REG rule that judges them.
const (
	// AuthRejected: credentials answered by 403, or by a second challenge with the same
	// nonce that is not stale (REG001).
	AuthRejected Kind = iota + 1
	// NoAnswer: a REGISTER retransmitted (or, over TCP, left) without a response until
	// Timer F, or an ICMP error quoting it (REG002).
	NoAnswer
	// NotRewritten: a message from a public source whose Via, Contact or SDP carries a
	// private address (REG003).
	NotRewritten
	// Moved: a new transaction of the binding left from a source not seen before (REG004).
	Moved
	// DomainUnknown: 404, 604, or 403 without a prior challenge (REG006).
	DomainUnknown
	// ProviderLimit: 423, 503, 486/480, or a 403 whose reason names limits (REG007).
	ProviderLimit
	// Registered: 200 OK with a positive expiry (REG008).
	Registered
)

// Observation is one fact about a registration, with the frame that shows it.
type Observation struct {
	Kind Kind
	Step Step
	// Status and Reason are the response's (AuthRejected, DomainUnknown, ProviderLimit).
	Status int
	Reason string
	// MinExpires is a 423's Min-Expires in seconds (ProviderLimit); 0 when not given.
	MinExpires int
	// Username and Realm are the credentials' (AuthRejected); Challenged is the status of
	// the challenge that preceded them (401 or 407), SameNonce true when a second
	// challenge repeated the nonce.
	Username, Realm string
	Challenged      int
	SameNonce       bool
	// Retransmits counts the REGISTER's retransmissions (NoAnswer); ICMP is the ICMP
	// error's text and Router who sent it.
	Retransmits int
	ICMP        string
	Router      netip.Addr
	// Where and Private say which header carried which private address (NotRewritten).
	Where, Private string
	// From and To are the old and new sources, Gap the time since the last message from
	// the old one (Moved).
	From, To netip.AddrPort
	Gap      time.Duration
	// Expires is the granted expiry (Registered).
	Expires time.Duration
	// Count is how many times it was seen: a repeat (the same kind, and status) counts on
	// the first observation instead of adding one, so a long capture adds nothing.
	// Registered keeps the last 200 OK instead.
	Count int
}

// Registration is one binding: a client's AOR registered over one Call-ID (or, for text
// summaries that show no headers, one client address:port and registrar).
type Registration struct {
	File      string
	Transport string
	// Client and Registrar are the addresses of the first REGISTER.
	Client, Registrar netip.AddrPort
	AOR               string // the To URI, or the Request-URI when the input shows no headers
	RequestURI        string
	CallID            string
	Contact           string
	// Summary is true when the messages came from one-line summaries: no headers known.
	Summary bool

	Start time.Time
	Steps []Step
	// Omitted counts the ladder steps not kept (MaxSteps).
	Omitted int

	// Granted is the expiry of the last 200 OK (zero when none); Refresh the longest
	// interval between two registrations of the binding, and Keepalive the longest
	// between two keepalives (CRLF, STUN, OPTIONS) of the client. Zero when not seen
	// twice.
	Granted   time.Duration
	Refresh   time.Duration
	Keepalive time.Duration
	// Refreshes and Keepalives count what the intervals were measured over.
	Refreshes, Keepalives int

	Observations []Observation

	// state of the open registration
	last        time.Time
	sources     []netip.AddrPort
	lastSource  netip.AddrPort
	lastAt      time.Time // of the last message from lastSource
	maxCSeq     uint32
	pending     *transaction
	challenge   *capture.Challenge
	challenged  int
	credentials *capture.Credentials
	credSent    bool
	ok          bool // the last final response was 2xx (a refresh starts a new cycle)
	cycleStart  time.Time
	lastKA      time.Time
	flows       []flow
}

// Port is the registrar's transport and port, "udp/5080"; "sip" when the input shows
// neither (a tshark summary).
func (r *Registration) Port() string {
	if r.Transport == "" || r.Registrar.Port() == 0 {
		return "sip"
	}
	return strings.ToLower(r.Transport) + "/" + fmt.Sprint(r.Registrar.Port())
}

// Key identifies the binding across runs: the client's first address:port and the AOR
// (and Call-ID), not any frame.
func (r *Registration) Key() string {
	return r.Transport + " " + r.Client.String() + " " + r.AOR + " " + r.CallID
}

// Has reports whether an observation of kind k was made.
func (r *Registration) Has(k Kind) bool {
	return slices.ContainsFunc(r.Observations, func(o Observation) bool { return o.Kind == k })
}

// observe records o: a repeat of an observation counts on it (Registered takes the
// latest), and the frame of the first is kept in the ladder.
func (r *Registration) observe(o Observation) {
	o.Count = 1
	for i := range r.Observations {
		old := &r.Observations[i]
		if old.Kind != o.Kind || old.Status != o.Status || (o.Kind == NotRewritten && (old.Where != o.Where || old.Private != o.Private)) {
			continue
		}
		if o.Kind == Registered {
			o.Count = old.Count + 1
			*old = o
		} else {
			old.Count++
		}
		return
	}
	if o.Kind == NotRewritten && len(r.Observations) >= 16 {
		return // a phone has a handful of addresses; more is noise, not news
	}
	r.Observations = append(r.Observations, o)
	r.keep(o.Step)
}

// transaction is the REGISTER awaiting its final response.
type transaction struct {
	cseq        uint32
	first       Step
	retransmits int
}

type flow struct {
	transport string
	a, b      netip.AddrPort
}

// Analyzer reads events in frame order and hands each registration to emit once it is
// over: unregistered, quiet for long past its expiry, or at the end of the capture.
type Analyzer struct {
	emit  func(*Registration)
	open  map[string]*Registration
	flows map[flow]*Registration
	now   time.Time
	n     int
}

// New returns an Analyzer that calls emit with each finished registration.
func New(emit func(*Registration)) *Analyzer {
	return &Analyzer{emit: emit, open: map[string]*Registration{}, flows: map[flow]*Registration{}}
}

// Open is the number of registrations currently held.
func (a *Analyzer) Open() int { return len(a.open) }

// Add reads one event.
func (a *Analyzer) Add(ev capture.Event) {
	if ev.Time.After(a.now) {
		a.now = ev.Time
	}
	switch ev.Kind {
	case capture.SIP:
		if ev.SIP != nil {
			a.sip(ev)
		}
	case capture.Keepalive:
		if r := a.byFlow(ev); r != nil {
			a.keepalive(r, ev, "keepalive ("+ev.Keepalive+")")
		}
	case capture.Unreachable:
		if r := a.byFlow(ev); r != nil {
			a.unreachable(r, ev)
		}
	}
	if a.n++; a.n%1024 == 0 {
		a.expire()
	}
}

// Flush finishes every open registration, in the order they started.
func (a *Analyzer) Flush() {
	rs := make([]*Registration, 0, len(a.open))
	for _, r := range a.open {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Steps[0].Frame < rs[j].Steps[0].Frame })
	for _, r := range rs {
		a.finish(r)
	}
}

// expire finishes the registrations quiet for longer than twice their expiry (at least
// an hour): the binding is gone, and keeping it would grow with the capture.
func (a *Analyzer) expire() {
	for _, r := range a.open {
		idle := max(2*r.Granted, time.Hour)
		if !r.last.IsZero() && a.now.Sub(r.last) > idle {
			a.finish(r)
		}
	}
}

func (a *Analyzer) finish(r *Registration) {
	a.closePending(r, time.Time{})
	sort.SliceStable(r.Steps, func(i, j int) bool { return r.Steps[i].Frame < r.Steps[j].Frame })
	delete(a.open, r.key())
	for _, f := range r.flows {
		if a.flows[f] == r {
			delete(a.flows, f)
		}
	}
	a.emit(r)
}

func (r *Registration) key() string {
	if r.Summary {
		return "summary " + r.Transport + " " + r.Client.String() + " " + r.Registrar.String()
	}
	return r.Transport + " " + r.AOR + " " + r.CallID
}

func flowOf(transport string, x, y netip.AddrPort) flow {
	if x.Addr().Less(y.Addr()) || (x.Addr() == y.Addr() && x.Port() < y.Port()) {
		return flow{transport, x, y}
	}
	return flow{transport, y, x}
}

func (a *Analyzer) byFlow(ev capture.Event) *Registration {
	return a.flows[flowOf(ev.Transport, ev.Src, ev.Dst)]
}

func (a *Analyzer) sip(ev capture.Event) {
	m := ev.SIP
	if !m.Request && m.Method == "" {
		// A summary's response does not say its method: it answers the REGISTER awaiting one.
		if r := a.byFlow(ev); r != nil && r.pending != nil {
			r.last = ev.Time
			a.response(r, ev)
			return
		}
	}
	if m.Method != "REGISTER" {
		if r := a.byFlow(ev); r != nil {
			var s Step
			if m.Request && m.Method == "OPTIONS" && ev.Src == r.lastSource {
				s = a.keepalive(r, ev, describe(m))
			} else {
				s = r.step(ev, describe(m))
			}
			if m.Request {
				r.rewritten(ev, s)
			}
		}
		return
	}
	var r *Registration
	if m.Request {
		r = a.register(ev)
	} else if r = a.byFlow(ev); r == nil {
		return // a response to a REGISTER the capture does not show
	}
	r.last = ev.Time
	if m.Request {
		a.request(r, ev)
	} else {
		a.response(r, ev)
	}
}

// register finds or opens the registration of a REGISTER request.
func (a *Analyzer) register(ev capture.Event) *Registration {
	m := ev.SIP
	r := &Registration{File: ev.File, Transport: strings.ToUpper(ev.Transport), Client: ev.Src, Registrar: ev.Dst,
		AOR: m.To, RequestURI: m.RequestURI, CallID: m.CallID, Summary: m.Summary, Start: ev.Time}
	if r.AOR == "" {
		r.AOR = m.RequestURI
	}
	if len(m.Contacts) > 0 {
		r.Contact = m.Contacts[0].URI
	}
	if old, ok := a.open[r.key()]; ok {
		return old
	}
	a.open[r.key()] = r
	return r
}

func (r *Registration) addFlow(a *Analyzer, ev capture.Event) {
	f := flowOf(ev.Transport, ev.Src, ev.Dst)
	if !slices.Contains(r.flows, f) {
		if len(r.flows) == maxFlows {
			// A binding that moved again and again: its old flows are over.
			if a.flows[r.flows[0]] == r {
				delete(a.flows, r.flows[0])
			}
			r.flows = r.flows[1:]
		}
		r.flows = append(r.flows, f)
	}
	a.flows[f] = r
}

func (a *Analyzer) request(r *Registration, ev capture.Event) {
	m := ev.SIP
	r.addFlow(a, ev)
	s := r.step(ev, describe(m))
	r.rewritten(ev, s)
	if p := r.pending; p != nil && (m.Summary || m.CSeq == p.cseq) {
		if m.Summary && ev.Time.Sub(p.first.Time) >= timerF {
			a.closePending(r, ev.Time)
		} else {
			p.retransmits++
			r.lastSource, r.lastAt = ev.Src, ev.Time
			return
		}
	}
	a.closePending(r, ev.Time)
	newTx := m.Summary || m.CSeq > r.maxCSeq || r.maxCSeq == 0
	if m.CSeq > r.maxCSeq {
		r.maxCSeq = m.CSeq
	}
	if newTx && len(r.sources) > 0 && !slices.Contains(r.sources, ev.Src) && !m.Summary && natMoved(r.Transport, r.lastSource, ev.Src, ev.Time.Sub(r.lastAt)) {
		old := r.lastSource
		r.observe(Observation{Kind: Moved, Step: s, From: old, To: ev.Src, Gap: ev.Time.Sub(r.lastAt)})
	}
	if !slices.Contains(r.sources, ev.Src) && len(r.sources) < 16 {
		r.sources = append(r.sources, ev.Src)
	}
	r.lastSource, r.lastAt = ev.Src, ev.Time
	if r.ok || r.cycleStart.IsZero() {
		if !r.cycleStart.IsZero() && !ev.Time.IsZero() {
			r.Refresh = max(r.Refresh, ev.Time.Sub(r.cycleStart))
			r.Refreshes++
		}
		r.cycleStart = ev.Time
		r.ok = false
	}
	r.credentials = m.Credentials
	r.credSent = m.Credentials != nil || (m.Summary && r.challenged != 0)
	r.pending = &transaction{cseq: m.CSeq, first: s}
}

// closePending ends the REGISTER transaction awaiting an answer at now (zero: the end of
// the capture): unanswered after retransmissions, or past Timer F, it is a NoAnswer.
func (a *Analyzer) closePending(r *Registration, now time.Time) {
	p := r.pending
	if p == nil {
		return
	}
	if now.IsZero() {
		now = a.now
	}
	r.pending = nil
	waited := !now.IsZero() && !p.first.Time.IsZero() && now.Sub(p.first.Time) >= minUnanswered
	if waited && (p.retransmits > 0 || now.Sub(p.first.Time) >= timerF) || now.IsZero() && p.retransmits >= 3 {
		r.observe(Observation{Kind: NoAnswer, Step: p.first, Retransmits: p.retransmits})
	}
}

var limitWords = []string{"regist", "limit", "maximum", "too many", "exceed", "quota", "capacity"}

func (a *Analyzer) response(r *Registration, ev capture.Event) {
	m := ev.SIP
	s := r.step(ev, describe(m))
	if m.StatusCode < 200 {
		if r.pending != nil {
			r.pending.retransmits = 0 // provisional: the registrar heard it
		}
		return
	}
	if p := r.pending; p != nil && (m.Summary || m.CSeq == p.cseq) {
		r.pending = nil
	}
	obs := func(o Observation) {
		o.Step, o.Status, o.Reason = s, m.StatusCode, m.Reason
		if m.StatusCode == 423 && m.MinExpires > 0 {
			o.MinExpires = m.MinExpires
		}
		r.observe(o)
	}
	code := m.StatusCode
	challenge := code == 401 || code == 407
	switch {
	case code >= 200 && code < 300:
		exp := grantedExpires(m, r.Contact)
		r.ok, r.challenged, r.challenge = true, 0, nil
		if exp > 0 {
			r.Granted = exp
			obs(Observation{Kind: Registered, Expires: exp})
		}
	case challenge:
		if r.credSent && m.Challenge != nil && r.credentials != nil && !m.Challenge.Stale && m.Challenge.Nonce != "" && m.Challenge.Nonce == r.credentials.Nonce {
			obs(Observation{Kind: AuthRejected, Username: r.credentials.Username, Realm: r.credentials.Realm, Challenged: code, SameNonce: true})
		}
		r.challenged, r.challenge = code, m.Challenge
	case code == 403 && containsAny(strings.ToLower(m.Reason), limitWords):
		obs(Observation{Kind: ProviderLimit})
	case code == 403 && r.challenged != 0 && r.credSent:
		o := Observation{Kind: AuthRejected, Challenged: r.challenged}
		if c := r.credentials; c != nil {
			o.Username, o.Realm = c.Username, c.Realm
		} else if r.challenge != nil {
			o.Realm = r.challenge.Realm
		}
		obs(o)
	case code == 404 || code == 604 || code == 403:
		obs(Observation{Kind: DomainUnknown})
	case code == 423 || code == 503 || code == 486 || code == 480:
		obs(Observation{Kind: ProviderLimit})
	}
	if !challenge {
		r.credSent = false
	}
	if code >= 200 && code < 300 && exp0(m) {
		a.finish(r) // unregistered: the binding is over
	}
}

// exp0 reports whether a 2xx removed the binding (every contact, or Expires, at 0).
func exp0(m *capture.Message) bool {
	if len(m.Contacts) == 0 {
		return m.Expires == 0
	}
	return false
}

// grantedExpires is a 200 OK's expiry for contact: its Contact's expires parameter, else
// the Expires header.
func grantedExpires(m *capture.Message, contact string) time.Duration {
	for _, c := range m.Contacts {
		if c.Expires >= 0 && (contact == "" || sameURI(c.URI, contact) || len(m.Contacts) == 1) {
			return time.Duration(c.Expires) * time.Second
		}
	}
	if m.Expires > 0 {
		return time.Duration(m.Expires) * time.Second
	}
	return 0
}

func sameURI(a, b string) bool {
	a, _, _ = strings.Cut(a, ";")
	b, _, _ = strings.Cut(b, ";")
	return strings.EqualFold(a, b)
}

func (a *Analyzer) keepalive(r *Registration, ev capture.Event, text string) Step {
	s := r.step(ev, text)
	if ev.Src != r.lastSource {
		return s // the registrar's answer
	}
	if !r.lastKA.IsZero() && !ev.Time.IsZero() {
		r.Keepalive = max(r.Keepalive, ev.Time.Sub(r.lastKA))
		r.Keepalives++
	}
	r.lastKA = ev.Time
	r.lastAt = ev.Time
	r.last = ev.Time
	return s
}

func (a *Analyzer) unreachable(r *Registration, ev capture.Event) {
	text := "ICMP " + ev.Reason
	if ev.From.IsValid() {
		text += " from " + ev.From.String()
	}
	s := r.step(ev, text)
	r.observe(Observation{Kind: NoAnswer, Step: s, ICMP: ev.Reason, Router: ev.From})
}

// rewritten records a private address in the Via, Contact or SDP of a message from a
// public source: SIP inspection did not translate it (once per header and address).
func (r *Registration) rewritten(ev capture.Event, s Step) {
	m := ev.SIP
	if m.Summary || Private(ev.Src.Addr()) || !ev.Src.Addr().IsGlobalUnicast() || (m.Method != "REGISTER" && !slices.Contains(r.sources, ev.Src)) {
		return // not the client's (the provider's requests carry its own addresses)
	}
	check := func(where, host string) {
		if host == "" {
			return
		}
		a, err := netip.ParseAddr(strings.Trim(host, "[]"))
		if err != nil || !Private(a) {
			return
		}
		r.observe(Observation{Kind: NotRewritten, Step: s, Where: where, Private: a.String()})
	}
	if len(m.Via) > 0 {
		check("Via", m.Via[0].Host)
	}
	for _, c := range m.Contacts {
		check("Contact", uriHost(c.URI))
	}
	for _, s := range m.SDPAddresses {
		check("SDP c=", s)
	}
}

// uriHost is the host of a SIP URI: sip:user@host:port;params.
func uriHost(uri string) string {
	_, rest, ok := strings.Cut(uri, ":")
	if !ok {
		return ""
	}
	if _, after, ok := strings.Cut(rest, "@"); ok {
		rest = after
	}
	rest, _, _ = strings.Cut(rest, ";")
	rest, _, _ = strings.Cut(rest, ">")
	if strings.HasPrefix(rest, "[") {
		if i := strings.Index(rest, "]"); i > 0 {
			return rest[1:i]
		}
	}
	host, _, _ := strings.Cut(rest, ":")
	return host
}

// Domain is the host part of a SIP URI ("" when none).
func Domain(uri string) string { return uriHost(uri) }

// shared is RFC 6598's shared address space (carrier-grade NAT), which netip's IsPrivate
// (RFC 1918, RFC 4193) leaves out.
var shared = netip.MustParsePrefix("100.64.0.0/10")

// minIdle is the shortest idle timeout the ASA accepts for a UDP flow or its PAT
// translation ("timeout pat-xlate 0:00:30"; "timeout udp" is at least a minute): a binding
// that moves sooner did not idle out on an ASA.
const minIdle = 30 * time.Second

// natMoved reports whether a refresh leaving from source to after gap since the last
// message from from is a NAT binding that idled out: UDP (a TCP client opens a new
// connection, with a new port, whenever it likes), both sources public (seen past the
// translation: a private source is the phone itself, before any NAT), and a gap at least
// as long as the shortest idle timeout.
func natMoved(transport string, from, to netip.AddrPort, gap time.Duration) bool {
	public := func(a netip.Addr) bool {
		return a.IsValid() && !Private(a) && !a.IsLoopback() && !a.IsLinkLocalUnicast()
	}
	return transport == "UDP" && public(from.Addr()) && public(to.Addr()) && gap >= minIdle
}

// Private reports whether a is an RFC 1918, RFC 6598 (shared, carrier-grade NAT) or IPv6
// unique local address: one that must not leave the firewall untranslated.
func Private(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsPrivate() || shared.Contains(a)
}

// step adds a ladder step (kept while the ladder is short) and returns it.
func (r *Registration) step(ev capture.Event, text string) Step {
	s := Step{Frame: ev.Frame, Time: ev.Time, Src: ev.Src, Dst: ev.Dst, Text: text}
	if r.Start.IsZero() {
		r.Start = ev.Time
	}
	if len(r.Steps) < MaxSteps {
		r.Steps = append(r.Steps, s)
	} else {
		r.Omitted++
	}
	return s
}

// keep adds s to the ladder when MaxSteps left it out: the steps an observation points
// at are always shown.
func (r *Registration) keep(s Step) {
	if len(r.Steps) >= MaxSteps && !slices.ContainsFunc(r.Steps, func(x Step) bool { return x.Frame == s.Frame }) {
		r.Steps = append(r.Steps, s)
		r.Omitted--
	}
}

// describe is a message as a summary line shows it.
func describe(m *capture.Message) string {
	if m.Request {
		return strings.TrimSpace(m.Method + " " + m.RequestURI)
	}
	return strings.TrimSpace(fmt.Sprintf("SIP/2.0 %d %s", m.StatusCode, m.Reason))
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
