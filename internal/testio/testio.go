// Package testio holds the readers the tests of several packages feed to the code that
// must not read without a bound: /dev/zero, /dev/urandom, a device that floods output.
package testio

// Endless is an input that never ends: Chunk repeated for ever. N counts the bytes read,
// so that a test can show how far a reader went before it gave up.
type Endless struct {
	Chunk []byte
	N     int64
}

// Read fills p with Chunk, repeated from its start, and never returns an error.
func (e *Endless) Read(p []byte) (int, error) {
	for n := 0; n < len(p); {
		n += copy(p[n:], e.Chunk)
	}
	e.N += int64(len(p))
	return len(p), nil
}
