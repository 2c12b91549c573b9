package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
)

// failingCarts is a cart store whose Get fails with fail, when set.
type failingCarts struct {
	cart.Store
	fail atomic.Pointer[error]
}

func (f *failingCarts) Get(ctx context.Context, id commerce.CartID) (cart.Cart, error) {
	if err := f.fail.Load(); err != nil {
		return cart.Cart{}, *err
	}
	return f.Store.Get(ctx, id)
}

// pgLikeError is a driver error as pgx's PgError is: it has a SQLSTATE.
type pgLikeError struct{}

func (pgLikeError) Error() string {
	return `ERROR: duplicate key value violates unique constraint "catalog_reviews_one_per_customer" (SQLSTATE 23505)`
}
func (pgLikeError) SQLState() string { return "23505" }

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestDependencyFailuresHideTheirCause: whatever the code, an answer never
// carries a wrapped cause, an address or driver text; the log has it,
// under the request ID the answer carries.
func TestDependencyFailuresHideTheirCause(t *testing.T) {
	store := &failingCarts{}
	logs := &lockedBuffer{}
	s := newShop(t,
		func(c *shopConfig) { c.carts = func(inner cart.Store) cart.Store { store.Store = inner; return store } },
		func(c *shopConfig) {
			c.api = func(o *httpapi.Options) { o.Logger = slog.New(slog.NewTextHandler(logs, nil)) }
		},
	)
	created := s.do(http.MethodPost, "/store/carts", "", nil)
	require.Equal(t, http.StatusCreated, created.status, "%s", created.body)
	id := cartOf(t, created).ID

	dial := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 3, 17), Port: 6379}, Err: errors.New("connect: connection refused")}
	for name, tc := range map[string]struct {
		err    error
		status int
		leaks  []string
	}{
		"redis down": {
			err:    commerce.Errorf(commerce.CodeUnavailable, "redis: read carts: %w", dial),
			status: http.StatusServiceUnavailable, leaks: []string{"10.0.3.17", "6379", "dial", "redis", "refused"},
		},
		"duplicate key": {
			err:    commerce.Errorf(commerce.CodeConflict, "postgres: insert review: %w", pgLikeError{}),
			status: http.StatusConflict, leaks: []string{"duplicate key", "SQLSTATE", "catalog_reviews", "postgres"},
		},
		"client code over a network error": {
			err:    commerce.Errorf(commerce.CodeResourceExhausted, "redis: OOM at %w", dial),
			status: http.StatusTooManyRequests, leaks: []string{"10.0.3.17", "OOM"},
		},
		"uncoded": {
			err:    errors.New("open /var/lib/mercato/carts.db: permission denied"),
			status: http.StatusInternalServerError, leaks: []string{"/var/lib", "permission"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			store.fail.Store(&tc.err)
			defer store.fail.Store(nil)
			r := s.do(http.MethodGet, "/store/carts/"+id.String(), "", nil)
			require.Equal(t, tc.status, r.status, "%s", r.body)
			for _, leak := range tc.leaks {
				assert.NotContains(t, string(r.body), leak)
			}
			e := errorBody(t, r)
			assert.NotEmpty(t, e.Message)
			assert.Empty(t, e.Details)
			rid := r.header.Get(httpapi.RequestIDHeader)
			require.NotEmpty(t, rid)
			assert.Equal(t, rid, e.RequestID, "the body quotes the request ID of the header")
			assert.Contains(t, logs.String(), "request_id="+rid, "the log has the request")
			assert.Contains(t, logs.String(), tc.err.Error()[len(tc.err.Error())-12:], "the log has the cause")
		})
	}

	t.Run("a client's own mistake keeps its message naming the field", func(t *testing.T) {
		r := s.do(http.MethodPatch, "/store/carts/"+id.String()+"/items/line_01J0000000000000000000000A", "", map[string]any{})
		require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
		e := errorBody(t, r)
		assert.Contains(t, e.Message, "quantity")
		assert.Equal(t, "quantity", e.Details["field"])
		assert.NotEmpty(t, e.RequestID)
	})
	t.Run("a sane incoming request ID is kept, any other replaced", func(t *testing.T) {
		r := s.do(http.MethodGet, "/store/carts/"+id.String(), "", nil, httpapi.RequestIDHeader, "edge-1234.abc:5")
		assert.Equal(t, "edge-1234.abc:5", r.header.Get(httpapi.RequestIDHeader))
		r = s.do(http.MethodGet, "/store/carts/nope", "", nil, httpapi.RequestIDHeader, "bad id\twith=spaces")
		got := r.header.Get(httpapi.RequestIDHeader)
		assert.NotEmpty(t, got)
		assert.NotEqual(t, "bad id\twith=spaces", got)
		assert.Equal(t, got, errorBody(t, r).RequestID)
	})
}
