package asasim

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

type token struct {
	text string // lower-cased
	raw  string
	off  int // byte offset in the command line
}

func tokenize(line string) []token {
	var toks []token
	i := 0
	for i < len(line) {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		start := i
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
		if i > start {
			raw := line[start:i]
			toks = append(toks, token{text: strings.ToLower(raw), raw: raw, off: start})
		}
	}
	return toks
}

func normalizeCmd(s string) string { return strings.Join(strings.Fields(s), " ") }

type matchKind int

const (
	matchNone matchKind = iota
	matchOne
	matchAmbiguous
)

// matchWord resolves an (abbreviated) keyword against candidates.
func matchWord(tok string, cands ...string) (string, matchKind) {
	var found []string
	for _, c := range cands {
		if c == tok {
			return c, matchOne
		}
		if strings.HasPrefix(c, tok) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		return "", matchNone
	case 1:
		return found[0], matchOne
	}
	return "", matchAmbiguous
}

// invalidAt prints the ASA caret error for the token at byte offset off.
func (ss *session) invalidAt(off int) error {
	col := len(ss.prompt()) + off
	return ss.writeString(strings.Repeat(" ", col) + "^\r\n" + errInvalid + "\r\n")
}

func (ss *session) incomplete() error { return ss.writeString(errIncomplet + "\r\n") }

func (ss *session) ambiguous(t token) error {
	return ss.writeString(fmt.Sprintf("ERROR: %% Ambiguous command: \"%s\"\r\n", t.raw))
}

// execute runs one non-blank command line and writes its output (not the prompt).
func (ss *session) execute(line string) error {
	cmdPart, filter, hasPipe := strings.Cut(line, "|")
	if ss.unauthorized(line) {
		return ss.writeString(errAuthorization + "\r\n")
	}
	if out, ok := ss.derived(normalizeCmd(line)); ok {
		return ss.output(out, false)
	}

	// Device.Outputs: exact (whitespace-normalised) match, optionally filtered.
	if out, ok := ss.space.outputs[normalizeCmd(line)]; ok {
		return ss.output(out, false)
	}
	if hasPipe {
		if out, ok := ss.space.outputs[normalizeCmd(cmdPart)]; ok {
			f, err := ss.pipeFilter(filter, len(cmdPart)+1)
			if err != nil || f == nil {
				return err
			}
			return ss.output(f(out), false)
		}
	}

	toks := tokenize(cmdPart)
	if len(toks) == 0 { // e.g. "| include x"
		return ss.invalidAt(strings.Index(line, "|"))
	}

	if ss.mode == modeConfig {
		return ss.executeConfig(toks, line, filter, hasPipe)
	}

	cands := []string{"enable", "exit", "logout", "quit", "show", "terminal"}
	if ss.mode == modePriv {
		cands = append(cands, "configure", "disable", "more", "packet-tracer")
		if ss.srv.multiple() {
			cands = append(cands, "changeto")
		}
	}
	first, kind := matchWord(toks[0].text, cands...)
	switch kind {
	case matchNone:
		return ss.invalidAt(toks[0].off)
	case matchAmbiguous:
		return ss.ambiguous(toks[0])
	}

	switch first {
	case "enable":
		return ss.enable()
	case "disable":
		ss.mode = modeUser
		return nil
	case "exit", "quit", "logout":
		return ss.logout()
	case "configure":
		if len(toks) < 2 {
			return ss.incomplete()
		}
		if _, k := matchWord(toks[1].text, "terminal"); k != matchOne {
			return ss.invalidAt(toks[1].off)
		}
		ss.mode = modeConfig
		return nil
	case "terminal":
		return ss.terminal(toks)
	case "more":
		return ss.more(toks, line, filter, hasPipe)
	case "show":
		return ss.show(toks, line, filter, hasPipe)
	case "changeto":
		return ss.changeto(toks)
	case "packet-tracer":
		return ss.packetTracer(toks)
	}
	return ss.invalidAt(toks[0].off)
}

func (ss *session) executeConfig(toks []token, line, filter string, hasPipe bool) error {
	first, kind := matchWord(toks[0].text, "end", "exit", "quit", "logout", "show", "terminal")
	if kind != matchOne {
		return nil // configuration commands are accepted silently
	}
	switch first {
	case "end", "exit", "quit":
		ss.mode = modePriv
		return nil
	case "logout":
		return ss.logout()
	case "terminal":
		return ss.terminal(toks)
	case "show":
		return ss.show(toks, line, filter, hasPipe)
	}
	return nil
}

