package parser

import (
	"bytes"
	"fmt"
	"io"
	"slices"
)

// MatchACLs returns the access-lists that "match access-list" lines of the class-maps
// name and that the configuration defines (Config.ACLNames), each once, in file order.
func (c *Config) MatchACLs() []string {
	var out []string
	for _, cm := range c.ClassMaps {
		for _, m := range cm.Matches {
			if m.AccessList != "" && c.ACLNames[m.AccessList] && !slices.Contains(out, m.AccessList) {
				out = append(out, m.AccessList)
			}
		}
	}
	return out
}

// ReadACLs is a second pass over the input of cfg, parsed without Options.Paths: it keeps
// the lines of the access-lists names, the object and object-group blocks and the name
// lines (what the entries may use) in Config.ACLs, as Options.Paths would, with the same
// positions. Nothing else is read, and nothing past ": end". r must be the input from its
// start; when it can be read again (a regular file, a bytes.Reader), the lines kept are read
// back from it when they are asked for, so it must stay open and unchanged while the
// Config is used (Config.ReadBackErr).
func ReadACLs(r io.Reader, cfg *Config, names []string) error {
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	// Its lines are read back from r when they are asked for, as the first pass's are
	// (Options.ReadBack), when r can be read again; else they are kept in memory.
	ps := newPaths(cfg, newSource(r, cfg.File))
	// Lines the first pass did not audit are not reported: the scratch Config takes the
	// diagnostics of this pass; the deferred lines report to cfg when they are read.
	p := &state{cfg: &Config{File: cfg.File}, paths: ps}
	s := NewScanner(r)
	s.StripConfigPrompts()
	for s.Scan() && !p.ended {
		num, text := s.Line()
		if s.Binary() {
			return fmt.Errorf("%s: line %d: binary data (NUL bytes): %w", cfg.File, num, ErrNotASA)
		}
		if s.PromptMode() == "config" {
			p.modes.reset()
		}
		p.lineText = text
		p.lineOff, p.verbatim = s.Verbatim()
		p.aclLine(num, text, s.Truncated(), s.MayHoldPrompt(), want)
	}
	if err := s.Err(); err != nil {
		return fmt.Errorf("read %s: %w", cfg.File, err)
	}
	cfg.ACLs = ps
	return nil
}

// aclLine is line for ReadACLs.
func (p *state) aclLine(num int, text []byte, truncated, hash bool, want map[string]bool) {
	indent, depth, _, _ := p.place(text, hash)
	switch {
	case depth < 0:
		return
	case depth > 0:
		if p.kind == blockObject {
			p.objectChild(num, text, indent, truncated)
		}
		return
	}
	text = text[indent:]
	p.kind = blockNone
	word := firstWord(text)
	switch string(word) {
	case ":":
		p.ended = bytes.Equal(bytes.TrimSpace(text[1:]), []byte("end"))
	case "access-list":
		if want[string(firstWord(skipBlanks(text[len(word):])))] {
			p.deferACL(num, text, truncated)
		}
	case "object", "object-group", "name":
		p.pathTop(word, num, text, truncated)
	}
}
