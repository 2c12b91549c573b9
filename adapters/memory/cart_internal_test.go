package memory

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// Records expire TTL after their last write by the store's own clock, and
// later writes sweep them from memory.
func TestCartStoreRecordTTL(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewCartStore(&Options{Events: commerce.DiscardEvents{}})
	s.now = func() time.Time { return now }

	customerID := commerce.NewID[commerce.CustomerID]()
	c := cart.Cart{ID: commerce.NewID[commerce.CartID](), CustomerID: customerID, Currency: "USD", Status: cart.StatusActive, Version: 1}
	require.NoError(t, s.Create(ctx, c, time.Hour, nil))

	now = now.Add(50 * time.Minute)
	_, err := s.Update(ctx, c.ID, time.Hour, func(*cart.Cart) ([]commerce.Envelope, error) { return nil, nil })
	require.NoError(t, err)
	now = now.Add(50 * time.Minute)
	_, err = s.Get(ctx, c.ID)
	require.NoError(t, err, "the write refreshed the TTL")
	id, err := s.CustomerCart(ctx, customerID)
	require.NoError(t, err)
	require.Equal(t, c.ID, id)

	now = now.Add(10 * time.Minute)
	_, err = s.Get(ctx, c.ID)
	require.Equal(t, commerce.CodeNotFound, commerce.Code(err))
	_, err = s.CustomerCart(ctx, customerID)
	require.Equal(t, commerce.CodeNotFound, commerce.Code(err))
	_, err = s.Update(ctx, c.ID, time.Hour, func(*cart.Cart) ([]commerce.Envelope, error) { return nil, nil })
	require.Equal(t, commerce.CodeNotFound, commerce.Code(err))
	require.NoError(t, s.Create(ctx, c, time.Hour, nil), "an expired ID is free again")

	// Writes to other carts sweep expired records.
	now = now.Add(2 * time.Hour)
	for range 2 * minSweepWrites {
		other := cart.Cart{ID: commerce.NewID[commerce.CartID](), Currency: "USD", Status: cart.StatusActive, Version: 1}
		require.NoError(t, s.Create(ctx, other, time.Hour, nil))
	}
	s.mu.Lock()
	require.NotContains(t, s.carts, c.ID)
	require.NotContains(t, s.index, customerID)
	s.mu.Unlock()

	err = s.Create(ctx, cart.Cart{ID: commerce.NewID[commerce.CartID]()}, 0, nil)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "a TTL of 0")
}
