package registration

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/capture"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func sipEvent(frame int, at time.Duration, src, dst string, m *capture.Message) capture.Event {
	return capture.Event{File: "c.pcap", Frame: frame, Time: t0.Add(at), Kind: capture.SIP, Transport: "UDP",
		Src: netip.MustParseAddrPort(src), Dst: netip.MustParseAddrPort(dst), SIP: m}
}

func register(callID string, cseq uint32, expires int) *capture.Message {
	return &capture.Message{Request: true, Method: "REGISTER", RequestURI: "sip:example.com", CallID: callID, CSeq: cseq,
		To: "sip:" + callID + "@example.com", Expires: expires}
}

func ok(callID string, cseq uint32, expires int) *capture.Message {
	return &capture.Message{Method: "REGISTER", StatusCode: 200, Reason: "OK", CallID: callID, CSeq: cseq,
		To: "sip:" + callID + "@example.com", Expires: expires}
}

// A long capture of many phones that register and unregister in turn keeps only the
// registrations open at a time, and hands each over once.
func TestStreamingBounded(t *testing.T) {
	var done []*Registration
	a := New(func(r *Registration) { done = append(done, r) })
	peak := 0
	frame := 0
	for i := range 5000 {
		id := fmt.Sprintf("phone%d", i)
		src := fmt.Sprintf("203.0.113.5:%d", 1024+i%50000)
		at := time.Duration(i) * time.Second
		for _, e := range []capture.Event{
			sipEvent(frame+1, at, src, "198.51.100.10:5060", register(id, 1, 60)),
			sipEvent(frame+2, at+time.Millisecond, "198.51.100.10:5060", src, ok(id, 1, 60)),
			sipEvent(frame+3, at+2*time.Millisecond, src, "198.51.100.10:5060", register(id, 2, 0)),
			sipEvent(frame+4, at+3*time.Millisecond, "198.51.100.10:5060", src, ok(id, 2, 0)),
		} {
			a.Add(e)
			peak = max(peak, a.Open())
		}
		frame += 4
	}
	a.Flush()
	if len(done) != 5000 || peak > 1 {
		t.Errorf("%d registrations handed over, %d open at most; want 5000 and 1", len(done), peak)
	}
}

// A registration quiet for long past its expiry is handed over before the end.
func TestQuietRegistrationExpires(t *testing.T) {
	var done []*Registration
	a := New(func(r *Registration) { done = append(done, r) })
	a.Add(sipEvent(1, 0, "203.0.113.5:5060", "198.51.100.10:5060", register("a", 1, 60)))
	a.Add(sipEvent(2, time.Millisecond, "198.51.100.10:5060", "203.0.113.5:5060", ok("a", 1, 60)))
	for i := range 2048 {
		a.Add(capture.Event{Frame: 3 + i, Time: t0.Add(2 * time.Hour), Kind: capture.Packet})
	}
	if len(done) != 1 || a.Open() != 0 {
		t.Errorf("%d handed over, %d open", len(done), a.Open())
	}
}

// The ladder keeps its first MaxSteps messages, and the ones an observation points at.
func TestLadderBounded(t *testing.T) {
	var r *Registration
	a := New(func(x *Registration) { r = x })
	frame := 1
	for i := range 100 {
		at := time.Duration(i) * 30 * time.Second
		a.Add(sipEvent(frame, at, "203.0.113.5:5060", "198.51.100.10:5060", register("a", uint32(i+1), 60)))
		a.Add(sipEvent(frame+1, at+time.Millisecond, "198.51.100.10:5060", "203.0.113.5:5060", ok("a", uint32(i+1), 60)))
		frame += 2
	}
	a.Add(sipEvent(frame, 3000*time.Second, "203.0.113.5:5060", "198.51.100.10:5060", register("a", 101, 60)))
	a.Add(sipEvent(frame+1, 3000*time.Second+time.Millisecond, "198.51.100.10:5060", "203.0.113.5:5060",
		&capture.Message{Method: "REGISTER", StatusCode: 404, Reason: "Not Found", CallID: "a", CSeq: 101, To: "sip:a@example.com", Expires: -1}))
	a.Flush()
	if len(r.Steps) != MaxSteps+1 || r.Omitted != 202-MaxSteps-1 || r.Steps[MaxSteps].Frame != frame+1 || len(r.Observations) != 2 || r.Observations[0].Count != 100 {
		t.Errorf("%d steps kept (last frame %d), %d omitted", len(r.Steps), r.Steps[len(r.Steps)-1].Frame, r.Omitted)
	}
	if r.Refresh != 30*time.Second || r.Refreshes != 100 || r.Granted != 0 && r.Granted != time.Minute {
		t.Errorf("refresh %s over %d, granted %s", r.Refresh, r.Refreshes, r.Granted)
	}
}

