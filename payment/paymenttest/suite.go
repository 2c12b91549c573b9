package paymenttest

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// NewStore returns a fresh, empty store whose committed events reach
// events.
type NewStore func(t testing.TB, events commerce.EventPublisher) payment.Store

// env is one test's world: a store, the fake provider, a service and what
// they published.
type env struct {
	t      *testing.T
	store  payment.Store
	rec    *commercetest.Recorder
	fake   *fakeprovider.Provider
	clock  *commerce.TestClock
	svc    *payment.Service
	mu     sync.Mutex
	sleeps []time.Duration
}

func newEnv(t *testing.T, newStore NewStore, opts *payment.Options) *env {
	t.Helper()
	e := &env{t: t, rec: commercetest.NewRecorder(), clock: commerce.NewTestClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))}
	e.store = newStore(t, e.rec)
	e.fake = fakeprovider.New(&fakeprovider.Options{Clock: e.clock})
	e.svc = e.service(opts)
	return e
}

// service returns another Service over the same store and provider, as a
// second process would have.
func (e *env) service(opts *payment.Options) *payment.Service {
	e.t.Helper()
	var o payment.Options
	if opts != nil {
		o = *opts
	}
	o.Clock = e.clock
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Sleep = func(ctx context.Context, d time.Duration) error {
		e.mu.Lock()
		e.sleeps = append(e.sleeps, d)
		e.mu.Unlock()
		return ctx.Err()
	}
	o.InFlightPoll = time.Millisecond
	svc, err := payment.NewService(e.store, e.fake, &o)
	require.NoError(e.t, err)
	return svc
}

func (e *env) slept() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

var usd = commerce.Currency("USD")

func money(amount int64) commerce.Money { return commerce.MustMoney(amount, usd) }

func input(token string) payment.AuthorizeInput {
	return payment.AuthorizeInput{
		OrderID: commerce.NewID[commerce.OrderID](), Amount: money(5000), PaymentMethod: token,
		IdempotencyKey: "checkout-" + commerce.NewID[commerce.OrderID]().String(),
	}
}

func (e *env) authorize(token string) payment.Payment {
	e.t.Helper()
	p, err := e.svc.Authorize(context.Background(), input(token))
	require.NoError(e.t, err)
	require.Equal(e.t, payment.StatusAuthorized, p.Status)
	return p
}

func (e *env) completed(amount int64) payment.Payment {
	e.t.Helper()
	in := input("pm_card_visa")
	in.Amount = money(amount)
	in.CaptureNow = true
	p, err := e.svc.Authorize(context.Background(), in)
	require.NoError(e.t, err)
	require.Equal(e.t, payment.StatusCompleted, p.Status)
	return p
}

func requireCode(t testing.TB, want commerce.ErrorCode, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, want, commerce.Code(err), "error: %v", err)
}

// Run runs the store suite against the stores newStore returns.
func Run(t *testing.T, newStore NewStore) {
	t.Run("AuthorizeCaptureComplete", func(t *testing.T) { testAuthorizeCapture(t, newStore) })
	t.Run("CaptureNow", func(t *testing.T) { testCaptureNow(t, newStore) })
	t.Run("CaptureNowInOneCall", func(t *testing.T) { testOneCallCapture(t, newStore) })
	t.Run("Declines", func(t *testing.T) { testDeclines(t, newStore) })
	t.Run("BadInput", func(t *testing.T) { testBadInput(t, newStore) })
	t.Run("Lookups", func(t *testing.T) { testLookups(t, newStore) })
	t.Run("IdempotentAuthorize", func(t *testing.T) { testIdempotentAuthorize(t, newStore) })
	t.Run("ConcurrentAuthorizeOneCharge", func(t *testing.T) { testConcurrentAuthorize(t, newStore) })
	t.Run("ConcurrentAuthorizeWhileInFlight", func(t *testing.T) { testConcurrentInFlight(t, newStore) })
	t.Run("TransientRetriedWithBackoff", func(t *testing.T) { testTransient(t, newStore) })
	t.Run("TransientExhausted", func(t *testing.T) { testTransientExhausted(t, newStore) })
	t.Run("TimeoutAfterSuccessChargesOnce", func(t *testing.T) { testTimeoutAfterSuccess(t, newStore) })
	t.Run("TimeoutBeforeSendReconciled", func(t *testing.T) { testTimeoutBeforeSend(t, newStore) })
	t.Run("RetryUntilFinal", func(t *testing.T) { testRetry(t, newStore) })
	t.Run("Capture", func(t *testing.T) { testCapture(t, newStore) })
	t.Run("CaptureDeclined", func(t *testing.T) { testCaptureDeclined(t, newStore) })
	t.Run("Cancel", func(t *testing.T) { testCancel(t, newStore) })
	t.Run("Refunds", func(t *testing.T) { testRefunds(t, newStore) })
	t.Run("ConcurrentRefundsWithinCaptured", func(t *testing.T) { testConcurrentRefunds(t, newStore) })
	t.Run("Webhooks", func(t *testing.T) { testWebhooks(t, newStore) })
	t.Run("WebhookOutrunsTheRecordedRef", func(t *testing.T) { testWebhookOutruns(t, newStore) })
	t.Run("WebhookRefunds", func(t *testing.T) { testWebhookRefunds(t, newStore) })
	t.Run("StoreContract", func(t *testing.T) { testStoreContract(t, newStore) })
}

