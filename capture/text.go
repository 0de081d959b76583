package capture

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/asaaudit/asaaudit/parser"
)

// sniffText is how much of a text input is looked at to tell its format.
const sniffText = 64 << 10

// epoch is the date of the text forms' times, which carry none: a tshark summary's time is
// seconds since the first packet, and "show capture" prints the time of day only. Event
// times from them are epoch plus that offset, so that differences between events are right.
var epoch = time.Unix(0, 0).UTC()

var (
	// 1 9.698676 10.200.41.89 -> 204.11.192.22 SIP 610 Request: REGISTER sip:x (1 binding) |
	summaryRe = regexp.MustCompile(`^\s*(\d+)\s+(\d+(?:\.\d+)?)\s+(\S+)\s+(?:->|→)\s+(\S+)\s+(\S+)\s+(\d+)\s*(.*?)\s*\|?\s*$`)
	// "   1: 10:41:02.123456 ..." (the start of each packet of "show capture")
	showRe = regexp.MustCompile(`^\s*(\d+):\s+(\d{1,2}):(\d\d):(\d\d)(?:\.(\d{1,9}))?\s*(.*)$`)
	// "0x0000  0050 56a1 b2c3 ...  ascii" (the bytes of "show capture ... dump")
	hexRe = regexp.MustCompile(`^\s*0x([0-9a-fA-F]{4,8}):?\s+(.*)$`)
	// "0050.56a1.b2c3 0050.56a1.b2c4 0x0800 Length: 610" (the start of "detail")
	macRe    = regexp.MustCompile(`^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\s`)
	flowRe   = regexp.MustCompile(`(?:^|\s)(\S+)\s+>\s+(\S+?):?(?:\s+(.*))?$`)
	udpLen   = regexp.MustCompile(`(?:^|\s)udp (\d+)`)
	tcpLen   = regexp.MustCompile(`\d+:\d+\((\d+)\)`)
	tcpFlags = regexp.MustCompile(`^(?:\[[^\]]*\]\s+)*[SFPRUEW.]+\s`)
	// Lines the ASA prints around the packets, read without a warning.
	chatterRe = regexp.MustCompile(`^\s*$|^\S*[#>]\s|^\s*\d+ packets? (captured|shown)|^\s*(capture|show|terminal)\s`)
)

// openText finds which text form the input is, from its first 64 KiB.
func (r *Reader) openText(br *bufio.Reader) error {
	head, err := br.Peek(sniffText)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("%s: %w", r.name, err)
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return fmt.Errorf("%s: %w", r.name, ErrNotCapture)
	}
	show, detail, dump, summary := false, false, false, false
	for _, line := range strings.Split(string(head), "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case !show && !summary && summaryRe.MatchString(line):
			summary = true
		case !summary && showRe.MatchString(line):
			show = true
			if macRe.MatchString(showRe.FindStringSubmatch(line)[6]) {
				detail = true
			}
		case show && hexRe.MatchString(line):
			dump = true
		}
	}
	t := &textReader{r: r, sc: parser.NewScanner(br)}
	switch {
	case summary:
		r.format = "tshark summary"
		r.next = t.summaryLine
	case dump:
		r.format = "show capture dump"
		r.next = t.showLine
	case detail:
		r.format = "show capture detail"
		r.flowOnly = true
		r.next = t.showLine
	case show:
		r.format = "show capture"
		r.flowOnly = true
		r.next = t.showLine
	default:
		return fmt.Errorf("%s: %w", r.name, ErrNotCapture)
	}
	return nil
}

// textReader reads a text form line by line with the Scanner configurations are read with:
// lines bounded, CR/LF/CRLF ends, pager prompts and terminal control bytes taken out, as a
// terminal capture of "show capture" has them.
type textReader struct {
	r  *Reader
	sc *parser.Scanner

	// The packet of "show capture" being read: its header line, then its flow line
	// (detail) and hex lines (dump).
	open    bool
	number  int
	at      time.Time
	flow    string
	bytes   []byte
	lastDay time.Duration // time of day of the previous packet, to count midnights
	days    int
}

