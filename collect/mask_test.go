package collect

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMaskSecretsGolden(t *testing.T) {
	for _, name := range []string{"mask", "mask_crlf"} {
		in, err := os.ReadFile(filepath.Join("testdata", name+"_in.txt"))
		if err != nil {
			t.Fatal(err)
		}
		got := MaskSecrets(in)
		golden := filepath.Join("testdata", name+"_golden.txt")
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: MaskSecrets differs from %s:\n%s", name, golden, got)
		}
		// Line count and line endings are kept; every line is either unchanged or has a mask.
		inL, gotL := bytes.SplitAfter(in, []byte("\n")), bytes.SplitAfter(got, []byte("\n"))
		if len(inL) != len(gotL) {
			t.Fatalf("%s: %d lines in, %d out", name, len(inL), len(gotL))
		}
		for i := range inL {
			a, b := string(inL[i]), string(gotL[i])
			if a != b && !strings.Contains(b, Mask) {
				t.Errorf("%s line %d changed without a mask: %q -> %q", name, i+1, a, b)
			}
			if strings.HasSuffix(a, "\r\n") != strings.HasSuffix(b, "\r\n") {
				t.Errorf("%s line %d: line ending changed", name, i+1)
			}
		}
		// Idempotent.
		if again := MaskSecrets(got); !bytes.Equal(again, got) {
			t.Errorf("%s: MaskSecrets is not idempotent", name)
		}
	}
}

func TestMaskSecretsRemovesEverySecret(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "mask_in.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := string(MaskSecrets(in))
	for _, secret := range []string{
		"8Ry2YjIyt7RRXU24", "$sha512$5000$abcd$efgh", "2KFQnbNIdI.2KYOU", "0spfS3cret", "0spfPlain",
		"e1z89R3cZe9Kt6Ib", "$sha512$5000$xyz$abc", "ispS3cret", "tacacsKey123", "ldapS3cret",
		"0822455D0A16", "radKey", "fokey123", "0123456789abcdef0123456789abcdef", "ntpS3cret",
		"snmpHostComm", "snmpComm", "snmpComm0", "6d:61:de", "9a:bb:cc", "authPW", "privPW",
		"isakmpKey", "060506324F41", "l2lSecret", "localPSK", "remotePSK", "plainPSK", "eigrpKey",
		"$1$abc$def",
	} {
		if strings.Contains(got, secret) {
			t.Errorf("secret %q survived masking", secret)
		}
	}
	for _, keep := range []string{
		"hostname fw1", "ntp trusted-key 1", "crypto key generate rsa modulus 2048", "key chain KC",
		"ssh key-exchange group dh-group14-sha256", "description key server uplink (not a secret)",
		"snmp-server location key-west", "ldap-login-dn cn=svc,dc=example,dc=com", "username nopw nopassword",
		"access-list outside_in remark key points: pre-shared-key is not here",
		"banner motd key to the kingdom is pre-shared-key nothing",
	} {
		if !strings.Contains(got, keep) {
			t.Errorf("non-secret line %q was changed", keep)
		}
	}
}

func TestSavePath(t *testing.T) {
	cases := map[string]string{
		"fw1":              "out/fw1.txt",
		"fw1.example.com":  "out/fw1.example.com.txt",
		"10.0.0.1":         "out/10.0.0.1.txt",
		"../../etc/passwd": "out/_._.._etc_passwd.txt",
		"a/b c":            "out/a_b_c.txt",
		"":                 "out/_.txt",
		".hidden":          "out/_hidden.txt",
		"..":               "out/_..txt",
		"fw:22":            "out/fw_22.txt",
		"[2001:db8::1]:22": "out/_2001_db8__1__22.txt",
		"ünïcode":          "out/__n__code.txt",
	}
	for in, want := range cases {
		got := SavePath("out", in)
		if got != filepath.FromSlash(want) {
			t.Errorf("SavePath(out, %q) = %q, want %q", in, got, want)
		}
		if filepath.Dir(got) != "out" {
			t.Errorf("SavePath(out, %q) = %q escapes the directory", in, got)
		}
	}
}