func testAuthorizeCapture(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	ctx := context.Background()
	in := input("pm_card_visa")
	p, err := e.svc.Authorize(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, p.Status)
	assert.Equal(t, in.OrderID, p.OrderID)
	assert.Equal(t, in.Amount, p.Amount)
	assert.Equal(t, fakeprovider.Name, p.Provider)
	assert.NotEmpty(t, p.ProviderRef)
	assert.Equal(t, 1, p.Attempts)
	assert.Equal(t, payment.DefaultMaxRetries, p.MaxRetries)
	assert.Equal(t, money(0), p.CapturedAmount)
	require.Len(t, e.fake.Charges(), 1)
	assert.Equal(t, p.ProviderRef, e.fake.Charges()[0].Ref)

	init := e.rec.Await(t, "payment.initiated", 1)[0].Payload.(payment.Initiated)
	assert.Equal(t, p.ID, init.PaymentID)
	auth := e.rec.Await(t, "payment.authorized", 1)[0].Payload.(payment.Authorized)
	assert.Equal(t, p.ProviderRef, auth.ProviderRef)
	assert.Equal(t, in.OrderID, auth.OrderID)

	p, err = e.svc.Capture(ctx, p.ID, commerce.Money{})
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, p.Status)
	assert.Equal(t, in.Amount, p.CapturedAmount)
	capd := e.rec.Await(t, "payment.captured", 1)[0].Payload.(payment.Captured)
	assert.Equal(t, in.Amount, capd.Amount)
	done := e.rec.Await(t, "payment.completed", 1)[0].Payload.(payment.Completed)
	assert.Equal(t, in.Amount, done.CapturedAmount)
	assert.Equal(t, in.Amount, e.fake.Charges()[0].Captured)

	got, err := e.svc.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, got.Status)
	assert.Equal(t, p.UpdatedAt.UTC(), got.UpdatedAt.UTC())
}

func testCaptureNow(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	p := e.completed(1999)
	assert.Equal(t, money(1999), p.CapturedAmount)
	e.rec.Await(t, "payment.completed", 1)
	require.Len(t, e.fake.Charges(), 1)
	assert.Equal(t, money(1999), e.fake.Charges()[0].Captured)

	// A repeat returns the completed payment and captures nothing more.
	in := input("pm_card_visa")
	in.Amount, in.CaptureNow, in.OrderID, in.IdempotencyKey = money(1999), true, p.OrderID, p.IdempotencyKey
	again, err := e.svc.Authorize(context.Background(), in)
	require.NoError(t, err)
	assert.Equal(t, p.ID, again.ID)
	assert.Equal(t, 1, e.fake.Calls("capture"))
}

func testDeclines(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	ctx := context.Background()
	cases := []struct {
		token, code string
	}{
		{"pm_card_chargeDeclined", "generic_decline"},
		{"pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"},
	}
	for i, c := range cases {
		in := input(c.token)
		p, err := e.svc.Authorize(ctx, in)
		requireCode(t, commerce.CodePaymentDeclined, err)
		var ce *commerce.Error
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, c.code, ce.Details["decline_code"])
		assert.True(t, payment.IsDeclined(err), "the provider error is kept as the cause")
		assert.Equal(t, payment.StatusFailed, p.Status)
		assert.Equal(t, c.code, p.FailureCode)
		assert.NotEmpty(t, p.FailureMessage)

		failed := e.rec.Await(t, "payment.failed", i+1)[i].Payload.(payment.Failed)
		assert.Equal(t, p.ID, failed.PaymentID)
		assert.Equal(t, in.OrderID, failed.OrderID)
		assert.Equal(t, c.code, failed.FailureCode)
		assert.Equal(t, p.FailureMessage, failed.FailureMessage)
		assert.Equal(t, "authorize", failed.Stage)
		assert.False(t, failed.Final)

		// The same key again: the same failure, no second provider call.
		calls := e.fake.Calls("authorize")
		again, err := e.svc.Authorize(ctx, in)
		requireCode(t, commerce.CodePaymentDeclined, err)
		assert.Equal(t, p.ID, again.ID)
		assert.Equal(t, calls, e.fake.Calls("authorize"))
	}
	assert.Empty(t, e.fake.Charges())
	assert.Equal(t, "Your card was declined.", mustGetByKey(t, e, "pm_card_chargeDeclined").FailureMessage)

	// An unknown token is the caller's mistake, and nothing is charged.
	p, err := e.svc.Authorize(ctx, input("pm_no_such_token"))
	requireCode(t, commerce.CodeInvalidArgument, err)
	assert.Equal(t, payment.StatusFailed, p.Status)
	assert.Equal(t, "resource_missing", p.FailureCode)
	assert.Empty(t, e.fake.Charges())
}

func mustGetByKey(t *testing.T, e *env, token string) payment.Payment {
	t.Helper()
	for _, c := range e.rec.Named("payment.failed") {
		f := c.Payload.(payment.Failed)
		p, err := e.svc.Get(context.Background(), f.PaymentID)
		require.NoError(t, err)
		if p.PaymentMethod == token {
			return p
		}
	}
	t.Fatalf("no failed payment with %s", token)
	return payment.Payment{}
}

