package change

import (
	"io"
	"slices"

	"github.com/asaaudit/asaaudit/parser"
)

// After returns the configuration src (named name, read from its current offset) with
// the script applied: parsed with opts as the audit parses it, then, when opts leave the
// path sections out, read a second time for the access-lists the class-maps match and
// those the script names (with the objects and object-groups they may use), as the
// audit's own second pass does; then the script is applied. The configuration is read as
// a stream each time, and the lines kept are read back from src when they are asked for
// (parser.Options.ReadBack), so src must stay open and unchanged while the Config is
// used; only what the script touches changes (its lines are kept in memory).
func (s *Script) After(src io.ReadSeeker, name string, opts parser.Options) (*parser.Config, *Result, error) {
	start, err := src.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, nil, err
	}
	opts.ReadBack = true
	cfg, err := parser.ParseWith(src, name, opts)
	if err != nil {
		return nil, nil, err
	}
	if cfg.Paths == nil {
		acls := cfg.MatchACLs()
		for _, n := range s.accessLists() {
			if cfg.ACLNames[n] && !slices.Contains(acls, n) {
				acls = append(acls, n)
			}
		}
		if len(acls) > 0 || s.touchesACLs() {
			if _, err := src.Seek(start, io.SeekStart); err != nil {
				return nil, nil, err
			}
			if err := parser.ReadACLs(src, cfg, acls); err != nil {
				return nil, nil, err
			}
		}
	}
	return cfg, s.Apply(cfg), nil
}

// accessLists returns the names of the access-lists the script's commands name.
func (s *Script) accessLists() []string {
	var out []string
	for _, c := range s.Commands {
		for i, w := range c.Words[:len(c.Words)-1] {
			if w == "access-list" && !slices.Contains(out, c.Words[i+1]) {
				out = append(out, c.Words[i+1])
			}
		}
	}
	return out
}

// touchesACLs reports whether a command of the script is one that the access-lists read
// by the second pass (Config.ACLs) hold: access-lists, objects, object-groups.
func (s *Script) touchesACLs() bool {
	for _, c := range s.Commands {
		args := c.Words
		if args[0] == "no" && len(args) > 1 {
			args = args[1:]
		}
		if aclCommands[args[0]] || clearACL(args) {
			return true
		}
	}
	return false
}
