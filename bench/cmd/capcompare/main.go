//go:build unix

// Command capcompare measures the capture reader (package capture, what "asaaudit" runs on
// a user's capture) against "tshark -r FILE -Y sip" on the same generated capture of 1 GiB,
// mostly RTP (bench.WriteCapture). Each runs in its own process, so each peak RSS is its
// own; it prints both times, their ratio and the peak RSS, says whether the targets of
// issue 14 are met (at least 10 times faster, at most 64 MiB), and removes the file.
//
//	go run ./bench/cmd/capcompare [-size 1024] [-strict] [-keep]
//
// tshark comes with Wireshark: apt-get install -y tshark (Debian, Ubuntu), brew install
// wireshark (macOS). Without it only the reader is measured.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/asaaudit/asaaudit/bench"
	"github.com/asaaudit/asaaudit/capture"
)

// The targets of issue 14.
const (
	minRatio = 10.0     // tshark time / reader time
	maxRSS   = 64 << 20 // peak RSS of the reader, bytes
)

func main() {
	read := flag.String("read", "", "internal: read this capture and print the SIP count (the measured child)")
	sizeMiB := flag.Int64("size", 1024, "size of the generated capture, MiB")
	strict := flag.Bool("strict", false, "exit 1 when a target is missed")
	keep := flag.Bool("keep", false, "keep the generated capture")
	flag.Parse()
	if *read != "" {
		if err := readCapture(*read); err != nil {
			fmt.Fprintln(os.Stderr, "capcompare:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*sizeMiB<<20, *strict, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "capcompare:", err)
		os.Exit(1)
	}
}

// readCapture is the measured work: every event of the capture, as asaaudit reads it.
func readCapture(path string) error {
	r, err := capture.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	sip := 0
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if ev.Kind == capture.SIP {
			sip++
		}
	}
	fmt.Println(sip)
	return nil
}

// measurement is one run of a command.
type measurement struct {
	wall time.Duration
	rss  int64 // peak RSS, bytes
	out  string
}

func measure(name string, args ...string) (measurement, error) {
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = io.Discard // tshark warns about running as root
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return measurement{}, fmt.Errorf("%s: %w", name, err)
	}
	m := measurement{wall: time.Since(start), out: out.String()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rss = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return m, nil
}

func run(size int64, strict, keep bool) error {
	dir, err := os.MkdirTemp("", "asaaudit-capcompare-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("capture kept in", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	path := filepath.Join(dir, "capture.pcap")
	start := time.Now()
	st, err := bench.WriteCaptureFile(path, size, 1)
	if err != nil {
		return err
	}
	fmt.Printf("generated %s: %.0f MiB, %d frames, %d SIP messages, in %v\n", path, float64(st.Size)/(1<<20),
		st.Frames, st.SIP, time.Since(start).Round(time.Millisecond))

	self, err := os.Executable()
	if err != nil {
		return err
	}
	// Once to warm the page cache for both, then measured.
	if _, err := measure(self, "-read", path); err != nil {
		return err
	}
	reader, err := measure(self, "-read", path)
	if err != nil {
		return err
	}
	mbps := float64(st.Size) / (1 << 20) / reader.wall.Seconds()
	fmt.Printf("capture reader:     %8.2fs  %7.0f MiB/s  peak RSS %5.1f MiB  SIP messages %s", reader.wall.Seconds(), mbps,
		float64(reader.rss)/(1<<20), reader.out)
	ok := reader.rss <= maxRSS
	if !ok {
		fmt.Printf("MISSED: peak RSS above %d MiB\n", maxRSS>>20)
	}

	tshark, err := exec.LookPath("tshark")
	if err != nil {
		fmt.Println("tshark not found: install it (apt-get install -y tshark) to compare")
	} else {
		t, err := measure(tshark, "-n", "-r", path, "-Y", "sip")
		if err != nil {
			return err
		}
		lines := bytes.Count([]byte(t.out), []byte("\n"))
		fmt.Printf("tshark -r -Y sip:   %8.2fs  %7.0f MiB/s  peak RSS %5.1f MiB  SIP lines %d\n", t.wall.Seconds(),
			float64(st.Size)/(1<<20)/t.wall.Seconds(), float64(t.rss)/(1<<20), lines)
		ratio := t.wall.Seconds() / reader.wall.Seconds()
		fmt.Printf("ratio tshark/reader: %.1fx (target >= %.0fx)\n", ratio, minRatio)
		if ratio < minRatio {
			fmt.Println("MISSED: the reader is less than 10 times faster than tshark")
			ok = false
		}
	}
	if strict && !ok {
		return errors.New("targets missed")
	}
	return nil
}
