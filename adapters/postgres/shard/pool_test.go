package shard_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// More concurrent writes that record a provider reference than the pool
// has connections all finish: the directory does not take a second
// connection from the pool a write's transaction holds one of.
func TestConcurrentReferenceWritesDoNotStarveThePool(t *testing.T) {
	r := newRouter(t, 1, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const writers = 16
	usd := commerce.Currency("USD")
	ids := make([]commerce.PaymentID, writers)
	for i := range ids {
		now := time.Now().UTC()
		p, _, err := r.Payments().Create(ctx, payment.Payment{
			ID: commerce.NewID[commerce.PaymentID](), OrderID: commerce.NewID[commerce.OrderID](),
			Amount: commerce.MustMoney(500, usd), Provider: "fake", PaymentMethod: "pm_card_visa",
			Status: payment.StatusInitiated, IdempotencyKey: fmt.Sprintf("pool-%d", i), CreatedAt: now, UpdatedAt: now,
		}, nil)
		require.NoError(t, err)
		ids[i] = p.ID
	}
	errs := make(chan error, writers)
	startGun := make(chan struct{})
	for i, id := range ids {
		go func() {
			<-startGun
			_, err := r.Payments().Update(ctx, id, func(p *payment.Payment) ([]commerce.Envelope, error) {
				p.ProviderRef = fmt.Sprintf("ref-%d", i)
				return nil, nil
			})
			errs <- err
		}()
	}
	close(startGun)
	for range writers {
		require.NoError(t, <-errs)
	}
	for i := range ids {
		p, err := r.Payments().GetByProviderRef(ctx, "fake", fmt.Sprintf("ref-%d", i))
		require.NoError(t, err)
		require.Equal(t, ids[i], p.ID)
	}
}
