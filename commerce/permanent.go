package commerce

import "errors"

// permanentError marks a failure that no retry can fix.
type permanentError struct{ err error }

func (p permanentError) Error() string   { return p.err.Error() }
func (p permanentError) Unwrap() error   { return p.err }
func (p permanentError) Permanent() bool { return true }

// Permanent marks err as a failure that retrying cannot fix, whatever its
// code: a message a provider will never accept, a payload that does not
// decode. Every retry loop in Mercato (notification sends, bus handlers,
// payment provider calls) stops at such an error: the bus moves the event
// to its poison topic at once, notify records the delivery as failed for
// good. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err: err}
}

// IsPermanent reports whether retrying the operation that returned err
// cannot help. It is the one rule every retry loop in Mercato applies:
//
//   - an error in err's chain with a method Permanent() bool decides (the
//     first one found): Permanent's mark says true, and a
//     payment.ProviderError says true for a decline or an invalid request;
//   - otherwise err's code decides: InvalidArgument, NotFound,
//     FailedPrecondition, PermissionDenied, Unauthenticated and
//     PaymentDeclined describe the request, not the moment, so they are
//     permanent; every other code (Unavailable, ResourceExhausted,
//     Conflict, OutOfStock, Internal), a cancelled context and an
//     uncoded error may succeed later.
//
// IsPermanent(nil) is false.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	var p interface{ Permanent() bool }
	if errors.As(err, &p) {
		return p.Permanent()
	}
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case CodeInvalidArgument, CodeNotFound, CodeFailedPrecondition, CodePermissionDenied,
		CodeUnauthenticated, CodePaymentDeclined:
		return true
	}
	return false
}
