// Package change reads configuration-mode change scripts (the commands an engineer pastes
// after "configure terminal") and applies them to a parsed configuration the way the ASA
// would, so that the audit can tell what a change does before anyone makes it.
package change

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/asaaudit/asaaudit/internal/input"
	"github.com/asaaudit/asaaudit/parser"
)

// ErrNotScript is wrapped by the error Read returns for input that is not
// configuration-mode text.
var ErrNotScript = errors.New("not a configuration-mode change script")

// Script is a change script: its command lines, in order.
type Script struct {
	File     string
	Commands []Command
}

// Command is one command line of a script.
type Command struct {
	Line   int
	Indent int    // the number of blanks before the first word
	Text   string // the line, normalised: no line ending, terminal artefacts or trailing blanks
	Words  []string
}

// ReadFile reads the script in path.
func ReadFile(path string) (*Script, error) {
	f, err := input.Open(path, "a change script")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads a change script from r; name is used in positions and messages. Blank lines
// and "!" comments are dropped. The error names the file and the first line that shows
// the input is something else: binary data, JSON, a saved running-config, a terminal
// capture (prompts), or command output.
func Read(r io.Reader, name string) (*Script, error) {
	s := parser.NewScanner(r)
	if err := sniff(s.Head(512)); err != nil {
		return nil, fmt.Errorf("%s:1: %w", name, err)
	}
	sc := &Script{File: name}
	for s.Scan() {
		num, b := s.Line()
		if s.Binary() {
			return nil, fmt.Errorf("%s:%d: binary data (NUL bytes): %w", name, num, ErrNotScript)
		}
		if s.Truncated() {
			return nil, fmt.Errorf("%s:%d: a line longer than 64 KiB: %w", name, num, ErrNotScript)
		}
		text := string(b)
		words := strings.Fields(text)
		if len(words) == 0 || strings.HasPrefix(words[0], "!") {
			continue
		}
		if err := commandLike(text, words); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, num, err)
		}
		indent := len(text) - len(strings.TrimLeft(text, " \t"))
		sc.Commands = append(sc.Commands, Command{Line: num, Indent: indent, Text: text, Words: words})
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return sc, nil
}

// sniff rejects inputs that are recognisably something else, from their first bytes.
func sniff(first []byte) error {
	t := bytes.TrimSpace(bytes.TrimPrefix(first, []byte("\xef\xbb\xbf")))
	switch {
	case bytes.HasPrefix(first, []byte{0x1f, 0x8b}), bytes.HasPrefix(first, []byte("PK\x03\x04")):
		return fmt.Errorf("compressed data: %w", ErrNotScript)
	case len(t) > 0 && (t[0] == '{' || t[0] == '['):
		return fmt.Errorf("JSON: %w", ErrNotScript)
	case parser.BinaryStream(first):
		return fmt.Errorf("binary data (NUL bytes): %w", ErrNotScript)
	case parser.CROnly(first):
		return fmt.Errorf("%w: %w", parser.CROnlyError(), ErrNotScript)
	}
	return nil
}

// commandLike tells configuration commands from the other text people paste: the lines
// of a saved running-config, CLI prompts and command output. ASA commands start with a
// lowercase keyword; output lines start with capitals, numbers or "Label:".
func commandLike(text string, words []string) error {
	w := words[0]
	switch {
	case strings.HasPrefix(w, ":") || strings.HasPrefix(text, "ASA Version ") || strings.HasPrefix(w, "Cryptochecksum:"):
		return fmt.Errorf("%q belongs to a saved running-config, not a change script (to compare two configurations use asaaudit diff BEFORE AFTER): %w", text, ErrNotScript)
	case len(w) > 1 && (strings.HasSuffix(w, "#") || strings.HasSuffix(w, ">") || strings.Contains(w, "#")):
		return fmt.Errorf("%q starts with a CLI prompt: keep only the commands, not a terminal capture: %w", text, ErrNotScript)
	}
	for i, c := range w {
		letter := c >= 'a' && c <= 'z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '-' || c == '_')) {
			return fmt.Errorf("%q is not a configuration command (it looks like command output or prose): %w", strings.TrimSpace(text), ErrNotScript)
		}
	}
	return nil
}
