package parser

import (
	"fmt"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Mode is the configuration mode a command line is read in, named after the ASA's prompt.
// Parse follows the modes through indentation; ParseLine is for callers that track the
// mode themselves (change scripts, where indentation is optional).
type Mode uint8

// The modes whose commands the audit models.
const (
	GlobalMode     Mode = iota // config: top-level commands
	ClassMapMode               // config-cmap: below a class-map
	PolicyMapMode              // config-pmap: below a policy-map
	ClassMode                  // config-pmap-c: below a class of a layer 3/4 policy-map (actions)
	InspectSubMode             // below parameters, match or class of an inspect policy-map (settings)
)

func (m Mode) String() string {
	switch m {
	case GlobalMode:
		return "config"
	case ClassMapMode:
		return "config-cmap"
	case PolicyMapMode:
		return "config-pmap"
	case ClassMode:
		return "config-pmap-c"
	case InspectSubMode:
		return "config-pmap-p"
	}
	return fmt.Sprintf("mode(%d)", int(m))
}

// Line is one configuration-mode command read by ParseLine. No is set for the "no" form;
// exactly one of the other fields (or Parameters) is set. In a "no" form the values that
// the ASA does not need are optional: "no timeout sip" has an entry without Value, and
// "no set connection timeout idle" a ConnTimeout without Value.
type Line struct {
	No bool

	// GlobalMode
	ClassMap      *ClassMap
	PolicyMap     *PolicyMap
	ServicePolicy *ServicePolicy
	Timeout       *Timeout // "no timeout" alone has no Entries

	// ClassMapMode
	Match       *Match
	Description *Description // also PolicyMapMode

	// PolicyMapMode
	Class        *PolicyClass
	Parameters   bool
	InspectMatch *InspectMatch

	// ClassMode
	Action *Action

	// InspectSubMode
	Setting *Setting
}

// LineError is a command line ParseLine could not read.
type LineError struct {
	Pos     lexer.Position
	Message string
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Pos.Filename, e.Pos.Line, e.Pos.Column, e.Message)
}

// ParseLine reads one command line in mode with the grammars Parse uses; positions name
// file and line num, and columns count from the start of text, indentation included. The
// line's first word (after "no") must be one the mode has: class-map, policy-map,
// service-policy or timeout in GlobalMode; match or description in ClassMapMode; class,
// parameters, match or description in PolicyMapMode. Source fields are left empty.
func ParseLine(mode Mode, file string, num int, text string) (*Line, error) {
	p := &state{cfg: &Config{File: file}, g: loadGrammars()}
	var out Line
	// The "no" form is the command without "no": blanking the word keeps the columns.
	if w := strings.Fields(text); len(w) > 1 && w[0] == "no" {
		i := strings.Index(text, "no")
		text = text[:i] + "  " + text[i+2:]
		out.No = true
	}
	fail := func() (*Line, error) {
		d := p.cfg.Diagnostics[len(p.cfg.Diagnostics)-1]
		return nil, &LineError{Pos: d.Pos, Message: d.Message}
	}
	b := []byte(text)
	first := strings.Fields(text)
	if len(first) == 0 {
		return nil, &LineError{Pos: lexer.Position{Filename: file, Line: num, Column: 1}, Message: "empty line"}
	}
	switch mode {
	case GlobalMode:
		switch first[0] {
		case "class-map":
			out.ClassMap = parseChild(p, p.g.classMap, num, b, false)
			if out.ClassMap != nil && out.ClassMap.OtherType != "" {
				out.ClassMap.Type, out.ClassMap.OtherType = out.ClassMap.OtherType, ""
			}
		case "policy-map":
			out.PolicyMap = parseChild(p, p.g.policyMap, num, b, false)
			if out.PolicyMap != nil && out.PolicyMap.OtherType != "" {
				out.PolicyMap.Type, out.PolicyMap.OtherType = out.PolicyMap.OtherType, ""
			}
		case "service-policy":
			out.ServicePolicy = parseChild(p, p.g.servicePolicy, num, b, false)
		case "timeout":
			if out.No {
				out.Timeout = parseReset(p, num, b)
			} else {
				out.Timeout = parseChild(p, p.g.timeout, num, b, false)
			}
		default:
			return nil, notInMode(file, num, text, first[0], mode)
		}
		if out.ClassMap == nil && out.PolicyMap == nil && out.ServicePolicy == nil && out.Timeout == nil {
			return fail()
		}
	case ClassMapMode:
		c := parseChild(p, p.g.classMapChild, num, b, false)
		if c == nil {
			return fail()
		}
		if c.Match != nil && c.Match.Port != nil && !p.resolvePorts(c.Match.Port, b) {
			return fail()
		}
		out.Match, out.Description = c.Match, c.Description
	case PolicyMapMode:
		c := parseChild(p, p.g.policyMapChild, num, b, false)
		if c == nil {
			return fail()
		}
		out.Class, out.Parameters, out.InspectMatch, out.Description = c.Class, c.Parameters, c.Match, c.Description
	case ClassMode:
		if out.No && len(first) > 2 && first[0] == "set" && first[1] == "connection" && first[2] == "timeout" {
			out.Action = parseConnReset(p, num, b)
		} else {
			out.Action = parseChild(p, p.g.action, num, b, false)
		}
		if out.Action == nil {
			return fail()
		}
	case InspectSubMode:
		if out.Setting = parseChild(p, p.g.setting, num, b, false); out.Setting == nil {
			return fail()
		}
	default:
		return nil, notInMode(file, num, text, first[0], mode)
	}
	return &out, nil
}

