package rules

import (
	"fmt"
	"strings"
)

// SCOPE001 says, once, which rules a partial input could not evaluate and what to
// capture so that they can be: a finding about a section the input does not show would be
// a guess.
var SCOPE001 = &Rule{
	scopeFree: true,
	ID:        "SCOPE001",
	Title:     "partial configuration: some rules were not evaluated",
	Severity:  Info,
	Check:     checkPartial,
}

// SCOPE002 recognises the system execution space of a multiple-context firewall, which
// holds no security policy: it names the contexts whose configurations are to be audited.
var SCOPE002 = &Rule{
	scopeFree: true,
	ID:        "SCOPE002",
	Title:     "system execution space: audit each context's configuration",
	Severity:  Info,
	Check:     checkSystem,
}

// refreshKnown is the active condition of the timeout rules: they compare with the
// clients' refresh interval.
func refreshKnown(o Options) bool {
	return o.Keepalive > 0 || o.RegisterInterval > 0 || len(o.PerPort) > 0
}

// pathsGiven is the active condition of the path rules: they follow SIP from the clients
// to the provider.
func pathsGiven(o Options) bool { return len(o.Clients) > 0 && len(o.Providers) > 0 }

func checkPartial(p *Pass) {
	cfg := p.Model.Config
	if cfg.Scope.Kind() != "partial" {
		return
	}
	// The sections missing, each with the rules that need it, in the order of the rules.
	var order []string
	needers := map[string][]string{}
	for _, r := range p.selected {
		if r.active != nil && !r.active(p.Options) || r.relevant != nil && !r.relevant(p.Model) {
			continue
		}
		for _, s := range r.missing(p.Model) {
			if needers[s] == nil {
				order = append(order, s)
			}
			needers[s] = append(needers[s], r.ID)
		}
	}
	if len(order) == 0 {
		return
	}
	var notRun, capture []string
	seen := map[string]bool{}
	for _, s := range order {
		for _, id := range needers[s] {
			if !seen[id] {
				seen[id] = true
				notRun = append(notRun, id)
			}
		}
		capture = append(capture, "show running-config "+s)
	}
	line, source := 1, ""
	if e := cfg.Scope.Echoes; len(e) > 0 {
		line = e[0].Pos.Line
		source = e[0].Command
	}
	shown := "no section the rules read"
	if s := cfg.Scope.Sections(); len(s) > 0 {
		shown = strings.Join(s, ", ")
	}
	if cfg.Scope.Truncated {
		// A whole configuration that stops before its last sections: say where.
		p.Report(Finding{
			Line: cfg.Scope.Last,
			Message: fmt.Sprintf("the configuration stops at line %d with no service-policy and none of the lines the ASA prints after the service-policies (prompt hostname, call-home, Cryptochecksum, \": end\"): cut there or excerpted, it does not show its %s, so %s not evaluated; capture %s (or the whole show running-config, to its \": end\") and audit it with this input",
				cfg.Scope.Last, strings.Join(cfg.Scope.Cut(), ", "), strings.Join(notRun, ", "), strings.Join(capture, ", ")),
			Detail: "show running-config prints the class-maps, policy-maps and service-policies last, then a few fixed lines and \": end\". A capture that ends before them may have lost them: a service-policy that is not in the input is unknown, not absent, and the rules whose premise lives there are not evaluated rather than guessed.",
			Key:    "truncated," + strings.Join(order, ","),
		})
		return
	}
	if c := cfg.Scope.Excerpt; c != nil {
		// A whole configuration without its class-maps, which a class names.
		p.Report(Finding{
			Line:   c.Pos.Line,
			Source: c.Source,
			Message: fmt.Sprintf("class %s names a class-map, and the configuration has no class-map at all: the ASA refuses a class whose class-map does not exist, so this is an excerpt that left its class-maps out, and %s not evaluated; capture show running-config class-map (or the whole show running-config) and audit it with this input",
				c.Name, strings.Join(notRun, ", ")),
			Detail: "A running configuration always shows the class-maps its policy-maps name (inspection_default among them, printed just before the policy-maps). An input whose policy-map names one while it shows none was edited: what the class matches is unknown, not nothing, and the rules whose premise lives there are not evaluated rather than guessed.",
			Key:    "excerpt," + strings.Join(order, ","),
		})
		return
	}
	p.Report(Finding{
		Line:   line,
		Source: source,
		Message: fmt.Sprintf("partial configuration (it shows %s): %s not evaluated, since the input does not show %s; capture %s (or the whole show running-config) and audit it with this input",
			shown, strings.Join(notRun, ", "), strings.Join(order, ", "), strings.Join(capture, ", ")),
		Detail: "A section that is not in the input is unknown, not absent: the rules whose premise lives there are not evaluated rather than guessed.",
		Key:    strings.Join(order, ","),
	})
}

func checkSystem(p *Pass) {
	sys := p.Model.Config.Scope.System
	if sys == nil {
		return
	}
	var ctxs []string
	for _, c := range sys.Contexts {
		s := c.Name
		if c.ConfigURL != "" {
			s += " (" + c.ConfigURL + ")"
		}
		ctxs = append(ctxs, s)
	}
	list := "none listed"
	if len(ctxs) > 0 {
		list = strings.Join(ctxs, ", ")
	}
	admin := ""
	if sys.AdminContext != "" {
		admin = "; admin context " + sys.AdminContext
	}
	p.Report(Finding{
		Line:    sys.Pos.Line,
		Message: fmt.Sprintf("system execution space of a multiple-context firewall: it holds no service-policy, timeout or access-list of its own; contexts: %s%s", list, admin),
		Detail: "Each context has its own configuration, and that is what decides SIP. Audit each context: on the firewall, " +
			"changeto context NAME then show running-config (save each to a file and check it), or asaaudit live --host HOST, which audits every context.",
		Key: "system",
	})
}
