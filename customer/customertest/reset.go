package customertest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/ratelimit"
)

// testPasswordResetVoidsOthers: once a reset is completed, every other
// outstanding token of the customer is void, older and newer alike; an
// old e-mail cannot take the account back.
func testPasswordResetVoidsOthers(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	c := e.register("ada@example.com")
	other := e.register("bob@example.com")
	for range 3 {
		require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "ada@example.com"))
	}
	require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "bob@example.com"))
	first, second, third := e.resetToken(c.ID, 1), e.resetToken(c.ID, 2), e.resetToken(c.ID, 3)
	bobs := e.resetToken(other.ID, 1)

	require.NoError(t, e.svc.ResetPassword(e.ctx, second.Token, "new password 1"))
	for name, tok := range map[string]string{"older": first.Token, "newer": third.Token} {
		requireCode(t, commerce.CodeUnauthenticated, e.svc.ResetPassword(e.ctx, tok, "attacker password"), "the %s token is void", name)
	}
	_, err := e.svc.Login(e.ctx, "ada@example.com", "new password 1")
	require.NoError(t, err)
	require.NoError(t, e.svc.ResetPassword(e.ctx, bobs.Token, "bob's new password"), "another customer's token lives on")

	if _, ok := e.store.(customer.Purger); ok {
		got, err := e.svc.Purge(e.ctx)
		require.NoError(t, err)
		require.Equal(t, 4, got.PasswordResets, "the used and the voided tokens are purged")
	}
}

// oneStepOnly is a store whose separate password and session writes fail:
// a reset must not use them.
type oneStepOnly struct{ customer.Store }

func (oneStepOnly) Update(context.Context, commerce.CustomerID, func(*customer.Customer) ([]commerce.Envelope, error)) (customer.Customer, error) {
	return customer.Customer{}, commerce.Errorf(commerce.CodeUnavailable, "a reset must not update the customer apart")
}

func (oneStepOnly) RevokeSessions(context.Context, commerce.CustomerID, time.Time) error {
	return commerce.Errorf(commerce.CodeUnavailable, "a reset must not revoke sessions apart")
}

func (oneStepOnly) ConsumePasswordReset(context.Context, []byte, time.Time) (commerce.CustomerID, error) {
	return "", commerce.Errorf(commerce.CodeUnavailable, "a reset must not consume its token apart")
}

// testPasswordResetInOneStep: a reset sets the password and ends the
// sessions in one store step, so no failure can leave a new password with
// the old sessions alive.
func testPasswordResetInOneStep(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	c := e.register("ada@example.com")
	session := e.login("ada@example.com")
	require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "ada@example.com"))
	token := e.resetToken(c.ID, 1).Token

	store := e.store
	e.store = oneStepOnly{store}
	svc := e.service(nil)
	e.store = store
	require.NoError(t, svc.ResetPassword(e.ctx, token, "new password 1"))
	_, err := e.svc.Authenticate(e.ctx, session.Token)
	requireCode(t, commerce.CodeUnauthenticated, err, "the reset ended the session")
	_, err = e.svc.Login(e.ctx, "ada@example.com", "new password 1")
	require.NoError(t, err)
}

// testPasswordResetThrottled: past the per-account limit a request still
// answers nil, as for an unknown e-mail, and sends nothing.
func testPasswordResetThrottled(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	e.svc = e.service(func(o *customer.Options) { o.ResetPerAccount = ratelimit.PerPeriod(2, time.Hour) })
	c := e.register("ada@example.com")
	for range 5 {
		require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "ada@example.com"), "the answer never changes")
	}
	e.resetToken(c.ID, 2)
	require.Len(t, e.events.Named("customer.password_reset_requested"), 2, "two e-mails, not five")
	e.clock.Advance(time.Hour)
	require.NoError(t, e.svc.RequestPasswordReset(e.ctx, "ada@example.com"))
	e.resetToken(c.ID, 3)
}
