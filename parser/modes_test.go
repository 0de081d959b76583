package parser

import (
	"slices"
	"testing"
)

// submodeOnly is a switch for speed; it must stay the set the vocabulary defines: the
// commands of the audited sub-modes that global configuration does not have.
func TestSubmodeOnly(t *testing.T) {
	var want []string
	for _, m := range []map[string]bool{ClassMapCommands, PolicyMapCommands, InspectPolicyMapCommands, ClassCommands} {
		for w := range m {
			if !IsGlobalCommand(w) && w != "description" && w != "rename" && !slices.Contains(want, w) {
				want = append(want, w)
			}
		}
	}
	for _, w := range want {
		if !submodeOnly(w) {
			t.Errorf("submodeOnly(%q) = false; the vocabulary makes it a sub-mode-only command", w)
		}
	}
	for _, w := range []string{"class", "description", "access-list", "timeout", "flow-export", "nameif"} {
		if submodeOnly(w) {
			t.Errorf("submodeOnly(%q) = true", w)
		}
	}
}
