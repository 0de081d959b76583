package cli_test

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/asaaudit/asaaudit/internal/cli"
)

// asaConfig is a small, clean ASA configuration: SIP on 5060 is inspected by the
// factory policy, applied globally.
const asaConfig = `: Saved
:
ASA Version 9.8(4)
!
hostname fw1
interface GigabitEthernet1/1
 nameif outside
 security-level 0
 ip address dhcp setroute
!
access-list outside_in extended permit udp any any eq sip
timeout xlate 3:00:00
timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 icmp 0:00:02
timeout sip 0:30:00 sip_media 0:02:00 sip-invite 0:03:00 sip-disconnect 0:02:00
!
class-map inspection_default
 match default-inspection-traffic
!
policy-map type inspect dns preset_dns_map
 parameters
  message-length maximum client auto
policy-map global_policy
 class inspection_default
  inspect dns preset_dns_map
  inspect ftp
  inspect sip
  inspect tftp
!
service-policy global_policy global
prompt hostname context
Cryptochecksum:3f7c2cdb7e5d1b0c4a1f8e9d6b2a7c11
: end
`

// maxAlloc bounds what one check may allocate, whatever the input: the inputs below go up
// to 10 MB, so a reader that held a file or a line in memory would exceed it.
const maxAlloc = 4 << 20

