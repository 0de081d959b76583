package evidence

import (
	"regexp"
	"sync"
)

// lazyRE compiles on first use: every asaaudit command links this package, and most
// never read evidence, so compiling at start-up would slow them all.
type lazyRE struct {
	once sync.Once
	src  string
	re   *regexp.Regexp
}

func lazyRegexp(src string) *lazyRE { return &lazyRE{src: src} }

func (l *lazyRE) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.src) })
	return l.re
}
