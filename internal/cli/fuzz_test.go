package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/internal/cli"
)

// FuzzCheck runs the whole check (parser, model, rules, both output formats) on arbitrary
// input from standard input: no panic, exit 0, 1 or 2, one stderr line exactly when the
// exit is 2, and JSON that parses.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob("../../fixtures/*.txt")
	corpus, _ := filepath.Glob("../../../shared/corpus/asa/*.txt")
	for _, path := range append(files, corpus...) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var codes []int
		for _, format := range []string{"text", "json"} {
			var out, errOut bytes.Buffer
			s := &cli.IOStreams{In: bytes.NewReader(data), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
			code := cli.Main([]string{"check", "--keepalive", "30s", "--sip-port", "udp/5080", "--sip-port", "5060", "--format", format, "-"}, s)
			codes = append(codes, code)
			switch {
			case code < 0 || code > 2:
				t.Fatalf("exit %d", code)
			case code == 2 && (strings.Count(errOut.String(), "\n") != 1 || !strings.HasPrefix(errOut.String(), "asaaudit: <stdin>: ")):
				t.Fatalf("exit 2 with stderr %q", errOut.String())
			case code != 2 && errOut.Len() != 0:
				t.Fatalf("exit %d with stderr %q", code, errOut.String())
			}
			if format == "json" && !json.Valid(out.Bytes()) {
				t.Fatalf("invalid JSON: %s", out.String())
			}
		}
		if codes[0] != codes[1] {
			t.Fatalf("exit %d with text, %d with json", codes[0], codes[1])
		}
	})
}
