// Package config reads .asaaudit.yaml, the file a team keeps next to its firewall
// configurations: its SIP client profiles, rule settings, fail-on level and baseline.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/asaaudit/asaaudit/internal/input"
	"github.com/asaaudit/asaaudit/internal/names"

	"gopkg.in/yaml.v3"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/rules"
)

// FileName is the file Find looks for.
const FileName = ".asaaudit.yaml"

// File is a parsed configuration file. Zero values mean "not set": the command line
// and the built-in defaults decide.
type File struct {
	// Path is where the file was read from.
	Path string
	// FailOn is "error", "warning", "info" or "never".
	FailOn string
	// Profiles are the SIP clients, one per provider or trunk.
	Profiles []Profile
	// Rules holds the settings of the rules the file names, by rule ID.
	Rules map[string]RuleSetting
	// Baseline is the baseline file, relative to the working directory when the file
	// gave it relative to itself.
	Baseline string
	// Clients are the SIP clients' subnets and Providers the provider's addresses, for the
	// path rules (ACL001, ACL002, NAT001).
	Clients   []netip.Prefix
	Providers []netip.Addr
}

// Profile is one kind of SIP client: the ports it uses and how often it refreshes its
// flows. A trunk that neither registers nor sends keepalives has both intervals zero.
type Profile struct {
	Name             string
	Ports            []asa.Port
	Keepalive        time.Duration
	RegisterInterval time.Duration
	// Line is where the profile starts in the file.
	Line int
}

// RuleSetting changes one rule.
type RuleSetting struct {
	Disabled bool
	// Severity replaces the rule's default severity; zero keeps it.
	Severity rules.Severity
}

// Errors is every problem found in a file, in file order. Each one names the file,
// line and key.
type Errors []error

func (e Errors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "\n")
}

// Find returns the configuration file Discover finds from dir, or "" when there is none.
// Files Discover skips are not reported: callers that talk to a user use Discover.
func Find(dir string) (string, error) {
	d, err := Discover(dir)
	return d.Path, err
}

// Discovery is the outcome of a search for FileName.
type Discovery struct {
	// Path is the file to read, "" when there is none.
	Path string
	// Skipped are files the search met and refused to read, nearest first.
	Skipped []Skipped
}

// Skipped is a configuration file the search would have read but did not trust.
type Skipped struct {
	Path   string
	Reason string // e.g. "owned by uid 1001, not by you (uid 1000) or root"
}

func (s Skipped) String() string { return fmt.Sprintf("ignoring %s: %s", s.Path, s.Reason) }

// Search says where the upward search for FileName stops and whose files it trusts.
// DefaultSearch is the process's; tests build their own to play another user.
type Search struct {
	// Home is the user's home directory: the search goes no higher ("" for none).
	Home string
	// UID is the user's id; files owned by it or by root are trusted. Negative (Windows)
	// turns the ownership and permission checks off: the file system does not have them.
	UID int
	// Owner returns the uid owning the file fi describes, ok false when the platform does not
	// say.
	Owner func(fi fs.FileInfo) (uid int, ok bool)
}

// DefaultSearch is the search for the user running the process.
func DefaultSearch() Search {
	home, _ := os.UserHomeDir()
	return Search{Home: home, UID: os.Getuid(), Owner: fileOwner}
}

// Discover finds the configuration file with DefaultSearch.
func Discover(dir string) (Discovery, error) { return DefaultSearch().Find(dir) }

// Find looks for FileName in dir and then in each parent directory, up to the first of: the
// root of the repository (a directory holding .git), the home directory, the file system
// root. A file found there that another user could have written (owned by someone other than
// the user or root, or writable by every user) is skipped: a .asaaudit.yaml dropped in
// a shared directory such as /tmp would otherwise set fail-on: never for everyone below it.
func (s Search) Find(dir string) (Discovery, error) {
	var d Discovery
	dir, err := filepath.Abs(dir)
	if err != nil {
		return d, err
	}
	home := ""
	if s.Home != "" {
		if h, err := filepath.Abs(s.Home); err == nil {
			home = h
		}
	}
	for {
		path := filepath.Join(dir, FileName)
		st, err := os.Stat(path)
		switch {
		case err == nil && !st.IsDir():
			if reason := s.distrust(st); reason != "" {
				d.Skipped = append(d.Skipped, Skipped{Path: path, Reason: reason})
				break
			}
			d.Path = path
			return d, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return d, fmt.Errorf("config %s: %w", path, err)
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil || dir == home {
			return d, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return d, nil
		}
		dir = parent
	}
}

// distrust says why the file st describes may not be read, "" when it may.
func (s Search) distrust(st fs.FileInfo) string {
	if s.UID < 0 {
		return ""
	}
	if uid, ok := s.Owner(st); ok && uid != s.UID && uid != 0 {
		return fmt.Sprintf("owned by uid %d, not by you (uid %d) or root", uid, s.UID)
	}
	// Group write is not checked: with user private groups and umask 002 (Debian, Ubuntu)
	// every file a user creates is group-writable by a group of one.
	if perm := st.Mode().Perm(); perm&0o002 != 0 {
		return fmt.Sprintf("writable by every user (mode %04o)", perm)
	}
	return ""
}

// fileOwner reads the owner from the platform's stat structure. It goes through reflection
// so that one file builds everywhere: Unix stat structures have a Uid field, Windows' has none
// (ok false, and Windows has UID -1, which turns the check off anyway).
func fileOwner(fi fs.FileInfo) (int, bool) {
	v := reflect.ValueOf(fi.Sys())
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0, false
	}
	f := v.FieldByName("Uid")
	if !f.IsValid() || !f.CanUint() {
		return 0, false
	}
	return int(f.Uint()), true
}

