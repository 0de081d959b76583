package capture

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/asaaudit/asaaudit/internal/corpus"
)

// TestCorpus reads the real captures of the corpus (internal/corpus: fixtures/corpus/captures
// and ../shared/corpus/captures; SOURCES.md there says where each comes from): what each
// holds is recorded here, so a reader change that loses or invents a message shows, and a
// capture added to the corpus without a row fails.
func TestCorpus(t *testing.T) {
	type counts struct{ frames, sip, warnings int }
	want := map[string]counts{
		// sipcapture/heplify's examples: SIP over TCP (a call), the same with TCP
		// retransmissions and with messages in IP fragments, SIP over UDP on IPv6 (a call
		// whose URIs hold unbracketed IPv6 addresses, which the SIP parser refuses: a
		// warning per message, never a guess), and a T.38 fax call among RTP.
		// The counts of SIP messages are tshark 4.x's (`tshark -r F -Y sip`), except for
		// the fragmented capture, on tcp/6060, where tshark needs `-d tcp.port==6060,sip`
		// to find its 406: the reader recognises SIP by content, on any port.
		"heplify-sip_ipv4_tcp.pcap":                 {frames: 84, sip: 7},
		"heplify-sip_ipv4_tcp_retrans.pcap":         {frames: 196, sip: 8},
		"heplify-sip_ipv4_tcp_fragmented.pcap":      {frames: 1542, sip: 406},
		"heplify-sip_ipv6_udp.pcap":                 {frames: 6, sip: 0, warnings: 6},
		"heplify-FAX-Call-t38-CA-TDM-SIP-FB-1.pcap": {frames: 7217, sip: 92},
	}
	for _, path := range corpus.Captures(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			r, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var got counts
			for {
				ev, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if ev.Kind == SIP {
					got.sip++
				}
			}
			got.frames, got.warnings = r.Frames(), r.WarningCount()
			w, ok := want[name]
			if !ok {
				t.Fatalf("not in the table: %+v", got)
			}
			if got != w {
				t.Errorf("got %+v, want %+v", got, w)
			}
		})
	}
}
