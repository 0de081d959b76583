// Package asa holds what a parsed ASA configuration does to a SIP flow: which applied
// policy and class match a port, whether "inspect sip" applies, which idle timeout
// governs the flow, and (Path) whether the flow gets through the interfaces, access-lists,
// security levels and NAT and back, following the ASA's precedence rules and defaults.
package asa

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/asaaudit/asaaudit/parser"
)

// Port is a transport protocol and port number, e.g. udp/5060.
type Port struct {
	Proto  string // "udp" or "tcp"
	Number int
}

func (p Port) String() string { return fmt.Sprintf("%s/%d", p.Proto, p.Number) }

// DefaultSIPPorts are audited when the user names none.
var DefaultSIPPorts = []Port{{"udp", 5060}, {"tcp", 5060}}

// ParsePorts reads "udp/5080", "tcp/5060" or "5080" (both protocols).
func ParsePorts(s string) ([]Port, error) {
	proto, num, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "/")
	if !ok {
		proto, num = "", proto
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 65535 {
		return nil, fmt.Errorf("invalid SIP port %q: want udp/N, tcp/N or N with N from 1 to 65535", s)
	}
	switch proto {
	case "udp", "tcp":
		return []Port{{proto, n}}, nil
	case "", "tcp-udp":
		return []Port{{"udp", n}, {"tcp", n}}, nil
	}
	return nil, fmt.Errorf("invalid SIP port %q: protocol must be udp or tcp", s)
}

// Model is a configuration with its references resolved.
type Model struct {
	Config      *parser.Config
	classMaps   map[string]*parser.ClassMap  // layer 3/4
	policyMaps  map[string]*parser.PolicyMap // layer 3/4
	l34         []*parser.PolicyMap          // layer 3/4, one per name, in file order
	inspectMaps map[string]*parser.PolicyMap // "proto name"
	// Global is the "service-policy NAME global" line (the last one wins, as on the ASA).
	Global *parser.ServicePolicy
	// PerInterface maps an interface name to its "service-policy NAME interface IF" line.
	PerInterface map[string]*parser.ServicePolicy
	timeouts     map[string]Setting
	applying     map[string][]*parser.ServicePolicy // the service-policy lines naming each policy-map
	path         *pathState                         // what Path compiled, on its first use
}

// New resolves cfg.
func New(cfg *parser.Config) *Model {
	m := &Model{
		Config:       cfg,
		classMaps:    map[string]*parser.ClassMap{},
		policyMaps:   map[string]*parser.PolicyMap{},
		inspectMaps:  map[string]*parser.PolicyMap{},
		PerInterface: map[string]*parser.ServicePolicy{},
		applying:     map[string][]*parser.ServicePolicy{},
		timeouts:     map[string]Setting{},
	}
	for _, cm := range cfg.ClassMaps {
		if cm.IsL34() {
			m.classMaps[cm.Name] = cm
		}
	}
	at := map[string]int{}      // a layer 3/4 policy-map's index in l34
	copied := map[string]bool{} // its entry there is a merged copy
	for _, pm := range cfg.PolicyMaps {
		switch {
		case pm.IsL34():
			// Re-entering "policy-map X" in config mode appends to it; a running-config
			// shows each policy once, but a hand-edited file may not.
			// The merged policy is a copy, so that the parsed blocks stay as written.
			if old := m.policyMaps[pm.Name]; old != nil {
				// The first re-entry makes the copy; later ones append to it (the copy is
				// ours), so many re-entries cost linear time.
				if !copied[pm.Name] {
					merged := *old
					merged.Classes = slices.Clone(old.Classes)
					old = &merged
					m.policyMaps[pm.Name] = old
					m.l34[at[pm.Name]] = old
					copied[pm.Name] = true
				}
				old.Classes = append(old.Classes, pm.Classes...)
				continue
			}
			m.policyMaps[pm.Name] = pm
			at[pm.Name] = len(m.l34)
			m.l34 = append(m.l34, pm)
		case pm.Type == "inspect":
			m.inspectMaps[pm.Protocol+" "+pm.Name] = pm
		}
	}
	for _, sp := range cfg.ServicePolicies {
		m.applying[sp.Name] = append(m.applying[sp.Name], sp)
		if sp.Global {
			m.Global = sp
		} else {
			m.PerInterface[sp.Interface] = sp
		}
	}
	for _, t := range cfg.Timeouts {
		for _, e := range t.Entries {
			m.timeouts[e.Name()] = Setting{Name: e.Name(), Value: e.Value.D, Entry: e, Line: t}
		}
	}
	return m
}

// ClassMap returns the layer 3/4 class-map name, or nil.
func (m *Model) ClassMap(name string) *parser.ClassMap { return m.classMaps[name] }

// L34PolicyMaps returns the layer 3/4 policy-maps in file order, one per name (blocks
// that re-enter a policy-map are merged into its first).
func (m *Model) L34PolicyMaps() []*parser.PolicyMap { return m.l34 }

// PolicyMap returns the layer 3/4 policy-map name, or nil.
func (m *Model) PolicyMap(name string) *parser.PolicyMap { return m.policyMaps[name] }

// InspectPolicyMap returns "policy-map type inspect PROTO NAME", or nil.
func (m *Model) InspectPolicyMap(proto, name string) *parser.PolicyMap {
	return m.inspectMaps[proto+" "+name]
}

// ServicePolicies returns the service-policy lines that apply policy-map name.
func (m *Model) ServicePolicies(name string) []*parser.ServicePolicy { return m.applying[name] }

// Setting is the value of one timeout keyword: configured (Entry set) or the ASA default.
type Setting struct {
	Name  string
	Value time.Duration
	Entry *parser.TimeoutEntry // nil when the default applies
	Line  *parser.Timeout
}

// Defaults are the ASA 8.x/9.x defaults of the timeouts the audit uses (Cisco ASA command
// reference, "timeout"). show running-config omits none of these, but hand-made or
// filtered files do.
var Defaults = map[string]time.Duration{
	"xlate":     3 * time.Hour,
	"pat-xlate": 30 * time.Second,
	"conn":      time.Hour,
	"udp":       2 * time.Minute,
	"sip":       30 * time.Minute,
	"sip_media": 2 * time.Minute,
}

// Minimums are the smallest non-zero values the ASA accepts for these timeouts.
var Minimums = map[string]time.Duration{
	"conn":      5 * time.Minute,
	"udp":       time.Minute,
	"sip":       5 * time.Minute,
	"pat-xlate": 30 * time.Second,
}

// Timeout returns the effective value of a timeout keyword.
func (m *Model) Timeout(name string) Setting {
	if s, ok := m.timeouts[name]; ok {
		return s
	}
	return Setting{Name: name, Value: Defaults[name]}
}

// Pos returns the position of the configured value, or the zero position for a default.
func (s Setting) Pos() lexer.Position {
	if s.Entry == nil {
		return lexer.Position{}
	}
	return s.Entry.Pos
}

// FirstTimeoutLine is where a new timeout line belongs: the first timeout line, or nil.
func (m *Model) FirstTimeoutLine() *parser.Timeout {
	if len(m.Config.Timeouts) == 0 {
		return nil
	}
	return m.Config.Timeouts[0]
}
