package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/internal/names"
	"github.com/asaaudit/asaaudit/parser"
)

// Fix lines are written the way "show running-config" shows them (one space of
// indentation per sub-mode), so they can be pasted in configuration mode as they are.

// sipClassName is the class-map name the fixes create for a SIP port.
func sipClassName(p asa.Port) string { return fmt.Sprintf("sip-%s-%d", p.Proto, p.Number) }

// addSIPClass returns the lines that add a class matching port p with inspect sip to
// policy-map pm (created when it does not exist yet).
func addSIPClass(m *asa.Model, pm string, p asa.Port) []string {
	name := sipClassName(p)
	var out []string
	if m.ClassMap(name) == nil {
		out = append(out, "class-map "+name, fmt.Sprintf(" match port %s eq %d", p.Proto, p.Number))
	}
	return append(out, "policy-map "+pm, " class "+name, "  inspect sip")
}

// sipClassBefore returns the lines that put a class matching port p with inspect sip
// ahead of class c of policy-map pm: c and the classes after it (class-default aside,
// which is always last) are removed and entered again, with their actions, after it.
func sipClassBefore(m *asa.Model, pm *parser.PolicyMap, c *parser.PolicyClass, p asa.Port) []string {
	name := sipClassName(p)
	var moved []*parser.PolicyClass
	for _, pc := range pm.Classes {
		// The SIP class itself, already entered after c, is entered again only once.
		if pc == c || len(moved) > 0 && pc.Name != "class-default" && pc.Name != name {
			moved = append(moved, pc)
		}
	}
	var out []string
	if m.ClassMap(name) == nil {
		out = append(out, "class-map "+name, fmt.Sprintf(" match port %s eq %d", p.Proto, p.Number))
	}
	out = append(out, "policy-map "+pm.Name)
	actions := []string{"  inspect sip"}
	if i := slices.IndexFunc(pm.Classes, func(pc *parser.PolicyClass) bool { return pc.Name == name }); i >= 0 {
		// The SIP class exists after c: it moves ahead with its own actions.
		out = append(out, " no class "+name)
		actions = actions[:0]
		for _, a := range pm.Classes[i].Actions {
			actions = append(actions, "  "+strings.TrimSpace(a.Source))
		}
		if pm.Classes[i].Inspect("sip") == nil {
			actions = append(actions, "  inspect sip")
		}
	}
	for _, pc := range moved {
		out = append(out, " no class "+pc.Name)
	}
	out = append(out, " class "+name)
	out = append(out, actions...)
	for _, pc := range moved {
		out = append(out, " class "+pc.Name)
		for _, a := range pc.Actions {
			out = append(out, "  "+strings.TrimSpace(a.Source))
		}
	}
	return out
}

// addInspectSIP returns the lines that add inspect sip to class c of policy-map pm.
func addInspectSIP(pm, class string) []string {
	return []string{"policy-map " + pm, " class " + class, "  inspect sip"}
}

// factoryPolicy returns the lines of the factory-default SIP inspection for port p.
func factoryPolicy(m *asa.Model, p asa.Port) []string {
	if p.Number != 5060 {
		return append(addSIPClass(m, "global_policy", p), "service-policy global_policy global")
	}
	var out []string
	if m.ClassMap("inspection_default") == nil {
		out = append(out, "class-map inspection_default", " match default-inspection-traffic")
	}
	return append(out, "policy-map global_policy", " class inspection_default", "  inspect sip", "service-policy global_policy global")
}

// factoryInspections are the inspections of the factory-default class
// inspection_default (ASA 8.x/9.x; fixtures/factory-default.txt), SIP's included.
var factoryInspections = []string{"dns preset_dns_map", "ftp", "h323 h225", "h323 ras", "ip-options", "netbios", "rsh", "rtsp", "skinny", "esmtp", "sqlnet", "sunrpc", "tftp", "sip", "xdmcp"}

// missingPolicyFix makes service-policy sp apply a policy again: the existing policy-map
// whose name is close (a typo), else policy-map sp.Name recreated as the factory
// global_policy (inspection_default with every factory inspection, SIP's included) plus
// a SIP class for each audited port that inspection_default does not cover, so that
// nothing the policy was meant to inspect is lost. SIP over TLS gets no class: plain
// inspect sip cannot read it (SIP001 says what can).
func missingPolicyFix(m *asa.Model, sp *parser.ServicePolicy, ports []asa.Port) []string {
	if near := similar(sp.Name, l34PolicyNames(m)); near != "" {
		return reapply(sp, near)
	}
	var out, classes []string
	if m.ClassMap("inspection_default") == nil {
		out = append(out, "class-map inspection_default", " match default-inspection-traffic")
	}
	if m.InspectPolicyMap("dns", "preset_dns_map") == nil {
		out = append(out, "policy-map type inspect dns preset_dns_map", " parameters", "  message-length maximum client auto", "  message-length maximum 512")
	}
	for _, p := range ports {
		if p.Number == 5060 || tlsPort(p) {
			continue
		}
		name := sipClassName(p)
		if m.ClassMap(name) == nil {
			out = append(out, "class-map "+name, fmt.Sprintf(" match port %s eq %d", p.Proto, p.Number))
		}
		classes = append(classes, " class "+name, "  inspect sip")
	}
	out = append(out, "policy-map "+sp.Name, " class inspection_default")
	for _, in := range factoryInspections {
		out = append(out, "  inspect "+in)
	}
	return append(out, classes...)
}