func testBadInput(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	ctx := context.Background()
	bad := []func(*payment.AuthorizeInput){
		func(in *payment.AuthorizeInput) { in.OrderID = "" },
		func(in *payment.AuthorizeInput) { in.OrderID = "ord_nonsense" },
		func(in *payment.AuthorizeInput) { in.Amount = commerce.Money{} },
		func(in *payment.AuthorizeInput) { in.Amount = money(0) },
		func(in *payment.AuthorizeInput) { in.Amount = money(-5) },
		func(in *payment.AuthorizeInput) { in.PaymentMethod = "" },
		func(in *payment.AuthorizeInput) { in.IdempotencyKey = "" },
		func(in *payment.AuthorizeInput) { in.IdempotencyKey = "has space" },
		func(in *payment.AuthorizeInput) { in.IdempotencyKey = string(make([]byte, 201)) },
	}
	for i, mutate := range bad {
		in := input("pm_card_visa")
		mutate(&in)
		_, err := e.svc.Authorize(ctx, in)
		requireCode(t, commerce.CodeInvalidArgument, err)
		_ = i
	}
	assert.Zero(t, e.fake.Calls("authorize"))
	assert.Empty(t, e.rec.Envelopes())

	_, err := payment.NewService(nil, e.fake, nil)
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = payment.NewService(e.store, e.fake, &payment.Options{BackoffBase: time.Second, BackoffMax: time.Millisecond})
	requireCode(t, commerce.CodeInvalidArgument, err)

	p := e.authorize("pm_card_visa")
	_, err = e.svc.Capture(ctx, p.ID, money(-1))
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = e.svc.Capture(ctx, p.ID, commerce.MustMoney(100, "EUR"))
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(0), IdempotencyKey: "r"})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(1)})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = e.svc.Get(ctx, "pay_bad")
	requireCode(t, commerce.CodeInvalidArgument, err)
}

func testLookups(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	ctx := context.Background()
	p := e.authorize("pm_card_visa")

	byKey, err := e.svc.GetByIdempotencyKey(ctx, p.IdempotencyKey)
	require.NoError(t, err)
	assert.Equal(t, p.ID, byKey.ID)

	// A second payment for the same order (after a decline, say).
	in := input("pm_card_mastercard")
	in.OrderID = p.OrderID
	e.clock.Advance(time.Second)
	second, err := e.svc.Authorize(ctx, in)
	require.NoError(t, err)
	list, err := e.svc.GetByOrder(ctx, p.OrderID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, p.ID, list[0].ID)
	assert.Equal(t, second.ID, list[1].ID)

	none, err := e.svc.GetByOrder(ctx, commerce.NewID[commerce.OrderID]())
	require.NoError(t, err)
	assert.Empty(t, none)

	_, err = e.svc.Get(ctx, commerce.NewID[commerce.PaymentID]())
	requireCode(t, commerce.CodeNotFound, err)
	_, err = e.svc.GetByIdempotencyKey(ctx, "never-used")
	requireCode(t, commerce.CodeNotFound, err)
	_, err = e.svc.Refunds(ctx, commerce.NewID[commerce.PaymentID]())
	requireCode(t, commerce.CodeNotFound, err)
	_, err = e.svc.GetRefund(ctx, commerce.NewID[commerce.RefundID]())
	requireCode(t, commerce.CodeNotFound, err)
	_, err = e.svc.Capture(ctx, commerce.NewID[commerce.PaymentID](), commerce.Money{})
	requireCode(t, commerce.CodeNotFound, err)
	_, err = e.svc.Refund(ctx, payment.RefundInput{PaymentID: commerce.NewID[commerce.PaymentID](), Amount: money(1), IdempotencyKey: "x"})
	requireCode(t, commerce.CodeNotFound, err)
}

func testIdempotentAuthorize(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	ctx := context.Background()
	in := input("pm_card_visa")
	first, err := e.svc.Authorize(ctx, in)
	require.NoError(t, err)
	second, err := e.svc.Authorize(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, first.ID, second.ID)
	assert.Equal(t, first.ProviderRef, second.ProviderRef)
	assert.Len(t, e.fake.Charges(), 1)
	assert.Equal(t, 1, e.fake.Calls("authorize"))

	other := e.service(nil)
	third, err := other.Authorize(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, first.ID, third.ID)

	changed := in
	changed.Amount = money(1)
	_, err = e.svc.Authorize(ctx, changed)
	requireCode(t, commerce.CodeConflict, err)
	assert.Len(t, e.fake.Charges(), 1)
	e.rec.Await(t, "payment.authorized", 1)
	assert.Len(t, e.rec.Await(t, "payment.initiated", 1), 1)
}

