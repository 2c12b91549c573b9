package main

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// TestCartsSeeAPriceChangeOnceItsEventArrives changes a variant's price
// after a cart has priced it (so the carts' price cache holds the old
// price) and waits for a new cart line to capture the new one: the
// catalog's event evicts the cached price, in process.
func TestCartsSeeAPriceChangeOnceItsEventArrives(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func(t *testing.T) Config
	}{
		{"embedded", func(*testing.T) Config { return Config{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := startShop(t, tc.cfg(t))
			ctx := context.Background()
			p, v := ts.stockedVariant(t, 1)
			old, _ := v.Price(shopCurrency)
			require.Equal(t, old, ts.linePrice(t, v.SKU), "the cache now holds the price")

			lower := commerce.MustMoney(old.Amount()-1, shopCurrency)
			prices := make([]commerce.Money, 0, len(v.Prices))
			for _, m := range v.Prices {
				if m.Currency() == shopCurrency {
					m = lower
				}
				prices = append(prices, m)
			}
			_, err := ts.catalog.UpdateVariant(ctx, p.ID, v.ID, catalog.VariantInput{
				SKU: v.SKU, Options: v.Options, Prices: prices, CompareAt: v.CompareAt, WeightGrams: v.WeightGrams,
			})
			require.NoError(t, err)

			deadline := time.Now().Add(waitTimeout)
			for got := ts.linePrice(t, v.SKU); got != lower; got = ts.linePrice(t, v.SKU) {
				if time.Now().After(deadline) {
					t.Fatalf("a cart line still captures %v %s after the price became %v", got, waitTimeout, lower)
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
}

// linePrice returns the unit price a new cart's line captures for sku.
func (ts *testShop) linePrice(t *testing.T, sku string) commerce.Money {
	t.Helper()
	ctx := context.Background()
	c, err := ts.carts.Create(ctx, cart.CreateInput{})
	require.NoError(t, err)
	c, err = ts.carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: sku, Quantity: 1})
	require.NoError(t, err)
	return c.Lines[0].UnitPrice
}
