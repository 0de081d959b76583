// Package corpus lists the real, public configurations and captures the tests read: the
// shared corpus beside the repository (../shared/corpus, reset between work sessions) and
// the durable copy in the repository (fixtures/corpus), so that the tests keep them when
// the shared folder is emptied.
package corpus

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// ASA returns the configurations of fixtures/corpus/asa/*.txt and ../shared/corpus/asa/*.txt
// (relative to the module root), one per base name (the shared copy first), sorted by base
// name. It calls t.Fatal when neither location has any.
func ASA(t testing.TB) []string {
	t.Helper()
	return find(t, "asa", "*.txt")
}

// Captures returns the packet captures (*.pcap, *.pcapng) of fixtures/corpus/captures and
// ../shared/corpus/captures, like ASA.
func Captures(t testing.TB) []string {
	t.Helper()
	return find(t, "captures", "*.pcap", "*.pcapng")
}

// find lists the files matching patterns in the shared and the repository's copy of the
// corpus folder dir.
func find(t testing.TB, dir string, patterns ...string) []string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dirs := []string{
		filepath.Join(filepath.Dir(root), "shared", "corpus", dir),
		filepath.Join(root, "fixtures", "corpus", dir),
	}
	byName := map[string]string{}
	for _, d := range dirs {
		for _, pat := range patterns {
			matches, err := filepath.Glob(filepath.Join(d, pat))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range matches {
				if _, seen := byName[filepath.Base(m)]; !seen {
					byName[filepath.Base(m)] = m
				}
			}
		}
	}
	if len(byName) == 0 {
		t.Fatalf("no corpus files (%s) in %s", strings.Join(patterns, ", "), strings.Join(dirs, " or "))
	}
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	slices.Sort(names)
	files := make([]string, len(names))
	for i, name := range names {
		files[i] = byName[name]
	}
	return files
}

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
