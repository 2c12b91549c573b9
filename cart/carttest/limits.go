package carttest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// testLimits: every limit is refused with its code and field, and the
// refused operation changes nothing and publishes nothing.
func testLimits(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, func(o *cart.Options) { o.MaxQuantityPerLine = 5; o.MaxLines = 2 })
	c := f.create("", "")
	c = f.add(c.ID, "MUG-RED", 4, nil)
	red := c.Lines[0]
	before := f.snap(c.ID)

	add := func(sku string, q int, md map[string]string) error {
		_, err := f.svc.AddItem(f.ctx, c.ID, cart.AddItemInput{SKU: sku, Quantity: q, Metadata: md})
		return err
	}
	for _, q := range []int{0, -1, 6} {
		requireDetail(t, commerce.CodeInvalidArgument, "field", "quantity", add("MUG-BLUE", q, nil), "quantity %d", q)
	}
	requireDetail(t, commerce.CodeInvalidArgument, "field", "quantity", add("MUG-RED", 2, nil), "4 + 2 units in one line")
	for _, sku := range []string{"", "bad sku", "-LEADING", strings.Repeat("A", 200)} {
		requireDetail(t, commerce.CodeInvalidArgument, "field", "sku", add(sku, 1, nil), "SKU %q", sku)
	}
	requireDetail(t, commerce.CodeInvalidArgument, "field", "sku", add("NOPE-1", 1, nil), "an unknown SKU is the request's fault")
	requireDetail(t, commerce.CodeFailedPrecondition, "field", "sku", add("POSTER", 1, nil), "an inactive product")

	tooMany := map[string]string{}
	for i := range cart.MaxMetadataKeys + 1 {
		tooMany[fmt.Sprint("k", i)] = "v"
	}
	for name, md := range map[string]map[string]string{
		"too many keys": tooMany,
		"empty key":     {"": "v"},
		"long key":      {strings.Repeat("k", cart.MaxMetadataKeyLength+1): "v"},
		"long value":    {"k": strings.Repeat("v", cart.MaxMetadataValueLength+1)},
		"control key":   {"a\nb": "v"},
		"bad UTF-8":     {"k": "\xff"},
	} {
		requireDetail(t, commerce.CodeInvalidArgument, "field", "metadata", add("MUG-BLUE", 1, md), name)
	}
	_, err := f.svc.UpdateQuantity(f.ctx, c.ID, red.ID, 6)
	requireDetail(t, commerce.CodeInvalidArgument, "field", "quantity", err)
	_, err = f.svc.UpdateQuantity(f.ctx, c.ID, red.ID, -1)
	requireDetail(t, commerce.CodeInvalidArgument, "field", "quantity", err)
	_, err = f.svc.AddItem(f.ctx, "", cart.AddItemInput{SKU: "MUG-RED", Quantity: 1})
	requireDetail(t, commerce.CodeInvalidArgument, "field", "cart_id", err)
	_, err = f.svc.AddItem(f.ctx, commerce.NewID[commerce.CartID](), cart.AddItemInput{SKU: "MUG-RED", Quantity: 1})
	requireCode(t, commerce.CodeNotFound, err)
	f.unchanged(before)

	// Lines: the second fits, a third does not, raising an existing one
	// still does.
	c = f.add(c.ID, "MUG-BLUE", 1, nil)
	before = f.snap(c.ID)
	requireDetail(t, commerce.CodeFailedPrecondition, "max_lines", 2, add("TEE-M", 1, nil))
	requireDetail(t, commerce.CodeFailedPrecondition, "max_lines", 2, add("MUG-BLUE", 1, map[string]string{"gift": "yes"}), "metadata makes a new line")
	f.unchanged(before)
	c = f.add(c.ID, "MUG-BLUE", 4, nil)
	require.Equal(t, 5, lineFor(t, c, "MUG-BLUE").Quantity)

	// A cart in euros takes no SKU without a euro price.
	eur := f.create("", "EUR")
	before = f.snap(eur.ID)
	_, err = f.svc.AddItem(f.ctx, eur.ID, cart.AddItemInput{SKU: "TEE-M", Quantity: 1})
	requireDetail(t, commerce.CodeFailedPrecondition, "field", "sku", err)
	requireDetail(t, commerce.CodeFailedPrecondition, "currency", "EUR", err)
	f.unchanged(before)
	eur = f.add(eur.ID, "MUG-RED", 1, nil)
	require.Equal(t, commerce.MustMoney(1100, "EUR"), eur.Lines[0].UnitPrice)

	// Options are validated.
	for name, o := range map[string]cart.Options{
		"negative TTL":        {TTL: -1},
		"TTL below MinTTL":    {TTL: cart.MinTTL / 2},
		"quantity above max":  {MaxQuantityPerLine: cart.MaxQuantityLimit + 1},
		"negative quantity":   {MaxQuantityPerLine: -1},
		"lines above max":     {MaxLines: cart.MaxLinesLimit + 1},
		"unknown currency":    {DefaultCurrency: "ZZZ"},
		"default not allowed": {DefaultCurrency: "USD", Currencies: []commerce.Currency{"EUR"}},
		"unknown allowed":     {Currencies: []commerce.Currency{"ZZZ"}},
	} {
		_, err := cart.NewService(f.store, f.prices, &o)
		requireCode(t, commerce.CodeInvalidArgument, err, name)
	}
	svc := f.service(cart.Options{Clock: f.clock, Currencies: []commerce.Currency{"EUR", "JPY"}})
	c, err = svc.Create(f.ctx, cart.CreateInput{})
	require.NoError(t, err)
	require.Equal(t, commerce.Currency("EUR"), c.Currency, "the first accepted currency when USD is not accepted")
}

// testPricingErrors: a pricer that fails passes its error on and the cart
// stays as it was.
func testPricingErrors(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	c := f.create("", "")
	c = f.add(c.ID, "MUG-RED", 1, nil)
	before := f.snap(c.ID)
	f.prices.setFailure(commerce.Errorf(commerce.CodeUnavailable, "catalog down"))
	_, err := f.svc.AddItem(f.ctx, c.ID, cart.AddItemInput{SKU: "MUG-BLUE", Quantity: 1})
	requireCode(t, commerce.CodeUnavailable, err)
	_, err = f.svc.Totals(f.ctx, c.ID)
	requireCode(t, commerce.CodeUnavailable, err)
	f.prices.setFailure(nil)
	f.unchanged(before)

	// Prices in a currency without minor units.
	yen := f.create("", "JPY")
	yen = f.add(yen.ID, "YEN-1", 2, nil)
	require.Equal(t, commerce.MustMoney(1500, "JPY"), yen.Lines[0].UnitPrice)
	tot, err := f.svc.Totals(f.ctx, yen.ID)
	require.NoError(t, err)
	require.Equal(t, commerce.MustMoney(3000, "JPY"), tot.Subtotal)
}
