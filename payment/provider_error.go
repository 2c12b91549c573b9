package payment

import (
	"errors"
	"fmt"

	"github.com/mercatohq/mercato/commerce"
)

// ErrorKind classifies a provider failure by what the caller may do next.
type ErrorKind int

// The provider error kinds.
const (
	// KindUnknown: the outcome is not known (a timeout after the request
	// was sent). The payment may have been processed: look it up first.
	KindUnknown ErrorKind = iota
	// KindDeclined: the provider refused the payment. Final; keep the reason.
	KindDeclined
	// KindTransient: the request was not processed (rate limit, outage);
	// retry with the same idempotency key.
	KindTransient
	// KindInvalid: the provider rejected the request itself (an unknown
	// payment method, an amount over what was captured). Final.
	KindInvalid
)

// String names the kind.
func (k ErrorKind) String() string {
	switch k {
	case KindDeclined:
		return "declined"
	case KindTransient:
		return "transient"
	case KindInvalid:
		return "invalid"
	default:
		return "unknown"
	}
}

// ProviderError is the classified failure every [Provider] returns.
type ProviderError struct {
	Kind ErrorKind
	// Code is the provider's machine-readable reason ("card_declined",
	// "insufficient_funds", "rate_limit").
	Code string
	// Message is the provider's human-readable reason.
	Message string
	// Err is the underlying cause, if any.
	Err error
}

// Error describes the failure.
func (e *ProviderError) Error() string {
	s := fmt.Sprintf("payment provider: %s", e.Kind)
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil && (e.Message == "" || e.Message != e.Err.Error()) {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *ProviderError) Unwrap() error { return e.Err }

// Permanent reports whether repeating the call cannot help: a decline or
// an invalid request. commerce.IsPermanent asks it, so every retry loop
// agrees on what a provider error means.
func (e *ProviderError) Permanent() bool { return e.Kind == KindDeclined || e.Kind == KindInvalid }

// ErrDeclined returns a KindDeclined error with the provider's reason.
func ErrDeclined(code, message string) *ProviderError {
	return &ProviderError{Kind: KindDeclined, Code: code, Message: message}
}

// ErrTransient returns a KindTransient error.
func ErrTransient(code, message string, cause error) *ProviderError {
	return &ProviderError{Kind: KindTransient, Code: code, Message: message, Err: cause}
}

// ErrUnknownOutcome returns a KindUnknown error.
func ErrUnknownOutcome(code, message string, cause error) *ProviderError {
	return &ProviderError{Kind: KindUnknown, Code: code, Message: message, Err: cause}
}

// ErrInvalid returns a KindInvalid error.
func ErrInvalid(code, message string) *ProviderError {
	return &ProviderError{Kind: KindInvalid, Code: code, Message: message}
}

// KindOf returns the kind of the first *ProviderError in err's chain.
// Errors that are not provider errors are KindUnknown: when in doubt, the
// service looks the payment up rather than assume nothing happened.
func KindOf(err error) ErrorKind {
	var pe *ProviderError
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return KindUnknown
}

// IsDeclined reports whether err is a provider decline.
func IsDeclined(err error) bool { return err != nil && KindOf(err) == KindDeclined }

// IsTransient reports whether err is a transient provider failure.
func IsTransient(err error) bool { return err != nil && KindOf(err) == KindTransient }

// IsUnknownOutcome reports whether err leaves the outcome unknown.
func IsUnknownOutcome(err error) bool { return err != nil && KindOf(err) == KindUnknown }

// callerError turns a provider failure into the commerce error callers see:
// a decline is CodePaymentDeclined with the provider's code and reason.
func callerError(doing string, err error) error {
	var pe *ProviderError
	if !errors.As(err, &pe) {
		if commerce.Code(err) != commerce.CodeInternal {
			return err
		}
		return commerce.Errorf(commerce.CodeUnavailable, "payment: %s: %w", doing, err)
	}
	switch pe.Kind {
	case KindDeclined:
		return commerce.Errorf(commerce.CodePaymentDeclined, "payment: %s: declined: %w", doing, err).
			WithDetail("decline_code", pe.Code).WithDetail("reason", pe.Message)
	case KindInvalid:
		return commerce.Errorf(commerce.CodeInvalidArgument, "payment: %s: rejected by the provider: %w", doing, err).
			WithDetail("provider_code", pe.Code)
	default:
		return commerce.Errorf(commerce.CodeUnavailable, "payment: %s: %w", doing, err)
	}
}
