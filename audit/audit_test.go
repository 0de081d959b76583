package audit

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/rules"
)

// A class whose access-list does not hold udp/5060 sits before the factory class, which
// has no inspect sip: evaluated, udp/5060 is not inspected; from an input that cannot be
// read twice, the class is assumed to match and the finding is not made.
const matchACL = `ASA Version 9.8(4)
hostname fw
access-list voice_acl extended permit udp any any eq 5080
class-map voice
 match access-list voice_acl
class-map inspection_default
 match default-inspection-traffic
policy-map global_policy
 class voice
  inspect sip
 class inspection_default
  inspect ftp
service-policy global_policy global
`

func sip001(t *testing.T, r io.Reader) bool {
	t.Helper()
	res, err := Reader(r, "t.cfg", Options{Rules: rules.Options{Ports: []asa.Port{{Proto: "udp", Number: 5060}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Rule == "SIP001" {
			return true
		}
	}
	return false
}

func TestReaderSecondPass(t *testing.T) {
	if !sip001(t, strings.NewReader(matchACL)) {
		t.Error("seekable input: want SIP001 (voice_acl does not hold udp/5060)")
	}
	if sip001(t, io.MultiReader(strings.NewReader(matchACL))) {
		t.Error("input read once: want the assumption that class voice matches, no SIP001")
	}
	// A regular file read from an offset: the second pass starts there too.
	f, err := os.CreateTemp(t.TempDir(), "cfg")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("#\n" + matchACL); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(2, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if !sip001(t, f) {
		t.Error("regular file: want SIP001")
	}
}
