package order_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// TestFlatShippingFreeOverDiscounted: the free-shipping threshold is
// reached by what the lines cost after discounts.
func TestFlatShippingFreeOverDiscounted(t *testing.T) {
	usd := commerce.Currency("USD")
	f := order.FlatShipping{Rates: map[commerce.Currency]int64{usd: 500}, FreeOver: map[commerce.Currency]int64{usd: 2000}}
	for _, tc := range []struct {
		subtotal, discount, want int64
	}{{2500, 0, 0}, {2500, 500, 0}, {2500, 501, 500}, {1999, 0, 500}} {
		got, err := f.Shipping(context.Background(), order.Quote{
			Currency: usd, Subtotal: commerce.MustMoney(tc.subtotal, usd), Discount: commerce.MustMoney(tc.discount, usd),
		})
		require.NoError(t, err)
		require.Equal(t, commerce.MustMoney(tc.want, usd), got, "subtotal %d, discount %d", tc.subtotal, tc.discount)
	}
}
