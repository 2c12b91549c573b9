package customertest

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/ratelimit"
)

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// retryAfter returns the retry_after_seconds of a ResourceExhausted error.
func retryAfter(t *testing.T, err error) int {
	t.Helper()
	requireCode(t, commerce.CodeResourceExhausted, err)
	var ce *commerce.Error
	require.ErrorAs(t, err, &ce)
	secs, _ := ce.Details["retry_after_seconds"].(int)
	return secs
}

// testLoginThrottled: an oversized password is refused before hashing;
// login attempts are limited per account and per client address, a
// success counts the account's again from zero, and a failed login is
// logged without its password.
func testLoginThrottled(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	logs := &syncBuffer{}
	e.svc = e.service(func(o *customer.Options) {
		o.LoginPerAccount = ratelimit.PerPeriod(3, time.Hour)
		o.LoginPerClient = ratelimit.PerPeriod(5, time.Hour)
		o.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})
	e.register("ada@example.com")
	e.register("bob@example.com")

	_, err := e.svc.Login(e.ctx, "ada@example.com", strings.Repeat("p", customer.MaxPasswordLength+1))
	requireCode(t, commerce.CodeInvalidArgument, err, "an oversized password")
	var ce *commerce.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "password", ce.Details["field"])

	t.Run("per account", func(t *testing.T) {
		for i := range 3 {
			_, err := e.svc.Login(e.ctx, "ada@example.com", "wrong password "+string(rune('a'+i)))
			requireCode(t, commerce.CodeUnauthenticated, err, "attempt %d", i)
		}
		_, err := e.svc.Login(e.ctx, "Ada@Example.com", password)
		secs := retryAfter(t, err)
		assert.Positive(t, secs)
		assert.LessOrEqual(t, secs, 20*60, "one attempt comes back every period/rate")
		_, err = e.svc.Login(e.ctx, "nobody@example.com", "x")
		requireCode(t, commerce.CodeUnauthenticated, err, "another account is not limited")

		e.clock.Advance(21 * time.Minute)
		e.login("ada@example.com")
		for i := range 3 {
			_, err := e.svc.Login(e.ctx, "ada@example.com", "wrong again")
			requireCode(t, commerce.CodeUnauthenticated, err, "a success counts again from zero: attempt %d", i)
		}
	})
	t.Run("per client", func(t *testing.T) {
		e.clock.Advance(2 * time.Hour)
		const client = "203.0.113.9"
		for i := range 5 {
			email := []string{"bob@example.com", "c1@example.com", "c2@example.com", "c3@example.com", "c4@example.com"}[i]
			_, err := e.svc.LoginFrom(e.ctx, email, "wrong", client)
			requireCode(t, commerce.CodeUnauthenticated, err, "attempt %d", i)
		}
		_, err := e.svc.LoginFrom(e.ctx, "c5@example.com", "wrong", client)
		retryAfter(t, err)
		_, err = e.svc.LoginFrom(e.ctx, "bob@example.com", password, "198.51.100.1")
		require.NoError(t, err, "another client is not limited")
	})
	t.Run("logged without the password", func(t *testing.T) {
		const secret = "s3cret-guess-do-not-log"
		_, err := e.svc.LoginFrom(e.ctx, "bob@example.com", secret, "192.0.2.7")
		requireCode(t, commerce.CodeUnauthenticated, err)
		out := logs.String()
		assert.Contains(t, out, "failed login")
		assert.Contains(t, out, "192.0.2.7")
		assert.NotContains(t, out, secret)
	})
}