func testConcurrentAuthorize(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	// Two services over one store: goroutines of one process share a call,
	// the other process's goroutines meet the first at the store's key.
	services := []*payment.Service{e.svc, e.service(nil)}
	in := input("pm_card_visa")
	in.CaptureNow = true
	const n = 20
	start := make(chan struct{})
	type result struct {
		p   payment.Payment
		err error
	}
	results := make(chan result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			p, err := services[i%2].Authorize(context.Background(), in)
			results <- result{p, err}
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	ids := map[commerce.PaymentID]bool{}
	for r := range results {
		require.NoError(t, r.err)
		assert.Equal(t, payment.StatusCompleted, r.p.Status)
		ids[r.p.ID] = true
	}
	assert.Len(t, ids, 1, "one payment")
	require.Len(t, e.fake.Charges(), 1, "one charge")
	assert.Equal(t, in.Amount, e.fake.Charges()[0].Captured)
	list, err := e.svc.GetByOrder(context.Background(), in.OrderID)
	require.NoError(t, err)
	assert.Len(t, list, 1)
	e.rec.Await(t, "payment.completed", 1)
	assert.Len(t, e.rec.Await(t, "payment.initiated", 1), 1)
	assert.Len(t, e.rec.Await(t, "payment.authorized", 1), 1)
}

// testConcurrentInFlight holds the first provider call until every other
// caller (in this process and in another) has arrived: they wait for it
// and share its one charge.
func testConcurrentInFlight(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	gate := make(chan struct{})
	e.fake.Script("pm_held", fakeprovider.Script{Gate: gate})
	services := []*payment.Service{e.svc, e.service(nil), e.service(nil)}
	in := input("pm_held")
	const n = 21
	type result struct {
		p   payment.Payment
		err error
	}
	results := make(chan result, n)
	for i := range n {
		go func() {
			p, err := services[i%len(services)].Authorize(context.Background(), in)
			results <- result{p, err}
		}()
	}
	require.Eventually(t, func() bool { return e.fake.Calls("authorize") == 1 }, commercetest.AwaitTimeout(t), time.Millisecond)
	close(gate)
	ids := map[commerce.PaymentID]bool{}
	for range n {
		r := <-results
		require.NoError(t, r.err)
		assert.Equal(t, payment.StatusAuthorized, r.p.Status)
		ids[r.p.ID] = true
	}
	assert.Len(t, ids, 1)
	assert.Equal(t, 1, e.fake.Calls("authorize"))
	assert.Len(t, e.fake.Charges(), 1)
}

func testTransient(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, &payment.Options{BackoffBase: 10 * time.Millisecond, BackoffMax: time.Second})
	e.fake.Script("pm_flaky", fakeprovider.Script{Outcome: fakeprovider.FailTransient, Times: 3})
	p, err := e.svc.Authorize(context.Background(), input("pm_flaky"))
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, p.Status)
	assert.Equal(t, 4, e.fake.Calls("authorize"))
	assert.Len(t, e.fake.Charges(), 1)
	assert.Equal(t, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond}, e.slept())
	// Every repeat reused the attempt's idempotency key.
	assert.Equal(t, p.IdempotencyKey+"/authorize/1", e.fake.Charges()[0].IdempotencyKey)
}

func testTransientExhausted(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, &payment.Options{ProviderRetries: 2})
	e.fake.Script("pm_down", fakeprovider.Script{Outcome: fakeprovider.FailTransient, Times: 100})
	p, err := e.svc.Authorize(context.Background(), input("pm_down"))
	requireCode(t, commerce.CodeUnavailable, err)
	assert.Equal(t, payment.StatusFailed, p.Status)
	assert.Equal(t, payment.FailureProviderUnavailable, p.FailureCode)
	assert.Equal(t, 3, e.fake.Calls("authorize"))
	assert.Empty(t, e.fake.Charges())
	e.rec.Await(t, "payment.failed", 1)

	// The provider recovers; a retry charges once.
	e.fake.Script("pm_down", fakeprovider.Script{})
	p, err = e.svc.Retry(context.Background(), p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, p.Status)
	assert.Equal(t, 2, p.Attempts)
	assert.Len(t, e.fake.Charges(), 1)
}

func testTimeoutAfterSuccess(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	e.fake.Script("pm_lost_reply", fakeprovider.Script{Outcome: fakeprovider.TimeoutAfterSuccess, Times: 2})
	p, err := e.svc.Authorize(context.Background(), input("pm_lost_reply"))
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, p.Status)
	require.Len(t, e.fake.Charges(), 1, "exactly one charge")
	assert.Equal(t, e.fake.Charges()[0].Ref, p.ProviderRef)
	assert.Equal(t, p.ID, e.fake.Charges()[0].PaymentID)
	assert.GreaterOrEqual(t, e.fake.Calls("lookup"), 1, "looked up before any retry")
	assert.Equal(t, 1, e.fake.Calls("authorize"), "the lookup found the charge, so nothing was resent")

	// Capture loses its reply too: still one capture of the amount.
	e.fake.Script("pm_lost_capture", fakeprovider.Script{Outcome: fakeprovider.TimeoutAfterSuccess, OnCapture: true})
	in := input("pm_lost_capture")
	in.CaptureNow = true
	q, err := e.svc.Authorize(context.Background(), in)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, q.Status)
	require.Len(t, e.fake.ChargesFor(q.ID), 1)
	assert.Equal(t, in.Amount, e.fake.ChargesFor(q.ID)[0].Captured)
}