// A capture taken on both sides of the firewall shows every REGISTER from the phone's
// address and from the translated one: the binding has not moved.
func TestBothSidesNotMoved(t *testing.T) {
	var r *Registration
	a := New(func(x *Registration) { r = x })
	for i := range 3 {
		at := time.Duration(i) * time.Minute
		cseq := uint32(i + 1)
		a.Add(sipEvent(4*i+1, at, "192.168.1.89:5060", "198.51.100.10:5060", register("a", cseq, 120)))
		a.Add(sipEvent(4*i+2, at+time.Millisecond, "203.0.113.5:40001", "198.51.100.10:5060", register("a", cseq, 120)))
		a.Add(sipEvent(4*i+3, at+2*time.Millisecond, "198.51.100.10:5060", "203.0.113.5:40001", ok("a", cseq, 120)))
		a.Add(sipEvent(4*i+4, at+3*time.Millisecond, "198.51.100.10:5060", "192.168.1.89:5060", ok("a", cseq, 120)))
	}
	a.Flush()
	if r.Has(Moved) || r.Has(NoAnswer) || r.Refresh != time.Minute {
		t.Errorf("observations %+v, refresh %s", r.Observations, r.Refresh)
	}
}

func TestPrivate(t *testing.T) {
	for addr, want := range map[string]bool{"10.1.2.3": true, "172.31.0.1": true, "192.168.0.1": true, "100.64.0.1": true, "100.128.0.1": false,
		"203.0.113.5": false, "fd00::1": true, "2001:db8::1": false, "::ffff:10.0.0.1": true} {
		if got := Private(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Private(%s) = %v", addr, got)
		}
	}
}

func TestURIHost(t *testing.T) {
	for uri, want := range map[string]string{"sip:alice@10.0.0.5:5060;transport=udp": "10.0.0.5", "sip:[fd00::5]:5060": "fd00::5",
		"sips:bob@example.com": "example.com", "sip:example.com": "example.com", "": ""} {
		if got := uriHost(uri); got != want {
			t.Errorf("uriHost(%q) = %q, want %q", uri, got, want)
		}
	}
}

// A binding that moves at every refresh of a day-long capture stays one registration of
// bounded size: one Moved observation that counts, a bounded ladder, bounded flows.
func TestMovesBounded(t *testing.T) {
	var r *Registration
	a := New(func(x *Registration) { r = x })
	for i := range 1000 {
		at := time.Duration(i) * 90 * time.Second
		src := fmt.Sprintf("203.0.113.5:%d", 20000+i)
		a.Add(sipEvent(2*i+1, at, src, "198.51.100.10:5060", register("a", uint32(i+1), 120)))
		a.Add(sipEvent(2*i+2, at+time.Millisecond, "198.51.100.10:5060", src, ok("a", uint32(i+1), 120)))
	}
	for _, open := range a.open {
		if len(open.flows) > maxFlows || len(a.flows) > maxFlows {
			t.Errorf("%d flows kept (%d indexed)", len(open.flows), len(a.flows))
		}
	}
	a.Flush()
	if len(r.Observations) != 2 || r.Observations[1].Kind != Moved || r.Observations[1].Count != 999 || r.Observations[1].Gap != 90*time.Second || r.Observations[0].Count != 1000 {
		t.Errorf("observations %+v", r.Observations)
	}
	if len(r.Steps) > MaxSteps+2 || r.Refresh != 90*time.Second {
		t.Errorf("%d steps, refresh %s", len(r.Steps), r.Refresh)
	}
}
