package corpus

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Both lists are non-empty, sorted by base name, free of duplicate base names, and name
// existing files of the expected kind.
func TestLists(t *testing.T) {
	for name, files := range map[string][]string{"ASA": ASA(t), "Captures": Captures(t)} {
		var bases []string
		for _, f := range files {
			if _, err := os.Stat(f); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			b := filepath.Base(f)
			if name == "ASA" && !strings.HasSuffix(b, ".txt") {
				t.Errorf("%s: %s is not a .txt", name, f)
			}
			if name == "Captures" && !strings.HasSuffix(b, ".pcap") && !strings.HasSuffix(b, ".pcapng") {
				t.Errorf("%s: %s is not a capture", name, f)
			}
			bases = append(bases, b)
		}
		if !slices.IsSorted(bases) {
			t.Errorf("%s: not sorted by base name: %v", name, bases)
		}
		if len(slices.Compact(slices.Clone(bases))) != len(bases) {
			t.Errorf("%s: duplicate base names: %v", name, bases)
		}
	}
}

// The repository's durable copy alone is enough: every file of fixtures/corpus is listed,
// from the shared corpus when it holds the same name.
func TestRepositoryCopyListed(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, f := range slices.Concat(ASA(t), Captures(t)) {
		listed[filepath.Base(f)] = f
	}
	shared := filepath.Join(filepath.Dir(root), "shared", "corpus")
	for _, pat := range []string{"asa/*.txt", "captures/*.pcap", "captures/*.pcapng"} {
		own, _ := filepath.Glob(filepath.Join(root, "fixtures", "corpus", pat))
		for _, f := range own {
			got, ok := listed[filepath.Base(f)]
			if !ok {
				t.Errorf("%s is not listed", f)
				continue
			}
			if sharedCopy := filepath.Join(shared, filepath.Base(filepath.Dir(f)), filepath.Base(f)); fileExists(sharedCopy) && got != sharedCopy {
				t.Errorf("%s: listed %s, want the shared copy %s", filepath.Base(f), got, sharedCopy)
			}
		}
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// The module root is found from a package directory.
func TestModuleRoot(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	if wd, _ := os.Getwd(); !strings.HasPrefix(wd, root) {
		t.Errorf("root %s is not above the working directory %s", root, wd)
	}
}