func testTimeoutBeforeSend(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, &payment.Options{ProviderRetries: -1, StaleAfter: time.Minute})
	ctx := context.Background()
	e.fake.Script("pm_unsent", fakeprovider.Script{Outcome: fakeprovider.TimeoutBeforeSend})
	in := input("pm_unsent")
	p, err := e.svc.Authorize(ctx, in)
	requireCode(t, commerce.CodeUnavailable, err)
	assert.Equal(t, payment.StatusProcessing, p.Status, "an unknown outcome is never recorded as a failure")
	assert.Empty(t, e.fake.Charges())

	// Too early to resend: Reconcile only looks.
	p, err = e.svc.Reconcile(ctx, p.ID)
	requireCode(t, commerce.CodeUnavailable, err)
	assert.Equal(t, payment.StatusProcessing, p.Status)

	// Past StaleAfter, a duplicate Authorize resumes it with the same key.
	e.clock.Advance(2 * time.Minute)
	p, err = e.svc.Authorize(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, p.Status)
	require.Len(t, e.fake.Charges(), 1)
	assert.Equal(t, p.IdempotencyKey+"/authorize/1", e.fake.Charges()[0].IdempotencyKey)

	p, err = e.svc.Reconcile(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, p.Status)
	assert.Len(t, e.fake.Charges(), 1)
}

func testRetry(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, &payment.Options{MaxRetries: 2})
	ctx := context.Background()
	e.fake.Script("pm_flip", fakeprovider.Script{Outcome: fakeprovider.Decline, Code: "do_not_honor", Message: "Do not honor."})
	p, err := e.svc.Authorize(ctx, input("pm_flip"))
	requireCode(t, commerce.CodePaymentDeclined, err)
	assert.Equal(t, 2, p.RetriesLeft())

	_, err = e.svc.Capture(ctx, p.ID, commerce.Money{})
	requireCode(t, commerce.CodeFailedPrecondition, err)
	_, err = e.svc.Cancel(ctx, p.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err)

	p, err = e.svc.Retry(ctx, p.ID)
	requireCode(t, commerce.CodePaymentDeclined, err)
	assert.Equal(t, 2, p.Attempts)
	p, err = e.svc.Retry(ctx, p.ID)
	requireCode(t, commerce.CodePaymentDeclined, err)
	assert.Equal(t, 3, p.Attempts)
	assert.Zero(t, p.RetriesLeft())
	// An outbox may deliver the three events in any order: only the
	// third attempt's is final.
	for _, env := range e.rec.Await(t, "payment.failed", 3) {
		f := env.Payload.(payment.Failed)
		assert.Equal(t, f.Attempt == 3, f.Final, "attempt %d", f.Attempt)
	}

	_, err = e.svc.Retry(ctx, p.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err)
	assert.Equal(t, 3, e.fake.Calls("authorize"))

	// A retry that succeeds.
	q, err := e.svc.Authorize(ctx, input("pm_flip"))
	requireCode(t, commerce.CodePaymentDeclined, err)
	e.fake.Script("pm_flip", fakeprovider.Script{})
	q, err = e.svc.Retry(ctx, q.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, q.Status)
	assert.Empty(t, q.FailureCode)
	assert.Len(t, e.fake.Charges(), 1)

	_, err = e.svc.Retry(ctx, q.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err)
}

func testCapture(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	ctx := context.Background()
	p := e.authorize("pm_card_visa")
	_, err := e.svc.Capture(ctx, p.ID, money(5001))
	requireCode(t, commerce.CodeInvalidArgument, err)

	p, err = e.svc.Capture(ctx, p.ID, money(3000))
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, p.Status)
	assert.Equal(t, money(3000), p.CapturedAmount)

	again, err := e.svc.Capture(ctx, p.ID, money(3000))
	require.NoError(t, err)
	assert.Equal(t, p.UpdatedAt.UTC(), again.UpdatedAt.UTC())
	_, err = e.svc.Capture(ctx, p.ID, money(4000))
	requireCode(t, commerce.CodeFailedPrecondition, err)
	assert.Equal(t, 1, e.fake.Calls("capture"))
	e.rec.Await(t, "payment.completed", 1)
	assert.Len(t, e.rec.Await(t, "payment.captured", 1), 1)

	// Concurrent captures of one authorization: one capture at the provider.
	q := e.authorize("pm_card_visa")
	const n = 8
	start := make(chan struct{})
	errs := make(chan error, n)
	for range n {
		go func() {
			<-start
			_, err := e.svc.Capture(ctx, q.ID, commerce.Money{})
			errs <- err
		}()
	}
	close(start)
	for range n {
		require.NoError(t, <-errs)
	}
	assert.Equal(t, q.Amount, e.fake.ChargesFor(q.ID)[0].Captured)
	e.rec.Await(t, "payment.completed", 2)
	assert.Len(t, e.rec.Await(t, "payment.captured", 2), 2)
}

func testCaptureDeclined(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	ctx := context.Background()
	e.fake.Script("pm_capture_fails", fakeprovider.Script{Outcome: fakeprovider.Decline, Code: "expired_for_capture", Message: "The authorization expired.", OnCapture: true})
	p := e.authorize("pm_capture_fails")
	p, err := e.svc.Capture(ctx, p.ID, commerce.Money{})
	requireCode(t, commerce.CodePaymentDeclined, err)
	assert.Equal(t, payment.StatusFailed, p.Status)
	assert.Equal(t, "expired_for_capture", p.FailureCode)
	failed := e.rec.Await(t, "payment.failed", 1)[0].Payload.(payment.Failed)
	assert.Equal(t, "capture", failed.Stage)

	// Retry re-authorizes with a new attempt.
	e.fake.Script("pm_capture_fails", fakeprovider.Script{})
	p, err = e.svc.Retry(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, p.Status)
	p, err = e.svc.Capture(ctx, p.ID, commerce.Money{})
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, p.Status)
}

