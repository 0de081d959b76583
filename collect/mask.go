package collect

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"

	"github.com/asaaudit/asaaudit/internal/lazyre"
)

// Mask replaces a secret token.
const Mask = "*****"

// MaskSecrets returns a copy of an ASA configuration with every secret token replaced by
// "*****", for whatever leaves the process (saved files, reports, logs). Only the secret token
// is replaced: the number of lines, the line endings and the rest of every line are unchanged,
// so line numbers in findings stay valid, and masking twice changes nothing.
//
// The commands that carry a secret (Cisco ASA command reference, 9.x, and the 8.x and PIX
// forms still met in saved configurations):
//
//   - logins: enable password, passwd/password, username U password, username U secret,
//     vpdn username U password, kcd-server G username U password, http-proxy … username U
//     password, key config-key password-encryption NEW OLD
//   - AAA: aaa-server TAG (IF) host A KEY, and in its host mode key, radius-common-pw,
//     ldap-login-password; tacacs-server/radius-server key (IOS-style pastes); sso-server
//     policy-server-secret; host A key K in a radius-accounting inspect policy-map
//   - VPN: crypto isakmp key, isakmp key, tunnel-group ikev1 pre-shared-key, pre-shared-key,
//     ikev2 local-/remote-authentication pre-shared-key [hex]; vpn load-balancing cluster key;
//     cluster group key; failover key [hex], failover ipsec pre-shared-key
//   - routing: ospf authentication-key, ospf message-digest-key N md5 K (and the area
//     virtual-link forms), OSPFv3 authentication/encryption ipsec spi N ALG K, authentication
//     key eigrp AS K, rip authentication key K, IS-IS authentication key, isis password,
//     area-password, domain-password, BGP neighbor A password, key chain key-string,
//     wccp … password, cts sxp default password
//   - SNMP: snmp-server community, snmp-server host|host-group … community, the auth and priv
//     keys of snmp-server user … v3
//   - ntp authentication-key N ALG K; crypto ca trustpoint password (enrollment challenge);
//     scansafe general-options license; umbrella-global token
//   - the password in a URL's user information (ftp://user:PASSWORD@host/… in config-url,
//     enrollment url, ddns update-url)
//
// An encryption type (0, 5, 7, 8 …, or hex/ascii) before a secret is kept and the secret
// after it masked. Free text is never masked: description, remark, banner, snmp-server
// location and contact. Nor are the commands the audit reads (access-lists, objects, NAT,
// routes, class-maps, policy-maps, interfaces, timeouts), where "key" or "password" can only be
// a name, so that a saved configuration audits exactly like the collected one. Keys that are
// identifiers are kept (ntp server … key N, key N in a key chain); certificates and SSH public
// keys are public.
func MaskSecrets(config []byte) []byte {
	lines := bytes.SplitAfter(config, []byte("\n"))
	var out bytes.Buffer
	out.Grow(len(config))
	parent := ""
	for _, l := range lines {
		body := l
		end := len(body)
		for end > 0 && (body[end-1] == '\n' || body[end-1] == '\r') {
			end--
		}
		body = body[:end]
		if len(body) > 0 && body[0] != ' ' && body[0] != '\t' {
			parent = mode(body)
		}
		out.Write(maskLine(body, parent))
		out.Write(l[end:])
	}
	return out.Bytes()
}

type span struct{ start, end int }

// mode names the configuration mode a top-level line opens by its first two words
// ("key chain", "scansafe general-options"), for the sub-mode lines after it.
func mode(line []byte) string {
	toks := tokens(line)
	words := make([]string, 0, 2)
	for _, t := range toks[:min(2, len(toks))] {
		words = append(words, strings.ToLower(string(line[t.start:t.end])))
	}
	return strings.Join(words, " ")
}

// unmasked are the commands whose lines are never masked: free text, and the commands the
// audit reads, in which a "key" or "password" token can only be a name.
var unmasked = map[string]bool{
	"banner": true, "description": true, "remark": true, "hostname": true, "domain-name": true,
	"access-list": true, "access-group": true, "object": true, "object-group": true,
	"network-object": true, "service-object": true, "port-object": true, "protocol-object": true,
	"icmp-object": true, "group-object": true, "name": true, "nat": true, "static": true,
	"global": true, "route": true, "class-map": true, "match": true, "class": true,
	"policy-map": true, "inspect": true, "set": true, "service-policy": true, "timeout": true,
	"same-security-traffic": true, "interface": true, "nameif": true,
}

// trailing are keywords that follow a secret; a single digit right before one of them is the
// secret itself, not an encryption type.
var trailing = map[string]bool{
	"encrypted": true, "pbkdf2": true, "nt-encrypted": true, "privilege": true, "level": true,
	"key-id": true, "timeout": true, "version": true, "address": true, "store-local": true,
	"udp-port": true, "level-1": true, "level-2": true, "authenticate": true,
}

// urlPassword finds the password of a URL's user information: scheme://user:PASSWORD@.
var urlPassword = lazyre.New(`^[A-Za-z][A-Za-z0-9+.-]*://[^/@:\s]*:([^@/\s]+)@`)

