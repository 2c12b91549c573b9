package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// TestStoresWithoutOutboxRefuse: a store made without Options.Outbox is
// refused at construction, naming the field,
// rather than drop the events of committed changes; DiscardEvents{}
// drops them on purpose.
func TestStoresWithoutOutboxRefuse(t *testing.T) {
	pool := newPool(t)
	for _, opts := range []*postgres.Options{nil, {}} {
		_, err := postgres.NewCatalogStore(pool, opts)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
		_, err = postgres.NewCustomerStore(pool, opts)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
		_, err = postgres.NewInventoryStore(pool, opts)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))

		_, err = postgres.NewOrderStore(pool, opts)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
		assert.Contains(t, err.Error(), "Options.Outbox")
		_, err = postgres.NewPaymentStore(pool, opts)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	}
	_, err := postgres.NewCatalogStore(pool, &postgres.Options{Outbox: postgres.DiscardEvents{}})
	require.NoError(t, err)
	orders, err := postgres.NewOrderStore(pool, &postgres.Options{Outbox: postgres.DiscardEvents{}})
	require.NoError(t, err)
	_, _, err = orders.Create(context.Background(),
		pendingOrder(commerce.NewID[commerce.CartID](), "discarded"), func(order.Order) []commerce.Envelope { return nil })
	require.NoError(t, err, "dropping events is a choice one can make")
}
