package lazyre

import (
	"sync"
	"testing"
)

func TestGet(t *testing.T) {
	re := New(`^a+b$`)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !re.Get().MatchString("aab") || re.Get().MatchString("b") {
				t.Error("wrong match")
			}
		}()
	}
	wg.Wait()
	first, again := re.Get(), re.Get()
	if first != again {
		t.Error("compiled twice")
	}
}

func TestInvalidPanicsOnUse(t *testing.T) {
	re := New(`(`) // no panic yet
	defer func() {
		if recover() == nil {
			t.Error("no panic for an invalid expression")
		}
	}()
	re.Get()
}
