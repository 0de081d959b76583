package parser

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/participle/v2/lexer"
)

// Config is the part of one ASA configuration the audit reads. Blocks the audit does not
// need are not kept, so its size is bounded by the audited sections, not by the file.
type Config struct {
	File    string
	Version string // from "ASA Version 9.8(4)", "" when the capture has no header
	// VersionMarker is "context" or "system" when the header ends with "<context>" or
	// "<system>" (multiple-context mode), "" otherwise; Version holds the version only.
	VersionMarker string
	// Platform is "FTD" for Firepower Threat Defense ("NGFW Version 7.x"), whose LINA
	// configuration is audited like an ASA's but changed from FMC or FDM; "" for an ASA.
	Platform string
	Hostname string
	// Scope says how much of a configuration the input holds (partial input, the system
	// execution space of a multiple-context firewall).
	Scope Scope
	// Interfaces are the nameif names in file order, with the position of the nameif line.
	Interfaces      []*Interface
	ClassMaps       []*ClassMap
	PolicyMaps      []*PolicyMap
	ServicePolicies []*ServicePolicy
	Timeouts        []*Timeout
	Diagnostics     []Diagnostic
	// Paths holds what decides whether SIP gets through (interfaces, routes, ACLs, NAT):
	// nil unless ParseWith was given Options.Paths.
	Paths *Paths
	// PathHint is the first access-group line (zero when there is none), in every mode.
	PathHint PathHint
	// ACLNames holds the name of every access-list the configuration defines, in every
	// mode: a "match access-list" that names none matches nothing.
	ACLNames map[string]bool
	// ACLs holds, when Paths is nil, the access-lists named by "match access-list" with
	// the objects, object-groups and names they may use, read by a second pass over the
	// input (ReadACLs); nil when they were not read.
	ACLs *Paths
	// Lines is the number of lines read; End is the position of ": end" (zero if absent).
	Lines int
	End   lexer.Position
}

// Diagnostic is something the parser could not read. Code is the public rule ID that
// reports it (PARSE001 for an unreadable line in an audited block, PARSE002 for content
// after the end of the configuration that the audit did not read).
type Diagnostic struct {
	Pos     lexer.Position
	Code    string
	Message string
	Source  string // the line as it appears in the file, normalised
}

// Interface is an "interface X" block. Config.Interfaces holds the named ones (with a
// "nameif" child); with Options.Paths every line of the block is read.
type Interface struct {
	Pos       lexer.Position // the nameif line
	Hardware  string         // "GigabitEthernet0/0"
	Name      string         // the nameif
	HeaderPos lexer.Position // the interface line

	// Read with Options.Paths only.
	Nameif        *Nameif
	SecurityLevel *SecurityLevel
	Address       *IPAddress
	Settings      []*InterfaceSetting
	// Superseded holds the lines whose setting a later line of the block replaced (the
	// last one wins, as in configuration mode).
	Superseded []lexer.Position
}

// ClassMap is "class-map [type T [PROTO]] [match-all|match-any] NAME" with its children.
type ClassMap struct {
	Pos       lexer.Position
	Type      string `parser:"'class-map' ( 'type' @'inspect'"`
	Protocol  string `parser:"  @Word"`
	OtherType string `parser:"| 'type' @Word )?"`
	MatchMode string `parser:"@('match-all'|'match-any')?"`
	Name      string `parser:"@(Word|Number)"`

	Matches      []*Match
	Descriptions []*Description
	Source       string
}

// IsL34 reports whether the class-map is a layer 3/4 class-map (no "type").
func (c *ClassMap) IsL34() bool { return c.Type == "" }

// classMapChild is one line below a class-map.
type classMapChild struct {
	Match       *Match       `parser:"  @@"`
	Description *Description `parser:"| @@"`
}

// Match is a "match ..." line of a class-map or an inspect policy-map.
type Match struct {
	Pos               lexer.Position
	Not               bool       `parser:"'match' @'not'?"`
	DefaultInspection bool       `parser:"( @'default-inspection-traffic'"`
	Port              *PortMatch `parser:"| 'port' @@"`
	AccessList        string     `parser:"| 'access-list' @(Word|Number)"`
	Any               bool       `parser:"| @'any'"`
	Other             []string   `parser:"| @!('port'|'access-list'|'any'|'default-inspection-traffic') @(Word|Number|Time)* )"`
	Source            string
}

// PortMatch is "port tcp|udp|tcp-udp eq P" or "... range A B". Ports are resolved to
// numbers after parsing (named ports such as "sip" are common in running-configs).
type PortMatch struct {
	Pos      lexer.Position
	Protocol string `parser:"@('tcp'|'udp'|'tcp-udp')"`
	Eq       *Port  `parser:"( 'eq' @@"`
	From     *Port  `parser:"| 'range' @@"`
	To       *Port  `parser:"  @@ )"`
}

