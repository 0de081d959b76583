package evidence

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/asaaudit/asaaudit/internal/lazyre"
)

// Policy is one applied policy-map in a "show service-policy" output with its per-class
// counters:
//
//	Global policy:
//	  Service-policy: global_policy
//	    Class-map: inspection_default
//	      Inspect: sip , packet 458106, lock fail 0, drop 0, reset-drop 0
//	               tcp-proxy: bytes in buffer 0, bytes dropped 0
//
// 9.x adds ", 5-min-pkt-rate 0 pkts/sec, v6-fail-close 0 sctp-drop-override 0" to each
// Inspect line.
type Policy struct {
	Pos    Position // the "Service-policy:" line
	Output *Output
	// Scope is "global" or the interface name, as in "service-policy NAME interface IF";
	// "" when the output shows neither (a filtered capture).
	Scope   string
	Name    string
	Classes []*Class
}

// Class is one class of a Policy.
type Class struct {
	Pos      Position // the "Class-map:" line
	Name     string
	Inspects []*Inspect
	// Other holds the class's lines this package knows but does not use ("Set connection
	// ..." and the lines indented under them), as written.
	Other []string
}

// Inspect is one "Inspect:" line: an inspection engine's counters in one class.
type Inspect struct {
	Pos    Position
	Source string // the line as written, without its indentation
	// Protocol is the inspection engine ("sip", "dns", "h323"); Args the words after it
	// (an inspect policy-map, "h225"/"ras", ...).
	Protocol string
	Args     []string
	// Packets and Drops are the "packet" and "drop" counters.
	Packets, Drops int64
	// Counters holds every counter by its name as printed: "packet", "lock fail", "drop",
	// "reset-drop", and on 9.x "5-min-pkt-rate", "v6-fail-close", "sctp-drop-override".
	Counters map[string]int64
}

// FindPolicies returns the policies of e named name in scope ("global" or an interface
// name), in file order; a policy whose scope the output does not show matches any scope.
func (e *Evidence) FindPolicies(scope, name string) []*Policy {
	var out []*Policy
	for _, p := range e.Policies {
		if p.Name == name && (p.Scope == scope || p.Scope == "") {
			out = append(out, p)
		}
	}
	return out
}

