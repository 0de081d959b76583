package parser

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// Scope says how much of a configuration the input holds. A saved "show running-config
// policy-map" is not a configuration without service-policies: what it does not show is
// unknown, and the rules whose premise lives there are not evaluated.
type Scope struct {
	// Partial is set when the input holds only some sections: the output of "show
	// running-config SECTION" commands (known from their echo), or, without any echo, a
	// capture with no "ASA Version" header that lacks what every running-config prints
	// (hostname, timeouts) or is a configuration-mode session log.
	Partial bool
	// Truncated is set for a whole configuration (an "ASA Version" header, or a whole
	// "show running-config" echo) that stops before its service-policies with nothing the
	// ASA prints after them (the "prompt hostname" and call-home lines, "Cryptochecksum:",
	// ": end"): it may have been cut there, so those of the sections that come last
	// (class-map, policy-map, service-policy) with no line in it are not shown.
	Truncated bool
	// Last is the last line with content: where a truncated input stops.
	Last int
	// Excerpt, in a whole configuration that has no class-map line at all, is the first
	// policy-map class that names one (class-default aside): the ASA refuses a class whose
	// class-map does not exist, so the input left its class-maps out (a trimmed fixture, a
	// paste that kept only the policy-maps), and they are not shown rather than absent.
	Excerpt *PolicyClass
	// Echoes are the commands echoed in the input whose output is configuration.
	Echoes []Echo
	// System is set for the system execution space of a multiple-context firewall
	// ("ASA Version 9.x <system>", admin-context, context NAME with config-url): it holds
	// no security policy of its own; each context's configuration is what to audit.
	System *SystemSpace

	shown  uint32          // sections with lines, one bit per sectionNames entry
	echoed map[string]bool // sections named by echoed commands
	cut    uint32          // with Truncated: the sections the input may have lost
}

// Kind is "system" for the system execution space, "partial" for a partial input and ""
// for a whole configuration: the values of the JSON report's targets[].scope.
func (s *Scope) Kind() string {
	switch {
	case s.System != nil:
		return "system"
	case s.Partial, s.Truncated, s.Excerpt != nil:
		return "partial"
	}
	return ""
}

// Echo is a command echoed after a prompt ("fw1# show run policy-map").
type Echo struct {
	Pos     lexer.Position
	Command string
	// Section is the part of the configuration it shows ("policy-map"), "" for the whole.
	Section string
}

// SystemSpace is the system execution space: its contexts.
type SystemSpace struct {
	Pos          lexer.Position // the line that showed it
	AdminContext string
	Contexts     []*ContextDef
}

// ContextDef is "context NAME" with its config-url.
type ContextDef struct {
	Pos       lexer.Position
	Name      string
	ConfigURL string
}

// Shows reports whether the input shows section (a first word of the configuration:
// "class-map", "policy-map", "service-policy", "timeout", "access-list", "interface",
// "nat", "route", "object"...): always for a whole configuration; for a partial one, when
// a command echoed it or a line of it is present.
func (c *Config) Shows(section string) bool {
	if !c.Scope.Partial {
		i := sectionIndex(section)
		return i < 0 || c.Scope.cut&(1<<i) == 0
	}
	if i := sectionIndex(section); i >= 0 && c.Scope.shown&(1<<i) != 0 {
		return true
	}
	return c.Scope.echoed[canonicalSection(section)]
}

