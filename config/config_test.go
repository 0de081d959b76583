package config_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/asaaudit/asaaudit/asa"
	"github.com/asaaudit/asaaudit/config"
	"github.com/asaaudit/asaaudit/rules"
)

func TestParse(t *testing.T) {
	src := `fail-on: error
profiles:
  - name: provider
    ports: [udp/5080]
    keepalive: 30s
  - name: trunk
    ports: udp/5060
  - register-interval: 10m
    ports: [7000]
rules:
  sip004: error
  PARSE002: off
  REF001:
baseline: base/known.json
`
	f, err := config.Parse([]byte(src), filepath.Join("cfg", ".asaaudit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := &config.File{
		Path:   filepath.Join("cfg", ".asaaudit.yaml"),
		FailOn: "error",
		Profiles: []config.Profile{
			{Name: "provider", Ports: []asa.Port{{Proto: "udp", Number: 5080}}, Keepalive: 30 * time.Second, Line: 3},
			{Name: "trunk", Ports: []asa.Port{{Proto: "udp", Number: 5060}}, Line: 6},
			{Name: "profile 3", Ports: []asa.Port{{Proto: "udp", Number: 7000}, {Proto: "tcp", Number: 7000}}, RegisterInterval: 10 * time.Minute, Line: 8},
		},
		Rules: map[string]config.RuleSetting{
			"SIP004":   {Severity: rules.Error},
			"PARSE002": {Disabled: true},
		},
		Baseline: filepath.Join("cfg", "base", "known.json"),
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("got  %+v\nwant %+v", f, want)
	}
}

func TestParseDefaults(t *testing.T) {
	for _, src := range []string{"", "# nothing yet\n", "profiles:\n", "---\n"} {
		f, err := config.Parse([]byte(src), "c.yaml")
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if f.FailOn != "" || f.Profiles != nil || len(f.Rules) != 0 || f.Baseline != "" {
			t.Errorf("%q sets something: %+v", src, f)
		}
	}
	f, err := config.Parse([]byte("profiles:\n  - keepalive: 20s\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Profiles[0].Ports, asa.DefaultSIPPorts) {
		t.Errorf("a profile without ports covers %v, want the default SIP ports", f.Profiles[0].Ports)
	}
}

// clients and provider take one value or a list.
func TestPathKeys(t *testing.T) {
	f, err := config.Parse([]byte("clients: [10.200.41.0/24, 10.200.42.7]\nprovider: 204.11.192.22\n"), "c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.Clients, f.Providers); got != "[10.200.41.0/24 10.200.42.7/32] [204.11.192.22]" {
		t.Errorf("got %s", got)
	}
}

// Every mistake names the file, the line and the key; all of them are reported at once.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"unknown top-level key", "fail-on: error\nkeepalive: 30s\n", []string{`c.yaml:2: unknown key "keepalive"`, "known keys: baseline, clients, fail-on, profiles, provider, rules"}},
		{"misspelt key", "profiles:\n  - name: p\n    keepalve: 30s\n", []string{`c.yaml:3: unknown key "profiles[0].keepalve" (did you mean "keepalive"?)`}},
		{"bad duration", "profiles:\n  - keepalive: 30\n", []string{`c.yaml:2: profiles[0].keepalive: "30" is not a duration`}},
		{"negative duration", "profiles:\n  - register-interval: -5m\n", []string{`c.yaml:2: profiles[0].register-interval: "-5m" is not a duration`}},
		{"bad port", "profiles:\n  - ports: [udp/5080, udp/99999]\n", []string{`c.yaml:2: profiles[0].ports: invalid SIP port "udp/99999"`}},
		{"bad protocol", "profiles:\n  - ports:\n      - sctp/5060\n", []string{`c.yaml:3: profiles[0].ports: invalid SIP port "sctp/5060"`}},
		{"port in two profiles", "profiles:\n  - name: a\n    ports: [udp/5060]\n  - name: b\n    ports: [5060]\n", []string{`c.yaml:4: profiles: udp/5060 is in both "a" (line 2) and "b"`}},
		{"bad fail-on", "fail-on: fatal\n", []string{`c.yaml:1: fail-on: "fatal" is not a level`}},
		{"unknown rule", "rules:\n  SIP999: off\n", []string{`c.yaml:2: rules: unknown rule "SIP999"`}},
		{"bad rule setting", "rules:\n  SIP001: critical\n", []string{`c.yaml:2: rules.SIP001: "critical" is not a setting (want off, info, warning or error)`}},
		{"profiles not a list", "profiles:\n  name: a\n", []string{`c.yaml:2: profiles: want a list of profiles`}},
		{"rules not a mapping", "rules: [SIP001]\n", []string{`c.yaml:1: rules: want a mapping`}},
		{"not a mapping", "- a\n- b\n", []string{`c.yaml:1: want a mapping of keys to values`}},
		{"list for a single value", "fail-on: [error]\n", []string{`c.yaml:1: fail-on: want a single value, not a list`}},
		{"yaml syntax", "profiles:\n  - name: a\n   ports: x\n", []string{`c.yaml:`, `did not find expected`}},
		{"duplicate key", "fail-on: error\nfail-on: info\n", []string{`c.yaml:2: key "fail-on" is already set at line 1`}},
		{"rule set twice", "rules:\n  SIP001: off\n  sip001: error\n", []string{`c.yaml:3: rules.SIP001: already set at line 2`}},
		{"several", "fail-on: fatal\nrules:\n  SIP001: loud\n", []string{`c.yaml:1: fail-on`, `c.yaml:3: rules.SIP001`}},
		{"bad clients", "clients: [10.200.41.0/24, 10.200.41.0/33]\n", []string{`c.yaml:1: clients: invalid clients "10.200.41.0/33"`}},
		{"IPv6 clients with a zone", "clients:\n  - fe80::1%eth0\n", []string{`c.yaml:2: clients: invalid clients "fe80::1%eth0"`}},
		{"bad provider", "provider: sip.example.net\n", []string{`c.yaml:1: provider: invalid provider "sip.example.net"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.src), "c.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(dir string) string {
		p := filepath.Join(dir, config.FileName)
		if err := os.WriteFile(p, []byte("fail-on: error\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if got, err := config.Find(deep); err != nil || got != "" && strings.HasPrefix(got, root) {
		t.Errorf("Find with no file: %q, %v", got, err)
	}
	top := write(filepath.Join(root, "a"))
	if got, err := config.Find(deep); err != nil || got != top {
		t.Errorf("Find = %q, %v; want the parent's %q", got, err, top)
	}
	near := write(filepath.Join(root, "a", "b"))
	if got, err := config.Find(deep); err != nil || got != near {
		t.Errorf("Find = %q, %v; want the nearest %q", got, err, near)
	}
	// A directory with the file's name is not a configuration file.
	if err := os.Mkdir(filepath.Join(deep, config.FileName), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := config.Find(deep); err != nil || got != near {
		t.Errorf("Find = %q, %v; want %q past the directory", got, err, near)
	}
}

// tree makes root/a/b/c and returns root and the deepest directory.
func tree(t *testing.T) (root, deep string) {
	t.Helper()
	root = t.TempDir()
	deep = filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	return root, deep
}

// writeConfig writes a configuration file in dir with mode perm (chmod, so that the umask
// does not decide) and returns its path.
func writeConfig(t *testing.T, dir string, perm os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, config.FileName)
	if err := os.WriteFile(p, []byte("fail-on: never\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, perm); err != nil {
		t.Fatal(err)
	}
	return p
}

// owner is a Search.Owner that says every file belongs to uid.
func owner(uid int) func(fs.FileInfo) (int, bool) {
	return func(fs.FileInfo) (int, bool) { return uid, true }
}

// The search does not leave the repository or the home directory: a file above them is
// someone else's (the shared /tmp of the issue), not this project's.
func TestSearchStops(t *testing.T) {
	for _, tt := range []struct {
		name string
		stop func(t *testing.T, root string) config.Search // makes root/a the boundary
	}{
		{"repository root (.git directory)", func(t *testing.T, root string) config.Search {
			if err := os.Mkdir(filepath.Join(root, "a", ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			return config.Search{UID: 1000, Owner: owner(1000)}
		}},
		{"repository root (.git file of a worktree)", func(t *testing.T, root string) config.Search {
			if err := os.WriteFile(filepath.Join(root, "a", ".git"), []byte("gitdir: /elsewhere\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			return config.Search{UID: 1000, Owner: owner(1000)}
		}},
		{"home directory", func(t *testing.T, root string) config.Search {
			return config.Search{Home: filepath.Join(root, "a"), UID: 1000, Owner: owner(1000)}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root, deep := tree(t)
			s := tt.stop(t, root)
			writeConfig(t, root, 0o644)
			if d, err := s.Find(deep); err != nil || d.Path != "" || len(d.Skipped) != 0 {
				t.Errorf("Find = %+v, %v; want nothing: the file is above the boundary", d, err)
			}
			// The boundary directory itself is searched.
			at := writeConfig(t, filepath.Join(root, "a"), 0o644)
			if d, err := s.Find(deep); err != nil || d.Path != at {
				t.Errorf("Find = %+v, %v; want %s", d, err, at)
			}
		})
	}
}

// A file another user could have written is skipped, with the reason, and the search goes
// on to the next trusted file above it.
func TestSearchSkipsUntrusted(t *testing.T) {
	const me = 1000
	for _, tt := range []struct {
		name   string
		perm   os.FileMode
		owner  int
		reason string // "" when the file is used
	}{
		{"mine", 0o644, me, ""},
		{"root's", 0o644, 0, ""},
		{"group-writable (umask 002) is still mine", 0o664, me, ""},
		{"another user's", 0o644, 1001, "owned by uid 1001, not by you (uid 1000) or root"},
		{"world-writable", 0o666, me, "writable by every user (mode 0666)"},
		{"world-writable root's", 0o666, 0, "writable by every user (mode 0666)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root, deep := tree(t)
			far := writeConfig(t, root, 0o644)
			near := writeConfig(t, filepath.Join(root, "a", "b"), tt.perm)
			// Only the near file is the one under test: the far one belongs to the user.
			s := config.Search{UID: me, Owner: func(fi fs.FileInfo) (int, bool) {
				if os.SameFile(fi, stat(t, near)) {
					return tt.owner, true
				}
				return me, true
			}}
			d, err := s.Find(deep)
			if err != nil {
				t.Fatal(err)
			}
			if tt.reason == "" {
				if d.Path != near || len(d.Skipped) != 0 {
					t.Errorf("Find = %+v; want %s", d, near)
				}
				return
			}
			want := []config.Skipped{{Path: near, Reason: tt.reason}}
			if d.Path != far || !reflect.DeepEqual(d.Skipped, want) {
				t.Errorf("Find = %+v; want %s after skipping %+v", d, far, want)
			}
			if got, w := d.Skipped[0].String(), "ignoring "+near+": "+tt.reason; got != w {
				t.Errorf("String() = %q, want %q", got, w)
			}
		})
	}
}

func stat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// The real owner lookup, not the seam: a file owned by someone else is refused. As root the
// file is given away with chown; as another user, the search plays a different user instead,
// since only root may chown.
func TestSearchRealOwner(t *testing.T) {
	root, deep := tree(t)
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := writeConfig(t, root, 0o644)
	s := config.DefaultSearch()
	if uid, ok := s.Owner(stat(t, path)); !ok || uid != os.Getuid() {
		t.Fatalf("Owner of a file just written = %d, %v; want %d", uid, ok, os.Getuid())
	}
	if d, err := s.Find(deep); err != nil || d.Path != path {
		t.Fatalf("own file: Find = %+v, %v", d, err)
	}
	const other = 4242
	if os.Getuid() == 0 {
		if err := os.Chown(path, other, other); err != nil {
			t.Fatal(err)
		}
	} else {
		s.UID = os.Getuid() + 1
	}
	d, err := s.Find(deep)
	if err != nil || d.Path != "" || len(d.Skipped) != 1 || !strings.Contains(d.Skipped[0].Reason, "owned by uid") {
		t.Errorf("another user's file: Find = %+v, %v; want it skipped", d, err)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := config.Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml: no such file or directory") {
		t.Errorf("error %v", err)
	}
	var errs config.Errors
	if errors.As(err, &errs) {
		t.Error("a missing file is not a content error")
	}
}

// The starting file parses, audits the example profiles and lists every rule.
func TestTemplate(t *testing.T) {
	tmpl := config.Template()
	f, err := config.Parse([]byte(tmpl), "init.yaml")
	if err != nil {
		t.Fatalf("template does not parse: %v\n%s", err, tmpl)
	}
	if f.FailOn != "warning" || len(f.Profiles) != 2 || f.Profiles[0].Keepalive != 30*time.Second || len(f.Rules) != 0 {
		t.Errorf("template sets %+v", f)
	}
	for _, r := range rules.All {
		if !strings.Contains(tmpl, "# "+r.ID+":") {
			t.Errorf("template does not list %s", r.ID)
		}
		// Uncommenting a rule's line gives a valid setting.
		line := "rules:\n  " + r.ID + ": " + r.Severity.String() + "\n"
		if _, err := config.Parse([]byte(line), "x.yaml"); err != nil {
			t.Errorf("%s: %v", r.ID, err)
		}
	}
}

// The README's example file is valid.
func TestREADMEExample(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Configuration file\n")
	if !ok {
		t.Fatal("README has no Configuration file section")
	}
	_, block, ok := strings.Cut(section, "```yaml\n")
	if !ok {
		t.Fatal("the Configuration file section has no YAML example")
	}
	block, _, _ = strings.Cut(block, "```")
	f, err := config.Parse([]byte(block), "README.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Profiles) != 2 || len(f.Rules) != 2 || f.Baseline == "" {
		t.Errorf("README example sets %+v", f)
	}
}