// Load reads and checks the file at path.
func Load(path string) (*File, error) {
	data, err := input.ReadAllBounded(path, "a configuration file ("+FileName+")", input.MaxFile)
	if err != nil {
		return nil, fmt.Errorf("config %w", err)
	}
	return Parse(data, path)
}

// Parse checks data, the contents of the file at path. Unknown keys and bad values are
// errors (Errors) that name the file, line and key.
func Parse(data []byte, path string) (*File, error) {
	f := &File{Path: path, Rules: map[string]RuleSetting{}}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return f, nil // an empty file sets nothing
		}
		// "yaml: line 3: did not find ..." becomes "FILE:3: did not find ...".
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if rest, ok := strings.CutPrefix(msg, "line "); ok {
			if n, text, ok := strings.Cut(rest, ": "); ok {
				return nil, fmt.Errorf("%s:%s: %s", path, n, text)
			}
		}
		return nil, fmt.Errorf("%s: %s", path, msg)
	}
	d := &decoder{path: path}
	if len(doc.Content) == 1 && !isNull(doc.Content[0]) {
		d.mapping(doc.Content[0], "", map[string]func(*yaml.Node, string){
			"fail-on":  func(n *yaml.Node, key string) { f.FailOn = d.failOn(n, key) },
			"profiles": func(n *yaml.Node, key string) { f.Profiles = d.profiles(n, key) },
			"rules":    func(n *yaml.Node, key string) { f.Rules = d.rules(n, key) },
			"clients":  func(n *yaml.Node, key string) { f.Clients = list(d, n, key, asa.ParseClients) },
			"provider": func(n *yaml.Node, key string) { f.Providers = list(d, n, key, asa.ParseProvider) },
			"baseline": func(n *yaml.Node, key string) {
				if s := d.str(n, key); s != "" && !filepath.IsAbs(s) {
					f.Baseline = filepath.Join(filepath.Dir(path), s)
				} else {
					f.Baseline = s
				}
			},
		})
	}
	d.checkPortsUnique(f.Profiles)
	if len(d.errs) > 0 {
		return nil, d.errs
	}
	return f, nil
}

// decoder walks the YAML nodes and collects every error with its position.
type decoder struct {
	path string
	errs Errors
}

func (d *decoder) errorf(n *yaml.Node, key, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if key != "" {
		msg = key + ": " + msg
	}
	d.errs = append(d.errs, fmt.Errorf("%s:%d: %s", d.path, n.Line, msg))
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// mapping calls fields[key] for each key of n, and reports keys it does not know.
func (d *decoder) mapping(n *yaml.Node, path string, fields map[string]func(*yaml.Node, string)) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "want a mapping of keys to values, not %s", describe(n))
		return
	}
	known := make([]string, 0, len(fields))
	for k := range fields {
		known = append(known, k)
	}
	slices.Sort(known)
	for k, v := range d.pairs(n, path) {
		field := fields[k.Value]
		switch {
		case field == nil:
			d.errorf(k, "", "unknown key %q%s (known keys: %s)", join(path, k.Value), suggest(k.Value, known), strings.Join(known, ", "))
		case !isNull(v): // "key:" with nothing after it sets nothing
			field(v, join(path, k.Value))
		}
	}
}

// suggest returns ` (did you mean "x"?)` for a known key close to key.
func suggest(key string, known []string) string {
	if k := names.Closest(strings.ToLower(key), known, 2, nil); k != "" {
		return fmt.Sprintf(" (did you mean %q?)", k)
	}
	return ""
}