// TestBadInput runs check on inputs that are broken, odd or not configurations at all.
// Each gets one exact line on stderr and exit 2, or, when it is a configuration that can
// be audited, an empty stderr and the exit code of its findings; never a panic, a hang or
// memory that grows with the input.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(asaConfig))
	zw.Close()
	random := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	cut := strings.Index(asaConfig, "  inspect sip") + 4
	moreSystem := "fw1# more system:running-config\r\n" + strings.Replace(asaConfig, "prompt hostname", "<--- More --->\r              \rprompt hostname", 1) + "fw1# "
	unreadable := file("unreadable.txt", []byte(asaConfig))
	if err := os.Chmod(unreadable, 0); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		path   string
		code   int
		stderr string // the exact stderr; "" for a configuration that was audited
		stdout string // a substring of stdout, for audited configurations
		root   bool   // skip when running as root, who can read anything
	}{
		{name: "empty file", path: file("empty.txt", nil), code: 2,
			stderr: "%s: empty file: not a Cisco ASA configuration"},
		{name: "whitespace only", path: file("blank.txt", []byte("  \n\t\n\r\n\n")), code: 2,
			stderr: "%s: only blank lines: not a Cisco ASA configuration"},
		{name: "directory", path: dir, code: 2,
			stderr: "%s: is a directory, not a configuration file"},
		{name: "missing file", path: filepath.Join(dir, "nope.txt"), code: 2,
			stderr: "%s: no such file or directory"},
		{name: "unreadable file", path: unreadable, code: 2, root: true,
			stderr: "%s: permission denied"},
		{name: "binary data", path: file("random.bin", random), code: 2,
			stderr: "%s: line 2: binary data (NUL bytes): not a Cisco ASA configuration"},
		{name: "gzip file", path: file("fw1.txt.gz", gz.Bytes()), code: 2,
			stderr: "%s: gzip-compressed data (decompress it first, with gunzip): not a Cisco ASA configuration"},
		{name: "UTF-16 file from a PowerShell redirect", path: file("utf16.txt", utf16LE("\ufeff"+strings.ReplaceAll(asaConfig, "\n", "\r\n"))), code: 0,
			stdout: "0 finding(s)"},
		{name: "JSON file", path: file("report.json", []byte(`{"schemaVersion": 1, "findings": []}`)), code: 2,
			stderr: "%s: looks like JSON: not a Cisco ASA configuration"},
		{name: "Cisco IOS config", path: file("router.txt", []byte("version 15.2\nhostname r1\n!\ninterface GigabitEthernet0/0\n ip address 10.0.0.1 255.255.255.0\n!\nip route 0.0.0.0 0.0.0.0 10.0.0.2\nline vty 0 4\n login local\nend\n")), code: 2,
			stderr: `%s: looks like a Cisco IOS configuration (no ASA markers such as "ASA Version", nameif, timeout): not a Cisco ASA configuration`},
		// Cut inside a policy-map, before the service-policies: whether one exists is
		// unknown, so SIP001 is not evaluated (it was a false error before).
		{name: "truncated in a policy-map", path: file("truncated.txt", []byte(asaConfig[:cut])), code: 0,
			stdout: "info SCOPE001 the configuration stops at line"},
		{name: "10 MB single line", path: file("long.txt", bytes.Repeat([]byte("A"), 10<<20)), code: 2,
			stderr: "%s: no ASA configuration lines found (expected \"ASA Version\", hostname, interface, class-map, policy-map, service-policy or timeout): not a Cisco ASA configuration"},
		{name: "10 MB line in an audited block", path: file("longtimeout.txt", []byte(strings.Replace(asaConfig, "timeout xlate", "timeout "+strings.Repeat("udp 0:05:00 ", 10<<20/12)+"\ntimeout xlate", 1))), code: 1,
			stdout: "PARSE001 line longer than 65536 bytes was not read"},
		{name: "NUL bytes", path: file("nul.txt", []byte(strings.Replace(asaConfig, "hostname fw1", "hostname fw\x001", 1))), code: 2,
			stderr: "%s: line 5: binary data (NUL bytes): not a Cisco ASA configuration"},
		{name: "invalid UTF-8", path: file("latin1.txt", []byte(strings.Replace(asaConfig, "match default-inspection-traffic", "match default-inspection-traffic\n description caf\xe9 \xff\xfe", 1))), code: 0,
			stdout: "0 finding(s)"},
		{name: "only ! lines", path: file("bangs.txt", []byte("!\n!\n!\n")), code: 2,
			stderr: "%s: no ASA configuration lines found (expected \"ASA Version\", hostname, interface, class-map, policy-map, service-policy or timeout): not a Cisco ASA configuration"},
		{name: "mixed CRLF and LF", path: file("mixed.txt", []byte(mixLineEnds(asaConfig))), code: 0,
			stdout: "0 finding(s)"},
		{name: "more system:running-config capture", path: file("more-system.txt", []byte(moreSystem)), code: 0,
			stdout: "0 finding(s)"},
		// The audit reads the first configuration and says so; the exit code is that
		// of the PARSE002 warning.
		{name: "two configurations in one file", path: file("two.txt", []byte(asaConfig+asaConfig)), code: 1,
			stdout: `two.txt:33: warning PARSE002 a second configuration starts here, after ": end" at line 32; only the first was audited: split the file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.root && os.Geteuid() == 0 {
				t.Skip("running as root, who can read a file whatever its permissions")
			}
			stdout, stderr, code, alloc := check(t, tt.path)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tt.code, stderr)
			}
			want := ""
			if tt.stderr != "" {
				want = "asaaudit: " + strings.Replace(tt.stderr, "%s", tt.path, 1) + "\n"
			}
			if stderr != want {
				t.Errorf("stderr\n %q\nwant\n %q", stderr, want)
			}
			if !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.stdout, stdout)
			}
			if alloc > maxAlloc {
				t.Errorf("allocated %d MiB, want at most %d", alloc>>20, maxAlloc>>20)
			}
		})
	}
}

// A file with mixed line ends is audited exactly as the same file with LF line ends.
func TestMixedLineEndsSameAsLF(t *testing.T) {
	dir := t.TempDir()
	broken := strings.Replace(asaConfig, "  inspect sip\n", "", 1)
	lf, mixed := filepath.Join(dir, "fw.txt"), filepath.Join(dir, "fw-mixed.txt")
	os.WriteFile(lf, []byte(broken), 0o644)
	os.WriteFile(mixed, []byte(mixLineEnds(broken)), 0o644)
	out1, _, code1, _ := check(t, lf)
	out2, _, code2, _ := check(t, mixed)
	if code1 != 1 || code1 != code2 || strings.ReplaceAll(out2, "fw-mixed.txt", "fw.txt") != out1 {
		t.Errorf("exit %d and %d; LF output:\n%s\nmixed output:\n%s", code1, code2, out1, out2)
	}
}

// mixLineEnds gives every other line of s a CRLF line end.
func mixLineEnds(s string) string {
	var b strings.Builder
	for i, l := range strings.SplitAfter(s, "\n") {
		if i%2 == 0 {
			l = strings.Replace(l, "\n", "\r\n", 1)
		}
		b.WriteString(l)
	}
	return b.String()
}

// utf16LE encodes s as UTF-16 little-endian, as Windows PowerShell's ">" writes a file.
func utf16LE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// check runs "asaaudit check path" in-process and returns what it printed, its exit code
// and the bytes it allocated. It fails the test if the run takes more than a minute.
func check(t *testing.T, path string) (stdout, stderr string, code int, alloc uint64) {
	t.Helper()
	var out, errOut bytes.Buffer
	s := &cli.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan int, 1)
	go func() { done <- cli.Main([]string{"check", path}, s) }()
	select {
	case code = <-done:
	case <-time.After(time.Minute):
		t.Fatalf("check %s did not finish within a minute", path)
	}
	runtime.ReadMemStats(&after)
	return out.String(), errOut.String(), code, after.TotalAlloc - before.TotalAlloc
}
