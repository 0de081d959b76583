package cli_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/asaaudit/asaaudit/internal/cli"
	"github.com/asaaudit/asaaudit/internal/corpus"
)

// FuzzCheck runs the whole check (parser, model, rules, both output formats, without and
// with the path rules) and trace on arbitrary input from standard input: no panic, exit 0,
// 1 or 2, one stderr line exactly when the exit is 2, and JSON that parses.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob("../../fixtures/*.txt")
	paths, _ := filepath.Glob("../../fixtures/paths/*.txt")
	for _, path := range append(append(files, paths...), corpus.ASA(f)...) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var codes []int
		pathArgs := []string{"--clients", "10.200.41.0/24", "--provider", "204.11.192.22"}
		for _, args := range [][]string{
			{"check", "--config", os.DevNull, "--keepalive", "30s", "--sip-port", "udp/5080", "--sip-port", "5060", "--format", "text", "-"},
			{"check", "--config", os.DevNull, "--keepalive", "30s", "--sip-port", "udp/5080", "--sip-port", "5060", "--format", "json", "-"},
			append([]string{"check", "--config", os.DevNull, "--sip-port", "udp/5080", "--format", "json"}, append(pathArgs, "-")...),
			{"trace", "--from", "10.200.41.89", "--to", "204.11.192.22", "--port", "udp/5080", "--format", "json", "-"},
		} {
			format := args[slices.Index(args, "--format")+1]
			var out, errOut bytes.Buffer
			s := &cli.IOStreams{In: bytes.NewReader(data), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
			code := cli.Main(args, s)
			codes = append(codes, code)
			switch {
			case code < 0 || code > 2:
				t.Fatalf("exit %d", code)
			case code == 2 && (strings.Count(errOut.String(), "\n") != 1 || !strings.HasPrefix(errOut.String(), "asaaudit: <stdin>: ")):
				t.Fatalf("exit 2 with stderr %q", errOut.String())
			case code != 2 && errOut.Len() != 0:
				t.Fatalf("exit %d with stderr %q", code, errOut.String())
			}
			// trace writes nothing for an input it cannot read.
			if format == "json" && !(args[0] == "trace" && code == 2) && !json.Valid(out.Bytes()) {
				t.Fatalf("invalid JSON: %s", out.String())
			}
		}
		if codes[0] != codes[1] {
			t.Fatalf("exit %d with text, %d with json", codes[0], codes[1])
		}
		if (codes[0] == 2) != (codes[2] == 2) || (codes[0] == 2) != (codes[3] == 2) {
			t.Fatalf("exit codes %v: an input check cannot read, trace and the path rules cannot either", codes)
		}
	})
}

// Main keeps nothing from one call to the next: 1000 runs of check grow the heap by less
// than 1 KB each (cobra's process-wide map of flag completion functions kept every command
// tree, 18 KB a call, when the tree registered them), so fuzz workers stay small.
func TestMainHeapFlat(t *testing.T) {
	config, err := os.ReadFile("../../fixtures/seed-policy.txt")
	if err != nil {
		t.Fatal(err)
	}
	run := func() {
		s := &cli.IOStreams{In: bytes.NewReader(config), Out: io.Discard, ErrOut: io.Discard, Getenv: func(string) string { return "" }}
		if code := cli.Main([]string{"check", "--config", os.DevNull, "--sip-port", "udp/5080", "--format", "json", "-"}, s); code != 1 {
			t.Fatalf("exit %d, want 1 (the sample has findings)", code)
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for range 100 { // lazily built tables and caches settle first
		run()
	}
	const calls = 1000
	before := heap()
	for range calls {
		run()
	}
	grown := int64(heap()) - int64(before)
	t.Logf("%d Main calls: heap %+d bytes", calls, grown)
	if grown > calls*1024 {
		t.Errorf("%d Main calls grew the heap by %d KB (%d bytes a call): does a command call RegisterFlagCompletionFunc while the tree is built? List its flags in flagCompletions (root.go) instead", calls, grown>>10, grown/calls)
	}
}

// Flag values still complete in the shell: the functions are registered for __complete,
// and only then (registered, they are kept for ever with the tree).
func TestFlagCompletions(t *testing.T) {
	root := cli.NewRoot(&cli.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard, Getenv: func(string) string { return "" }})
	for _, c := range root.Commands() {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if _, ok := c.GetFlagCompletionFunc(f.Name); ok {
				t.Errorf("%s --%s: completion registered while the tree is built; list it in flagCompletions (root.go)", c.Name(), f.Name)
			}
		})
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--format", ""}, "sarif"},
		{[]string{"check", "--fail-on", ""}, "never"},
		{[]string{"check", "--disable", "RUN00"}, "RUN001"},
		{[]string{"check", "--sip-port", ""}, "udp/5080"},
		{[]string{"live", "--format", ""}, "junit"},
		{[]string{"live", "--sip-port", ""}, "tcp/5060"},
		{[]string{"diff", "--fail-on", ""}, "error"},
		{[]string{"diff", "--disable", "SIP00"}, "SIP001"},
		{[]string{"trace", "--format", ""}, "json"},
		{[]string{"trace", "--port", ""}, "udp/5080"},
	} {
		var out bytes.Buffer
		s := &cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: io.Discard, Getenv: func(string) string { return "" }}
		cli.Main(append([]string{"__complete"}, tt.args...), s)
		if lines := strings.Split(out.String(), "\n"); !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, tt.want) }) {
			t.Errorf("__complete %q:\n%s\nwant %s among the completions", tt.args, out.String(), tt.want)
		}
	}
}
