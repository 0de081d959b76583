// Package input opens the files a user names, with the one-line errors the CLI prints.
package input

import (
	"errors"
	"fmt"
	"os"
)

// Open opens path for reading. The error names the file once ("fw1.txt: no such file or
// directory") and rejects a directory, saying what kind of file was expected (what).
func Open(path, what string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a directory, not %s", path, what)
	}
	return f, nil
}
