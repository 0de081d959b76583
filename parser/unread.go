package parser

import (
	"maps"
	"slices"
)

// MaxUnreadKept bounds the lines kept by section in Unreadable: a file of garbage has as
// many as it has lines, and what is said of them names ten.
const MaxUnreadKept = 1000

// Unreadable holds, by section ("interface", "route", "nat"...), the file lines that
// could not be read (PARSE001) and were passed over: the path evaluation says its verdict
// may depend on them. Each line is kept once, at most MaxUnreadKept a section.
type Unreadable struct {
	lines map[string]map[int]bool
	more  map[string]bool
}

// Add keeps line num of section kind.
func (u *Unreadable) Add(kind string, num int) {
	if u.lines == nil {
		u.lines, u.more = map[string]map[int]bool{}, map[string]bool{}
	}
	set := u.lines[kind]
	if set == nil {
		set = map[int]bool{}
		u.lines[kind] = set
	}
	if len(set) < MaxUnreadKept || set[num] {
		set[num] = true
	} else {
		u.more[kind] = true
	}
}

// Lines returns the lines kept of section kind, in file order; more says there were more.
func (u *Unreadable) Lines(kind string) (lines []int, more bool) {
	return slices.Sorted(maps.Keys(u.lines[kind])), u.more[kind]
}
