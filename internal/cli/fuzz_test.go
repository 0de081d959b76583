package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/internal/cli"
)

// FuzzCheck runs the whole check (parser, model, rules, both output formats, without and
// with the path rules) and trace on arbitrary input from standard input: no panic, exit 0,
// 1 or 2, one stderr line exactly when the exit is 2, and JSON that parses.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob("../../fixtures/*.txt")
	paths, _ := filepath.Glob("../../fixtures/paths/*.txt")
	corpus, _ := filepath.Glob("../../../shared/corpus/asa/*.txt")
	for _, path := range append(append(files, paths...), corpus...) {
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
