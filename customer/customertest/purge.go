package customertest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
)

// opaqueStore hides every optional capability of the store it wraps.
type opaqueStore struct{ customer.Store }

func testPurge(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	if _, ok := e.store.(customer.Purger); !ok {
		_, err := e.svc.Purge(e.ctx)
		requireCode(t, commerce.CodeFailedPrecondition, err, "a store without Purger says so")
		return
	}

	// Bob's first reset is used, his second will expire, his third stays
	// usable across the first purge.
	bob := e.register("bob@example.com")
	require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "bob@example.com"))
	require.NoError(t, e.svc.ResetPassword(e.ctx, e.resetToken(bob.ID, 1).Token, "new password 1"))
	require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "bob@example.com"))
	e.resetToken(bob.ID, 2) // so the third is the third recorded

	// Ada's first session is revoked, her second will expire.
	e.register("ada@example.com")
	revoked := e.login("ada@example.com")
	require.NoError(t, e.svc.Logout(e.ctx, revoked.Token))
	expiring := e.login("ada@example.com")

	e.clock.Advance(2 * time.Hour)
	require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "bob@example.com"))
	pending := e.resetToken(bob.ID, 3)
	live := e.login("ada@example.com")

	got, err := e.svc.Purge(e.ctx)
	require.NoError(t, err)
	require.Equal(t, customer.Purged{Sessions: 1, PasswordResets: 2}, got, "the revoked session; the used and the expired reset")
	_, err = e.svc.Authenticate(e.ctx, revoked.Token)
	requireCode(t, commerce.CodeUnauthenticated, err, "a purged session stays rejected")
	for _, s := range []customer.Session{expiring, live} {
		_, err = e.svc.Authenticate(e.ctx, s.Token)
		require.NoError(t, err, "live sessions survive a purge")
	}
	require.NoError(t, e.svc.ResetPassword(e.ctx, pending.Token, "new password 2"), "a pending reset survives a purge")

	got, err = e.svc.Purge(e.ctx)
	require.NoError(t, err)
	require.Equal(t, customer.Purged{PasswordResets: 1}, got, "the reset just used")

	e.clock.Advance(customer.DefaultSessionTTL - time.Hour)
	got, err = e.svc.Purge(e.ctx)
	require.NoError(t, err)
	require.Equal(t, customer.Purged{Sessions: 1}, got, "the session that expired")
	_, err = e.svc.Authenticate(e.ctx, live.Token)
	require.NoError(t, err)

	// The store honours its limit, so each batch stays small.
	for range 3 {
		_, err := e.svc.Login(e.ctx, "bob@example.com", "new password 2")
		require.NoError(t, err)
	}
	require.NoError(t, e.svc.LogoutAll(e.ctx, bob.ID))
	p := e.store.(customer.Purger)
	for _, want := range []int{2, 1, 0} {
		n, err := p.PurgeSessions(e.ctx, e.clock.Now(), 2)
		require.NoError(t, err)
		require.Equal(t, want, n)
	}

	opaque, err := customer.NewService(opaqueStore{e.store}, &customer.Options{Keys: map[string][]byte{"a": keyA}, CurrentKeyID: "a", Password: cheapParams})
	require.NoError(t, err)
	_, err = opaque.Purge(e.ctx)
	requireCode(t, commerce.CodeFailedPrecondition, err, "a store without Purger says so")
}