// Cut returns the sections a truncated input may have lost (Truncated), in the order the
// ASA prints them.
func (s *Scope) Cut() []string {
	var out []string
	for i, n := range sectionNames {
		if s.cut&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// Sections returns the sections a partial input shows, sorted.
func (s *Scope) Sections() []string {
	var out []string
	for i, n := range sectionNames {
		if s.shown&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	for n := range s.echoed {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// canonicalSection maps a configuration line's first word, or a "show running-config"
// argument, to the section it belongs to.
func canonicalSection(word string) string {
	switch word {
	case "global", "static":
		return "nat" // ASA 8.2 NAT
	case "name":
		return "names"
	}
	return word
}

// sectionNames are the sections a partial input's lines are judged by, indexed by
// sectionIndex; Scope.shown holds one bit per section.
var sectionNames = [...]string{"class-map", "policy-map", "service-policy", "timeout", "access-list",
	"access-group", "interface", "nat", "route", "object", "object-group", "same-security-traffic", "names"}

const secAccessList = 4

// sectionIndex returns the index in sectionNames of the section a first word or a "show
// running-config" argument belongs to, or -1. A switch: it runs on every line.
func sectionIndex(word string) int {
	switch word {
	case "class-map":
		return 0
	case "policy-map":
		return 1
	case "service-policy":
		return 2
	case "timeout":
		return 3
	case "access-list":
		return secAccessList
	case "access-group":
		return 5
	case "interface":
		return 6
	case "nat", "global", "static": // global and static: ASA 8.2 NAT
		return 7
	case "route":
		return 8
	case "object":
		return 9
	case "object-group":
		return 10
	case "same-security-traffic":
		return 11
	case "names", "name":
		return 12
	}
	return -1
}

func (p *state) seeSection(word []byte) {
	if i := sectionIndex(string(word)); i >= 0 {
		p.cfg.Scope.shown |= 1 << i
	}
}

// promptCommand splits a line that starts with a CLI prompt into the command after it:
// "fw1# show run", "fw/pri/act# sh run", "Sydney-FW#show run", FTD's "> show run".
func promptCommand(text []byte) (cmd []byte, ok bool) {
	w := firstWord(text)
	if !promptWord(w) {
		return nil, false
	}
	if n := len(w); w[n-1] == '#' || w[n-1] == '>' {
		return skipBlanks(text[n:]), true
	}
	// No blank after the prompt: "host#show run". A configuration word has no '#'.
	return text[bytes.IndexByte(w, '#')+1:], true
}

// configCommand recognises an echoed command that prints configuration: the whole of it
// (show running-config, write terminal, more system:running-config, show startup-config)
// or a section (show running-config policy-map). Abbreviations are the ones people type.
func configCommand(cmd []byte) (section string, whole, ok bool) {
	f := strings.Fields(strings.ToLower(string(cmd)))
	if len(f) == 0 {
		return "", false, false
	}
	abbrev := func(word, full string, min int) bool { return len(word) >= min && strings.HasPrefix(full, word) }
	switch {
	case abbrev(f[0], "show", 2) && len(f) > 1:
		switch {
		case abbrev(f[1], "running-config", 3):
			args := f[2:]
			if len(args) > 0 && args[0] == "all" {
				args = args[1:]
			}
			if len(args) == 0 {
				return "", true, true
			}
			return canonicalSection(args[0]), false, true
		case abbrev(f[1], "startup-config", 4), abbrev(f[1], "configuration", 4):
			return "", true, true
		}
	case abbrev(f[0], "write", 2) && len(f) > 1 && abbrev(f[1], "terminal", 1):
		return "", true, true
	case f[0] == "more" && len(f) > 1 && (strings.HasSuffix(f[1], "running-config") || strings.HasSuffix(f[1], ".cfg")):
		return "", true, true
	}
	return "", false, false
}

// seeEcho notes an echoed command. A second whole configuration after the first one's
// content starts another configuration, which is reported and not read.
func (p *state) seeEcho(num int, text []byte) {
	cmd, ok := promptCommand(text)
	if !ok {
		return
	}
	section, whole, ok := configCommand(cmd)
	if !ok {
		return
	}
	if whole && p.startSecond(num, text, "echoed \""+string(bytes.TrimSpace(cmd))+"\"") {
		return
	}
	if whole {
		p.started = true
	}
	p.cfg.Scope.Echoes = append(p.cfg.Scope.Echoes, Echo{Pos: p.pos(num, 1), Command: string(bytes.TrimSpace(cmd)), Section: section})
}

// startSecond reports (PARSE002) and stops at the start of a second configuration when
// the first one's content has been read; false when this is the first.
func (p *state) startSecond(num int, text []byte, what string) bool {
	if !p.started || !p.configLines {
		return false
	}
	p.diag(num, 1, "PARSE002", "a second configuration starts here ("+what+"); only the first (up to line "+strconv.Itoa(num-1)+") was audited: split the file and audit each", text)
	p.ended, p.afterEnd = true, true
	return true
}

// scope decides, at the end of the input, whether it was partial.
func (p *state) scope() {
	s := &p.cfg.Scope
	if s.System != nil {
		return
	}
	whole, sectional := false, false
	for _, e := range s.Echoes {
		if e.Section == "" {
			whole = true
		} else {
			sectional = true
		}
	}
	switch {
	case whole:
	case sectional:
		s.Partial = true
		s.echoed = map[string]bool{}
		for _, e := range s.Echoes {
			s.echoed[e.Section] = true
		}
	case p.cfg.Version == "" && (p.session || p.cfg.Hostname == "" || s.shown&(1<<sectionIndex("timeout")) == 0):
		// A session log holds what was typed, not the configuration it changed.
		s.Partial = true
	}
	// class-map, policy-map and service-policy come last in a running-config, in that
	// order, followed by a few lines every version prints and ": end". A whole
	// configuration that shows no service-policy and none of those lines may have been cut
	// before them (a paste cut short, a capture whose pager or session ended): a missing
	// service-policy there is unknown, not absent.
	const classMap, policyMap, servicePolicy = 1 << 0, 1 << 1, 1 << 2
	if !s.Partial && (whole || p.cfg.Version != "") && !p.tail && s.shown&servicePolicy == 0 {
		// Those of the three with no line are not shown: cut off, or, for the class-maps
		// printed just before the policy-maps (the factory inspection_default among
		// them), left out of an excerpt that kept its policy-maps.
		s.Truncated, s.cut, s.Last = true, (classMap|policyMap|servicePolicy)&^s.shown, p.last
	}
	if !s.Partial && s.shown&classMap == 0 {
		for _, pm := range p.cfg.PolicyMaps {
			for _, c := range pm.Classes {
				if c.Name != "class-default" && s.Excerpt == nil {
					s.Excerpt, s.cut = c, s.cut|classMap
				}
			}
		}
	}
}

// seeSystem notes the lines that only the system execution space has.
func (p *state) seeSystem(num int, word, text []byte) {
	switch string(word) {
	case "admin-context":
		p.system(num).AdminContext = string(bytes.TrimSpace(text[len(word):]))
	case "context":
		name := string(bytes.TrimSpace(text[len(word):]))
		c := &ContextDef{Pos: p.pos(num, 1), Name: name}
		p.system(num).Contexts = append(p.system(num).Contexts, c)
		p.kind, p.ctx = blockContext, c
	}
}

func (p *state) system(num int) *SystemSpace {
	if p.cfg.Scope.System == nil {
		p.cfg.Scope.System = &SystemSpace{Pos: p.pos(num, 1)}
	}
	return p.cfg.Scope.System
}
