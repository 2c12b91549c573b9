package recommend_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/recommend"
)

func TestCollectorLogsActivity(t *testing.T) {
	ctx := context.Background()
	log := memory.NewActivityLog(nil)
	c, err := recommend.NewCollector(log)
	require.NoError(t, err)
	assert.Equal(t, []string{"cart.item_added", "order.confirmed", "recommend.product_viewed"}, c.Events())
	_, ok := c.Handler("order.shipped")
	assert.False(t, ok)

	p1, p2 := commerce.NewID[commerce.ProductID](), commerce.NewID[commerce.ProductID]()
	cus, cartID := commerce.NewID[commerce.CustomerID](), commerce.NewID[commerce.CartID]()
	viewed := commerce.NewEnvelope(p1.String(), t0, recommend.ProductViewed{ProductID: p1, SessionID: "visit-1"})
	added := commerce.NewEnvelope(cartID.String(), t0, cart.ItemAdded{CartID: cartID, CustomerID: cus, EventLine: cart.EventLine{ProductID: p1, SKU: "A"}, Added: 1})
	o := order.Order{
		ID: commerce.NewID[commerce.OrderID](), CustomerID: cus, CartID: cartID, Email: "jo@example.com",
		Lines:           []order.Line{{ProductID: p1, SKU: "A"}, {ProductID: p1, SKU: "A2"}, {ProductID: p2, SKU: "B"}},
		ShippingAddress: commerce.Address{Name: "Jo", Line1: "1 Street"},
	}
	confirmed := commerce.NewEnvelope(o.ID.String(), t0, order.Confirmed{Change: order.Change{Order: o}})

	for _, env := range []commerce.Envelope{viewed, added, confirmed, confirmed, viewed} { // redeliveries too
		h, ok := c.Handler(env.Name)
		require.True(t, ok)
		require.NoError(t, h(ctx, env))
	}
	var got []recommend.Activity
	_, err = log.Scan(ctx, "", func(a recommend.Activity) error { got = append(got, a); return nil })
	require.NoError(t, err)
	want := []recommend.Activity{
		{ID: viewed.ID.String(), Kind: recommend.Viewed, ProductID: p1, SessionID: "visit-1", At: t0},
		{ID: added.ID.String(), Kind: recommend.AddedToCart, ProductID: p1, SessionID: cartID.String(), CustomerID: cus, At: t0},
		{ID: confirmed.ID.String() + ":" + p1.String(), Kind: recommend.Purchased, ProductID: p1, SessionID: cartID.String(), CustomerID: cus, At: t0},
		{ID: confirmed.ID.String() + ":" + p2.String(), Kind: recommend.Purchased, ProductID: p2, SessionID: cartID.String(), CustomerID: cus, At: t0},
	}
	assert.Equal(t, want, got, "one entry per product and event; redeliveries logged once; no email or address")
}

func TestCollectorRefusesAnEventOfNobody(t *testing.T) {
	c, err := recommend.NewCollector(memory.NewActivityLog(nil))
	require.NoError(t, err)
	h, _ := c.Handler("recommend.product_viewed")
	env := commerce.NewEnvelope("x", t0, recommend.ProductViewed{ProductID: commerce.NewID[commerce.ProductID]()})
	assert.ErrorIs(t, h(context.Background(), env), commerce.ErrInvalidArgument)
}