// pairs yields the keys and values of mapping n, reporting keys that appear twice (the
// YAML decoder does that only when decoding into Go maps and structs).
func (d *decoder) pairs(n *yaml.Node, path string) iter.Seq2[*yaml.Node, *yaml.Node] {
	return func(yield func(*yaml.Node, *yaml.Node) bool) {
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if line, ok := seen[k.Value]; ok {
				d.errorf(k, "", "key %q is already set at line %d", join(path, k.Value), line)
				continue
			}
			seen[k.Value] = k.Line
			if !yield(k, v) {
				return
			}
		}
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("%q", n.Value)
}

func (d *decoder) str(n *yaml.Node, key string) string {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, key, "want a single value, not %s", describe(n))
		return ""
	}
	return n.Value
}

func (d *decoder) failOn(n *yaml.Node, key string) string {
	s := d.str(n, key)
	switch s {
	case "error", "warning", "info", "never":
		return s
	case "":
		return ""
	}
	d.errorf(n, key, "%q is not a level (want error, warning, info or never)", s)
	return ""
}

func (d *decoder) duration(n *yaml.Node, key string) time.Duration {
	s := d.str(n, key)
	if s == "" {
		return 0
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		d.errorf(n, key, "%q is not a duration (want a number with a unit, e.g. 30s, 5m or 1h)", s)
		return 0
	}
	return v
}

func (d *decoder) profiles(n *yaml.Node, key string) []Profile {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, key, "want a list of profiles (\"- name: ...\"), not %s", describe(n))
		return nil
	}
	var out []Profile
	for i, item := range n.Content {
		path := fmt.Sprintf("%s[%d]", key, i)
		p := Profile{Name: fmt.Sprintf("profile %d", i+1), Line: item.Line}
		d.mapping(item, path, map[string]func(*yaml.Node, string){
			"name":              func(n *yaml.Node, key string) { p.Name = d.str(n, key) },
			"ports":             func(n *yaml.Node, key string) { p.Ports = d.ports(n, key) },
			"keepalive":         func(n *yaml.Node, key string) { p.Keepalive = d.duration(n, key) },
			"register-interval": func(n *yaml.Node, key string) { p.RegisterInterval = d.duration(n, key) },
		})
		if p.Ports == nil {
			p.Ports = asa.DefaultSIPPorts
		}
		out = append(out, p)
	}
	return out
}

// ports reads one port ("udp/5080") or a list of them.
func (d *decoder) ports(n *yaml.Node, key string) []asa.Port {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	ports := []asa.Port{}
	for _, item := range items {
		ps, err := asa.ParsePorts(d.str(item, key))
		if err != nil {
			d.errorf(item, key, "%v", err)
			continue
		}
		for _, p := range ps {
			if !slices.Contains(ports, p) {
				ports = append(ports, p)
			}
		}
	}
	return ports
}

// list reads one value or a list of them with parse.
func list[T any](d *decoder, n *yaml.Node, key string, parse func(string) (T, error)) []T {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []T
	for _, item := range items {
		v, err := parse(d.str(item, key))
		if err != nil {
			d.errorf(item, key, "%v", err)
			continue
		}
		out = append(out, v)
	}
	return out
}

// checkPortsUnique reports a port that two profiles claim: each port has one set of
// clients, so one refresh interval.
func (d *decoder) checkPortsUnique(profiles []Profile) {
	owner := map[asa.Port]Profile{}
	for _, p := range profiles {
		for _, port := range p.Ports {
			if o, ok := owner[port]; ok {
				d.errs = append(d.errs, fmt.Errorf("%s:%d: profiles: %s is in both %q (line %d) and %q; give each port one profile", d.path, p.Line, port, o.Name, o.Line, p.Name))
				continue
			}
			owner[port] = p
		}
	}
}

func (d *decoder) rules(n *yaml.Node, key string) map[string]RuleSetting {
	out := map[string]RuleSetting{}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, key, "want a mapping of rule IDs to off, info, warning or error, not %s", describe(n))
		return out
	}
	seen := map[string]int{}
	for k, v := range d.pairs(n, key) {
		r := rules.ByID(k.Value)
		if r == nil {
			d.errorf(k, key, "unknown rule %q (see asaaudit rules)", k.Value)
			continue
		}
		path := join(key, r.ID)
		if line, ok := seen[r.ID]; ok {
			d.errorf(k, path, "already set at line %d", line)
			continue
		}
		seen[r.ID] = k.Line
		s := d.str(v, path)
		switch strings.ToLower(s) {
		case "":
		case "off":
			out[r.ID] = RuleSetting{Disabled: true}
		default:
			sev, err := rules.ParseSeverity(s)
			if err != nil {
				d.errorf(v, path, "%q is not a setting (want off, info, warning or error)", s)
				continue
			}
			out[r.ID] = RuleSetting{Severity: sev}
		}
	}
	return out
}
