package parser

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseLine runs the change-script line reader in every mode: no panic, and an error
// is a *LineError on the line asked for, inside the text.
func FuzzParseLine(f *testing.F) {
	seen := map[string]bool{}
	seeds(f, func(data []byte) {
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimRight(l, " \r"); l != "" && !seen[l] {
				seen[l] = true
				f.Add(l)
				f.Add("no " + strings.TrimSpace(l))
			}
		}
	})
	f.Fuzz(func(t *testing.T, text string) {
		if strings.ContainsAny(text, "\n") {
			return
		}
		for m := GlobalMode; m <= InspectSubMode; m++ {
			_, err := ParseLine(m, "f", 3, text)
			var le *LineError
			switch {
			case err == nil:
			case !errors.As(err, &le):
				t.Fatalf("%s: %T error %v", m, err, err)
			case le.Pos.Line != 3 || le.Pos.Filename != "f" || le.Pos.Column < 1 || le.Pos.Column > len(text)+1:
				t.Fatalf("%s: error at %v, outside the line (%d bytes): %v", m, le.Pos, len(text), err)
			}
		}
	})
}