func testCancel(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	ctx := context.Background()
	p := e.authorize("pm_card_visa")
	p, err := e.svc.Cancel(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCancelled, p.Status)
	assert.Equal(t, payment.ProviderCancelled, e.fake.ChargesFor(p.ID)[0].Status)
	ev := e.rec.Await(t, "payment.cancelled", 1)[0].Payload.(payment.Cancelled)
	assert.Equal(t, p.ID, ev.PaymentID)

	again, err := e.svc.Cancel(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCancelled, again.Status)
	assert.Equal(t, 1, e.fake.Calls("cancel"))
	_, err = e.svc.Capture(ctx, p.ID, commerce.Money{})
	requireCode(t, commerce.CodeFailedPrecondition, err)
	_, err = e.svc.Retry(ctx, p.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err)

	done := e.completed(100)
	_, err = e.svc.Cancel(ctx, done.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err)
}

func testRefunds(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	ctx := context.Background()
	auth := e.authorize("pm_card_visa")
	_, err := e.svc.Refund(ctx, payment.RefundInput{PaymentID: auth.ID, Amount: money(10), IdempotencyKey: "too-early"})
	requireCode(t, commerce.CodeFailedPrecondition, err)

	p := e.completed(10000)
	r1, err := e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(2500), Reason: "damaged", IdempotencyKey: "rf-1"})
	require.NoError(t, err)
	assert.Equal(t, payment.RefundSucceeded, r1.Status)
	assert.NotEmpty(t, r1.ProviderRef)
	assert.Equal(t, "damaged", r1.Reason)

	same, err := e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(2500), Reason: "damaged", IdempotencyKey: "rf-1"})
	require.NoError(t, err)
	assert.Equal(t, r1.ID, same.ID)
	_, err = e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(2600), IdempotencyKey: "rf-1"})
	requireCode(t, commerce.CodeConflict, err)
	assert.Equal(t, 1, e.fake.Calls("refund"))

	_, err = e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(5000), IdempotencyKey: "rf-2"})
	require.NoError(t, err)
	_, err = e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(2501), IdempotencyKey: "rf-3"})
	requireCode(t, commerce.CodeFailedPrecondition, err)
	var ce *commerce.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, money(2500).String(), ce.Details["refundable"])
	_, err = e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(10001), IdempotencyKey: "rf-4"})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: commerce.MustMoney(5, "EUR"), IdempotencyKey: "rf-5"})
	requireCode(t, commerce.CodeInvalidArgument, err)

	r3, err := e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(2500), IdempotencyKey: "rf-6"})
	require.NoError(t, err)
	_, err = e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(1), IdempotencyKey: "rf-7"})
	requireCode(t, commerce.CodeFailedPrecondition, err)

	p, err = e.svc.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, money(10000), p.RefundedAmount)
	assert.Equal(t, payment.StatusCompleted, p.Status)
	refunds, err := e.svc.Refunds(ctx, p.ID)
	require.NoError(t, err)
	require.Len(t, refunds, 3)
	assert.Equal(t, r1.ID, refunds[0].ID)
	got, err := e.svc.GetRefund(ctx, r3.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.RefundSucceeded, got.Status)

	var last payment.Refunded
	for _, env := range e.rec.Await(t, "payment.refunded", 3) {
		if ev := env.Payload.(payment.Refunded); ev.RefundID == r3.ID {
			last = ev
		}
	}
	assert.Equal(t, r3.ID, last.RefundID)
	assert.Equal(t, money(2500), last.Amount)
	assert.Equal(t, money(10000), last.RefundedTotal)
	assert.Equal(t, money(10000), last.CapturedAmount)
	assert.Equal(t, p.OrderID, last.OrderID)
	assert.Equal(t, money(10000), e.fake.ChargesFor(p.ID)[0].Refunded)
}

func testConcurrentRefunds(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	p := e.completed(10000)
	const n = 10
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		go func() {
			<-start
			_, err := e.svc.Refund(context.Background(), payment.RefundInput{PaymentID: p.ID, Amount: money(3000), IdempotencyKey: fmt.Sprintf("race-%d", i)})
			errs <- err
		}()
	}
	close(start)
	ok := 0
	for range n {
		err := <-errs
		if err == nil {
			ok++
			continue
		}
		assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err), "error: %v", err)
	}
	assert.Equal(t, 3, ok)
	got, err := e.svc.Get(context.Background(), p.ID)
	require.NoError(t, err)
	assert.Equal(t, money(9000), got.RefundedAmount)
	assert.Equal(t, money(9000), e.fake.ChargesFor(p.ID)[0].Refunded)
}

