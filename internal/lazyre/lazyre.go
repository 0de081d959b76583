// Package lazyre holds regular expressions compiled on first use. Every asaaudit command
// links the packages that declare them (collect, evidence), and most commands never use them,
// so compiling at start-up would slow every command down.
package lazyre

import (
	"regexp"
	"sync"
)

// RE is a regular expression compiled the first time Get is called.
type RE struct {
	once sync.Once
	src  string
	re   *regexp.Regexp
}

// New returns src, to be compiled on first use; it panics then if src is invalid, like
// regexp.MustCompile (the tests of the declaring package use every expression).
func New(src string) *RE { return &RE{src: src} }

// Get returns the compiled expression.
func (l *RE) Get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.src) })
	return l.re
}
