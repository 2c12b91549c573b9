package payment_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

func TestPaymentNewServiceValidatesOptions(t *testing.T) {
	store, fake := memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fakeprovider.New(nil)
	for _, o := range []*payment.Options{
		{BackoffBase: -1}, {InFlightWait: -1}, {StaleAfter: -time.Second},
		{BackoffBase: time.Second, BackoffMax: time.Millisecond},
	} {
		_, err := payment.NewService(store, fake, o)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%+v", o)
	}
	_, err := payment.NewService(store, nil, nil)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = payment.NewService(store, fake, nil)
	require.NoError(t, err)
}

func TestPaymentNoRetriesWhenMaxRetriesNegative(t *testing.T) {
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fakeprovider.New(nil), &payment.Options{MaxRetries: -1})
	require.NoError(t, err)
	p, err := svc.Authorize(context.Background(), payment.AuthorizeInput{OrderID: commerce.NewID[commerce.OrderID](),
		Amount: commerce.MustMoney(1, "USD"), PaymentMethod: "pm_card_chargeDeclined", IdempotencyKey: "k"})
	require.Error(t, err)
	assert.Zero(t, p.MaxRetries)
	_, err = svc.Retry(context.Background(), p.ID)
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err))
}

func TestPaymentBackoffIsExponentialAndCapped(t *testing.T) {
	var slept []time.Duration
	fake := fakeprovider.New(&fakeprovider.Options{Scripts: map[string]fakeprovider.Script{
		"pm_busy": {Outcome: fakeprovider.FailTransient, Times: 6},
	}})
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fake, &payment.Options{
		ProviderRetries: 6, BackoffBase: time.Second, BackoffMax: 5 * time.Second,
		Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil },
	})
	require.NoError(t, err)
	_, err = svc.Authorize(context.Background(), payment.AuthorizeInput{OrderID: commerce.NewID[commerce.OrderID](),
		Amount: commerce.MustMoney(1, "USD"), PaymentMethod: "pm_busy", IdempotencyKey: "k"})
	require.NoError(t, err)
	s := time.Second
	assert.Equal(t, []time.Duration{s, 2 * s, 4 * s, 5 * s, 5 * s, 5 * s}, slept)
}

func TestPaymentSleepErrorStopsRetrying(t *testing.T) {
	fake := fakeprovider.New(&fakeprovider.Options{Scripts: map[string]fakeprovider.Script{
		"pm_busy": {Outcome: fakeprovider.FailTransient, Times: 6},
	}})
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fake, &payment.Options{
		Sleep: func(context.Context, time.Duration) error { return context.Canceled },
	})
	require.NoError(t, err)
	p, err := svc.Authorize(context.Background(), payment.AuthorizeInput{OrderID: commerce.NewID[commerce.OrderID](),
		Amount: commerce.MustMoney(1, "USD"), PaymentMethod: "pm_busy", IdempotencyKey: "k"})
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	assert.Equal(t, payment.StatusFailed, p.Status)
	assert.Equal(t, 1, fake.Calls("authorize"))
}

func TestPaymentProviderErrorKinds(t *testing.T) {
	cause := errors.New("eof")
	cases := []struct {
		err  error
		kind payment.ErrorKind
	}{
		{payment.ErrDeclined("insufficient_funds", "no money"), payment.KindDeclined},
		{payment.ErrTransient("rate_limit", "slow down", nil), payment.KindTransient},
		{payment.ErrUnknownOutcome("timeout", "lost", cause), payment.KindUnknown},
		{payment.ErrInvalid("resource_missing", "no such"), payment.KindInvalid},
		{cause, payment.KindUnknown},
	}
	for _, c := range cases {
		assert.Equal(t, c.kind, payment.KindOf(c.err), "%v", c.err)
	}
	assert.True(t, payment.IsDeclined(cases[0].err))
	assert.True(t, payment.IsTransient(cases[1].err))
	assert.True(t, payment.IsUnknownOutcome(cases[2].err))
	assert.False(t, payment.IsDeclined(nil))
	assert.ErrorIs(t, cases[2].err, cause)
	assert.Equal(t, "payment provider: declined (insufficient_funds): no money", cases[0].err.Error())
	assert.Equal(t, "invalid", payment.KindInvalid.String())
}

func TestPaymentRefundableAndRetriesLeft(t *testing.T) {
	usd := func(n int64) commerce.Money { return commerce.MustMoney(n, "USD") }
	p := payment.Payment{ID: commerce.NewID[commerce.PaymentID](), Amount: usd(1000), CapturedAmount: usd(800), Attempts: 2, MaxRetries: 3}
	left, err := payment.Refundable(p, []payment.Refund{
		{PaymentID: p.ID, Amount: usd(300), Status: payment.RefundSucceeded},
		{PaymentID: p.ID, Amount: usd(100), Status: payment.RefundPending},
		{PaymentID: p.ID, Amount: usd(400), Status: payment.RefundFailed},
	})
	require.NoError(t, err)
	assert.Equal(t, usd(400), left)
	assert.Equal(t, 2, p.RetriesLeft())
	p.Attempts = 5
	assert.Zero(t, p.RetriesLeft())
}

