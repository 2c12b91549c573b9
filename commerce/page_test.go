package commerce_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

// orderCursor is the kind of position a store encodes: the last item's sort
// key plus its ID as a tie-breaker.
type orderCursor struct {
	CreatedAt time.Time        `json:"t"`
	ID        commerce.OrderID `json:"id"`
}

func TestPageRequestNormalize(t *testing.T) {
	cases := []struct {
		limit, want int
	}{
		{0, commerce.DefaultPageLimit},
		{1, 1},
		{commerce.DefaultPageLimit, commerce.DefaultPageLimit},
		{commerce.MaxPageLimit, commerce.MaxPageLimit},
		{commerce.MaxPageLimit + 1, commerce.MaxPageLimit},
		{1 << 40, commerce.MaxPageLimit},
	}
	for _, c := range cases {
		got, err := commerce.PageRequest{Limit: c.limit, Cursor: "abc"}.Normalize()
		require.NoError(t, err, c.limit)
		assert.Equal(t, commerce.PageRequest{Limit: c.want, Cursor: "abc"}, got, c.limit)
	}

	for _, limit := range []int{-1, -1 << 40} {
		_, err := commerce.PageRequest{Limit: limit}.Normalize()
		require.ErrorIs(t, err, commerce.ErrInvalidArgument, limit)
		var e *commerce.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, "limit", e.Details["field"])
	}
}

func TestPageHasMore(t *testing.T) {
	assert.False(t, commerce.Page[int]{Items: []int{1, 2}}.HasMore())
	assert.True(t, commerce.Page[int]{Items: []int{1, 2}, NextCursor: "x"}.HasMore())
}

func TestPageJSON(t *testing.T) {
	raw, err := json.Marshal(commerce.Page[string]{Items: []string{"a"}, NextCursor: "c"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"items":["a"],"next_cursor":"c"}`, string(raw))

	raw, err = json.Marshal(commerce.Page[string]{Items: []string{}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"items":[]}`, string(raw))
}

func TestCursorRoundTrip(t *testing.T) {
	in := orderCursor{
		CreatedAt: time.Date(2025, 6, 1, 12, 0, 0, 123456789, time.UTC),
		ID:        commerce.NewID[commerce.OrderID](),
	}
	s, err := commerce.EncodeCursor(in)
	require.NoError(t, err)
	assert.NotContains(t, s, "=", "unpadded")
	assert.Equal(t, -1, strings.IndexAny(s, "+/"), "URL-safe alphabet")

	var out orderCursor
	require.NoError(t, commerce.DecodeCursor(s, &out))
	assert.Equal(t, in, out)
}

func TestEncodeCursorErrors(t *testing.T) {
	_, err := commerce.EncodeCursor(make(chan int))
	assert.Equal(t, commerce.CodeInternal, commerce.Code(err), "an unencodable cursor is a bug")

	_, err = commerce.EncodeCursor(strings.Repeat("x", 10_000))
	assert.Equal(t, commerce.CodeInternal, commerce.Code(err), "a cursor too long to decode is a bug")
}

func TestDecodeCursorRejects(t *testing.T) {
	valid, err := commerce.EncodeCursor(orderCursor{ID: commerce.NewID[commerce.OrderID]()})
	require.NoError(t, err)
	enc := base64.RawURLEncoding.EncodeToString

	cases := map[string]string{
		"empty":                    "",
		"not base64":               "!!!",
		"padded":                   base64.URLEncoding.EncodeToString([]byte(`{"id":"" }`)),
		"truncated":                valid[:len(valid)-3],
		"embedded newline":         valid[:4] + "\n" + valid[4:],
		"not JSON":                 enc([]byte("hello")),
		"wrong type":               enc([]byte(`{"t":42}`)),
		"unknown field":            enc([]byte(`{"t":"2025-01-01T00:00:00Z","offset":1000}`)),
		"trailing data":            enc([]byte(`{"id":""} {}`)),
		"trailing garbage":         enc([]byte(`{"id":""}]`)),
		"malformed id inside":      enc([]byte(`{"id":"ord_nope"}`)),
		"wrong-kind id inside":     enc([]byte(`{"id":"` + commerce.NewID[commerce.CartID]().String() + `"}`)),
		"oversized":                strings.Repeat("A", 5000),
		"array instead of object":  enc([]byte(`[]`)),
		"unterminated JSON object": enc([]byte(`{"id":`)),
	}
	for name, s := range cases {
		t.Run(name, func(t *testing.T) {
			var c orderCursor
			err := commerce.DecodeCursor(s, &c)
			require.ErrorIs(t, err, commerce.ErrInvalidArgument)
			assert.Equal(t, "invalid_argument: invalid cursor", err.Error(), "the client learns nothing about the store")
		})
	}
}

func TestDecodeCursorNonPointer(t *testing.T) {
	s, err := commerce.EncodeCursor(orderCursor{})
	require.NoError(t, err)
	err = commerce.DecodeCursor(s, orderCursor{})
	assert.Equal(t, commerce.CodeInternal, commerce.Code(err), "passing a non-pointer is the caller's bug, not the client's")
}

func FuzzDecodeCursor(f *testing.F) {
	for _, seed := range []string{
		"", "e30", "eyJ0IjoiMjAyNS0wMS0wMVQwMDowMDowMFoiLCJpZCI6IiJ9", "!!!", "bnVsbA", "W10",
		base64.RawURLEncoding.EncodeToString([]byte(`{"id":"ord_01JD3XQ5ZK8N6V0W2T4Y7R9B1C"}`)),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var c orderCursor
		if err := commerce.DecodeCursor(s, &c); err != nil {
			if commerce.Code(err) != commerce.CodeInvalidArgument {
				t.Fatalf("DecodeCursor(%q): code %q, want invalid_argument", s, commerce.Code(err))
			}
			return
		}
		// Whatever is accepted must survive a round trip unchanged.
		again, err := commerce.EncodeCursor(c)
		if err != nil {
			t.Fatalf("EncodeCursor(%+v) after decoding %q: %v", c, s, err)
		}
		var back orderCursor
		if err := commerce.DecodeCursor(again, &back); err != nil {
			t.Fatalf("DecodeCursor(%q) of a re-encoded cursor: %v", again, err)
		}
		if !back.CreatedAt.Equal(c.CreatedAt) || back.ID != c.ID {
			t.Fatalf("round trip changed %+v into %+v", c, back)
		}

		var generic map[string]any
		_ = commerce.DecodeCursor(s, &generic) // must not panic either
	})
}