// Contains reports whether the match covers proto/port.
func (p *PortMatch) Contains(proto string, port int) bool {
	if p.Protocol != "tcp-udp" && p.Protocol != proto {
		return false
	}
	if p.Eq != nil {
		return p.Eq.Number == port
	}
	return p.From.Number <= port && port <= p.To.Number
}

// String renders the match the way the ASA writes it.
func (p *PortMatch) String() string {
	if p.Eq != nil {
		return fmt.Sprintf("%s eq %s", p.Protocol, p.Eq.Raw)
	}
	return fmt.Sprintf("%s range %s %s", p.Protocol, p.From.Raw, p.To.Raw)
}

// Port is a port as written (number or name) and its number.
type Port struct {
	Pos    lexer.Position
	Raw    string `parser:"@(Number|Word)"`
	Number int
}

// Description is a free-text description line.
type Description struct {
	Pos  lexer.Position
	Text []string `parser:"'description' @(Word|Number|Time)*"`
}

// PolicyMap is "policy-map NAME" (layer 3/4) or "policy-map type inspect PROTO NAME".
type PolicyMap struct {
	Pos       lexer.Position
	Type      string `parser:"'policy-map' ( 'type' @'inspect'"`
	Protocol  string `parser:"  @Word"`
	OtherType string `parser:"| 'type' @Word )?"`
	Name      string `parser:"@(Word|Number)"`

	Classes []*PolicyClass
	// Parameters and Matches belong to inspect policy-maps; their settings are kept as text.
	// ParametersPos holds the position of each "parameters" line (a hand-edited file
	// may enter parameters mode more than once).
	Parameters    []*Setting
	ParametersPos []lexer.Position
	Matches       []*InspectMatch
	Descriptions  []*Description
	Source        string
}

// IsL34 reports whether the policy-map is a layer 3/4 policy-map.
func (p *PolicyMap) IsL34() bool { return p.Type == "" }

