package collect

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/asaaudit/asaaudit/internal/lazyre"
)

// ErrNotAllowed is wrapped by every refusal from Allowed.
var ErrNotAllowed = errors.New("command not allowed")

// maxCommandLen bounds what may be typed at the device in one line.
const maxCommandLen = 512

var contextNameRe = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$`)

// captureNameRe is the name of a capture ("capture NAME ..." on the ASA).
var captureNameRe = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$`)

// pipeFilters are the output filters that may follow "show ... |". Anything else (redirect,
// append, tee, ...) can write files on the device and is refused.
var pipeFilters = map[string]bool{
	"include": true,
	"exclude": true,
	"begin":   true,
	"grep":    true,
}

// Allowed is the single read-only allowlist of this package. Every line the package types at a
// firewall is checked here first (see session.send); a refused command is never sent.
//
// Allowed are:
//   - "show ..." (the full keyword "show" followed by at least one word; show commands are
//     read-only on the ASA). An output pipe is allowed only with the filters include, exclude,
//     begin and grep, never redirect/append/tee, which write files. Of "show capture" only
//     "show capture NAME dump" (reading an existing capture);
//   - "terminal pager 0" and "terminal pager lines 0";
//   - "enable" (the enable secret is answered separately and only at a Password: prompt);
//   - "changeto context NAME" and "changeto system" (multiple-context mode);
//   - "packet-tracer input IF udp|tcp SRC SPORT DST DPORT [detailed] [xml]" exactly: an
//     interface name, two IP addresses and two port numbers (no names, no host names, no
//     other option). packet-tracer simulates a packet against the running configuration
//     in privileged EXEC and changes nothing;
//   - "" — a bare Enter, which only redraws the prompt.
//
// Keywords are matched case-insensitively; runs of blanks count as one. Control characters,
// abbreviations ("sh run") and anything else are refused with an error that says why.
func Allowed(cmd string) error {
	if len(cmd) > maxCommandLen {
		return fmt.Errorf("%w: %q is longer than %d characters", ErrNotAllowed, truncate(cmd, 40), maxCommandLen)
	}
	for _, r := range cmd {
		if r < 0x20 || r == 0x7f {
			// A newline or ^Z inside a "show" could smuggle a second command.
			return fmt.Errorf("%w: %q contains a control character", ErrNotAllowed, cmd)
		}
		if r > 0x7e {
			return fmt.Errorf("%w: %q contains a non-ASCII character", ErrNotAllowed, cmd)
		}
	}
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return nil // bare Enter
	}
	kw := strings.ToLower(f[0])
	switch kw {
	case "show":
		if len(f) < 2 {
			return fmt.Errorf("%w: %q: show needs an argument", ErrNotAllowed, cmd)
		}
		if f[1] == "|" || strings.HasPrefix(f[1], "|") {
			return fmt.Errorf("%w: %q: show needs an argument before the pipe", ErrNotAllowed, cmd)
		}
		if strings.EqualFold(f[1], "capture") && !(len(f) == 4 && captureNameRe.Get().MatchString(f[2]) && strings.EqualFold(f[3], "dump")) {
			return fmt.Errorf("%w: %q: only \"show capture NAME dump\" is allowed (an existing capture, read)", ErrNotAllowed, cmd)
		}
		return checkPipes(cmd)
	case "terminal":
		if eqFold(f, "terminal", "pager", "0") || eqFold(f, "terminal", "pager", "lines", "0") {
			return nil
		}
		return fmt.Errorf("%w: %q: only \"terminal pager 0\" and \"terminal pager lines 0\" are allowed", ErrNotAllowed, cmd)
	case "enable":
		if len(f) == 1 {
			return nil
		}
		return fmt.Errorf("%w: %q: only a bare \"enable\" is allowed", ErrNotAllowed, cmd)
	case "packet-tracer":
		return packetTracer(cmd, f)
	case "changeto":
		if eqFold(f, "changeto", "system") {
			return nil
		}
		if len(f) == 3 && strings.EqualFold(f[1], "context") && contextNameRe.Get().MatchString(f[2]) {
			return nil
		}
		return fmt.Errorf("%w: %q: only \"changeto system\" and \"changeto context NAME\" are allowed", ErrNotAllowed, cmd)
	}
	if isAbbrev(kw, "show") {
		return fmt.Errorf("%w: %q: write the keyword in full (\"show ...\")", ErrNotAllowed, cmd)
	}
	return fmt.Errorf("%w: %q: only show commands (and terminal pager 0, enable, changeto, packet-tracer input) may be sent", ErrNotAllowed, cmd)
}

// ifNameRe is an interface name (nameif) as packet-tracer takes it.
var ifNameRe = lazyre.New(`^[A-Za-z][A-Za-z0-9_.\-]{0,47}$`)

// packetTracer allows the one packet-tracer shape asaaudit sends, and nothing looser.
func packetTracer(cmd string, f []string) error {
	refuse := func(why string) error {
		return fmt.Errorf("%w: %q: %s (only \"packet-tracer input IF udp|tcp SRC SPORT DST DPORT [detailed] [xml]\" is allowed)", ErrNotAllowed, cmd, why)
	}
	if len(f) < 8 || len(f) > 10 {
		return refuse("wrong number of words")
	}
	if !strings.EqualFold(f[1], "input") || !ifNameRe.Get().MatchString(f[2]) || strings.EqualFold(f[2], "pcap") {
		return refuse("want input and an interface name")
	}
	if p := strings.ToLower(f[3]); p != "udp" && p != "tcp" {
		return refuse("protocol must be udp or tcp")
	}
	for _, i := range []int{4, 6} {
		a, err := netip.ParseAddr(f[i])
		if err != nil || a.Zone() != "" || a.String() != f[i] && a.StringExpanded() != f[i] {
			return refuse(fmt.Sprintf("%q is not an IP address", f[i]))
		}
	}
	for _, i := range []int{5, 7} {
		n, err := strconv.Atoi(f[i])
		if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != f[i] {
			return refuse(fmt.Sprintf("%q is not a port number", f[i]))
		}
	}
	rest := f[8:]
	if len(rest) > 0 && strings.EqualFold(rest[0], "detailed") {
		rest = rest[1:]
	}
	if len(rest) > 0 && strings.EqualFold(rest[0], "xml") {
		rest = rest[1:]
	}
	if len(rest) > 0 {
		return refuse("unexpected words after the ports")
	}
	return nil
}

// checkPipes allows "show X | include Y | exclude Z" but nothing that writes.
func checkPipes(cmd string) error {
	parts := strings.Split(cmd, "|")
	for _, p := range parts[1:] {
		pf := strings.Fields(p)
		if len(pf) == 0 {
			return fmt.Errorf("%w: %q: empty pipe", ErrNotAllowed, cmd)
		}
		if !pipeFilters[strings.ToLower(pf[0])] {
			return fmt.Errorf("%w: %q: output pipe %q is not allowed (only include, exclude, begin, grep)", ErrNotAllowed, cmd, pf[0])
		}
		if len(pf) < 2 {
			return fmt.Errorf("%w: %q: pipe %q needs a pattern", ErrNotAllowed, cmd, pf[0])
		}
	}
	return nil
}

func eqFold(f []string, want ...string) bool {
	if len(f) != len(want) {
		return false
	}
	for i := range f {
		if !strings.EqualFold(f[i], want[i]) {
			return false
		}
	}
	return true
}

func isAbbrev(s, full string) bool {
	return len(s) >= 2 && len(s) < len(full) && strings.HasPrefix(full, s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