// Class returns the class of p named name, or nil.
func (p *Policy) Class(name string) *Class {
	for _, c := range p.Classes {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Inspect returns the class's Inspect line for protocol, or nil.
func (c *Class) Inspect(protocol string) *Inspect {
	for _, i := range c.Inspects {
		if i.Protocol == protocol {
			return i
		}
	}
	return nil
}

var (
	interfacePolicyRe = lazyre.New(`^Interface (\S+):$`)
	servicePolicyRe   = lazyre.New(`^Service-policy: (\S+)$`)
	classMapRe        = lazyre.New(`^Class-map: (\S+)$`)
	tcpProxyRe        = lazyre.New(`^tcp-proxy: bytes in buffer \d+, bytes dropped \d+$`)
	// moduleRe is the status of a service module a class redirects to ("sfr fail-open",
	// "cxsc", "ips"): "SFR: card status Up, mode fail-open".
	moduleRe = lazyre.New(`^[A-Z][A-Za-z ]*: card status \S`)
	// moduleCountersRe is the counters line under a module's status.
	moduleCountersRe = lazyre.New(`^packet input \d+, packet output \d+`)
	// continuationRe is the rest of an Inspect line that the terminal or the pager broke:
	// counters and their names, no "Name:" of a line of its own.
	continuationRe = lazyre.New(`^[0-9a-z,][^:]*$`)
)

// knownCounters are the counter names of an Inspect line; a line broken in two is joined
// only when the join gives these names, so that an unrelated line is never taken as the
// rest of a counter line.
var knownCounters = map[string]bool{"packet": true, "lock fail": true, "drop": true, "reset-drop": true,
	"5-min-pkt-rate": true, "v6-fail-close": true, "sctp-drop-override": true}

// policyReader reads the lines of one "show service-policy" output.
type policyReader struct {
	scope   string
	policy  *Policy
	class   *Class
	inspect *Inspect
	// inSet is true after a "Set connection" line, whose indentation is setIndent: the
	// lines indented deeper belong to it.
	inSet     bool
	setIndent int
	// broken is the last Inspect line as written (with its position), which the next line
	// may continue; failed says it could not be read alone (its diagnostic waits for the
	// next line).
	broken *brokenInspect
}

type brokenInspect struct {
	pos    Position
	text   string
	failed error
}

func (r *policyReader) line(p *state, pos Position, text string) bool {
	t := strings.TrimSpace(text)
	indent := len(text) - len(strings.TrimLeft(text, " \t"))
	if b := r.broken; b != nil {
		r.broken = nil
		if r.join(p, b, t) {
			return true
		}
		if b.failed != nil {
			p.diag(b.pos, b.text, "Inspect line not readable ("+b.failed.Error()+"), not used")
		}
	}
	if r.inSet && indent > r.setIndent && r.class != nil {
		r.other(p, t)
		return true
	}
	r.inSet = false
	switch {
	case t == "Global policy:":
		r.newScope(p, "global")
	case interfacePolicyRe.Get().MatchString(t):
		r.newScope(p, interfacePolicyRe.Get().FindStringSubmatch(t)[1])
	case servicePolicyRe.Get().MatchString(t):
		r.closePolicy(p)
		r.policy = &Policy{Pos: pos, Output: p.cur.out, Scope: r.scope, Name: servicePolicyRe.Get().FindStringSubmatch(t)[1]}
		r.class, r.inspect = nil, nil
		p.ev.Policies = append(p.ev.Policies, r.policy)
	case classMapRe.Get().MatchString(t):
		if r.policy == nil {
			p.diag(pos, text, "Class-map line without a Service-policy line above it, not used")
			return true
		}
		r.closeClass(p)
		r.class = &Class{Pos: pos, Name: classMapRe.Get().FindStringSubmatch(t)[1]}
		r.inspect = nil
		r.policy.Classes = append(r.policy.Classes, r.class)
	case strings.HasPrefix(t, "Inspect:"):
		if r.class == nil {
			p.diag(pos, text, "Inspect line without a Class-map line above it, not used")
			return true
		}
		in, err := parseInspect(t)
		r.broken = &brokenInspect{pos: pos, text: t, failed: err}
		if err != nil {
			r.inspect = nil
			return true
		}
		in.Pos = pos
		r.addInspect(p, in)
	case tcpProxyRe.Get().MatchString(t) && r.inspect != nil:
		// The TCP proxy's buffer counters of the Inspect line above.
	case (moduleRe.Get().MatchString(t) || moduleCountersRe.Get().MatchString(t)) && r.class != nil:
		r.other(p, t)
	case strings.HasPrefix(t, "Set connection") && r.class != nil:
		r.other(p, t)
		r.setIndent, r.inSet = indent, true
	default:
		return false
	}
	return true
}

// join reads t as the rest of the Inspect line b, broken where the terminal wrapped it
// (mid-word, so joined as is) or at a blank (joined with one); it reports whether t was that.
func (r *policyReader) join(p *state, b *brokenInspect, t string) bool {
	if !continuationRe.Get().MatchString(t) {
		return false
	}
	for _, whole := range []string{b.text + t, b.text + " " + t} {
		in, err := parseInspect(whole)
		if err != nil || !knownNames(in) {
			continue
		}
		in.Pos = b.pos
		if b.failed == nil {
			*r.inspect = *in
		} else {
			r.addInspect(p, in)
		}
		return true
	}
	return false
}

func knownNames(in *Inspect) bool {
	for name := range in.Counters {
		if !knownCounters[name] {
			return false
		}
	}
	return true
}

// flush reports an Inspect line that could not be read and that no line continued.
func (r *policyReader) flush(p *state) {
	if b := r.broken; b != nil && b.failed != nil {
		p.diag(b.pos, b.text, "Inspect line not readable ("+b.failed.Error()+"), not used")
	}
	r.broken = nil
	r.closePolicy(p)
}

func (r *policyReader) newScope(p *state, scope string) {
	r.closePolicy(p)
	r.scope = scope
	r.policy, r.class, r.inspect = nil, nil, nil
}

// addInspect records in, the current class's Inspect line: counted in the output, kept
// unless only SIP's are.
func (r *policyReader) addInspect(p *state, in *Inspect) {
	p.cur.out.Inspects++
	r.inspect = in
	if !p.filtered() || in.Protocol == "sip" {
		r.class.Inspects = append(r.class.Inspects, in)
	}
}

// other keeps a line of the class that this package knows but does not use, unless only
// what the rules read is kept.
func (r *policyReader) other(p *state, t string) {
	if !p.filtered() {
		r.class.Other = append(r.class.Other, t)
	}
}

// closeClass drops the class that has ended without a kept Inspect line when only what
// the rules read is kept, so that a long output keeps its SIP classes alone.
func (r *policyReader) closeClass(p *state) {
	if !p.filtered() || r.class == nil || len(r.class.Inspects) > 0 {
		return
	}
	if cs := r.policy.Classes; cs[len(cs)-1] == r.class {
		r.policy.Classes = cs[:len(cs)-1]
	}
	r.class = nil
}

// closePolicy is closeClass for the policy that has ended, and its last class.
func (r *policyReader) closePolicy(p *state) {
	r.closeClass(p)
	if !p.filtered() || r.policy == nil || len(r.policy.Classes) > 0 {
		return
	}
	if ps := p.ev.Policies; ps[len(ps)-1] == r.policy {
		p.ev.Policies = ps[:len(ps)-1]
	}
	r.policy = nil
}

// parseInspect reads "Inspect: PROTO [ARGS] , packet N, lock fail N, drop N, ...".
func parseInspect(t string) (*Inspect, error) {
	body := strings.TrimSpace(strings.TrimPrefix(t, "Inspect:"))
	head, counters, ok := strings.Cut(body, ",")
	words := strings.Fields(head)
	if !ok || len(words) == 0 {
		return nil, fmt.Errorf("no counters")
	}
	in := &Inspect{Source: t, Protocol: words[0], Args: words[1:], Counters: map[string]int64{}}
	var name []string
	for _, tok := range strings.Fields(strings.ReplaceAll(counters, ",", " ")) {
		n, err := strconv.ParseInt(tok, 10, 64)
		switch {
		case err == nil && len(name) > 0:
			in.Counters[strings.Join(name, " ")] = n
			name = nil
		case err == nil:
			return nil, fmt.Errorf("number %s without a counter name", tok)
		case strings.Contains(tok, "/") && len(name) == 0:
			// a unit after a value ("pkts/sec")
		default:
			name = append(name, tok)
		}
	}
	if len(name) > 0 {
		return nil, fmt.Errorf("counter %q without a value", strings.Join(name, " "))
	}
	var has bool
	if in.Packets, has = in.Counters["packet"]; !has {
		return nil, fmt.Errorf("no packet counter")
	}
	in.Drops = in.Counters["drop"]
	return in, nil
}
