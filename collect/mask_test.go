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

// Each command that carries a secret, as the running-config shows it (indented in its
// sub-mode), with and without an encryption type, and lines that only contain the words.
// parent is the top-level line the line is under, "" for a top-level line.
func TestMaskSecretsTable(t *testing.T) {
	for _, tt := range []struct{ parent, in, want string }{
		// Logins.
		{"", "enable password 8Ry2YjIyt7RRXU24 encrypted", "enable password ***** encrypted"},
		{"", "enable password $sha512$5000$ab$cd pbkdf2 level 15", "enable password ***** pbkdf2 level 15"},
		{"", "passwd 2KFQnbNIdI.2KYOU encrypted", "passwd ***** encrypted"},
		{"", "password pixLogin encrypted", "password ***** encrypted"},
		{"", "username admin password e1z89R3cZe9Kt6Ib encrypted privilege 15", "username admin password ***** encrypted privilege 15"},
		{"", "username ops password 7 opsPW privilege 3", "username ops password 7 ***** privilege 3"},
		{"", "username ios secret 5 $1$abc$def", "username ios secret 5 *****"},
		{"", "vpdn username isp password ispS3cret store-local", "vpdn username isp password ***** store-local"},
		{"webvpn", " kcd-server KCD username svc password kcdPW", " kcd-server KCD username svc password *****"},
		{"webvpn", " http-proxy 10.0.0.9 8080 username px password proxyPW", " http-proxy 10.0.0.9 8080 username px password *****"},
		{"", "key config-key password-encryption newMaster oldMaster", "key config-key password-encryption ***** *****"},
		// AAA.
		{"", "aaa-server RAD (inside) host 10.0.0.5 radHostKey timeout 5", "aaa-server RAD (inside) host 10.0.0.5 ***** timeout 5"},
		{"", "aaa-server RAD host 10.0.0.5 radHostKey", "aaa-server RAD host 10.0.0.5 *****"},
		{"", "aaa-server RAD (inside) host 10.0.0.5 timeout 5", "aaa-server RAD (inside) host 10.0.0.5 timeout 5"},
		{"", "aaa-server RAD (inside) host 10.0.0.5", "aaa-server RAD (inside) host 10.0.0.5"},
		{"aaa-server RAD", " key radKey", " key *****"},
		{"aaa-server RAD", " key 7 radKey7", " key 7 *****"},
		{"aaa-server RAD", " radius-common-pw commonPW", " radius-common-pw *****"},
		{"aaa-server LDAP", " ldap-login-password ldapS3cret", " ldap-login-password *****"},
		{"aaa-server LDAP", " ldap-login-dn cn=svc,dc=example,dc=com", " ldap-login-dn cn=svc,dc=example,dc=com"},
		{"", "tacacs-server key 7 0822455D0A16", "tacacs-server key 7 *****"},
		{"webvpn", "  policy-server-secret smSecret", "  policy-server-secret *****"},
		{"policy-map type", "  host 10.0.0.5 key acctKey", "  host 10.0.0.5 key *****"},
		// VPN, failover, clustering.
		{"", "crypto isakmp key isakmpKey address 198.51.100.1 netmask 255.255.255.255", "crypto isakmp key ***** address 198.51.100.1 netmask 255.255.255.255"},
		{"", "isakmp key pixKey address 198.51.100.2", "isakmp key ***** address 198.51.100.2"},
		{"tunnel-group 198.51.100.1", " ikev1 pre-shared-key l2lSecret", " ikev1 pre-shared-key *****"},
		{"tunnel-group 198.51.100.1", " ikev1 pre-shared-key 8 l2lSecret8", " ikev1 pre-shared-key 8 *****"},
		{"tunnel-group 198.51.100.1", " pre-shared-key plainPSK", " pre-shared-key *****"},
		{"tunnel-group 198.51.100.1", " ikev2 local-authentication pre-shared-key 0 localPSK", " ikev2 local-authentication pre-shared-key 0 *****"},
		{"tunnel-group 198.51.100.1", " ikev2 remote-authentication pre-shared-key remotePSK", " ikev2 remote-authentication pre-shared-key *****"},
		{"tunnel-group 198.51.100.1", " ikev2 remote-authentication pre-shared-key hex 0a0b0c", " ikev2 remote-authentication pre-shared-key hex *****"},
		{"", "failover key fokey123", "failover key *****"},
		{"", "failover key hex 0123456789abcdef", "failover key hex *****"},
		{"", "failover key 8 foKey8", "failover key 8 *****"},
		{"", "failover ipsec pre-shared-key 0 foPSK", "failover ipsec pre-shared-key 0 *****"},
		{"vpn load-balancing", " cluster key vpnlbKey", " cluster key *****"},
		{"cluster group", " key clusterKey", " key *****"},
		// Routing.
		{"interface GigabitEthernet0/0", " ospf message-digest-key 1 md5 0spfS3cret", " ospf message-digest-key 1 md5 *****"},
		{"interface GigabitEthernet0/0", " ospf message-digest-key 1 md5 8 0spfS3cret8", " ospf message-digest-key 1 md5 8 *****"},
		{"interface GigabitEthernet0/0", " ospf authentication-key 0spfPlain", " ospf authentication-key *****"},
		{"interface GigabitEthernet0/0", " ospf authentication-key 8 0spfPlain8", " ospf authentication-key 8 *****"},
		{"router ospf", " area 0 virtual-link 10.0.0.1 message-digest-key 2 md5 vlKey", " area 0 virtual-link 10.0.0.1 message-digest-key 2 md5 *****"},
		{"router ospf", " area 0 virtual-link 10.0.0.1 authentication-key vlPlain", " area 0 virtual-link 10.0.0.1 authentication-key *****"},
		{"interface GigabitEthernet0/0", " ipv6 ospf authentication ipsec spi 300 md5 0 v3AuthKey", " ipv6 ospf authentication ipsec spi 300 md5 0 *****"},
		{"ipv6 router", " area 1 encryption ipsec spi 500 esp aes-cbc 128 v3EncKey sha1 v3ShaKey", " area 1 encryption ipsec spi 500 esp aes-cbc 128 ***** sha1 *****"},
		{"interface GigabitEthernet0/0", " authentication key eigrp 100 eigrpKey key-id 1", " authentication key eigrp 100 ***** key-id 1"},
		{"interface GigabitEthernet0/0", " authentication key eigrp 100 8 eigrpKey8 key-id 1", " authentication key eigrp 100 8 ***** key-id 1"},
		{"interface GigabitEthernet0/0", " rip authentication key 0 ripKey key_id 1", " rip authentication key 0 ***** key_id 1"},
		{"router isis", " authentication key 8 isisKey level-1", " authentication key 8 ***** level-1"},
		{"router isis", " area-password isisArea authenticate snp validate", " area-password ***** authenticate snp validate"},
		{"router isis", " domain-password isisDomain", " domain-password *****"},
		{"interface GigabitEthernet0/0", " isis password isisIf level-2", " isis password ***** level-2"},
		{"router bgp", "  neighbor 192.0.2.1 password 0 bgpSecret", "  neighbor 192.0.2.1 password 0 *****"},
		{"router bgp", "  neighbor 192.0.2.1 password 8 bgpSecret8", "  neighbor 192.0.2.1 password 8 *****"},
		{"router bgp", "  neighbor 192.0.2.1 password bgpPlain", "  neighbor 192.0.2.1 password *****"},
		{"key chain KC", "  key-string 7 060506324F41", "  key-string 7 *****"},
		{"key chain KC", " key 1", " key 1"},
		{"", "wccp web-cache redirect-list R password wccpPW", "wccp web-cache redirect-list R password *****"},
		{"", "wccp 90 password 7 wccpPW7", "wccp 90 password 7 *****"},
		{"", "cts sxp default password 0 sxpPW", "cts sxp default password 0 *****"},
		{"", "cts sxp connection peer 10.0.0.2 password default mode local", "cts sxp connection peer 10.0.0.2 password default mode local"},
		// SNMP.
		{"", "snmp-server community snmpComm", "snmp-server community *****"},
		{"", "snmp-server community 8 snmpComm8", "snmp-server community 8 *****"},
		{"", "snmp-server host inside 10.0.0.7 community snmpHostComm version 2c", "snmp-server host inside 10.0.0.7 community ***** version 2c"},
		{"", "snmp-server host inside 10.0.0.7 community 0 snmpHost0 version 2c", "snmp-server host inside 10.0.0.7 community 0 ***** version 2c"},
		{"", "snmp-server host-group inside NMS community groupComm version 2c", "snmp-server host-group inside NMS community ***** version 2c"},
		{"", "snmp-server user u1 grp v3 encrypted auth sha 6d:61:de priv aes 256 9a:bb:cc", "snmp-server user u1 grp v3 encrypted auth sha ***** priv aes 256 *****"},
		{"", "snmp-server user u2 grp v3 auth sha256 authPW priv 3des privPW", "snmp-server user u2 grp v3 auth sha256 ***** priv 3des *****"},
		// Other.
		{"", "ntp authentication-key 1 md5 ntpS3cret", "ntp authentication-key 1 md5 *****"},
		{"", "ntp authentication-key 2 sha256 8 ntpS3cret8", "ntp authentication-key 2 sha256 8 *****"},
		{"crypto ca trustpoint", " password chalPW", " password *****"},
		{"scansafe general-options", " license 0123456789ABCDEF", " license *****"},
		{"umbrella-global", " token AABBCCDDEEFF", " token *****"},
		{"context voice", " config-url ftp://admin:ctxPW@10.0.0.9/voice.cfg", " config-url ftp://admin:*****@10.0.0.9/voice.cfg"},
		{"crypto ca trustpoint", " enrollment url http://ra:raPW@10.0.0.8:80", " enrollment url http://ra:*****@10.0.0.8:80"},
		{"ddns update method", " web update-url https://u:ddnsPW@domains.example.net/nic/update", " web update-url https://u:*****@domains.example.net/nic/update"},
		{"", "enable secret 5 $1$abc$def\t", "enable secret 5 *****\t"},

		// Not secrets.
		{"", "password encryption aes", "password encryption aes"},
		{"", "password-policy minimum-length 12", "password-policy minimum-length 12"},
		{"", "service password-recovery", "service password-recovery"},
		{"", "username nopw nopassword", "username nopw nopassword"},
		{"", "ntp server 10.0.0.1 key 1 prefer source inside", "ntp server 10.0.0.1 key 1 prefer source inside"},
		{"", "ntp trusted-key 1", "ntp trusted-key 1"},
		{"", "crypto key generate rsa modulus 2048", "crypto key generate rsa modulus 2048"},
		{"", "key chain KC", "key chain KC"},
		{"", "ssh key-exchange group dh-group14-sha256", "ssh key-exchange group dh-group14-sha256"},
		{"group-policy GP", " password-storage enable", " password-storage enable"},
		{"tunnel-group TG", " password-management password-expire-in-days 14", " password-management password-expire-in-days 14"},
		{"ssh pubkey-chain", "  key-hash sha256 1a:2b:3c", "  key-hash sha256 1a:2b:3c"},
		{"", "snmp-server location key-west", "snmp-server location key-west"},
		{"", "snmp-server location community center", "snmp-server location community center"},
		{"", "snmp-server contact password reset desk", "snmp-server contact password reset desk"},
		{"", "snmp-server host inside 10.0.0.8 version 3 u1", "snmp-server host inside 10.0.0.8 version 3 u1"},
		{"", "access-list outside_in remark key points: pre-shared-key is not here", "access-list outside_in remark key points: pre-shared-key is not here"},
		{"", "access-list key extended permit ip object key any", "access-list key extended permit ip object key any"},
		{"", "object network password", "object network password"},
		{"", "name 10.0.0.5 radius-key description key server", "name 10.0.0.5 radius-key description key server"},
		{"interface GigabitEthernet0/0", " description key server uplink, password on the wiki", " description key server uplink, password on the wiki"},
		{"aaa-server RAD", " description passwd key secret", " description passwd key secret"},
		{"", "banner motd key to the kingdom is pre-shared-key nothing", "banner motd key to the kingdom is pre-shared-key nothing"},
		{"group-policy GP", " banner value Your password expires soon", " banner value Your password expires soon"},
		{"class-map key", " match access-list key", " match access-list key"},
		{"", "context voice", "context voice"},
		{"context voice", " config-url disk0:/voice.cfg", " config-url disk0:/voice.cfg"},
		{"", "ftp mode passive", "ftp mode passive"},
		{"", "http://example.net/no-userinfo", "http://example.net/no-userinfo"},
	} {
		in := tt.in + "\n"
		if tt.parent != "" {
			in = tt.parent + "\n" + in
		}
		got := string(MaskSecrets([]byte(in)))
		if tt.parent != "" {
			got = strings.TrimPrefix(got, tt.parent+"\n")
		}
		if got != tt.want+"\n" {
			t.Errorf("under %q:\n%q\nmasked to %q\nwant       %q", tt.parent, tt.in, strings.TrimSuffix(got, "\n"), tt.want)
		}
	}
}
