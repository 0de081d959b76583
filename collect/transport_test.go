package collect

import (
	"errors"
	"github.com/asaaudit/asaaudit/internal/testio"
	"io"
	"testing"
)

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (nopWriter) Close() error                { return nil }

// One command's output is bounded: past MaxOutput the transport stops reading and the
// session's error says so (ErrTooMuchOutput), instead of the process growing without
// bound; a new command starts its count afresh.
func TestTransportBoundsOneCommandsOutput(t *testing.T) {
	tr := &sshTransport{stdout: &testio.Endless{Chunk: []byte("x")}, stdin: nopWriter{}, maxOutput: 1 << 20}
	read := 0
	for {
		b, err := tr.Read(64 << 10)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("error %v, want io.EOF once the bound is passed", err)
			}
			break
		}
		read += len(b)
		if read > 2<<20 {
			t.Fatalf("read %d bytes past a bound of 1 MiB", read)
		}
	}
	if !tr.tooMuch.Load() || read > 1<<20 {
		t.Fatalf("tooMuch %v after %d bytes", tr.tooMuch.Load(), read)
	}
	s := &session{name: "fw1", tr: tr}
	if err := s.ioErr("show running-config", io.EOF); !errors.Is(err, ErrTooMuchOutput) {
		t.Errorf("session error %v, want ErrTooMuchOutput", err)
	}

	fresh := &sshTransport{stdout: &testio.Endless{Chunk: []byte("x")}, stdin: nopWriter{}, maxOutput: 1 << 20}
	for range 10 { // 10 commands of 512 KiB each: 5 MiB in all, each under the bound
		if err := fresh.Write([]byte("show run\n")); err != nil {
			t.Fatal(err)
		}
		for got := 0; got < 512<<10; {
			b, err := fresh.Read(64 << 10)
			if err != nil {
				t.Fatalf("after %d bytes of a command: %v", got, err)
			}
			got += len(b)
		}
	}
}
