package gateway

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// errorBody is the JSON shape of every error answer, the same as the HTTP
// API's (httpapi.ErrorBody), so a client reads the gateway's errors and
// the services' alike. It is mirrored rather than imported so that the
// gateway does not link every domain service.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      commerce.ErrorCode `json:"code"`
	Message   string             `json:"message"`
	Details   map[string]any     `json:"details,omitempty"`
	RequestID string             `json:"request_id,omitempty"`
}

// answer is an error answer of the gateway: its status, code, a message
// fit for the client (never a cause or an address) and how long to wait
// before retrying, if that is known.
type answer struct {
	status     int
	code       commerce.ErrorCode
	message    string
	details    map[string]any
	retryAfter time.Duration
}

// writeAnswer writes a as JSON with the request's ID.
func writeAnswer(w http.ResponseWriter, r *http.Request, a answer) {
	h := w.Header()
	if a.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(retrySeconds(a.retryAfter)))
	}
	if a.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="mercato"`)
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(a.status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(errorBody{errorDetail{Code: a.code, Message: a.message, Details: a.details, RequestID: requestID(r.Context())}}) // the status is sent; a broken connection is the client's
}

// retrySeconds rounds d up to whole seconds, at least one.
func retrySeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return s
}

// The gateway's own answers.
func notFound() answer {
	return answer{status: http.StatusNotFound, code: commerce.CodeNotFound, message: "no route for this path"}
}

func badPath(f pathFault) answer {
	msg := "the path is not canonical: it has an empty or a dot segment"
	switch f {
	case pathNotAbsolute:
		msg = "the path must be absolute"
	case pathMalformedEscape:
		msg = "the path has a malformed percent-escape"
	}
	return answer{status: http.StatusBadRequest, code: commerce.CodeInvalidArgument, message: msg}
}

func tooLarge(limit int64) answer {
	return answer{status: http.StatusRequestEntityTooLarge, code: commerce.CodeInvalidArgument, message: "request body too large", details: map[string]any{"limit_bytes": limit}}
}

func unauthenticated(msg string) answer {
	return answer{status: http.StatusUnauthorized, code: commerce.CodeUnauthenticated, message: msg}
}

func tooManyRequests(retry time.Duration) answer {
	secs := retrySeconds(retry)
	return answer{status: http.StatusTooManyRequests, code: commerce.CodeResourceExhausted, message: "too many requests; retry later",
		details: map[string]any{"retry_after_seconds": secs}, retryAfter: retry}
}

func unavailable(retry time.Duration) answer {
	return answer{status: http.StatusServiceUnavailable, code: commerce.CodeUnavailable, message: "a service this request needs is unavailable; retry later", retryAfter: retry}
}

func gatewayTimeout(retry time.Duration) answer {
	return answer{status: http.StatusGatewayTimeout, code: commerce.CodeUnavailable, message: "the service did not answer in time; retry later", retryAfter: retry}
}

func draining() answer {
	return answer{status: http.StatusServiceUnavailable, code: commerce.CodeUnavailable, message: "the gateway is shutting down; retry", retryAfter: time.Second}
}