func notInMode(file string, num int, text, word string, mode Mode) error {
	col := strings.Index(text, word) + 1
	return &LineError{Pos: lexer.Position{Filename: file, Line: num, Column: col}, Message: fmt.Sprintf("%q is not a %s command the audit reads", word, mode)}
}

// timeoutReset is "no timeout [KEYWORD [H:MM:SS]]...": the ASA resets the named timeouts
// (all of them when none is named) to their defaults, so values are optional.
type timeoutReset struct {
	Pos     lexer.Position
	Entries []*timeoutKey `parser:"'timeout' @@*"`
}

// timeoutKey is TimeoutEntry with an optional value. The keyword list must stay the one
// of TimeoutEntry (TestTimeoutKeywordsAgree checks it).
type timeoutKey struct {
	Pos   lexer.Position
	Key   string    `parser:"( @('xlate'|'pat-xlate'|'conn'|'half-closed'|'udp'|'icmp'|'icmp-error'|'sunrpc'|'h323'|'h225'|'mgcp'|'mgcp-pat'|'sip'|'sip_media'|'sip-media'|'sip-invite'|'sip-disconnect'|'sip-provisional-media'|'tcp-proxy-reassembly'|'floating-conn'|'conn-holddown'|'sctp'|'gsn'|'tcp-state-bypass'|'rpc')"`
	IGP   bool      `parser:"| @'igp' 'stale-route'"`
	Uauth bool      `parser:"| @'uauth' )"`
	Value *Duration `parser:"@Time?"`
	Mode  string    `parser:"@('absolute'|'inactivity')?"`
}

// connReset is "no set connection timeout KIND [H:MM:SS] [reset]...".
type connReset struct {
	Pos   lexer.Position
	Kinds []*connKey `parser:"'set' 'connection' 'timeout' @@+"`
}

type connKey struct {
	Pos   lexer.Position
	Kind  string    `parser:"( @('idle'|'embryonic'|'half-closed')"`
	Value *Duration `parser:"  @Time?"`
	Reset bool      `parser:"  @'reset'?"`
	DCD   bool      `parser:"| @'dcd' ( Time Number? )? )"`
}

var loadResetGrammars = sync.OnceValues(func() (*participle.Parser[timeoutReset], *participle.Parser[connReset]) {
	opts := []participle.Option{participle.Lexer(lineLexer{}), participle.UseLookahead(2)}
	return participle.MustBuild[timeoutReset](opts...), participle.MustBuild[connReset](opts...)
})

func parseReset(p *state, num int, text []byte) *Timeout {
	g, _ := loadResetGrammars()
	r := parseChild(p, g, num, text, false)
	if r == nil {
		return nil
	}
	t := &Timeout{Pos: r.Pos, Entries: []*TimeoutEntry{}}
	for _, k := range r.Entries {
		t.Entries = append(t.Entries, &TimeoutEntry{Pos: k.Pos, Key: k.Key, IGP: k.IGP, Uauth: k.Uauth, Value: k.Value, Mode: k.Mode})
	}
	return t
}

func parseConnReset(p *state, num int, text []byte) *Action {
	_, g := loadResetGrammars()
	r := parseChild(p, g, num, text, false)
	if r == nil {
		return nil
	}
	set := &SetConnection{Pos: r.Pos}
	for _, k := range r.Kinds {
		set.Timeouts = append(set.Timeouts, &ConnTimeout{Pos: k.Pos, Kind: k.Kind, Value: k.Value, Reset: k.Reset, DCD: k.DCD})
	}
	return &Action{Pos: r.Pos, Set: set}
}
