package collect

import (
	"bytes"
	"path/filepath"
	"strings"
)

// Mask replaces a secret token.
const Mask = "*****"

// MaskSecrets returns a copy of an ASA configuration with secrets replaced by "*****", for
// saving it to disk. Only the secret token is replaced: the number of lines, the line endings
// and the rest of every line are unchanged, so line numbers in findings stay valid.
//
// Masked: enable password, passwd, username ... password, key / key-string (aaa-server,
// failover, tacacs/radius, isakmp), pre-shared-key (ikev1, ikev2 local/remote-authentication),
// snmp-server community and host ... community, snmp-server user auth/priv keys,
// ldap-login-password, ntp authentication-key N md5 X, (ospf) authentication-key,
// message-digest-key N md5 X, authentication key eigrp AS X, secret. An optional encryption-type
// digit (0/5/7/8 ...) before a secret is kept and the secret after it masked. Certificates are
// public and are not masked.
func MaskSecrets(config []byte) []byte {
	lines := bytes.SplitAfter(config, []byte("\n"))
	var out bytes.Buffer
	out.Grow(len(config))
	for _, l := range lines {
		body := l
		end := len(body)
		for end > 0 && (body[end-1] == '\n' || body[end-1] == '\r') {
			end--
		}
		out.Write(maskLine(body[:end]))
		out.Write(body[end:])
	}
	return out.Bytes()
}

type span struct{ start, end int }

// maskLine masks the secret tokens of one line (without its line ending).
func maskLine(line []byte) []byte {
	toks := tokens(line)
	if len(toks) == 0 {
		return line
	}
	word := func(i int) string {
		if i < 0 || i >= len(toks) {
			return ""
		}
		return strings.ToLower(string(line[toks[i].start:toks[i].end]))
	}
	mask := map[int]bool{}
	// secretAfter masks the token after i, skipping a single-digit encryption type when another
	// token follows it ("key 7 XYZ", "pre-shared-key 8 XYZ").
	secretAfter := func(i int) {
		j := i + 1
		if j >= len(toks) {
			return
		}
		if w := word(j); len(w) == 1 && w[0] >= '0' && w[0] <= '9' && j+1 < len(toks) {
			j++
		}
		mask[j] = true
	}
	isNum := func(s string) bool {
		if s == "" {
			return false
		}
		for _, c := range s {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	isAlg := func(s string) bool {
		switch s {
		case "md5", "sha", "sha1", "sha224", "sha256", "sha384", "sha512", "cmac":
			return true
		}
		return false
	}
	first := word(0)
	if first == "description" || first == "banner" || word(2) == "remark" {
		return line // free text
	}
	for i := range toks {
		w := word(i)
		switch w {
		case "password":
			// enable password X / username U password X / vpdn username U password X
			if word(i-1) == "enable" || word(i-2) == "username" {
				secretAfter(i)
			}
		case "passwd", "ldap-login-password", "pre-shared-key", "key-string", "secret":
			secretAfter(i)
		case "key":
			switch n := word(i + 1); {
			case n == "hex" || n == "ascii":
				secretAfter(i + 1) // failover key hex X
			case n == "eigrp":
				// authentication key eigrp AS X [key-id N]
				if i+3 < len(toks) {
					mask[i+3] = true
				}
			case n == "chain" || n == "generate" || n == "config-key" || n == "":
				// key chain NAME, crypto key generate: no secret
			default:
				secretAfter(i)
			}
		case "authentication-key", "message-digest-key":
			// ntp authentication-key N md5 X / ospf message-digest-key N md5 X / ospf authentication-key X
			if isNum(word(i+1)) && isAlg(word(i+2)) {
				secretAfter(i + 2)
			} else {
				secretAfter(i)
			}
		case "community":
			if first == "snmp-server" {
				secretAfter(i)
			}
		case "auth":
			// snmp-server user U G v3 [encrypted] auth sha X priv aes 256 Y
			if first == "snmp-server" && isAlg(word(i+1)) {
				secretAfter(i + 1)
			}
		case "priv":
			if first == "snmp-server" && i+2 < len(toks) {
				j := i + 2 // priv des X / priv 3des X
				if isNum(word(j)) && j+1 < len(toks) {
					j++ // priv aes 256 X
				}
				mask[j] = true
			}
		}
	}
	if len(mask) == 0 {
		return line
	}
	var b bytes.Buffer
	prev := 0
	for i, t := range toks {
		if !mask[i] {
			continue
		}
		b.Write(line[prev:t.start])
		b.WriteString(Mask)
		prev = t.end
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
