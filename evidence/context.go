package evidence

import (
	"strings"

	"github.com/asaaudit/asaaudit/internal/lazyre"
)

// ModeAnswer is the answer of one "show mode": "Security context mode: multiple".
type ModeAnswer struct {
	Pos Position
	// Mode is "single" or "multiple".
	Mode string
}

// Context is one security context listed by "show context":
//
//	Context Name      Class                Interfaces           Mode         URL
//	*admin            default              Management0/0        Routed       disk0:/admin.cfg
//	 voice            default              GigabitEthernet0/0,  Routed       disk0:/voice.cfg
//	                                       GigabitEthernet0/1
//	Total active Security Contexts: 2
type Context struct {
	Pos  Position
	Name string
	// Admin is set for the admin context (marked "*").
	Admin bool
	Class string
	// Interfaces are the allocated interfaces, continuation lines included.
	Interfaces []string
	// Mode is "Routed" or "Transparent" ("" on releases that do not print it).
	Mode string
	URL  string
}

var (
	modeRe          = lazyre.New(`^Security context mode: (single|multiple)$`)
	contextHeaderRe = lazyre.New(`^Context Name +Class +Interfaces +(?:Mode +)?URL$`)
	contextTotalRe  = lazyre.New(`^Total active Security Contexts: \d+$`)
)

// mode reads a "show mode" line.
func (p *state) mode(pos Position, text string) bool {
	m := modeRe.Get().FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return false
	}
	p.ev.Modes = append(p.ev.Modes, ModeAnswer{Pos: pos, Mode: m[1]})
	return true
}

// contextReader reads the lines of one "show context" output.
type contextReader struct {
	withMode bool     // the header has a Mode column
	last     *Context // the context that continuation lines (more interfaces) belong to
}

func (r *contextReader) line(p *state, pos Position, text string) bool {
	t := strings.TrimSpace(text)
	switch {
	case contextHeaderRe.Get().MatchString(t):
		r.withMode = strings.Contains(t, " Mode ")
		r.last = nil
		return true
	case contextTotalRe.Get().MatchString(t):
		r.last = nil
		return true
	}
	f := strings.Fields(t)
	indent := len(text) - len(strings.TrimLeft(text, " \t"))
	if indent > 2 && len(f) == 1 && r.last != nil {
		r.last.Interfaces = append(r.last.Interfaces, splitInterfaces(f[0])...)
		return true
	}
	want := 4 // name, class, interfaces, URL
	if r.withMode {
		want = 5
	}
	if len(f) != want || indent > 1 {
		return false
	}
	c := &Context{Pos: pos, Name: strings.TrimPrefix(f[0], "*"), Admin: strings.HasPrefix(f[0], "*"), Class: f[1],
		Interfaces: splitInterfaces(f[2]), URL: f[len(f)-1]}
	if r.withMode {
		c.Mode = f[3]
	}
	if c.Name == "" {
		return false
	}
	p.ev.Contexts = append(p.ev.Contexts, c)
	r.last = c
	return true
}

func splitInterfaces(s string) []string {
	var out []string
	for i := range strings.SplitSeq(s, ",") {
		if i = strings.TrimSpace(i); i != "" && i != "..." {
			out = append(out, strings.TrimSuffix(i, "..."))
		}
	}
	return out
}
