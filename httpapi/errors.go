package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

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

// writeError answers err as JSON with the status of its code. Internal
// errors are logged and answered without their message, which may carry
// details meant for operators only.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var tl tooLarge
	if errors.As(err, &tl) {
		writeJSON(w, http.StatusRequestEntityTooLarge, ErrorBody{ErrorDetail{
			Code: commerce.CodeInvalidArgument, Message: "request body too large",
			Details: map[string]any{"limit_bytes": tl.limit},
		}})
		return
	}
	code := commerce.Code(err)
	status := StatusOf(code)
	body := ErrorDetail{Code: code, Message: err.Error()}
	var ce *commerce.Error
	if errors.As(err, &ce) {
		body.Message, body.Details = ce.Message, ce.Details
	}
	if status >= 500 {
		level := slog.LevelWarn
		if status == http.StatusInternalServerError {
			level = slog.LevelError
			body.Message, body.Details = "internal error", nil
		}
		a.log.Log(r.Context(), level, "httpapi: request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="mercato"`)
	}
	writeJSON(w, status, ErrorBody{body})
}
