package cli

import (
	"strings"
	"testing"
)

// --max-output bounds one command's output; zero or less is a usage error naming the flag,
// before any firewall is contacted.
func TestMaxOutputFlag(t *testing.T) {
	for _, v := range []string{"0", "-5"} {
		r := runCLI(t, "", nil, false, "live", "--host", "127.0.0.1", "--port", "1", "--user", "u", "--max-output", v)
		if r.code != 2 || !strings.Contains(r.err, "--max-output "+v) {
			t.Errorf("--max-output %s: exit %d, stderr %q; want exit 2 naming the flag", v, r.code, r.err)
		}
	}
}