// slowCapture reports the first capture of each payment as still in
// progress, as a bank that settles later does, then captures.
type slowCapture struct {
	payment.Provider
	pending map[string]bool
}

func (p *slowCapture) Capture(ctx context.Context, ref string, amount commerce.Money, key string) (payment.ProviderResult, error) {
	if !p.pending[ref] {
		p.pending[ref] = true
		return payment.ProviderResult{Ref: ref, Status: payment.ProviderPending, Amount: amount}, nil
	}
	return p.Provider.Capture(ctx, ref, amount, key)
}

// TestPaymentCaptureInProgressIsNotADecline: a capture the provider has
// not finished leaves the payment Authorized, with no payment.failed, and
// a later Capture completes it.
func TestPaymentCaptureInProgressIsNotADecline(t *testing.T) {
	events := commercetest.NewRecorder()
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: events}),
		&slowCapture{Provider: fakeprovider.New(nil), pending: map[string]bool{}}, nil)
	require.NoError(t, err)
	ctx := context.Background()
	p, err := svc.Authorize(ctx, payment.AuthorizeInput{OrderID: commerce.NewID[commerce.OrderID](),
		Amount: commerce.MustMoney(1250, "USD"), PaymentMethod: "pm_card_visa", IdempotencyKey: "slow-1"})
	require.NoError(t, err)
	require.Equal(t, payment.StatusAuthorized, p.Status)

	p, err = svc.Capture(ctx, p.ID, commerce.Money{})
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	got, err := svc.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, got.Status, "still authorized, not failed")
	assert.Empty(t, events.Named(payment.Failed{}.EventName()))

	p, err = svc.Capture(ctx, p.ID, commerce.Money{})
	require.NoError(t, err)
	assert.True(t, p.Status.Captured())
	assert.Equal(t, commerce.MustMoney(1250, "USD"), p.CapturedAmount)
}

// pendingAuthorization reports every authorization as still in
// progress (a 3-D Secure step), under a reference of its own.
type pendingAuthorization struct{ payment.Provider }

func (pendingAuthorization) Authorize(_ context.Context, req payment.AuthorizeRequest) (payment.ProviderResult, error) {
	return payment.ProviderResult{Ref: "pi_3ds", Status: payment.ProviderPending, Amount: req.Amount}, nil
}

// TestPaymentPendingAuthorizationKeepsItsReference: a payment the
// provider has not decided on yet stays Processing with the provider's
// reference, which later webhooks and lookups name.
func TestPaymentPendingAuthorizationKeepsItsReference(t *testing.T) {
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), pendingAuthorization{fakeprovider.New(nil)}, &payment.Options{InFlightWait: time.Millisecond})
	require.NoError(t, err)
	p, err := svc.Authorize(context.Background(), payment.AuthorizeInput{OrderID: commerce.NewID[commerce.OrderID](),
		Amount: commerce.MustMoney(1250, "USD"), PaymentMethod: "pm_card_visa", IdempotencyKey: "3ds-1"})
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	assert.Equal(t, payment.StatusProcessing, p.Status)
	assert.Equal(t, "pi_3ds", p.ProviderRef)
}

// reusedRef authorizes at the fake but answers every authorization with
// one reference, as a provider that reuses references would.
type reusedRef struct{ *fakeprovider.Provider }

func (p reusedRef) Authorize(ctx context.Context, req payment.AuthorizeRequest) (payment.ProviderResult, error) {
	res, err := p.Provider.Authorize(ctx, req)
	res.Ref = "pi_reused"
	return res, err
}

// TestPaymentReusedProviderReferenceIsInternal: an authorization whose
// reference another payment holds is reported as the Internal error it
// is, not as an authorization still in progress, and no hold is voided.
func TestPaymentReusedProviderReferenceIsInternal(t *testing.T) {
	fake := fakeprovider.New(nil)
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), reusedRef{fake}, &payment.Options{InFlightWait: time.Millisecond})
	require.NoError(t, err)
	ctx := context.Background()
	in := func(key string) payment.AuthorizeInput {
		return payment.AuthorizeInput{OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(1250, "USD"),
			PaymentMethod: "pm_card_visa", IdempotencyKey: key}
	}
	first, err := svc.Authorize(ctx, in("first"))
	require.NoError(t, err)
	require.Equal(t, "pi_reused", first.ProviderRef)

	second, err := svc.Authorize(ctx, in("second"))
	require.Error(t, err)
	assert.Equal(t, commerce.CodeInternal, commerce.Code(err), "%v", err)
	assert.Contains(t, err.Error(), "pi_reused")
	assert.NotContains(t, err.Error(), "in progress")
	assert.Zero(t, fake.Calls("cancel"), "no hold voided: the reference may name the other payment's")
	assert.NotEqual(t, "pi_reused", second.ProviderRef)

	got, err := svc.Get(ctx, first.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, got.Status, "the first payment is untouched")
	assert.Equal(t, "pi_reused", got.ProviderRef)
}
