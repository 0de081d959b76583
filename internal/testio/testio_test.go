package testio

import "testing"

// Endless fills every read with its chunk repeated (each read starts the chunk anew) and
// counts every byte.
func TestEndless(t *testing.T) {
	e := &Endless{Chunk: []byte("ab\n")}
	p := make([]byte, 7)
	for range 3 {
		if n, err := e.Read(p); n != 7 || err != nil {
			t.Fatalf("Read: %d, %v", n, err)
		}
	}
	if string(p) != "ab\nab\na" || e.N != 21 {
		t.Errorf("third read %q, N %d; want %q and 21", p, e.N, "ab\nab\na")
	}
}
