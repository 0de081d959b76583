package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"
)

// Modes of the files asaaudit writes (before the umask). Reports are shared like any build
// artefact; what came from a device (--save) stays with the user, masked or not.
const (
	permReport fs.FileMode = 0o644
	permDevice fs.FileMode = 0o600
)

// writeFileAtomic writes path through a temporary file in the same directory, renamed over
// path only once complete and synced: a full disk, an error in write or a killed run leaves
// the previous file as it was. An existing report keeps its mode (the user may have narrowed
// it); a symbolic link is followed, so the file it points at is replaced, not the link. A
// path that exists and is not a regular file (/dev/stdout, /dev/null, a FIFO) cannot be
// renamed over and is written in place.
func writeFileAtomic(path string, perm fs.FileMode, write func(io.Writer) error) error {
	target, exact := path, false
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	if fi, err := os.Stat(target); err == nil {
		switch {
		case fi.IsDir():
			return fmt.Errorf("write %s: is a directory", path)
		case !fi.Mode().IsRegular():
			return writeInPlace(path, target, write)
		case perm == permReport:
			perm, exact = fi.Mode().Perm(), true
		}
	}
	tmp, err := createTemp(target, perm, exact)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, pathless(err))
	}
	name := tmp.Name()
	err = write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, target)
	}
	if err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("write %s: %w", path, pathless(err))
	}
	return nil
}

// createTemp creates a new file beside target, named after it and hidden, with mode perm
// less the umask (os.CreateTemp would give 0600 whatever the kind of file), or exactly perm:
// the mode of the file it replaces.
func createTemp(target string, perm fs.FileMode, exact bool) (*os.File, error) {
	dir, base := filepath.Split(target)
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if exact {
			if err := f.Chmod(perm); err != nil {
				f.Close()
				os.Remove(name)
				return nil, err
			}
		}
		return f, nil
	}
	return nil, fmt.Errorf("cannot create a temporary file in %s", dir)
}

// writeInPlace writes to a path that is not a regular file.
func writeInPlace(path, target string, write func(io.Writer) error) error {
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, pathless(err))
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, pathless(err))
	}
	return nil
}

// pathless drops the path of an *fs.PathError or *os.LinkError: the message names the user's
// file, not the temporary one.
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// probeWritable checks, without touching path, that a file can be written there: it is not
// a directory, and a file can be created beside it. It is what the commands that log in to a
// firewall check before they do.
func probeWritable(path string) error {
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	if fi, err := os.Stat(target); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("%s is a directory", path)
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
	}
	f, err := createTemp(target, permDevice, false)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, pathless(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// namedPath is a file the command line names, with the flag that names it.
type namedPath struct {
	what string // "--baseline", "--output", "--format sarif=", "an input"...
	path string
}

func (n namedPath) String() string {
	switch {
	case n.what == "":
		return n.path
	case n.what[len(n.what)-1] == '=':
		return n.what + n.path
	}
	return n.what + " " + n.path
}

// sameFile reports whether a and b are one file: the same file on disk when both exist
// (os.SameFile: hard links, symbolic links, ./x and x), else the same absolute path once the
// directory's links are resolved. Only regular files and files not yet created compare
// equal: /dev/stdin and /dev/stdout are one terminal, and reading one while writing the other
// destroys nothing.
func sameFile(a, b string) bool {
	ai, aerr := os.Stat(a)
	bi, berr := os.Stat(b)
	switch {
	case aerr == nil && berr == nil:
		return ai.Mode().IsRegular() && bi.Mode().IsRegular() && os.SameFile(ai, bi)
	case aerr == nil || berr == nil:
		return false
	}
	return canonical(a) == canonical(b)
}

// canonical is path made absolute with its directory's symbolic links resolved.
func canonical(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	dir, base := filepath.Split(abs)
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	return filepath.Join(dir, base)
}

// checkClobber refuses outputs that are one of the inputs, or one another: the run would
// destroy what it reads, or write one document over another.
func checkClobber(inputs, outputs []namedPath) error {
	for i, o := range outputs {
		for _, in := range inputs {
			if in.path != "" && in.path != "-" && sameFile(o.path, in.path) {
				return usageError{fmt.Errorf("%s would overwrite %s, which this run reads; write it to another file", o, in)}
			}
		}
		for _, p := range outputs[:i] {
			if sameFile(o.path, p.path) {
				return usageError{fmt.Errorf("%s and %s are the same file; give each its own", p, o)}
			}
		}
	}
	return nil
}

// evidenceInputs are c's --evidence files, for checkClobber.
func evidenceInputs(c *cobra.Command) []namedPath {
	paths, _ := c.Flags().GetStringArray("evidence")
	inputs := make([]namedPath, 0, len(paths))
	for _, p := range paths {
		inputs = append(inputs, namedPath{"--evidence", p})
	}
	return inputs
}
