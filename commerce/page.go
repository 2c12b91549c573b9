package commerce

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// Page size bounds shared by every list operation, so clients see the same
// behaviour from every endpoint and store.
const (
	// DefaultPageLimit is the page size used when a request leaves Limit at 0.
	DefaultPageLimit = 50
	// MaxPageLimit is the largest page a store will return. Larger requests
	// are clamped to it rather than rejected.
	MaxPageLimit = 500
)

// maxCursorLength bounds an encoded cursor. Cursors arrive in query strings
// from untrusted clients; a real one (a sort key and an ID) is a few hundred
// bytes at most, so anything longer is refused before it is decoded.
const maxCursorLength = 4096

// PageRequest asks for one page of a list. Cursor is empty for the first
// page and otherwise the NextCursor of the previous page, passed back
// unchanged.
type PageRequest struct {
	Limit  int
	Cursor string
}

// Normalize returns r with its Limit resolved: 0 becomes DefaultPageLimit
// and anything above MaxPageLimit becomes MaxPageLimit. Clamping instead of
// failing costs the client nothing, because a page may always hold fewer
// items than asked for and clients must follow NextCursor regardless. A
// negative Limit is a client bug and fails with CodeInvalidArgument.
//
// Normalize does not decode the cursor: only the store knows its shape.
func (r PageRequest) Normalize() (PageRequest, error) {
	switch {
	case r.Limit < 0:
		return r, Errorf(CodeInvalidArgument, "invalid page limit %d: must not be negative", r.Limit).
			WithDetail("field", "limit")
	case r.Limit == 0:
		r.Limit = DefaultPageLimit
	case r.Limit > MaxPageLimit:
		r.Limit = MaxPageLimit
	}
	return r, nil
}

// Page is one page of a list. An empty NextCursor means the list is
// exhausted; otherwise passing it as the next request's Cursor continues
// where this page ended, even if items were added in between.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// HasMore reports whether another page may follow. It may be true when the
// next page turns out empty: stores are not required to look ahead.
func (p Page[T]) HasMore() bool { return p.NextCursor != "" }

// EncodeCursor turns a store's position (typically a struct holding the last
// item's sort key and ID) into an opaque, URL-safe string. The encoding is
// JSON in unpadded base64url. Cursors are opaque, not secret or signed: a
// client can decode and forge them, so stores must treat a decoded cursor as
// untrusted input (bind it as query parameters, never splice it into SQL).
//
// Failure to encode is a programming error and returns CodeInternal.
func EncodeCursor(v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", Errorf(CodeInternal, "encode cursor: %w", err)
	}
	s := base64.RawURLEncoding.EncodeToString(raw)
	if len(s) > maxCursorLength {
		return "", Errorf(CodeInternal, "encode cursor: %d bytes exceeds the %d-byte limit", len(s), maxCursorLength)
	}
	return s, nil
}

// DecodeCursor reverses EncodeCursor into v, which must be a non-nil
// pointer. Anything a client could have mangled (bad base64, bad JSON, a
// field v does not have, trailing data, an oversized or empty string) fails
// with CodeInvalidArgument "invalid cursor", without echoing the input. An
// empty cursor means "first page", so check for it before calling. On error
// the contents of v are unspecified.
func DecodeCursor(s string, v any) error {
	if s == "" || len(s) > maxCursorLength {
		return errInvalidCursor(nil)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || strings.ContainsAny(s, "\r\n") {
		// The decoder skips CR and LF; refusing them keeps one cursor per
		// position.
		return errInvalidCursor(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	// A cursor minted by one list and replayed against another usually has
	// different fields; reject it rather than silently start from the top.
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var target *json.InvalidUnmarshalError
		if errors.As(err, &target) {
			return Errorf(CodeInternal, "decode cursor: %w", err)
		}
		return errInvalidCursor(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errInvalidCursor(nil)
	}
	return nil
}

// errInvalidCursor keeps the cause for logs but shows the client only that
// the cursor is invalid: the details would describe the store's internals.
func errInvalidCursor(cause error) error {
	e := &Error{Code: CodeInvalidArgument, Message: "invalid cursor", Err: cause}
	return e.WithDetail("field", "cursor")
}