// Class returns the class named name, or nil.
func (p *PolicyMap) Class(name string) *PolicyClass {
	for _, c := range p.Classes {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// policyMapChild is one line directly below a policy-map.
type policyMapChild struct {
	Class       *PolicyClass  `parser:"  @@"`
	Parameters  bool          `parser:"| @'parameters'"`
	Match       *InspectMatch `parser:"| @@"`
	Description *Description  `parser:"| @@"`
}

// PolicyClass is "class NAME" inside a policy-map, with its actions.
type PolicyClass struct {
	Pos     lexer.Position
	Name    string `parser:"'class' @(Word|Number)"`
	Actions []*Action
	// Settings holds lines below a class of an inspect policy-map (drop, log, reset...).
	Settings []*Setting
	Source   string
}

// Inspect returns the class's "inspect PROTO" action, or nil.
func (c *PolicyClass) Inspect(proto string) *Inspect {
	for _, a := range c.Actions {
		if a.Inspect != nil && a.Inspect.Protocol == proto {
			return a.Inspect
		}
	}
	return nil
}

// HasInspect reports whether the class has any inspect action.
func (c *PolicyClass) HasInspect() bool {
	for _, a := range c.Actions {
		if a.Inspect != nil {
			return true
		}
	}
	return false
}

// IdleTimeout returns the class's "set connection timeout idle" setting, or nil.
func (c *PolicyClass) IdleTimeout() *ConnTimeout {
	for _, a := range c.Actions {
		if a.Set == nil {
			continue
		}
		for _, t := range a.Set.Timeouts {
			if t.Kind == "idle" {
				return t
			}
		}
	}
	return nil
}

// InspectMatch is a "match ..." line of an inspect policy-map with its action lines.
type InspectMatch struct {
	Pos      lexer.Position
	Not      bool     `parser:"'match' @'not'?"`
	Criteria []string `parser:"@(Word|Number|Time)+"`
	Settings []*Setting
	Source   string
}

// Action is one line below a class of a layer 3/4 policy-map.
type Action struct {
	Pos     lexer.Position
	Inspect *Inspect       `parser:"  @@"`
	Set     *SetConnection `parser:"| @@"`
	// Other keeps actions the audit does not interpret (police, user-statistics, ips...).
	Other  []string `parser:"| @!('inspect'|'set') @(Word|Number|Time)*"`
	Source string
}

// Inspect is "inspect PROTO [ARGS...]".
type Inspect struct {
	Pos      lexer.Position
	Protocol string   `parser:"'inspect' @Word"`
	Args     []string `parser:"@(Word|Number)*"`
}

// Map returns the inspect policy-map named by "inspect sip MAP", or "".
func (i *Inspect) Map() string {
	if len(i.Args) > 0 {
		return i.Args[0]
	}
	return ""
}

// SetConnection is "set connection ...". Only the timeout form is interpreted; the other
// forms (limits, advanced-options, decrement-ttl, random-sequence-number) are kept as text.
type SetConnection struct {
	Pos      lexer.Position
	Timeouts []*ConnTimeout `parser:"'set' 'connection' ( 'timeout' @@+"`
	Other    []string       `parser:"| @!'timeout' @(Word|Number|Time)* )"`
}

// ConnTimeout is one "KIND H:MM:SS [reset]" pair of "set connection timeout", or "dcd".
type ConnTimeout struct {
	Pos     lexer.Position
	Kind    string    `parser:"( @('idle'|'embryonic'|'half-closed')"`
	Value   *Duration `parser:"  @Time"`
	Reset   bool      `parser:"  @'reset'?"`
	DCD     bool      `parser:"| @'dcd'"`
	Retry   *Duration `parser:"  ( @Time"`
	Retries string    `parser:"    @Number? )? )"`
}

// Setting is a free-form line kept with its words (inspect policy-map parameters and the
// like), so that nothing below an audited block is lost.
type Setting struct {
	Pos    lexer.Position
	Words  []string `parser:"@(Word|Number|Time)+"`
	Source string
}

// ServicePolicy is "service-policy NAME global" or "service-policy NAME interface IF".
type ServicePolicy struct {
	Pos       lexer.Position
	Name      string `parser:"'service-policy' @(Word|Number)"`
	Global    bool   `parser:"( @'global'"`
	Interface string `parser:"| 'interface' @(Word|Number) )"`
	Source    string
}

// Timeout is a top-level "timeout" line with one or more keyword/value pairs.
type Timeout struct {
	Pos     lexer.Position
	Entries []*TimeoutEntry `parser:"'timeout' @@+"`
	Source  string
}

// TimeoutEntry is one "KEYWORD H:MM:SS" pair of a timeout line.
type TimeoutEntry struct {
	Pos lexer.Position
	Key string `parser:"( @('xlate'|'pat-xlate'|'conn'|'half-closed'|'udp'|'icmp'|'icmp-error'|'sunrpc'|'h323'|'h225'|'mgcp'|'mgcp-pat'|'sip'|'sip_media'|'sip-media'|'sip-invite'|'sip-disconnect'|'sip-provisional-media'|'tcp-proxy-reassembly'|'floating-conn'|'conn-holddown'|'sctp'|'gsn'|'tcp-state-bypass'|'rpc')"`
	// igp is written "igp stale-route H:MM:SS".
	IGP   bool      `parser:"| @'igp' 'stale-route'"`
	Uauth bool      `parser:"| @'uauth' )"`
	Value *Duration `parser:"@Time"`
	Mode  string    `parser:"@('absolute'|'inactivity')?"`
}

// Name is the entry's keyword as the audit refers to it: sip_media and sip-media are one
// setting spelled two ways by different ASA versions.
func (e *TimeoutEntry) Name() string {
	switch {
	case e.IGP:
		return "igp stale-route"
	case e.Uauth:
		return "uauth"
	case e.Key == "sip-media":
		return "sip_media"
	}
	return e.Key
}

// Duration is an ASA H:MM:SS value. Zero means "no timeout" where the ASA allows it.
type Duration struct {
	D    time.Duration
	Text string
}

// Capture implements participle.Capture.
func (d *Duration) Capture(values []string) error {
	v, err := ParseHMS(values[0])
	if err != nil {
		return err
	}
	*d = Duration{D: v, Text: values[0]}
	return nil
}

// maxHours bounds the hours of an H:MM:SS value far above any ASA limit and far below
// the overflow of time.Duration (about 2.5 million hours).
const maxHours = 100000

// ParseHMS parses H:MM:SS.
func ParseHMS(s string) (time.Duration, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, fmt.Errorf("%q is not H:MM:SS", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || (i > 0 && (v > 59 || len(p) != 2)) {
			return 0, fmt.Errorf("%q is not H:MM:SS", s)
		}
		n[i] = v
	}
	// The longest ASA timeout is 1193 hours; a much larger value would overflow Duration.
	if n[0] > maxHours {
		return 0, fmt.Errorf("%q is longer than %d hours", s, maxHours)
	}
	return time.Duration(n[0])*time.Hour + time.Duration(n[1])*time.Minute + time.Duration(n[2])*time.Second, nil
}

// FormatHMS writes d as the ASA does (H:MM:SS), rounding up to a whole second.
func FormatHMS(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