func testWebhooks(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	ctx := context.Background()
	p := e.authorize("pm_card_visa")
	e.rec.Await(t, "payment.authorized", 1)

	// A bad signature is refused.
	payload, header := e.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventSucceeded, Ref: p.ProviderRef})
	requireCode(t, commerce.CodeUnauthenticated, e.svc.HandleWebhook(ctx, payload, "t=1,v1=00"))
	tampered := append([]byte(nil), payload...)
	tampered[len(tampered)-2] = ' '
	requireCode(t, commerce.CodeUnauthenticated, e.svc.HandleWebhook(ctx, tampered, header))

	// An authorization it already recorded changes nothing.
	authPayload, authHeader := e.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventAuthorized, Ref: p.ProviderRef})
	require.NoError(t, e.svc.HandleWebhook(ctx, authPayload, authHeader))

	// Captured outside the service (the dashboard): the payment follows.
	require.NoError(t, e.svc.HandleWebhook(ctx, payload, header))
	got, err := e.svc.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, got.Status)
	assert.Equal(t, p.Amount, got.CapturedAmount)
	e.rec.Await(t, "payment.completed", 1)

	// The same event again, and a late failure, change nothing.
	require.NoError(t, e.svc.HandleWebhook(ctx, payload, header))
	failPayload, failHeader := e.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventFailed, Ref: p.ProviderRef, FailureCode: "card_declined"})
	require.NoError(t, e.svc.HandleWebhook(ctx, failPayload, failHeader))
	cancelPayload, cancelHeader := e.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventCancelled, Ref: p.ProviderRef})
	require.NoError(t, e.svc.HandleWebhook(ctx, cancelPayload, cancelHeader))
	again, err := e.svc.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, got.Status, again.Status)
	assert.Equal(t, got.UpdatedAt.UTC(), again.UpdatedAt.UTC())

	// Unknown references and ignored types are acknowledged.
	unknown, uh := e.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventSucceeded, Ref: "fake_pi_unknown"})
	require.NoError(t, e.svc.HandleWebhook(ctx, unknown, uh))
	refunded, rh := e.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventRefunded, Ref: p.ProviderRef})
	require.NoError(t, e.svc.HandleWebhook(ctx, refunded, rh))

	// A cancellation of an authorized payment voids it.
	q := e.authorize("pm_card_visa")
	cp, ch := e.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventCancelled, Ref: q.ProviderRef})
	require.NoError(t, e.svc.HandleWebhook(ctx, cp, ch))
	q, err = e.svc.Get(ctx, q.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCancelled, q.Status)

	// A stale signature (a replay of an old delivery) is refused.
	old, oh := e.fake.SignedEventAt(payment.WebhookEvent{Type: payment.EventSucceeded, Ref: q.ProviderRef}, e.clock.Now().Add(-time.Hour))
	requireCode(t, commerce.CodeUnauthenticated, e.svc.HandleWebhook(ctx, old, oh))

	e.rec.Await(t, "payment.cancelled", 1)
	assert.Len(t, e.rec.Await(t, "payment.completed", 1), 1)
	assert.Len(t, e.rec.Named("payment.failed"), 0)
}

func testWebhookOutruns(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, &payment.Options{ProviderRetries: -1})
	ctx := context.Background()
	e.fake.Script("pm_slow", fakeprovider.Script{Outcome: fakeprovider.TimeoutBeforeSend})
	p, err := e.svc.Authorize(ctx, input("pm_slow"))
	requireCode(t, commerce.CodeUnavailable, err)
	require.Equal(t, payment.StatusProcessing, p.Status)

	// The provider's notification names the payment before the service
	// recorded a reference: it settles the payment.
	payload, header := e.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventAuthorized, Ref: "fake_pi_elsewhere", PaymentID: p.ID})
	require.NoError(t, e.svc.HandleWebhook(ctx, payload, header))
	got, err := e.svc.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, got.Status)
	assert.Equal(t, "fake_pi_elsewhere", got.ProviderRef)

	// A failure for a payment still processing fails it, once.
	q, err := e.svc.Authorize(ctx, input("pm_slow"))
	requireCode(t, commerce.CodeUnavailable, err)
	fp, fh := e.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventFailed, Ref: "fake_pi_other", PaymentID: q.ID, FailureCode: "card_declined", FailureMessage: "Your card was declined."})
	require.NoError(t, e.svc.HandleWebhook(ctx, fp, fh))
	require.NoError(t, e.svc.HandleWebhook(ctx, fp, fh))
	q, err = e.svc.Get(ctx, q.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusFailed, q.Status)
	assert.Equal(t, "card_declined", q.FailureCode)
	e.rec.Await(t, "payment.failed", 1)
	e.rec.Await(t, "payment.authorized", 1)
	assert.Len(t, e.rec.Named("payment.failed"), 1)
}

