package collect

import (
	"errors"
	"fmt"
	"strings"

	"github.com/asaaudit/asaaudit/internal/lazyre"
)

// ErrNotAllowed is wrapped by every refusal from Allowed.
var ErrNotAllowed = errors.New("command not allowed")

// maxCommandLen bounds what may be typed at the device in one line.
const maxCommandLen = 512

var contextNameRe = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$`)

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
//     begin and grep, never redirect/append/tee, which write files;
//   - "terminal pager 0" and "terminal pager lines 0";
//   - "enable" (the enable secret is answered separately and only at a Password: prompt);
//   - "changeto context NAME" and "changeto system" (multiple-context mode);
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
	return fmt.Errorf("%w: %q: only show commands (and terminal pager 0, enable, changeto) may be sent", ErrNotAllowed, cmd)
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
