package eventbus

import "errors"

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

// Error returns the wrapped error's message.
func (p permanentError) Error() string { return p.err.Error() }

// Unwrap returns the wrapped error.
func (p permanentError) Unwrap() error { return p.err }

// Permanent marks err as a failure that retrying cannot fix, such as a
// payload that does not decode. A handler returning it skips the remaining
// retries and the event goes straight to the poison topic.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}
