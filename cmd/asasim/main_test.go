package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "fw1.cfg")
	if err := os.WriteFile(cfgPath, []byte("ASA Version 9.8(4)\nhostname fw1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ASASIM_TEST_PW", "s3cret-login")
	f := flags{
		config:        cfgPath,
		hostname:      "fw1",
		listen:        "127.0.0.1:0",
		user:          "admin",
		passwordEnv:   "ASASIM_TEST_PW",
		enablePassEnv: "ASASIM_TEST_ENABLE_UNSET",
		hostKey:       filepath.Join(dir, "hostkey.pem"),
		knownHosts:    filepath.Join(dir, "known_hosts"),
	}

	for round := range 2 { // second round reuses the saved host key
		var stdout, stderr syncBuf
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- run(ctx, f, &stdout, &stderr) }()

		var addr string
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if s := stdout.String(); strings.HasPrefix(s, "listening on ") && strings.HasSuffix(s, "\n") {
				addr = strings.TrimSpace(strings.TrimPrefix(s, "listening on "))
				break
			}
		}
		if addr == "" {
			cancel()
			t.Fatalf("round %d: no listening line; stdout %q stderr %q", round, stdout.String(), stderr.String())
		}
		cb, err := knownhosts.New(f.knownHosts)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
			User: "admin", Auth: []ssh.AuthMethod{ssh.Password("s3cret-login")},
			HostKeyCallback: cb, Timeout: 5 * time.Second,
		})
		if err != nil {
			t.Fatalf("round %d: dial: %v", round, err)
		}
		c.Close()
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("round %d: run: %v", round, err)
		}
		if out := stdout.String() + stderr.String(); strings.Contains(out, "s3cret-login") {
			t.Fatalf("password printed: %q", out)
		}
	}
	if fi, err := os.Stat(f.hostKey); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key file: %v %v", fi, err)
	}
}

func TestRunRefusesNonLoopback(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "fw1.cfg")
	if err := os.WriteFile(cfgPath, []byte("hostname fw1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuf
	err := run(context.Background(), flags{config: cfgPath, listen: "0.0.0.0:0", user: "admin", passwordEnv: "ASASIM_TEST_UNSET_PW"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(stderr.String(), defaultPassword) {
		t.Fatalf("default password printed: %q", stderr.String())
	}
}

func TestLoadDeviceFromCaptures(t *testing.T) {
	d, err := loadDevice(flags{captures: []string{"../../fixtures/evidence/multi-context/fw1.txt"}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Hostname != "fw1" || len(d.Contexts) != 2 || !strings.Contains(d.Config, "<system>") ||
		d.Contexts["voice"].Outputs["show service-policy"] == "" {
		t.Errorf("device from the multi-context capture: hostname %q, %d contexts", d.Hostname, len(d.Contexts))
	}
	if _, err := loadDevice(flags{captures: []string{"nonexistent.txt"}}); err == nil {
		t.Error("a missing capture file was accepted")
	}
}