// readLine returns the next line without its line end; io.EOF after the last.
func (t *textReader) readLine() (string, error) {
	if !t.sc.Scan() {
		if err := t.sc.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}
	num, text := t.sc.Line()
	switch {
	case t.sc.Binary():
		return "", fmt.Errorf("%s: line %d: binary data (NUL bytes): %w", t.r.name, num, ErrNotCapture)
	case t.sc.Truncated():
		// A line that long is no line of these forms: skipped whole.
		t.r.warn(t.r.frames, fmt.Sprintf("line %d is too long to be read", num))
		return "", nil
	}
	return string(text), nil
}

func (t *textReader) unread(line string) {
	if !chatterRe.MatchString(line) {
		num, _ := t.sc.Line()
		t.r.warn(t.r.frames, fmt.Sprintf("line %d not read: %q", num, clip(line, 60)))
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// summaryLine reads one line of a tshark summary.
func (t *textReader) summaryLine() error {
	line, err := t.readLine()
	if err != nil {
		return err
	}
	m := summaryRe.FindStringSubmatch(line)
	if m == nil {
		t.unread(line)
		return nil
	}
	r := t.r
	r.frames++
	n, _ := strconv.Atoi(m[1])
	secs, _ := strconv.ParseFloat(m[2], 64)
	proto := strings.ToUpper(m[5])
	if proto != "SIP" && !strings.HasPrefix(proto, "SIP/") {
		return nil
	}
	msg := &Message{Summary: true, Expires: -1}
	info := m[7]
	switch {
	case strings.HasPrefix(info, "Request: "):
		f := strings.Fields(strings.TrimPrefix(info, "Request: "))
		if len(f) < 2 {
			r.warn(n, fmt.Sprintf("SIP summary without a request line: %q", clip(info, 60)))
			return nil
		}
		msg.Request, msg.Method, msg.RequestURI = true, f[0], f[1]
	case strings.HasPrefix(info, "Status: "):
		code, reason, _ := strings.Cut(strings.TrimPrefix(info, "Status: "), " ")
		c, err := strconv.Atoi(code)
		if err != nil || c < 100 || c > 699 {
			r.warn(n, fmt.Sprintf("SIP summary without a status code: %q", clip(info, 60)))
			return nil
		}
		msg.StatusCode = c
		// tshark appends the CSeq method of some responses ("200 OK (REGISTER)") and a
		// binding count ("(1 binding)").
		if i := strings.Index(reason, " ("); i >= 0 {
			extra := reason[i+2:]
			reason = reason[:i]
			if j := strings.IndexByte(extra, ')'); j > 0 && strings.ToUpper(extra[:j]) == extra[:j] && !strings.ContainsRune(extra[:j], ' ') {
				msg.Method = extra[:j]
			}
		}
		msg.Reason = strings.TrimSpace(reason)
	default:
		// SIP continuation frames and the like carry no start line.
		return nil
	}
	length, _ := strconv.Atoi(m[6])
	ev := Event{File: r.name, Frame: n, Time: epoch.Add(time.Duration(secs * float64(time.Second))), Kind: SIP,
		SIP: msg, Length: length}
	for i, s := range []string{m[3], m[4]} {
		a, err := netip.ParseAddr(s)
		if err != nil {
			r.warn(n, fmt.Sprintf("%q is not an IP address: run tshark with -n", s))
			continue
		}
		if i == 0 {
			ev.Src = netip.AddrPortFrom(a, 0)
		} else {
			ev.Dst = netip.AddrPortFrom(a, 0)
		}
	}
	r.queue = append(r.queue, ev)
	return nil
}

// showLine reads one line of "show capture" output (plain, detail or dump). A packet is
// complete when the next one starts or the input ends.
func (t *textReader) showLine() error {
	line, err := t.readLine()
	if err != nil {
		t.finish()
		return err
	}
	if m := showRe.FindStringSubmatch(line); m != nil {
		t.finish()
		t.start(m)
		return nil
	}
	if m := hexRe.FindStringSubmatch(line); m != nil && t.open {
		t.hexLine(m[2])
		return nil
	}
	if t.open && t.flow == "" && strings.Contains(line, " > ") {
		t.flow = line
		return nil
	}
	if t.open && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) {
		return nil // more of the packet's decode (TCP options, IP header fields)
	}
	t.unread(line)
	return nil
}

// start opens the packet of header line m.
func (t *textReader) start(m []string) {
	t.r.frames++
	t.open = true
	t.number, _ = strconv.Atoi(m[1])
	h, _ := strconv.Atoi(m[2])
	mi, _ := strconv.Atoi(m[3])
	s, _ := strconv.Atoi(m[4])
	frac := m[5]
	ns := 0
	if frac != "" {
		ns, _ = strconv.Atoi((frac + "000000000")[:9])
	}
	day := time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(s)*time.Second + time.Duration(ns)
	if day < t.lastDay-12*time.Hour {
		t.days++ // the capture ran past midnight
	}
	t.lastDay = day
	t.at = epoch.Add(time.Duration(t.days)*24*time.Hour + day)
	t.flow = ""
	if rest := m[6]; !macRe.MatchString(rest) && strings.Contains(rest, " > ") {
		t.flow = rest
	}
	t.bytes = t.bytes[:0]
}

// hexLine appends the bytes of one dump line: up to 16, in groups of 2 or 4 hex digits,
// then the ASCII column, which is not read.
func (t *textReader) hexLine(s string) {
	n := 0
	for _, f := range strings.Fields(s) {
		if n >= 16 || len(t.bytes) >= maxSnaplen || (len(f) != 2 && len(f) != 4) {
			return
		}
		var b [2]byte
		k, err := hex.Decode(b[:], []byte(f))
		if err != nil {
			return
		}
		t.bytes = append(t.bytes, b[:k]...)
		n += k
	}
}

// finish queues the events of the open packet.
func (t *textReader) finish() {
	if !t.open {
		return
	}
	t.open = false
	r := t.r
	r.frameAt = t.at
	if r.format == "show capture dump" {
		if len(t.bytes) > 0 {
			saved := r.frames
			r.frames = t.number // events and warnings name the ASA's packet number
			r.packet(layers.LinkTypeEthernet, t.bytes, false)
			r.frames = saved
		}
		return
	}
	ev, ok := flowEvent(t.flow)
	if !ok {
		return
	}
	ev.Frame, ev.Time = t.number, t.at
	r.emit(ev)
}

// flowEvent reads a "show capture" flow: "10.1.1.1.5060 > 10.2.2.2.5060:  udp 568" (older
// releases print addr.port, later ones also addr/port), "... > ...: P 1:569(568) ack ..."
// for TCP. ICMP and other flows without ports give no event.
func flowEvent(s string) (Event, bool) {
	m := flowRe.FindStringSubmatch(s)
	if m == nil {
		return Event{}, false
	}
	src, ok1 := parseShowAddr(m[1])
	dst, ok2 := parseShowAddr(m[2])
	if !ok1 || !ok2 {
		return Event{}, false
	}
	ev := Event{Kind: Packet, Src: src, Dst: dst}
	tail := strings.TrimSpace(m[3])
	switch {
	case udpLen.MatchString(tail):
		ev.Transport = "UDP"
		ev.Length, _ = strconv.Atoi(udpLen.FindStringSubmatch(tail)[1])
	case tcpFlags.MatchString(tail):
		ev.Transport = "TCP"
		if l := tcpLen.FindStringSubmatch(tail); l != nil {
			ev.Length, _ = strconv.Atoi(l[1])
		}
	default: // icmp, esp, ip-proto-N: no ports to speak of
		return Event{}, false
	}
	return ev, true
}

// parseShowAddr reads "10.1.1.1/5060", "10.1.1.1.5060", "2001:db8::1/5060" or
// "2001:db8::1.5060".
func parseShowAddr(s string) (netip.AddrPort, bool) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		i = strings.LastIndexByte(s, '.')
	}
	if i < 0 {
		return netip.AddrPort{}, false
	}
	a, err := netip.ParseAddr(s[:i])
	if err != nil {
		return netip.AddrPort{}, false
	}
	p, err := strconv.ParseUint(s[i+1:], 10, 16)
	if err != nil {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(a, uint16(p)), true
}
