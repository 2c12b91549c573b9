package ordertest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// testBuyer: CheckoutInput.CustomerID makes a guest cart's order the
// signed-in buyer's, and cannot buy another customer's cart.
func testBuyer(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	ada, bob := commerce.NewID[commerce.CustomerID](), commerce.NewID[commerce.CustomerID]()
	adas, err := w.Carts.Create(ctx, cart.CreateInput{CustomerID: ada, Currency: usd})
	require.NoError(t, err)
	_, err = w.Carts.AddItem(ctx, adas.ID, cart.AddItemInput{SKU: "MUG", Quantity: 1})
	require.NoError(t, err)

	in := Input("pm_card_visa", NewKey())
	in.CustomerID = bob
	_, err = w.Orders.Checkout(ctx, adas.ID, in)
	requireCode(t, commerce.CodePermissionDenied, err)
	w.nothingHappened(t, in.IdempotencyKey, adas.ID, map[string]int{"MUG": 5})

	in.CustomerID = ada
	o, err := w.Orders.Checkout(ctx, adas.ID, in)
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, o.Status)
	assert.Equal(t, ada, o.CustomerID)

	in = Input("pm_card_visa", NewKey())
	in.CustomerID = ada
	guest, err := w.Orders.Checkout(ctx, w.Cart(t, Item{"MUG", 1}), in)
	require.NoError(t, err)
	assert.Equal(t, ada, guest.CustomerID, "a guest cart bought when signed in is the buyer's order")
	mine, err := w.Orders.List(ctx, order.ListFilter{CustomerID: ada}, commerce.PageRequest{})
	require.NoError(t, err)
	var ids []commerce.OrderID
	for _, m := range mine.Items {
		ids = append(ids, m.ID)
	}
	assert.ElementsMatch(t, []commerce.OrderID{o.ID, guest.ID}, ids)
}
