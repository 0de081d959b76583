// Package cli holds asaaudit's cobra commands. Commands only turn flags into options, call
// the library packages and render; tests run them in-process with buffers.
package cli

import (
	"io"
	"os"

	"golang.org/x/term"

	"github.com/asaaudit/asaaudit/internal/gcstart"
)

// IOStreams is where a command reads and writes, injected so that tests can capture it.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// OutTTY and ErrTTY say whether Out and ErrOut are terminals.
	OutTTY, ErrTTY bool
	// InTTY says whether In is a terminal (password prompts need one).
	InTTY bool
	// Getenv reads the environment.
	Getenv func(string) string
	// Lookup reads the environment and says whether a variable is set (optional).
	Lookup func(string) (string, bool)
	// DeferGC, when set, is called by the commands that audit configurations (check,
	// trace, diff) before they read them: the process puts off its first garbage
	// collection (gcstart), which pays there and not in the commands that stream
	// captures or talk to devices. Nil in the tests, which run commands in-process.
	DeferGC func()
}

// System returns the process's standard streams.
func System() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		OutTTY:  term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY:  term.IsTerminal(int(os.Stderr.Fd())),
		InTTY:   term.IsTerminal(int(os.Stdin.Fd())),
		Getenv:  os.Getenv,
		Lookup:  os.LookupEnv,
		DeferGC: func() { gcstart.Defer(gcstart.Limit) },
	}
}

// deferGC calls DeferGC, when set.
func (s *IOStreams) deferGC() {
	if s.DeferGC != nil {
		s.DeferGC()
	}
}

// lookup reads an environment variable and whether it is set.
func (s *IOStreams) lookup(k string) (string, bool) {
	if s.Lookup != nil {
		return s.Lookup(k)
	}
	v := s.Getenv(k)
	return v, v != ""
}

// Color reports whether output to stdout may be coloured: a terminal, and NO_COLOR not
// set to a non-empty value (https://no-color.org).
func (s *IOStreams) Color() bool {
	return s.OutTTY && s.Getenv("NO_COLOR") == ""
}
