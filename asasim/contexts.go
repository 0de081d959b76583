package asasim

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// space is where commands run: the device in single mode, the system execution space, or
// one security context.
type space struct {
	name    string // the context name; "" for single mode and the system space
	config  string
	outputs map[string]string // normalised commands
}

const defaultAdminContext = "admin"

var contextNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)

// buildSpaces checks Device.Contexts and prepares the spaces sessions move between.
func (s *Server) buildSpaces() error {
	d := s.opts.Device
	s.system = &space{config: d.Config, outputs: s.outputs}
	if len(d.Contexts) == 0 {
		return nil
	}
	if s.opts.Device.AdminContext == "" {
		s.opts.Device.AdminContext = defaultAdminContext
	}
	s.spaces = make(map[string]*space, len(d.Contexts))
	for name, c := range d.Contexts {
		if !contextNameRe.MatchString(name) || strings.EqualFold(name, "system") {
			return fmt.Errorf("asasim: invalid context name %q", name)
		}
		sp := &space{name: name, config: c.Config, outputs: make(map[string]string, len(c.Outputs))}
		for k, v := range c.Outputs {
			sp.outputs[normalizeCmd(k)] = v
		}
		s.spaces[name] = sp
	}
	if s.spaces[s.opts.Device.AdminContext] == nil {
		return fmt.Errorf("asasim: admin context %q is not one of Device.Contexts", s.opts.Device.AdminContext)
	}
	return nil
}

// multiple reports whether the device is in multiple-context mode.
func (s *Server) multiple() bool { return len(s.spaces) > 0 }

// startSpace is where a session logs in: the admin context in multiple-context mode (the
// system execution space has no network interface of its own).
func (s *Server) startSpace() *space {
	if s.multiple() {
		return s.spaces[s.opts.Device.AdminContext]
	}
	return s.system
}

func (s *Server) showMode() string {
	if s.multiple() {
		return "Security context mode: multiple"
	}
	return "Security context mode: single"
}

// contextNames lists the contexts, sorted.
func (s *Server) contextNames() []string {
	names := make([]string, 0, len(s.spaces))
	for n := range s.spaces {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

var interfaceLineRe = regexp.MustCompile(`(?m)^interface (\S+)`)

// showContext lists the contexts as "show context" does: all of them from the system space
// and the admin context, only its own from any other context.
func (ss *session) showContext() string {
	srv := ss.srv
	names := srv.contextNames()
	if ss.space.name != "" && ss.space.name != srv.opts.Device.AdminContext {
		names = []string{ss.space.name}
	}
	var b strings.Builder
	b.WriteString("Context Name      Class                Interfaces           Mode         URL\n")
	for _, n := range names {
		mark := " "
		if n == srv.opts.Device.AdminContext {
			mark = "*"
		}
		ifaces := []string{"-"}
		if m := interfaceLineRe.FindAllStringSubmatch(srv.spaces[n].config, -1); len(m) > 0 {
			ifaces = ifaces[:0]
			for _, x := range m {
				ifaces = append(ifaces, x[1])
			}
		}
		first := ifaces[0]
		if len(ifaces) > 1 {
			first += ","
		}
		fmt.Fprintf(&b, "%-18s%-21s%-21s%-13s%s\n", mark+n, "default", first, "Routed", "disk0:/"+n+".cfg")
		for i, x := range ifaces[1:] {
			if i < len(ifaces)-2 {
				x += ","
			}
			fmt.Fprintf(&b, "%39s%s\n", "", x)
		}
	}
	fmt.Fprintf(&b, "Total active Security Contexts: %d\n", len(srv.spaces))
	return b.String()
}

// changeto runs "changeto system" and "changeto context NAME".
func (ss *session) changeto(toks []token) error {
	if len(toks) < 2 {
		return ss.incomplete()
	}
	sub, kind := matchWord(toks[1].text, "context", "system")
	switch kind {
	case matchNone:
		return ss.invalidAt(toks[1].off)
	case matchAmbiguous:
		return ss.ambiguous(toks[1])
	}
	if sub == "system" {
		if len(toks) > 2 {
			return ss.invalidAt(toks[2].off)
		}
		ss.space = ss.srv.system
		return nil
	}
	if len(toks) < 3 {
		return ss.incomplete()
	}
	if len(toks) > 3 {
		return ss.invalidAt(toks[3].off)
	}
	sp := ss.srv.spaces[toks[2].raw]
	if sp == nil {
		// Context names are case-sensitive; an unknown one is refused like any bad argument.
		return ss.invalidAt(toks[2].off)
	}
	ss.space = sp
	return nil
}

// capturePromptRe is a prompt with a command after it in a terminal capture.
var capturePromptRe = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)(?:/([A-Za-z0-9][A-Za-z0-9._-]*))?(?:\([a-z0-9-]+\))?# (.+)$`)

// DeviceFromCaptures builds a Device from terminal captures of privileged-mode sessions:
// each command follows its prompt ("fw1# show running-config", "fw1/voice# show conn
// protocol udp port 5060 long") and its output runs to the next prompt. The prompt says
// where the command ran: "fw1#" in single mode or the system execution space, "fw1/NAME#"
// in context NAME, which makes the device a multiple-context one. "show running-config"
// becomes that space's Config, "show version" the Version, "changeto" and "terminal"
// commands are skipped, and any other command becomes an entry of Outputs. Line ends may
// be CRLF.
func DeviceFromCaptures(captures ...string) (Device, error) {
	d := Device{}
	spaces := map[string]*Device{"": &d}
	for _, c := range captures {
		var cur *Device
		var cmd string
		var out strings.Builder
		flush := func() {
			if cur == nil {
				return
			}
			text := out.String()
			switch f := strings.Fields(strings.ToLower(cmd)); {
			case len(f) >= 1 && (f[0] == "changeto" || f[0] == "terminal"):
			case cmd == "show running-config":
				cur.Config = text
			case cmd == "show version":
				d.Version = text
			default:
				if cur.Outputs == nil {
					cur.Outputs = map[string]string{}
				}
				cur.Outputs[cmd] = text
			}
			out.Reset()
		}
		c = strings.TrimSuffix(strings.ReplaceAll(c, "\r\n", "\n"), "\n")
		for line := range strings.SplitSeq(c, "\n") {
			m := capturePromptRe.FindStringSubmatch(line)
			if m == nil {
				if cur != nil {
					out.WriteString(line + "\n")
				}
				continue
			}
			flush()
			if d.Hostname == "" {
				d.Hostname = m[1]
			} else if d.Hostname != m[1] {
				return Device{}, fmt.Errorf("asasim: captures of two devices, %s and %s", d.Hostname, m[1])
			}
			if spaces[m[2]] == nil {
				spaces[m[2]] = &Device{}
			}
			cur, cmd = spaces[m[2]], normalizeCmd(m[3])
		}
		flush()
	}
	if d.Hostname == "" {
		return Device{}, errors.New("asasim: no command after a privileged prompt (\"fw1# show running-config\") in the captures")
	}
	for name, sp := range spaces {
		if name == "" {
			continue
		}
		if d.Contexts == nil {
			d.Contexts = map[string]Device{}
		}
		d.Contexts[name] = *sp
	}
	if _, ok := d.Contexts[defaultAdminContext]; !ok && len(d.Contexts) > 0 {
		// The session starts in the admin context, whatever it is called: the first one
		// in name order when none is called "admin".
		names := make([]string, 0, len(d.Contexts))
		for n := range d.Contexts {
			names = append(names, n)
		}
		slices.Sort(names)
		d.AdminContext = names[0]
	}
	return d, nil
}
