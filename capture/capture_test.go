package capture

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const register = "REGISTER sip:callcentric.com SIP/2.0\r\n" +
	"Via: SIP/2.0/UDP 10.200.41.89:5060;branch=z9hG4bK-1;rport\r\n" +
	"From: \"Desk 2001\" <sip:2001@callcentric.com>;tag=a1\r\n" +
	"To: <sip:2001@callcentric.com>\r\n" +
	"Call-ID: c1@10.200.41.89\r\n" +
	"CSeq: 7 REGISTER\r\n" +
	"Contact: <sip:2001@10.200.41.89:5060>;expires=120\r\n" +
	"Expires: 120\r\n" +
	"User-Agent: Yealink SIP-T46S 66.86.0.15\r\n" +
	"Proxy-Authorization: Digest username=\"2001\", realm=\"callcentric.com\", nonce=\"n0nce\", uri=\"sip:callcentric.com\", response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5\r\n" +
	"Content-Length: 0\r\n\r\n"

const ok200 = "SIP/2.0 200 OK\r\n" +
	"Via: SIP/2.0/UDP 10.200.41.89:5060;branch=z9hG4bK-1;received=198.51.100.7;rport=40112\r\n" +
	"From: <sip:2001@callcentric.com>;tag=a1\r\n" +
	"To: <sip:2001@callcentric.com>;tag=b2\r\n" +
	"Call-ID: c1@10.200.41.89\r\n" +
	"CSeq: 7 REGISTER\r\n" +
	"Contact: <sip:2001@198.51.100.7:40112>;expires=60, <sip:2001@10.9.9.9:5060>\r\n" +
	"Content-Length: 0\r\n\r\n"

const challenge = "SIP/2.0 407 Proxy Authentication Required\r\n" +
	"Via: SIP/2.0/UDP 10.200.41.89:5060;branch=z9hG4bK-0\r\n" +
	"From: <sip:2001@callcentric.com>;tag=a1\r\n" +
	"To: <sip:2001@callcentric.com>;tag=b1\r\n" +
	"Call-ID: c1@10.200.41.89\r\n" +
	"CSeq: 6 REGISTER\r\n" +
	"Proxy-Authenticate: Digest realm=\"callcentric.com\", nonce=\"n0nce\", stale=TRUE, algorithm=MD5\r\n" +
	"Content-Length: 0\r\n\r\n"

const sdpBody = "v=0\r\no=- 1 1 IN IP4 10.200.41.89\r\ns=-\r\nc=IN IP4 10.200.41.90\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"

var invite = "INVITE sip:3000@callcentric.com SIP/2.0\r\n" +
	"Via: SIP/2.0/TCP 10.200.41.89:5080;branch=z9hG4bK-9\r\n" +
	"From: <sip:2001@callcentric.com>;tag=a9\r\n" +
	"To: <sip:3000@callcentric.com>\r\n" +
	"Call-ID: c9@10.200.41.89\r\n" +
	"CSeq: 1 INVITE\r\n" +
	"Content-Type: application/sdp\r\n" +
	fmt.Sprintf("Content-Length: %d\r\n\r\n", len(sdpBody)) + sdpBody

// rtp is a media packet: what most of a real capture is, and what must be skipped.
var rtp = "\x80\x00\x00\x01" + strings.Repeat("\xd5", 172)

// readAll reads every event of r, failing the test on an error other than io.EOF.
func readAll(t testing.TB, r *Reader) []Event {
	t.Helper()
	var evs []Event
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return evs
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		evs = append(evs, ev)
	}
}

func read(t testing.TB, name string, b []byte) (*Reader, []Event) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(b), name)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	return r, readAll(t, r)
}

// describe is an event on one line, with every field the registration rules read.
func describe(ev Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "frame %d %s ", ev.Frame, ev.Time.UTC().Format("15:04:05.000000"))
	kinds := []string{"SIP", "Keepalive", "Unreachable", "Packet"}
	fmt.Fprintf(&b, "%s %s %s > %s len %d", kinds[ev.Kind], ev.Transport, ev.Src, ev.Dst, ev.Length)
	switch ev.Kind {
	case Keepalive:
		fmt.Fprintf(&b, " %s", ev.Keepalive)
	case Unreachable:
		fmt.Fprintf(&b, " from %s: %s", ev.From, ev.Reason)
	case SIP:
		m := ev.SIP
		if m.Request {
			fmt.Fprintf(&b, " | %s %s", m.Method, m.RequestURI)
		} else {
			fmt.Fprintf(&b, " | %d %s (%s)", m.StatusCode, m.Reason, m.Method)
		}
		if m.Summary {
			b.WriteString(" summary")
			break
		}
		fmt.Fprintf(&b, " | call %s cseq %d from %s;tag=%s to %s;tag=%s expires %d ua %q",
			m.CallID, m.CSeq, m.From, m.FromTag, m.To, m.ToTag, m.Expires, m.UserAgent)
		for _, c := range m.Contacts {
			fmt.Fprintf(&b, " | contact %s expires %d", c.URI, c.Expires)
		}
		for _, v := range m.Via {
			fmt.Fprintf(&b, " | via %s %s:%d received %q rport %d", v.Transport, v.Host, v.Port, v.Received, v.RPort)
		}
		if c := m.Credentials; c != nil {
			fmt.Fprintf(&b, " | credentials proxy=%v user %s realm %s nonce %s", c.Proxy, c.Username, c.Realm, c.Nonce)
		}
		if c := m.Challenge; c != nil {
			fmt.Fprintf(&b, " | challenge proxy=%v realm %s nonce %s stale=%v", c.Proxy, c.Realm, c.Nonce, c.Stale)
		}
		if len(m.SDPAddresses) > 0 {
			fmt.Fprintf(&b, " | sdp %s", strings.Join(m.SDPAddresses, " "))
		}
	}
	return b.String()
}

func describeAll(r *Reader, evs []Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format %q flow-only %v frames %d warnings %d\n", r.Format(), r.FlowOnly(), r.Frames(), r.WarningCount())
	for _, ev := range evs {
		b.WriteString(describe(ev) + "\n")
	}
	for _, w := range r.Warnings() {
		b.WriteString("warning " + w.String() + "\n")
	}
	return b.String()
}

// TestGolden reads every capture and text form in testdata (real ones made by tcpdump and
// sipp, and "show capture" and tshark output) and compares all it says with a golden file.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.*")
	if len(files) < 6 {
		t.Fatalf("only %d files in testdata", len(files))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got := describeAll(r, readAll(t, r))
			golden := filepath.Join("testdata", "golden", filepath.Base(path)+".golden")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./capture -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n%s", path, golden, got)
			}
		})
	}
}
