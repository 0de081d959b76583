package collect

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/asasim"
)

// promptAt returns a running-config in which a line that is exactly the prompt "fw1#" ends
// at byte end of the output on the wire (CRLF line ends): the emulator sends output in
// 512-byte chunks, so with end a multiple of 512 a read can end on it, as if it were the
// prompt that ends the command.
func promptAt(t *testing.T, end int) string {
	t.Helper()
	var b strings.Builder
	const line = "! padding to put the prompt-like line at a chunk boundary\n"
	wire := func(s string) int { return len(s) + strings.Count(s, "\n") }
	for wire(b.String()+line)+len("fw1#") <= end {
		b.WriteString(line)
	}
	if rest := end - wire(b.String()) - len("fw1#"); rest > 0 {
		b.WriteString("!" + strings.Repeat("x", rest-3) + "\n")
	}
	b.WriteString("fw1#")
	if wire(b.String()) != end {
		t.Fatalf("prompt-like line ends at byte %d, want %d", wire(b.String()), end)
	}
	return b.String() + "\n" + tail
}

// tail is the rest of the configuration: a few chunks, so that the slow emulator sends it
// in well under a second.
var tail = strings.Repeat("access-list outside_in extended permit udp any host 203.0.113.7 eq sip \n", 20) +
	"policy-map global_policy\n class inspection_default\n  inspect sip  \n!\nservice-policy global_policy global\n: end\n"

// A line of the output that looks exactly like the prompt, followed by a pause shorter
// than those already seen in the output, does not end it: the whole configuration is
// collected, and a warning says what was read past.
func TestCollectPromptLineInOutput(t *testing.T) {
	config := promptAt(t, 3*512)
	f := newFixture(t, func(o *asasim.Options) {
		o.Device.Config = config
		o.Faults.SlowOutput = 100 * time.Millisecond
	})
	r := Collect(context.Background(), f.target, f.opts)
	checkHygiene(t, f, r)
	if r.Err != nil {
		t.Fatalf("Err = %v", r.Err)
	}
	if string(r.Config) != config {
		t.Fatalf("Config is %d bytes, want %d: collection ended at the line that looks like the prompt (first difference: %s)", len(r.Config), len(config), firstDiff(string(r.Config), config))
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], `"show running-config": line `) || !strings.Contains(r.Warnings[0], `looks exactly like the prompt ("fw1#")`) {
		t.Errorf("Warnings = %q, want one naming the command and the prompt-like line", r.Warnings)
	}
}

// When the pause after a prompt-like line is longer than any seen before it, collection
// cannot tell it from the prompt at once; the output that follows is then detected when
// the next command is typed, and the host fails instead of being audited on a cut
// configuration.
func TestCollectPromptLineThenLongPause(t *testing.T) {
	config := promptAt(t, 512)
	f := newFixture(t, func(o *asasim.Options) {
		o.Device.Config = config
		o.Device.Outputs = map[string]string{"show clock": "12:00:00.000 UTC Fri Nov 27 2026\n"}
		o.Faults.SlowOutput = 300 * time.Millisecond
	})
	o := f.opts
	o.Commands = []string{"show clock"}
	r := Collect(context.Background(), f.target, o)
	checkHygiene(t, f, r)
	if !errors.Is(r.Err, ErrUnexpected) || !strings.Contains(r.Err.Error(), "looks exactly like the prompt") || !strings.Contains(r.Err.Error(), "incomplete") {
		t.Fatalf("Err = %v, want ErrUnexpected saying the output went on after a prompt-like line", r.Err)
	}
	if r.Outputs["show clock"] != "" {
		t.Errorf("show clock output %q: the rest of the configuration must not be taken for it", r.Outputs["show clock"])
	}
}