// testStoreContract checks store behaviour the service relies on but
// cannot easily provoke.
func testStoreContract(t *testing.T, newStore NewStore) {
	rec := commercetest.NewRecorder()
	store := newStore(t, rec)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := payment.Payment{
		ID: commerce.NewID[commerce.PaymentID](), OrderID: commerce.NewID[commerce.OrderID](), Amount: money(700),
		Status: payment.StatusInitiated, Provider: "fake", PaymentMethod: "pm_card_visa", MaxRetries: 3,
		IdempotencyKey: "contract-1", CapturedAmount: money(0), RefundedAmount: money(0), CreatedAt: now, UpdatedAt: now,
	}
	stored, created, err := store.Create(ctx, p, nil)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, p.ID, stored.ID)

	dup := p
	dup.ID = commerce.NewID[commerce.PaymentID]()
	got, created, err := store.Create(ctx, dup, []commerce.Envelope{commerce.NewEnvelope(dup.ID.String(), now, payment.Initiated{PaymentID: dup.ID})})
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, p.ID, got.ID)
	_, err = store.Get(ctx, dup.ID)
	requireCode(t, commerce.CodeNotFound, err)

	// A failing closure leaves nothing behind.
	boom := commerce.Errorf(commerce.CodeFailedPrecondition, "boom")
	_, err = store.Update(ctx, p.ID, func(q *payment.Payment) ([]commerce.Envelope, error) {
		q.Status = payment.StatusProcessing
		return []commerce.Envelope{commerce.NewEnvelope(q.ID.String(), now, payment.Failed{PaymentID: q.ID})}, boom
	})
	requireCode(t, commerce.CodeFailedPrecondition, err)
	got, err = store.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusInitiated, got.Status)

	_, err = store.Update(ctx, commerce.NewID[commerce.PaymentID](), func(*payment.Payment) ([]commerce.Envelope, error) { return nil, nil })
	requireCode(t, commerce.CodeNotFound, err)

	// Round trip of every field, the provider reference index included.
	up, err := store.Update(ctx, p.ID, func(q *payment.Payment) ([]commerce.Envelope, error) {
		q.Status, q.ProviderRef, q.Attempts = payment.StatusAuthorized, "ref-contract", 1
		q.CapturedAmount, q.FailureCode, q.FailureMessage = money(700), "c", "m"
		q.UpdatedAt = now.Add(time.Second)
		return nil, nil
	})
	require.NoError(t, err)
	byRef, err := store.GetByProviderRef(ctx, "fake", "ref-contract")
	require.NoError(t, err)
	assert.Equal(t, up.ID, byRef.ID)
	assert.Equal(t, money(700), byRef.CapturedAmount)
	assert.Equal(t, "m", byRef.FailureMessage)
	assert.True(t, now.Add(time.Second).Equal(byRef.UpdatedAt))
	_, err = store.GetByProviderRef(ctx, "other", "ref-contract")
	requireCode(t, commerce.CodeNotFound, err)

	// A provider reference belongs to one payment.
	second := p
	second.ID, second.IdempotencyKey = commerce.NewID[commerce.PaymentID](), "contract-2"
	_, created, err = store.Create(ctx, second, nil)
	require.NoError(t, err)
	require.True(t, created)
	_, err = store.Update(ctx, second.ID, func(q *payment.Payment) ([]commerce.Envelope, error) {
		q.ProviderRef = "ref-contract"
		return nil, nil
	})
	requireCode(t, commerce.CodeConflict, err)
	// A replaced reference no longer finds the payment.
	_, err = store.Update(ctx, p.ID, func(q *payment.Payment) ([]commerce.Envelope, error) {
		q.ProviderRef = "ref-contract-2"
		return nil, nil
	})
	require.NoError(t, err)
	_, err = store.GetByProviderRef(ctx, "fake", "ref-contract")
	requireCode(t, commerce.CodeNotFound, err)
	byRef, err = store.GetByProviderRef(ctx, "fake", "ref-contract-2")
	require.NoError(t, err)
	assert.Equal(t, p.ID, byRef.ID)

	// Webhook event IDs apply once; a failing closure does not record one.
	calls := 0
	apply := func() (bool, error) {
		return store.ApplyWebhook(ctx, "fake", "evt_1", p.ID, func(*payment.Payment) ([]commerce.Envelope, error) {
			calls++
			return nil, nil
		})
	}
	_, err = store.ApplyWebhook(ctx, "fake", "evt_1", p.ID, func(*payment.Payment) ([]commerce.Envelope, error) { return nil, boom })
	requireCode(t, commerce.CodeFailedPrecondition, err)
	applied, err := apply()
	require.NoError(t, err)
	assert.True(t, applied)
	applied, err = apply()
	require.NoError(t, err)
	assert.False(t, applied)
	assert.Equal(t, 1, calls)
	applied, err = store.ApplyWebhook(ctx, "other", "evt_1", p.ID, func(*payment.Payment) ([]commerce.Envelope, error) { return nil, nil })
	require.NoError(t, err)
	assert.True(t, applied, "event IDs are per provider")

	// A refund whose check fails is not inserted.
	r := payment.Refund{ID: commerce.NewID[commerce.RefundID](), PaymentID: p.ID, Amount: money(100), Status: payment.RefundPending,
		IdempotencyKey: "contract-r1", CreatedAt: now, UpdatedAt: now}
	_, _, err = store.CreateRefund(ctx, r, func(payment.Payment, []payment.Refund) ([]commerce.Envelope, error) { return nil, boom })
	requireCode(t, commerce.CodeFailedPrecondition, err)
	list, err := store.ListRefunds(ctx, p.ID)
	require.NoError(t, err)
	assert.Empty(t, list)
	_, created, err = store.CreateRefund(ctx, r, func(payment.Payment, []payment.Refund) ([]commerce.Envelope, error) { return nil, nil })
	require.NoError(t, err)
	assert.True(t, created)
	r.PaymentID = commerce.NewID[commerce.PaymentID]()
	r.IdempotencyKey = "contract-r2"
	r.ID = commerce.NewID[commerce.RefundID]()
	_, _, err = store.CreateRefund(ctx, r, func(payment.Payment, []payment.Refund) ([]commerce.Envelope, error) { return nil, nil })
	requireCode(t, commerce.CodeNotFound, err)
	_, err = store.UpdateRefund(ctx, commerce.NewID[commerce.RefundID](), func(*payment.Payment, *payment.Refund) ([]commerce.Envelope, error) { return nil, nil })
	requireCode(t, commerce.CodeNotFound, err)
	assert.Empty(t, rec.Envelopes(), "nothing published by failed or duplicate writes")
}
