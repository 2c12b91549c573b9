package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/mercatohq/mercato/commerce"
)

// decodeJSON reads r's body into v strictly: a JSON content type (or
// none), one JSON value, no unknown fields, no trailing data, and at most
// the API's body limit. Every failure is InvalidArgument (400) naming the
// field where it can, or tooLarge (413).
func (a *API) decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeLimited(w, r, v, a.opts.MaxBodyBytes)
}

func decodeLimited(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return commerce.Errorf(commerce.CodeInvalidArgument, "the request body must be application/json, not %q", ct)
		}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return tooLarge{limit: limit}
	}
	if err != nil {
		return commerce.Errorf(commerce.CodeInvalidArgument, "reading the request body: %v", err)
	}
	return decodeStrict(raw, v)
}

// decodeStrict decodes raw into v: exactly one JSON value, no unknown
// fields. Every failure is InvalidArgument naming the field where it can.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, raw, v)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return decodeError(err, raw, v)
		}
		return commerce.Errorf(commerce.CodeInvalidArgument, "expected one JSON value, found more after it")
	}
	return nil
}

// decodeError turns a json error from decoding raw into v into the API's
// error.
func decodeError(err error, raw []byte, v any) error {
	var (
		ute *json.UnmarshalTypeError
		se  *json.SyntaxError
	)
	switch {
	case errors.Is(err, io.EOF):
		return commerce.Errorf(commerce.CodeInvalidArgument, "a JSON request body is required")
	case errors.As(err, &ute):
		field := ute.Field
		if field == "" {
			field = "body"
		}
		return commerce.Errorf(commerce.CodeInvalidArgument, "%s: expected %s, got JSON %s", field, ute.Type, ute.Value).WithDetail("field", field)
	case errors.As(err, &se):
		return commerce.Errorf(commerce.CodeInvalidArgument, "malformed JSON at byte %d", se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return commerce.Errorf(commerce.CodeInvalidArgument, "truncated JSON body")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return commerce.Errorf(commerce.CodeInvalidArgument, "unknown field %q", field).WithDetail("field", field)
	}
	// What is left is a type's own UnmarshalJSON or UnmarshalText
	// refusing its value, with an error that does not say where the value
	// was: find it, so that the client is told which field to fix.
	var ce *commerce.Error
	if !errors.As(err, &ce) {
		ce = commerce.Errorf(commerce.CodeInvalidArgument, "invalid JSON body: %v", err)
	}
	if path, ok := refusedField(reflect.TypeOf(v), raw); ok && path != "" {
		if own, _ := ce.Details["field"].(string); own != "" {
			path += "." + own
		}
		ce = ce.WithDetail("field", path)
	}
	return ce
}

// pathID parses the path value name as an ID of type T; a malformed one
// is NotFound, as no such resource can exist.
func pathID[T commerce.IDType](r *http.Request, name string) (T, error) {
	raw := r.PathValue(name)
	id, err := commerce.ParseID[T](raw)
	if err != nil || raw == "" {
		var zero T
		return zero, commerce.Errorf(commerce.CodeNotFound, "no %s %q", name, truncate(raw))
	}
	return id, nil
}

// pageOf reads ?limit= and ?cursor=.
func pageOf(r *http.Request) (commerce.PageRequest, error) {
	q := r.URL.Query()
	var p commerce.PageRequest
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return p, commerce.Errorf(commerce.CodeInvalidArgument, "limit must be an integer").WithDetail("field", "limit")
		}
		p.Limit = n
	}
	p.Cursor = q.Get("cursor")
	return p.Normalize()
}

// intQuery reads an optional integer query parameter.
func intQuery(r *http.Request, name string) (int64, bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, commerce.Errorf(commerce.CodeInvalidArgument, "%s must be an integer", name).WithDetail("field", name)
	}
	return n, true, nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// idempotencyKey returns the required Idempotency-Key header.
// maxIdempotencyKey bounds the Idempotency-Key header, in bytes.
const maxIdempotencyKey = 255

func idempotencyKey(r *http.Request) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	if k == "" {
		return "", commerce.Errorf(commerce.CodeInvalidArgument, "the Idempotency-Key header is required").WithDetail("field", "Idempotency-Key")
	}
	if len(k) > maxIdempotencyKey {
		return "", commerce.Errorf(commerce.CodeInvalidArgument, "the Idempotency-Key header is longer than %d bytes", maxIdempotencyKey).WithDetail("field", "Idempotency-Key")
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return "", commerce.Errorf(commerce.CodeInvalidArgument, "the Idempotency-Key header must be printable ASCII without spaces").WithDetail("field", "Idempotency-Key")
		}
	}
	return k, nil
}

// decodeOptionalJSON is decodeJSON for a body the client may leave out:
// an empty body leaves v as it is.
func (a *API) decodeOptionalJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	// A chunked body has no length: read one byte to learn whether it is
	// empty, then put it back in front of the rest.
	var first [1]byte
	n, err := io.ReadFull(r.Body, first[:])
	if n == 0 {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return commerce.Errorf(commerce.CodeInvalidArgument, "reading the request body: %v", err)
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(first[:n]), r.Body), r.Body}
	return a.decodeJSON(w, r, v)
}
