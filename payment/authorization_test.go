package payment_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// recordedPayment builds a service over a fresh memory store and records
// a payment of method, captured at once, that is not yet sent.
func recordedPayment(t *testing.T, store func(payment.Store) payment.Store, fake *fakeprovider.Provider, method string) (*payment.Service, payment.Payment) {
	t.Helper()
	var s payment.Store = memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}})
	if store != nil {
		s = store(s)
	}
	svc, err := payment.NewService(s, fake, &payment.Options{MaxRetries: -1})
	require.NoError(t, err)
	p, created, err := svc.Record(context.Background(), payment.AuthorizeInput{OrderID: commerce.NewID[commerce.OrderID](),
		Amount: commerce.MustMoney(1250, "USD"), PaymentMethod: method, IdempotencyKey: "k", CaptureNow: true})
	require.NoError(t, err)
	require.True(t, created)
	return svc, p
}

// Call authorizes at the provider and records nothing; Conclude records
// the answer as Send would: a capture made in the call, a capture still
// to make, or a decline.
func TestPaymentCallThenConclude(t *testing.T) {
	ctx := context.Background()

	t.Run("captured in the call", func(t *testing.T) {
		fake := fakeprovider.New(&fakeprovider.Options{AutoCapture: true})
		svc, p := recordedPayment(t, nil, fake, "pm_card_visa")
		a, err := svc.Call(ctx, p, "Order 1")
		require.NoError(t, err)
		assert.True(t, a.Captured())
		assert.Equal(t, 1, fake.Calls("authorize"))
		stored, err := svc.Get(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusProcessing, stored.Status, "nothing recorded before Conclude")

		done, err := svc.Conclude(ctx, a)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusCompleted, done.Status)
		assert.Equal(t, p.Amount, done.CapturedAmount)
		assert.NotEmpty(t, done.ProviderRef)
		assert.Zero(t, fake.Calls("capture"))
	})

	t.Run("authorized only", func(t *testing.T) {
		fake := fakeprovider.New(nil)
		svc, p := recordedPayment(t, nil, fake, "pm_card_visa")
		a, err := svc.Call(ctx, p, "")
		require.NoError(t, err)
		assert.False(t, a.Captured(), "the provider only authorized")
		done, err := svc.Conclude(ctx, a)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusCompleted, done.Status, "Conclude captures what CaptureNow asks")
		assert.Equal(t, 1, fake.Calls("capture"))
	})

	t.Run("declined", func(t *testing.T) {
		fake := fakeprovider.New(&fakeprovider.Options{AutoCapture: true})
		svc, p := recordedPayment(t, nil, fake, "pm_card_chargeDeclined")
		a, err := svc.Call(ctx, p, "")
		require.NoError(t, err, "a decline is part of the answer")
		assert.False(t, a.Captured())
		failed, err := svc.Conclude(ctx, a)
		assert.Equal(t, commerce.CodePaymentDeclined, commerce.Code(err))
		assert.Equal(t, payment.StatusFailed, failed.Status)
		assert.Equal(t, "generic_decline", failed.FailureCode)
	})

	t.Run("bad input", func(t *testing.T) {
		fake := fakeprovider.New(&fakeprovider.Options{AutoCapture: true})
		svc, p := recordedPayment(t, nil, fake, "pm_card_visa")
		_, err := svc.Call(ctx, payment.Payment{}, "")
		assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err))
		done, err := svc.Send(ctx, p, "")
		require.NoError(t, err)
		_, err = svc.Call(ctx, done, "")
		assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err), "a completed payment is not sent again")
		_, err = svc.Conclude(ctx, payment.Authorization{})
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
		assert.Equal(t, 1, fake.Calls("authorize"))
	})
}

// unitStore is a payment store whose writes, the test pretends, join
// the unit of work every context carries.
type unitStore struct{ payment.Store }

func (unitStore) InUnit(context.Context) bool { return true }

// In a unit of work, Conclude records only a captured authorization and
// calls no provider: anything else is refused with nothing written, for
// the caller to roll the unit back and conclude outside it.
func TestPaymentConcludeInAUnit(t *testing.T) {
	ctx := context.Background()
	inUnit := func(s payment.Store) payment.Store { return unitStore{s} }

	t.Run("captured", func(t *testing.T) {
		fake := fakeprovider.New(&fakeprovider.Options{AutoCapture: true})
		svc, p := recordedPayment(t, inUnit, fake, "pm_card_visa")
		a, err := svc.Call(ctx, p, "")
		require.NoError(t, err)
		done, err := svc.Conclude(ctx, a)
		require.NoError(t, err)
		assert.Equal(t, payment.StatusCompleted, done.Status)

		_, err = svc.Conclude(ctx, a)
		assert.Equal(t, commerce.CodeConflict, commerce.Code(err), "the payment moved on since the call")
		again, err := svc.Get(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, done, again)
	})

	for name, tc := range map[string]struct {
		auto   bool
		method string
	}{
		"authorized only": {false, "pm_card_visa"},
		"declined":        {true, "pm_card_chargeDeclined"},
	} {
		t.Run(name, func(t *testing.T) {
			fake := fakeprovider.New(&fakeprovider.Options{AutoCapture: tc.auto})
			svc, p := recordedPayment(t, inUnit, fake, tc.method)
			a, err := svc.Call(ctx, p, "")
			require.NoError(t, err)
			_, err = svc.Conclude(ctx, a)
			assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err))
			stored, err := svc.Get(ctx, p.ID)
			require.NoError(t, err)
			assert.Equal(t, payment.StatusProcessing, stored.Status, "nothing written")
			assert.Zero(t, fake.Calls("capture"), "no provider call in a unit")
		})
	}
}