// maskLine masks the secret tokens of one line (without its line ending); parent is the mode
// of the top-level line it is under.
func maskLine(line []byte, parent string) []byte {
	toks := tokens(line)
	if len(toks) == 0 {
		return line
	}
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = strings.ToLower(string(line[t.start:t.end]))
	}
	first := words[0]
	if unmasked[first] || first == "snmp-server" && len(words) > 1 && (words[1] == "location" || words[1] == "contact") {
		return line
	}
	// Nothing after description or remark is a command.
	n := len(words)
	for i, w := range words {
		if w == "description" || w == "remark" {
			n = i
			break
		}
	}
	word := func(i int) string {
		if i < 0 || i >= n {
			return ""
		}
		return words[i]
	}
	var masks []span
	maskTok := func(j int) {
		if j >= 0 && j < n {
			masks = append(masks, toks[j])
		}
	}
	// secretAfter masks the token after i, or the one after that when the token after i is an
	// encryption type (a digit, hex, ascii) and a secret follows it.
	secretAfter := func(i int) {
		j := i + 1
		if w := word(j); (len(w) == 1 && w[0] >= '0' && w[0] <= '9' || w == "hex" || w == "ascii") &&
			j+1 < n && !trailing[word(j+1)] {
			j++
		}
		maskTok(j)
	}
	isNum := func(s string) bool {
		for _, c := range s {
			if c < '0' || c > '9' {
				return false
			}
		}
		return s != ""
	}
	isAlg := func(s string) bool {
		switch s {
		case "md5", "sha", "sha1", "sha224", "sha256", "sha384", "sha512", "cmac":
			return true
		}
		return false
	}
	for i := 0; i < n; i++ {
		switch w := words[i]; w {
		case "password":
			switch {
			case i == 0 && word(1) == "encryption": // password encryption aes
			case first == "cts" && (word(i+1) == "none" || word(i+1) == "default"): // sxp connection peer A password default
			default:
				secretAfter(i)
			}
		case "passwd", "secret", "ldap-login-password", "radius-common-pw", "policy-server-secret",
			"pre-shared-key", "key-string", "area-password", "domain-password":
			secretAfter(i)
		case "password-encryption": // key config-key password-encryption NEW [OLD]
			for j := i + 1; j < n; j++ {
				maskTok(j)
			}
		case "key":
			switch next := word(i + 1); {
			case first == "ntp": // ntp server A key N: a key number
			case next == "" || next == "chain" || next == "generate" || next == "zeroize" ||
				next == "import" || next == "export" || next == "config-key":
			case i == 0 && parent == "key chain": // key N: the key's number
			case next == "eigrp": // authentication key eigrp AS KEY key-id N
				secretAfter(i + 2)
			default:
				secretAfter(i)
			}
		case "authentication-key", "message-digest-key":
			// ntp authentication-key N md5 K, ospf message-digest-key N md5 K, ospf authentication-key K
			if isNum(word(i+1)) && isAlg(word(i+2)) {
				secretAfter(i + 2)
			} else if w == "authentication-key" {
				secretAfter(i)
			}
		case "community":
			if first == "snmp-server" {
				secretAfter(i)
			}
		case "auth": // snmp-server user U G v3 [encrypted] auth sha K priv aes 256 K
			if first == "snmp-server" && isAlg(word(i+1)) {
				maskTok(i + 2)
			}
		case "priv":
			if first == "snmp-server" {
				j := i + 2 // priv des K, priv 3des K
				if isNum(word(j)) {
					j++ // priv aes 256 K
				}
				maskTok(j)
			}
		case "spi": // [ipv6 ospf|area N] authentication|encryption ipsec spi N esp? ALG [BITS] [TYPE] K ...
			if word(i-1) != "ipsec" {
				break
			}
			for j := i + 2; j < n; j++ {
				switch word(j) {
				case "md5", "sha1", "des", "3des", "aes-cbc":
					if b := word(j + 1); b == "128" || b == "192" || b == "256" {
						j++
					}
					secretAfter(j)
					j++
				}
			}
		case "token", "license":
			// umbrella-global: token T; scansafe general-options: license K
			if i == 0 && (w == "token" && strings.HasPrefix(parent, "umbrella") || w == "license" && parent == "scansafe general-options") {
				secretAfter(i)
			}
		case "host":
			// aaa-server TAG [(IF)] host A [KEY] [timeout N]: the key has no keyword
			if first == "aaa-server" && (i == 2 || i == 3) {
				if k := word(i + 2); k != "" && k != "timeout" && k != "key" {
					maskTok(i + 2)
				}
			}
		}
		if m := urlPassword.Get().FindSubmatchIndex(line[toks[i].start:toks[i].end]); m != nil {
			masks = append(masks, span{toks[i].start + m[2], toks[i].start + m[3]})
		}
	}
	if len(masks) == 0 {
		return line
	}
	slices.SortFunc(masks, func(a, b span) int { return a.start - b.start })
	var b bytes.Buffer
	prev := 0
	for _, m := range masks {
		if m.start < prev {
			continue // the same token twice
		}
		b.Write(line[prev:m.start])
		b.WriteString(Mask)
		prev = m.end
	}
	b.Write(line[prev:])
	return b.Bytes()
}

func tokens(line []byte) []span {
	var out []span
	start := -1
	for i, c := range line {
		blank := c == ' ' || c == '\t'
		switch {
		case !blank && start < 0:
			start = i
		case blank && start >= 0:
			out = append(out, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(line)})
	}
	return out
}

// SavePath is where --save writes target's configuration: DIR/<sanitised target>.txt. Every
// character outside [A-Za-z0-9._-] becomes "_" and a leading dot is replaced, so the name stays
// inside dir and is not hidden: a context's target "fw1/voice" is saved as DIR/fw1_voice.txt.
func SavePath(dir, target string) string {
	return filepath.Join(dir, fileName(target)+".txt")
}

// ShowPath is where --save writes target's runtime evidence (Capture):
// DIR/<sanitised target>.show.txt, beside SavePath.
func ShowPath(dir, target string) string {
	return filepath.Join(dir, fileName(target)+".show.txt")
}

func fileName(target string) string {
	b := []byte(target)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			b[i] = '_'
		}
	}
	name := string(b)
	if name == "" {
		name = "_"
	}
	if name[0] == '.' {
		name = "_" + name[1:]
	}
	return name
}
