package bench_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/asaaudit/asaaudit/bench"
	"github.com/asaaudit/asaaudit/capture"
)

// captureSizes are the generated captures BenchmarkCapture reads; capcompare reads 1 GiB.
var captureSizes = []int64{64 << 20}

// captures are the captures written so far, by size.
var captures = map[int64]bench.CaptureStats{}

// captureFile returns the path of a generated capture of about size bytes, written on
// first use into the directory the configurations share (removed by TestMain).
func captureFile(b *testing.B, size int64) (string, bench.CaptureStats) {
	b.Helper()
	dirOnce.Do(func() { dir, dirErr = os.MkdirTemp("", "asaaudit-bench-") })
	if dirErr != nil {
		b.Fatal(dirErr)
	}
	path := filepath.Join(dir, fmt.Sprintf("capture-%d.pcap", size))
	if st, ok := captures[size]; ok {
		return path, st
	}
	st, err := bench.WriteCaptureFile(path, size, 1)
	if err != nil {
		b.Fatal(err)
	}
	captures[size] = st
	return path, st
}

// readCapture reads every event of the capture at path and returns the SIP messages.
func readCapture(b *testing.B, path string) int {
	r, err := capture.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	n := 0
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		if ev.Kind == capture.SIP {
			n++
		}
	}
}

// BenchmarkCapture measures capture.Open and Next over a generated capture that is
// mostly RTP: the bytes per second a user's gigabyte goes through at, and the
// allocations, which come from the SIP messages only.
func BenchmarkCapture(b *testing.B) {
	for _, size := range captureSizes {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			path, st := captureFile(b, size)
			b.SetBytes(st.Size)
			b.ReportAllocs()
			for b.Loop() {
				if n := readCapture(b, path); n != st.SIP {
					b.Fatalf("%d SIP messages, want %d", n, st.SIP)
				}
			}
		})
	}
}
