package collect

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/asaaudit/asaaudit/evidence"
	"github.com/asaaudit/asaaudit/internal/lazyre"
)

// Context modes, as "show mode" names them (Result.Mode).
const (
	ModeSingle   = "single"
	ModeMultiple = "multiple"
)

// Port is a SIP port whose connections are collected as runtime evidence.
type Port struct {
	Proto  string // "udp" or "tcp"
	Number int
}

func (p Port) String() string { return p.Proto + "/" + strconv.Itoa(p.Number) }

// Output is one command's output collected as runtime evidence.
type Output struct {
	Prompt  string // the prompt the command was typed at, e.g. "fw1/voice#"
	Command string
	Text    string // what the command printed, echo and prompt removed, LF line endings
	// Err is an *Error (ErrCommand) when the device refused the command; Text then holds
	// its answer. A refused command does not fail the host: the evidence is only missing.
	Err error
}

// ContextResult is what was collected in one security context of a firewall in
// multiple-context mode.
type ContextResult struct {
	Name   string // the context's name, e.g. "voice"
	Target string // Result.Target + "/" + Name, e.g. "fw1/voice"
	Config []byte // show running-config in the context, as Result.Config
	// Evidence holds the outputs of EvidenceCommands in the context (Options.Evidence).
	Evidence []Output
	// Err is an *Error when this context could not be collected (changeto or show
	// running-config refused); the other contexts are collected all the same.
	Err error
}

// EvidenceCommands are the commands Options.Evidence runs in the firewall, or in each
// security context: "show conn protocol P port N long" for the SIP ports (adjacent ports
// of one protocol as one range, "port 5060-5061", protocols in order of appearance), then
// "show service-policy", which lists the global and every interface policy with counters,
// "show service-policy inspect sip" (the SIP inspection's own counters and drops), and
// "show running-config all timeout", every timeout in force with the device's own
// defaults (which the configuration does not show).
func EvidenceCommands(ports []Port) []string {
	var protos []string
	byProto := map[string][]int{}
	for _, p := range ports {
		if _, ok := byProto[p.Proto]; !ok {
			protos = append(protos, p.Proto)
		}
		byProto[p.Proto] = append(byProto[p.Proto], p.Number)
	}
	var cmds []string
	for _, proto := range protos {
		nums := byProto[proto]
		slices.Sort(nums)
		nums = slices.Compact(nums)
		for i := 0; i < len(nums); {
			j := i
			for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
				j++
			}
			port := strconv.Itoa(nums[i])
			if j > i {
				port += "-" + strconv.Itoa(nums[j])
			}
			cmds = append(cmds, "show conn protocol "+proto+" port "+port+" long")
			i = j + 1
		}
	}
	return append(cmds, "show service-policy", "show service-policy inspect sip", "show running-config all timeout")
}

// urlPasswordRe is the password of a URL with credentials ("ftp://user:secret@host/ctx.cfg"),
// which "show context" prints for contexts whose configuration is on a server.
var urlPasswordRe = lazyre.New(`([A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@]*:)[^\s/@]+@`)

