package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/asaaudit/asaaudit/collect"
)

// maxStem bounds the length of a --save file name's stem, well under the 255 bytes most file
// systems allow, with room for a "-N" suffix and ".show.txt".
const maxStem = 200

// saveNames gives each target of a --save run its own pair of files in dir,
// DIR/STEM.txt and DIR/STEM.show.txt. Stems are collect.SavePath's file name for the
// target; when two targets would get the same files (fw/a and fw_a, FW1 and fw1 on a file
// system that ignores case, a host named x.show beside x), the later one gets STEM-2, -3...
// A name that is one of the run's other files (the change script, an output) is passed
// over the same way. Names are handed out in target order, never in the order hosts
// finish, so that a run names its files the same way every time.
type saveNames struct {
	dir   string
	avoid []namedPath       // the run's inputs and outputs
	stems map[string]string // target -> stem
	used  map[string]bool   // lower-cased file names handed out
}

func newSaveNames(dir string, avoid []namedPath) *saveNames {
	return &saveNames{dir: dir, avoid: avoid, stems: map[string]string{}, used: map[string]bool{}}
}

// taken reports whether the file name is handed out or is one of the run's other files.
func (n *saveNames) taken(name string) bool {
	if n.used[strings.ToLower(name)] {
		return true
	}
	for _, a := range n.avoid {
		if a.path != "" && a.path != "-" && sameFile(filepath.Join(n.dir, name), a.path) {
			return true
		}
	}
	return false
}

// stem returns target's stem, allocating it on first use.
func (n *saveNames) stem(target string) string {
	if s, ok := n.stems[target]; ok {
		return s
	}
	base := strings.TrimSuffix(filepath.Base(collect.SavePath("", target)), ".txt")
	if len(base) > maxStem {
		base = base[:maxStem]
	}
	s := base
	for i := 2; n.taken(s+".txt") || n.taken(s+".show.txt"); i++ {
		s = base + "-" + strconv.Itoa(i)
	}
	n.used[strings.ToLower(s+".txt")], n.used[strings.ToLower(s+".show.txt")] = true, true
	n.stems[target] = s
	return s
}

// config is where target's configuration is saved.
func (n *saveNames) config(target string) string {
	return filepath.Join(n.dir, n.stem(target)+".txt")
}

// show is where target's runtime evidence is saved.
func (n *saveNames) show(target string) string {
	return filepath.Join(n.dir, n.stem(target)+".show.txt")
}

// prepareSaveDir makes sure files can be written in dir before any firewall is contacted.
// It creates dir, but not a missing tree of parents: a mistyped path should fail, not leave
// directories behind.
func prepareSaveDir(dir string) error {
	err := os.Mkdir(dir, 0o700)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("--save %s: %s does not exist; --save creates the directory but not its parents: create them first", dir, filepath.Dir(filepath.Clean(dir)))
	case err != nil && !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("--save %s: %w", dir, pathless(err))
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("--save %s: %w", dir, pathless(err))
	}
	if !fi.IsDir() {
		return fmt.Errorf("--save %s: not a directory", dir)
	}
	if err := probeWritable(filepath.Join(dir, "asaaudit")); err != nil {
		return fmt.Errorf("--save %s: %w", dir, err)
	}
	return nil
}

// saveFile writes a --save file atomically, readable by the user only: configurations hold
// secrets even masked (hashes) and the evidence holds addresses.
func saveFile(path string, data []byte) error {
	if err := writeFileAtomic(path, permDevice, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}); err != nil {
		return fmt.Errorf("--save: %w", err)
	}
	return nil
}
