package names

import (
	"strings"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"kitten", "sitting", 3}, {"global_policy", "global-policy", 1}, {"same", "same", 0}} {
		if got := Distance(tt.a, tt.b); got != tt.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	fold := func(s string) string { return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(s)) }
	cands := []string{"global_policy", "outside-policy"}
	for _, tt := range []struct {
		want  string
		norm  func(string) string
		found string
	}{
		{"Global-Policy", fold, "global_policy"},
		{"global-polcy", nil, "global_policy"},
		{"inside", nil, ""},
		{"outside_policy", nil, "outside-policy"},
	} {
		if got := Closest(tt.want, cands, 2, tt.norm); got != tt.found {
			t.Errorf("Closest(%q) = %q, want %q", tt.want, got, tt.found)
		}
	}
}