// tlsPort reports whether p is SIP over TLS (tcp/5061), which plain inspect sip cannot read.
func tlsPort(p asa.Port) bool { return p.Proto == "tcp" && p.Number == 5061 }

// tlsProxy reports whether an inspect action names a TLS proxy ("inspect sip [MAP]
// tls-proxy NAME").
func tlsProxy(in *parser.Inspect) bool { return slices.Contains(in.Args, "tls-proxy") }

// recommendedIdle is the idle timeout the fixes propose: twice the refresh interval,
// rounded up to a whole minute and at least the ASA's minimum for the setting.
func recommendedIdle(refresh time.Duration, key string) time.Duration {
	want := (2*refresh + time.Minute - 1).Truncate(time.Minute)
	if lo := asa.Minimums[key]; want < lo {
		want = lo
	}
	return want
}

func hms(d time.Duration) string { return parser.FormatHMS(d) }

// human writes a refresh interval the way users give it: 30s, 1m30s, 5m, 1h.
func human(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	var b strings.Builder
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.d; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			d -= n * u.d
		}
	}
	if b.Len() == 0 {
		return d.String()
	}
	return b.String()
}

// similar returns the name in names closest to want (case, '-' and '_' ignored, or at most
// two edits apart), or "".
func similar(want string, candidates []string) string {
	return names.Closest(want, candidates, 2, foldName)
}

// separators are dropped when names are compared: "global-policy" means "global_policy".
var separators = strings.NewReplacer("-", "", "_", "")

func foldName(s string) string { return separators.Replace(strings.ToLower(s)) }

// l34PolicyNames lists the layer 3/4 policy-map names.
func l34PolicyNames(m *asa.Model) []string {
	var out []string
	for _, pm := range m.L34PolicyMaps() {
		out = append(out, pm.Name)
	}
	return out
}

// reapply returns the lines that replace service-policy sp with one applying name.
func reapply(sp *parser.ServicePolicy, name string) []string {
	where := "global"
	if !sp.Global {
		where = "interface " + sp.Interface
	}
	return []string{"no " + sp.Source, "service-policy " + name + " " + where}
}

// scope describes where an applied policy applies.
func scope(a asa.Applied) string {
	if a.Scope == "global" {
		return "applied globally"
	}
	return "applied to interface " + a.Scope
}

// anchor is the line a finding about something missing points at, and its text.
type anchor struct {
	file   string // "" for the configuration's own file
	line   int
	source string
}

// missingAnchor is where a missing service-policy or policy belongs: the policy-map that
// holds inspect sip, else the first layer 3/4 policy-map, else ": end", else line 1.
func missingAnchor(m *asa.Model) anchor {
	var first *parser.PolicyMap
	for _, pm := range m.L34PolicyMaps() {
		if first == nil {
			first = pm
		}
		for _, c := range pm.Classes {
			if c.Inspect("sip") != nil {
				return anchor{pm.Pos.Filename, pm.Pos.Line, pm.Source}
			}
		}
	}
	switch {
	case first != nil:
		return anchor{first.Pos.Filename, first.Pos.Line, first.Source}
	case m.Config.End.Line > 0:
		return anchor{line: m.Config.End.Line, source: ": end"}
	}
	return anchor{line: 1}
}

// idleFinding starts a finding at the configuration line that sets the idle timeout of the
// port's flows (where SIP003 points), or where a timeout line belongs.
func idleFinding(m *asa.Model, idle asa.Idle) Finding {
	var f Finding
	switch t := m.FirstTimeoutLine(); {
	case idle.Pos.Line > 0:
		f.File, f.Line, f.Column, f.Source = idle.Pos.Filename, idle.Pos.Line, idle.Pos.Column, idle.Line
	case t != nil:
		f.File, f.Line, f.Source = t.Pos.Filename, t.Pos.Line, t.Source
	default:
		a := missingAnchor(m)
		f.File, f.Line, f.Source = a.file, a.line, a.source
	}
	return f
}

// idleFix sets the idle timeout that governs the flows to want.
func idleFix(idle asa.Idle, want time.Duration) []string {
	if idle.Class != nil {
		line := "  set connection timeout idle " + hms(want)
		if t := idle.Class.IdleTimeout(); t != nil && t.Reset {
			line += " reset"
		}
		return []string{"policy-map " + idle.PolicyMap.Name, " class " + idle.Class.Name, line}
	}
	return []string{"timeout " + idle.Key + " " + hms(want)}
}

// setting names where an idle timeout comes from.
func setting(idle asa.Idle) string {
	if idle.Default {
		return idle.Source + ", ASA default"
	}
	return idle.Source
}
