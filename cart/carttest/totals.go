package carttest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// totalsCart fills a cart whose lines then meet every pricing case: a
// price rise, an unchanged price, an inactive product, a vanished SKU and
// a lost price.
func totalsCart(f *fixture) cart.Cart {
	f.t.Helper()
	c := f.create("", "")
	for _, l := range []struct {
		sku string
		q   int
	}{{"MUG-RED", 2}, {"TEE-M", 1}, {"MUG-BLUE", 3}, {"RACE-00", 1}, {"TEE-L", 2}} {
		c = f.add(c.ID, l.sku, l.q, nil)
	}
	f.prices.setPrice("MUG-RED", "USD", 1500)
	f.prices.setPurchasable("MUG-BLUE", false)
	f.prices.remove("RACE-00")
	f.prices.setPrice("TEE-L", "USD", -1)
	return c
}

func checkTotals(f *fixture, c cart.Cart) {
	f.t.Helper()
	tot, err := f.svc.Totals(f.ctx, c.ID)
	require.NoError(f.t, err)
	line := func(i int, unit int64, changed, ok bool, reason string) cart.LineTotal {
		l := c.Lines[i]
		total, err := usd(unit).Mul(int64(l.Quantity))
		require.NoError(f.t, err)
		return cart.LineTotal{
			LineID: l.ID, SKU: l.SKU, Title: l.Title, Quantity: l.Quantity, UnitPrice: usd(unit), AddedPrice: l.UnitPrice,
			PriceChanged: changed, Purchasable: ok, Reason: reason, Total: total, Discount: usd(0),
		}
	}
	require.Equal(f.t, cart.Totals{
		CartID: c.ID, Currency: "USD", Version: c.Version,
		Lines: []cart.LineTotal{
			line(0, 1500, true, true, ""),
			line(1, 2500, false, true, ""),
			line(2, 1200, false, false, cart.ReasonInactive),
			line(3, 100, false, false, cart.ReasonUnknownSKU),
			line(4, 2600, false, false, cart.ReasonNoPrice),
		},
		Subtotal:     usd(2*1500 + 2500),
		Discount:     usd(0),
		Total:        usd(2*1500 + 2500),
		ItemCount:    9,
		PriceChanged: true,
		Purchasable:  false,
	}, tot)
}

func testTotals(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	c := totalsCart(f)
	before := f.snap(c.ID)
	checkTotals(f, c)
	f.unchanged(before, "Totals only reads")

	empty := f.create("", "EUR")
	tot, err := f.svc.Totals(f.ctx, empty.ID)
	require.NoError(t, err)
	require.Equal(t, cart.Totals{CartID: empty.ID, Currency: "EUR", Version: 1, Lines: []cart.LineTotal{}, Subtotal: commerce.Zero("EUR"),
		Discount: commerce.Zero("EUR"), Total: commerce.Zero("EUR"), Purchasable: true}, tot)

	// A change that would make the total overflow is refused and saves
	// nothing: the cart stays usable.
	big := f.create("", "")
	_, err = f.svc.AddItem(f.ctx, big.ID, cart.AddItemInput{SKU: "BIG", Quantity: 3})
	requireCode(t, commerce.CodeInvalidArgument, err, "an add that overflows the total")
	require.Empty(t, f.get(big.ID).Lines, "the refused add saved nothing")
	one := f.add(big.ID, "BIG", 1, nil)
	_, err = f.svc.AddItem(f.ctx, big.ID, cart.AddItemInput{SKU: "BIG", Quantity: 1})
	requireCode(t, commerce.CodeInvalidArgument, err, "raising a line past the total")
	_, err = f.svc.UpdateQuantity(f.ctx, big.ID, one.Lines[0].ID, 2)
	requireCode(t, commerce.CodeInvalidArgument, err, "setting a quantity past the total")
	require.Equal(t, 1, f.get(big.ID).Lines[0].Quantity, "the refused changes saved nothing")
	_, err = f.svc.Totals(f.ctx, big.ID)
	require.NoError(t, err, "the cart still prices")
	_, err = f.svc.Totals(f.ctx, commerce.NewID[commerce.CartID]())
	requireCode(t, commerce.CodeNotFound, err)
}

// testTotalsWithoutDetails: a pricer that does not name the SKUs it
// cannot price gets them asked one by one.
func testTotalsWithoutDetails(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	c := totalsCart(f)
	f.prices.hideSKUs = true
	checkTotals(f, c)
}
