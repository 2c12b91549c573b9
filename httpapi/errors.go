package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// ErrorBody is the JSON body of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the code, message and details of an error answer. Code
// is one of the commerce error codes; Details names the offending field,
// SKUs and the like.
type ErrorDetail struct {
	Code    commerce.ErrorCode `json:"code"`
	Message string             `json:"message"`
	Details map[string]any     `json:"details,omitempty"`
	// RequestID is the request's X-Request-Id: quote it to an operator,
	// who finds the cause in the log under it.
	RequestID string `json:"request_id,omitempty"`
}

// StatusOf maps a commerce error code to its HTTP status.
func StatusOf(code commerce.ErrorCode) int {
	switch code {
	case commerce.CodeNotFound:
		return http.StatusNotFound
	case commerce.CodeInvalidArgument:
		return http.StatusBadRequest
	case commerce.CodeConflict, commerce.CodeOutOfStock, commerce.CodeFailedPrecondition:
		return http.StatusConflict
	case commerce.CodePaymentDeclined:
		return http.StatusPaymentRequired
	case commerce.CodeUnavailable:
		return http.StatusServiceUnavailable
	case commerce.CodeUnauthenticated:
		return http.StatusUnauthorized
	case commerce.CodePermissionDenied:
		return http.StatusForbidden
	case commerce.CodeResourceExhausted:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// tooLarge is the error of a body over the size limit: 413.
type tooLarge struct{ limit int64 }

func (e tooLarge) Error() string { return "request body too large" }

// writeError answers err as JSON with the status of its code and the
// request's ID. What the client reads is public (see public); the whole
// error, cause included, goes to the log under the same request ID when
// the answer is a 5xx or when its message was withheld.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	id := RequestID(r.Context())
	var tl tooLarge
	if errors.As(err, &tl) {
		writeJSON(w, http.StatusRequestEntityTooLarge, ErrorBody{ErrorDetail{
			Code: commerce.CodeInvalidArgument, Message: "request body too large",
			Details: map[string]any{"limit_bytes": tl.limit}, RequestID: id,
		}})
		return
	}
	body, shown := public(err)
	body.RequestID = id
	status := StatusOf(body.Code)
	if status >= 500 || !shown {
		level := slog.LevelWarn
		if status == http.StatusInternalServerError {
			level = slog.LevelError
		}
		a.log.Log(r.Context(), level, "httpapi: request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", status, "error", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mercato"`)
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		if s := retryAfterSeconds(err); s > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(s))
		}
	}
	writeJSON(w, status, ErrorBody{body})
}

// public returns what a client may read of err, and whether that is the
// error's own message. Only the client's own mistakes are explained: an
// error of a client-class code (NotFound, InvalidArgument, Conflict...)
// shows its message and details, which name the field at fault. Anything
// else (Unavailable, Internal, an error without a code) and any error
// whose chain holds a failure of infrastructure (a network or driver
// error, a file path) gets the fixed message of its code: what a
// dependency said, where it lives and what SQL it ran stay in the log.
func public(err error) (ErrorDetail, bool) {
	code := commerce.Code(err)
	ce, ok := commerce.Shown(err)
	if !ok {
		return ErrorDetail{Code: code, Message: genericMessage(code)}, false
	}
	return ErrorDetail{Code: code, Message: ce.Message, Details: ce.Details}, true
}

// genericMessage is the message of an error whose own is withheld.
func genericMessage(code commerce.ErrorCode) string {
	switch code {
	case commerce.CodeNotFound:
		return "not found"
	case commerce.CodeInvalidArgument:
		return "the request is invalid"
	case commerce.CodeConflict:
		return "the request conflicts with the current state; reload and retry"
	case commerce.CodeOutOfStock:
		return "not enough stock"
	case commerce.CodePaymentDeclined:
		return "the payment was declined"
	case commerce.CodeFailedPrecondition:
		return "the operation is not allowed in the current state"
	case commerce.CodeUnauthenticated:
		return "authentication required"
	case commerce.CodePermissionDenied:
		return "permission denied"
	case commerce.CodeResourceExhausted:
		return "too many requests; retry later"
	case commerce.CodeUnavailable:
		return "a service this request needs is unavailable; retry later"
	}
	return "internal error"
}

// retryAfter is implemented by errors that know when a retry may succeed
// (a rate limit's window).
type retryAfter interface{ RetryAfter() time.Duration }

// retryAfterSeconds returns the whole seconds, rounded up, after which
// err says to retry, or 0 when it does not say.
func retryAfterSeconds(err error) int {
	var ra retryAfter
	if errors.As(err, &ra) {
		if d := ra.RetryAfter(); d > 0 {
			return int((d + time.Second - 1) / time.Second)
		}
	}
	var ce *commerce.Error
	if errors.As(err, &ce) {
		if d, ok := ce.Details["retry_after_seconds"].(int); ok && d > 0 {
			return d
		}
	}
	return 0
}
