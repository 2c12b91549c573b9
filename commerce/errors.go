package commerce

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrorCode classifies an error for callers and transports. Codes are part
// of Mercato's public contract: a code never changes meaning, new codes may
// be added, and the string value is what HTTP and event payloads carry.
type ErrorCode string

// The stable error codes. The comments are the contract each code promises.
const (
	// CodeNotFound: the addressed thing does not exist (or has expired).
	CodeNotFound ErrorCode = "not_found"
	// CodeInvalidArgument: the caller sent input that can never succeed as sent.
	CodeInvalidArgument ErrorCode = "invalid_argument"
	// CodeConflict: the input clashes with existing state (a duplicate key, a
	// stale version, an idempotency key reused with different input).
	CodeConflict ErrorCode = "conflict"
	// CodeOutOfStock: not enough stock is available to satisfy the request.
	CodeOutOfStock ErrorCode = "out_of_stock"
	// CodePaymentDeclined: the payment provider refused the payment.
	CodePaymentDeclined ErrorCode = "payment_declined"
	// CodeFailedPrecondition: the thing is not in a state that allows the
	// operation (cancelling a shipped order, capturing a failed payment).
	CodeFailedPrecondition ErrorCode = "failed_precondition"
	// CodeUnavailable: a dependency is down or timed out; retrying may succeed.
	CodeUnavailable ErrorCode = "unavailable"
	// CodeUnauthenticated: the caller's identity is missing or invalid.
	CodeUnauthenticated ErrorCode = "unauthenticated"
	// CodePermissionDenied: the caller is known but not allowed to do this.
	CodePermissionDenied ErrorCode = "permission_denied"
	// CodeResourceExhausted: a quota or rate limit was hit; retry later.
	CodeResourceExhausted ErrorCode = "resource_exhausted"
	// CodeInternal: a bug or an unclassified failure. Never the caller's fault.
	CodeInternal ErrorCode = "internal"
)

// Sentinels for errors.Is: errors.Is(err, ErrNotFound) reports whether err
// carries CodeNotFound anywhere in its chain, whatever its message.
var (
	ErrNotFound           = sentinel(CodeNotFound)
	ErrInvalidArgument    = sentinel(CodeInvalidArgument)
	ErrConflict           = sentinel(CodeConflict)
	ErrOutOfStock         = sentinel(CodeOutOfStock)
	ErrPaymentDeclined    = sentinel(CodePaymentDeclined)
	ErrFailedPrecondition = sentinel(CodeFailedPrecondition)
	ErrUnavailable        = sentinel(CodeUnavailable)
	ErrUnauthenticated    = sentinel(CodeUnauthenticated)
	ErrPermissionDenied   = sentinel(CodePermissionDenied)
	ErrResourceExhausted  = sentinel(CodeResourceExhausted)
	ErrInternal           = sentinel(CodeInternal)
)

func sentinel(c ErrorCode) error {
	return &Error{Code: c, Message: strings.ReplaceAll(string(c), "_", " ")}
}

// Error is an error with a stable code, a message fit to show a developer,
// optional structured details (field names, limits, SKUs) and an optional
// wrapped cause.
type Error struct {
	Code    ErrorCode
	Message string
	Details map[string]any
	Err     error
}

// Errorf returns an *Error with the given code and a formatted message.
// A %w verb wraps its operand as the cause, as with fmt.Errorf.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	wrapped := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: wrapped.Error(), Err: errors.Unwrap(wrapped)}
}

// WithDetail returns a copy of e with key set to value in its details.
func (e *Error) WithDetail(key string, value any) *Error {
	c := *e
	c.Details = make(map[string]any, len(e.Details)+1)
	for k, v := range e.Details {
		c.Details[k] = v
	}
	c.Details[key] = value
	return &c
}

// Error returns the message prefixed by the code.
func (e *Error) Error() string {
	return string(e.Code) + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same code, which makes
// errors.Is(err, ErrNotFound) work for every not-found error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Code returns the code of the first *Error in err's chain. A nil error has
// the empty code; a cancelled or timed-out context is CodeUnavailable; any
// other error is CodeInternal.
func Code(err error) ErrorCode {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return CodeUnavailable
	}
	return CodeInternal
}