func (ss *session) logout() error {
	_ = ss.writeString("\r\nLogoff\r\n\r\n")
	return errLogout
}

func (ss *session) terminal(toks []token) error {
	if len(toks) < 2 {
		return ss.incomplete()
	}
	sub, kind := matchWord(toks[1].text, "pager", "width")
	switch kind {
	case matchNone:
		return ss.invalidAt(toks[1].off)
	case matchAmbiguous:
		return ss.ambiguous(toks[1])
	}
	i := 2
	if sub == "pager" && len(toks) > i {
		if _, k := matchWord(toks[i].text, "lines"); k == matchOne && !isNumber(toks[i].text) {
			i++
		}
	}
	if len(toks) <= i {
		return ss.incomplete()
	}
	n, err := strconv.Atoi(toks[i].text)
	if err != nil || n < 0 {
		return ss.invalidAt(toks[i].off)
	}
	if len(toks) > i+1 {
		return ss.invalidAt(toks[i+1].off)
	}
	switch sub {
	case "pager":
		ss.pagerLines = n
	case "width":
		if n < 40 || n > 511 {
			return ss.invalidAt(toks[i].off)
		}
	}
	return nil
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

func (ss *session) more(toks []token, line, filter string, hasPipe bool) error {
	if len(toks) < 2 {
		return ss.incomplete()
	}
	if toks[1].text != "system:running-config" && toks[1].text != "system:/running-config" {
		return ss.writeString(fmt.Sprintf("%%Error opening %s (No such file or directory)\r\n", toks[1].raw))
	}
	if len(toks) > 2 {
		return ss.invalidAt(toks[2].off)
	}
	return ss.filtered(ss.space.config, true, line, filter, hasPipe)
}

func (ss *session) show(toks []token, line, filter string, hasPipe bool) error {
	if len(toks) < 2 {
		return ss.incomplete()
	}
	cands := []string{"clock", "hostname", "mode", "version"}
	if ss.mode != modeUser {
		cands = append(cands, "running-config")
		if ss.srv.multiple() {
			cands = append(cands, "context")
		}
	}
	sub, kind := matchWord(toks[1].text, cands...)
	switch kind {
	case matchNone:
		return ss.invalidAt(toks[1].off)
	case matchAmbiguous:
		return ss.ambiguous(toks[1])
	}
	if sub != "running-config" && len(toks) > 2 {
		return ss.invalidAt(toks[2].off)
	}
	switch sub {
	case "running-config":
		cfg := ss.space.config
		args := toks[2:]
		if len(args) > 0 && args[0].text == "all" {
			args = args[1:]
		}
		if len(args) > 0 {
			cfg = configSection(cfg, args)
		}
		return ss.filtered(cfg, true, line, filter, hasPipe)
	case "version":
		return ss.filtered(ss.srv.version, false, line, filter, hasPipe)
	case "hostname":
		return ss.filtered(ss.srv.opts.Device.Hostname, false, line, filter, hasPipe)
	case "clock":
		return ss.filtered(time.Now().UTC().Format("15:04:05.000 MST Mon Jan 2 2006"), false, line, filter, hasPipe)
	case "mode":
		return ss.filtered(ss.srv.showMode(), false, line, filter, hasPipe)
	case "context":
		return ss.filtered(ss.showContext(), false, line, filter, hasPipe)
	}
	return nil
}

// filtered applies an optional "| include ..." style filter and outputs text.
func (ss *session) filtered(text string, faults bool, line, filter string, hasPipe bool) error {
	if hasPipe {
		f, err := ss.pipeFilter(filter, strings.Index(line, "|")+1)
		if err != nil || f == nil {
			return err
		}
		text = f(text)
	}
	return ss.output(text, faults)
}

// pipeFilter parses the text after "|" (starting at byte offset off of the
// line). It returns nil (after printing an error) when the filter is invalid.
func (ss *session) pipeFilter(spec string, off int) (func(string) string, error) {
	toks := tokenize(spec)
	if len(toks) == 0 {
		return nil, ss.incomplete()
	}
	kw, kind := matchWord(toks[0].text, "begin", "exclude", "grep", "include")
	if kind != matchOne {
		return nil, ss.invalidAt(off + toks[0].off)
	}
	rest := toks[1:]
	invert := kw == "exclude"
	if kw == "grep" && len(rest) > 0 && rest[0].text == "-v" {
		invert = true
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return nil, ss.incomplete()
	}
	pat := strings.TrimSpace(spec[rest[0].off:])
	re, err := regexp.Compile(pat)
	if err != nil {
		re = regexp.MustCompile(regexp.QuoteMeta(pat))
	}
	if kw == "begin" {
		return func(s string) string {
			lines := strings.SplitAfter(s, "\n")
			for i, l := range lines {
				if re.MatchString(strings.TrimRight(l, "\r\n")) {
					return strings.Join(lines[i:], "")
				}
			}
			return ""
		}, nil
	}
	return func(s string) string {
		var b strings.Builder
		for _, l := range strings.SplitAfter(s, "\n") {
			if l == "" {
				continue
			}
			if re.MatchString(strings.TrimRight(l, "\r\n")) != invert {
				b.WriteString(l)
			}
		}
		return b.String()
	}, nil
}

// configSection returns the top-level blocks (a line plus its indented
// children) whose leading words equal args, like `show running-config
// policy-map global_policy`.
func configSection(cfg string, args []token) string {
	var b strings.Builder
	in := false
	for _, l := range strings.SplitAfter(cfg, "\n") {
		if l == "" {
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			if in {
				b.WriteString(l)
			}
			continue
		}
		f := strings.Fields(l)
		in = len(f) >= len(args)
		if in {
			for i, a := range args {
				if !strings.EqualFold(f[i], a.raw) {
					in = false
					break
				}
			}
		}
		if in {
			b.WriteString(l)
		}
	}
	return b.String()
}

// defaultVersion is a realistic `show version` for an ASA 5516-X on 9.8(4).
func defaultVersion(hostname string) string {
	return `
Cisco Adaptive Security Appliance Software Version 9.8(4)
Firepower Extensible Operating System Version 2.2(2.97)
Device Manager Version 7.9(2)

Compiled on Wed 02-May-18 10:32 PDT by builders
System image file is "disk0:/asa984-lfbff-k8.SPA"
Config file at boot was "startup-config"

` + hostname + ` up 10 days 2 hours

Hardware:   ASA5516, 8192 MB RAM, CPU Atom C2000 series 2416 MHz, 1 CPU (8 cores)
Internal ATA Compact Flash, 8192MB
BIOS Flash M25P64 @ 0xfed01000, 16384KB

Encryption hardware device : Cisco ASA Crypto on-board accelerator (revision 0x1)
                             Number of accelerators: 1

 1: Ext: GigabitEthernet1/1  : address is 00a7.42d1.0a01, irq 255
 2: Ext: GigabitEthernet1/2  : address is 00a7.42d1.0a02, irq 255
 3: Ext: GigabitEthernet1/3  : address is 00a7.42d1.0a03, irq 255
 4: Ext: Management1/1       : address is 00a7.42d1.0a09, irq 0
 5: Int: Internal-Data1/1    : address is 00a7.42d1.0a00, irq 0

Licensed features for this platform:
Maximum Physical Interfaces       : Unlimited      perpetual
Maximum VLANs                     : 150            perpetual
Inside Hosts                      : Unlimited      perpetual
Failover                          : Active/Active  perpetual
Encryption-DES                    : Enabled        perpetual
Encryption-3DES-AES               : Enabled        perpetual
Security Contexts                 : 2              perpetual
Carrier                           : Disabled       perpetual
AnyConnect Premium Peers          : 4              perpetual
AnyConnect Essentials             : Disabled       perpetual
Other VPN Peers                   : 300            perpetual
Total VPN Peers                   : 300            perpetual
AnyConnect for Mobile             : Disabled       perpetual
AnyConnect for Cisco VPN Phone    : Disabled       perpetual
Advanced Endpoint Assessment      : Disabled       perpetual
Shared License                    : Disabled       perpetual
Total TLS Proxy Sessions          : 1000           perpetual
Botnet Traffic Filter             : Disabled       perpetual
Cluster                           : Disabled       perpetual

This platform has an ASA5516 Security Plus license.

Serial Number: JAD21280ABC
Running Permanent Activation Key: 0x0b31d245 0x2c4f8a5c 0x8d8e11b4 0x9a7c30a8 0x0b1d3e21
Configuration register is 0x1
Image type          : Release
Key Version         : A
Configuration last modified by enable_15 at 09:14:03.112 UTC Mon Mar 4 2024
`
}
