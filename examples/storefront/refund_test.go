package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// A refund made in the payment provider's dashboard arrives as a signed
// webhook; the shop records it on the payment and, through the bus, on
// the order, once however often the webhook is delivered.
func TestDashboardRefundReachesTheOrder(t *testing.T) {
	ts := startShop(t, Config{})
	ctx := context.Background()
	o := ts.buyThroughTheAPI(t, "grace@example.com")
	require.NotEmpty(t, o.PaymentIDs)
	p, err := ts.payments.Get(ctx, o.PaymentIDs[0])
	require.NoError(t, err)
	if p.Status != payment.StatusCaptured && p.Status != payment.StatusCompleted {
		t.Fatalf("the demo captures at checkout; payment is %s", p.Status)
	}

	part, err := commerce.NewMoney(100, p.Amount.Currency())
	require.NoError(t, err)
	outside, err := ts.b.fake.RefundOutside(p.ProviderRef, part)
	require.NoError(t, err)
	payload, header := ts.b.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventRefunded, Ref: p.ProviderRef,
		Amount: part, Refunds: []payment.ProviderRefund{outside}})
	for range 2 {
		req, err := http.NewRequest(http.MethodPost, ts.url+"/api/webhooks/stripe", bytes.NewReader(payload))
		require.NoError(t, err)
		req.Header.Set("Stripe-Signature", header)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}

	deadline := time.Now().Add(time.Minute)
	for {
		got, err := ts.orders.Get(ctx, o.ID)
		require.NoError(t, err)
		if len(got.ExternalRefunds) > 0 {
			require.Len(t, got.ExternalRefunds, 1, "recorded once")
			assert.Equal(t, part, got.ExternalRefunds[0].Amount)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the order never learnt of the dashboard refund")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
