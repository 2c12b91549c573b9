package stripe

import (
	"context"
	"errors"
	"net"
	"net/http"

	stripego "github.com/stripe/stripe-go/v76"

	"github.com/mercatohq/mercato/payment"
)

func asStripeError(err error, target **stripego.Error) bool {
	return errors.As(err, target)
}

// classify turns a stripe-go error into a *payment.ProviderError; see the
// package documentation for the rules.
func classify(err error) error {
	var se *stripego.Error
	if asStripeError(err, &se) {
		msg := se.Msg
		switch {
		case se.Type == stripego.ErrorTypeCard:
			return &payment.ProviderError{Kind: payment.KindDeclined, Code: declineCode(se), Message: msg, Err: err}
		case se.HTTPStatusCode == http.StatusTooManyRequests:
			return &payment.ProviderError{Kind: payment.KindTransient, Code: codeOr(se, "rate_limit"), Message: msg, Err: err}
		case se.HTTPStatusCode == http.StatusConflict && se.Type != stripego.ErrorTypeIdempotency:
			// A concurrent request with the same idempotency key, or a lock
			// timeout: nothing was done, the same key may be sent again.
			return &payment.ProviderError{Kind: payment.KindTransient, Code: codeOr(se, "conflict"), Message: msg, Err: err}
		case se.HTTPStatusCode >= 500:
			return &payment.ProviderError{Kind: payment.KindTransient, Code: codeOr(se, "api_error"), Message: msg, Err: err}
		default:
			return &payment.ProviderError{Kind: payment.KindInvalid, Code: codeOr(se, string(se.Type)), Message: msg, Err: err}
		}
	}
	if notSent(err) {
		return payment.ErrTransient("connection_failed", "stripe: could not connect", err)
	}
	return payment.ErrUnknownOutcome("network", "stripe: the request may have been processed", err)
}

func codeOr(se *stripego.Error, def string) string {
	if se.Code != "" {
		return string(se.Code)
	}
	return def
}

// notSent reports whether err happened before the request could leave:
// a failure to dial.
func notSent(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// isMissing reports whether err is Stripe's resource_missing.
func isMissing(err error) bool {
	var se *stripego.Error
	return asStripeError(err, &se) && (se.Code == stripego.ErrorCodeResourceMissing || se.HTTPStatusCode == http.StatusNotFound)
}