// Capture writes outputs as a terminal capture, each command after its prompt and then its
// output, which "check --evidence" reads back. Outputs the device refused are left out, and
// passwords in URLs are masked.
func Capture(outs []Output) []byte {
	var b bytes.Buffer
	for _, o := range outs {
		if o.Err != nil {
			continue
		}
		if o.Prompt != "" {
			b.WriteString(o.Prompt + " " + o.Command + "\n")
		}
		text := urlPasswordRe.Get().ReplaceAllString(o.Text, "${1}"+Mask+"@")
		b.WriteString(text)
		if text != "" && !strings.HasSuffix(text, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// checkPorts refuses SIP ports that would make a malformed command.
func checkPorts(ports []Port) error {
	for _, p := range ports {
		if p.Proto != "udp" && p.Proto != "tcp" || p.Number < 1 || p.Number > 65535 {
			return fmt.Errorf("bad SIP port %q (want udp/N or tcp/N, N from 1 to 65535)", p)
		}
	}
	return nil
}

// sipPorts are the ports whose connections this target's evidence lists.
func (s *session) sipPorts() []Port {
	if s.t.SIPPorts != nil {
		return s.t.SIPPorts
	}
	return s.o.SIPPorts
}

// runtime collects, after the configuration, what Options.Contexts and Options.Evidence ask
// for: the context mode and every security context, and the runtime evidence.
func (s *session) runtime() error {
	if s.o.Contexts {
		out, err := s.evidenceCommand("show mode")
		if err != nil {
			return err
		}
		s.r.Evidence = append(s.r.Evidence, out)
		if out.Err == nil {
			if m := evidence.ParseOutput(s.name+" show mode", out.Command, out.Text).Modes; len(m) > 0 {
				s.r.Mode = m[0].Mode
			}
		}
		if s.r.Mode == ModeMultiple {
			return s.contexts()
		}
	}
	if s.o.Evidence {
		if err := s.evidence(&s.r.Evidence); err != nil {
			return err
		}
	}
	return s.packetTracer(s.r.Config, &s.r.Evidence)
}

// evidence runs EvidenceCommands where the session is and appends their outputs to dst.
func (s *session) evidence(dst *[]Output) error {
	for _, cmd := range EvidenceCommands(s.sipPorts()) {
		out, err := s.evidenceCommand(cmd)
		if err != nil {
			return err
		}
		*dst = append(*dst, out)
	}
	return nil
}

// packetTracer runs the packet-tracer commands Options.PacketTracer gives for config,
// where the session is, and appends their outputs to dst. A command the allowlist
// refuses is a refusal of that command alone: it is never sent.
func (s *session) packetTracer(config []byte, dst *[]Output) error {
	if s.o.PacketTracer == nil {
		return nil
	}
	for _, cmd := range s.o.PacketTracer(s.name, config, s.r.Version) {
		if err := Allowed(cmd); err != nil {
			*dst = append(*dst, Output{Prompt: s.lastPrompt, Command: cmd, Err: &Error{Target: s.name, Kind: ErrNotAllowed, Msg: s.inCtx(err.Error())}})
			continue
		}
		out, err := s.evidenceCommand(cmd)
		if err != nil {
			return err
		}
		*dst = append(*dst, out)
	}
	return nil
}

// evidenceCommand runs cmd; a refusal by the device is kept in Output.Err, and only an
// error that ends the session is returned.
func (s *session) evidenceCommand(cmd string) (Output, error) {
	out := Output{Prompt: s.lastPrompt, Command: cmd}
	text, err := s.command(cmd)
	out.Text = text
	if err != nil {
		if !errors.Is(err, ErrCommand) {
			return out, err
		}
		out.Err = err
	}
	return out, nil
}

// contexts lists the security contexts from the system execution space (where "show
// context" lists them all) and collects each. A user who may not leave the context they
// logged in to gets that one context, which is what "show context" lists there.
func (s *session) contexts() error {
	login := contextOf(s.base)
	if err := s.changeto("changeto system"); err != nil && !errors.Is(err, ErrCommand) {
		return err
	}
	out, err := s.evidenceCommand("show context")
	if err != nil {
		return err
	}
	s.r.Evidence = append(s.r.Evidence, out)
	var names []string
	if out.Err == nil {
		for _, c := range evidence.ParseOutput(s.name+" show context", out.Command, out.Text).Contexts {
			if !slices.Contains(names, c.Name) {
				names = append(names, c.Name)
			}
		}
	}
	if len(names) == 0 {
		if login == "" {
			return s.errorf(ErrUnexpected, "the firewall is in multiple-context mode but \"show context\" listed no context")
		}
		names = []string{login}
	}
	for _, name := range names {
		c, err := s.context(name)
		s.r.Contexts = append(s.r.Contexts, c)
		if err != nil {
			return err
		}
	}
	return nil
}

// context changes to context name and collects its configuration and evidence. A refusal
// (by the device, or of a context name the allowlist does not take) is the context's Err;
// only an error that ends the session is returned.
func (s *session) context(name string) (ContextResult, error) {
	c := ContextResult{Name: name, Target: s.name + "/" + name}
	s.inContext = name
	defer func() { s.inContext = "" }()
	fail := func(err error) (ContextResult, error) {
		if errors.Is(err, ErrCommand) || errors.Is(err, ErrNotAllowed) {
			c.Err = err
			return c, nil
		}
		return c, err
	}
	if err := s.changeto("changeto context " + name); err != nil {
		return fail(err)
	}
	// The pager setting may come from the context's configuration: off again.
	if _, err := s.command("terminal pager 0"); err != nil {
		return fail(err)
	}
	cfg, err := s.command("show running-config")
	if err != nil {
		return fail(err)
	}
	c.Config = []byte(cfg)
	if s.o.Evidence {
		if err := s.evidence(&c.Evidence); err != nil {
			return c, err
		}
	}
	return c, s.packetTracer(c.Config, &c.Evidence)
}

// changeto sends "changeto system" or "changeto context NAME" and follows the prompt to
// where it leads ("fw1#", "fw1/voice#").
func (s *session) changeto(cmd string) error {
	// The prompt changes, so any prompt ends the command, not only one that starts with the
	// current base.
	buf, _, err := s.send(cmd, fmt.Sprintf("%q", cmd), func(last string, _ []byte) int {
		if s.levelAt(last, "") != "" {
			return 0
		}
		return -1
	})
	if err != nil {
		return err
	}
	if msg := s.failedLine(output(buf, cmd)); msg != "" {
		return s.errorf(ErrCommand, "%q failed on the device: %s", cmd, msg)
	}
	base := promptBase(s.lastPrompt)
	// A prompt that shows the context ("prompt hostname context", the default in multiple
	// context mode) must show the one asked for.
	if f := strings.Fields(cmd); len(f) == 3 && strings.Contains(base, "/") && !slices.Contains(strings.Split(base, "/")[1:], f[2]) {
		return s.errorf(ErrUnexpected, "after %q the prompt is %q; stopping", cmd, s.lastPrompt)
	}
	s.base = base
	s.lastLevel = s.level(s.lastPrompt) // readUntil judged it by the old base
	switch s.lastLevel {
	case levelPriv:
		return nil
	case levelExec:
		return s.acquirePriv()
	}
	return s.errorf(ErrUnexpected, "after %q the device is in configuration mode; stopping", cmd)
}

// contextOf is the context a prompt base shows: "fw1/admin" -> "admin", "fw1" -> "".
func contextOf(base string) string {
	if f := strings.Split(base, "/"); len(f) > 1 {
		return f[1]
	}
	return ""
}
