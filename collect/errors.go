package collect

import "errors"

// Kinds of failure. Result.Err is an *Error whose Unwrap returns one of these, so callers can
// use errors.Is(r.Err, collect.ErrAuth) and so on. ErrNotAllowed is in allowed.go.
var (
	ErrOptions        = errors.New("bad options")
	ErrConnect        = errors.New("cannot connect")
	ErrHostKeyUnknown = errors.New("host key unknown")
	ErrHostKeyChanged = errors.New("host key changed")
	ErrHostKeyRevoked = errors.New("host key revoked")
	ErrAuth           = errors.New("authentication failed")
	ErrEnable         = errors.New("enable password rejected")
	ErrTimeout        = errors.New("timed out")
	ErrClosed         = errors.New("connection closed")
	ErrCanceled       = errors.New("canceled")
	ErrCommand        = errors.New("command failed on the device")
	ErrUnexpected     = errors.New("unexpected device behaviour")
	// ErrTooMuchOutput is one command's output past Options.MaxOutput: a device that
	// floods output fails alone instead of growing the process without bound.
	ErrTooMuchOutput = errors.New("too much output")
)

// Error is the error type of Result.Err: one line, "TARGET: what happened; what to do". It never
// contains a password.
type Error struct {
	Target string // Target.Name
	Kind   error  // one of the Err* values above
	Msg    string // the message without the "TARGET: " prefix
}

func (e *Error) Error() string {
	if e.Target == "" {
		return e.Msg
	}
	return e.Target + ": " + e.Msg
}

// Unwrap returns Kind.
func (e *Error) Unwrap() error { return e.Kind }
