package carttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

func testCreate(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, func(o *cart.Options) { o.Currencies = []commerce.Currency{"USD", "EUR", "JPY"} })
	guest := f.create("", "")
	require.Equal(t, cart.Cart{
		ID: guest.ID, Currency: "USD", Status: cart.StatusActive,
		CreatedAt: epoch, UpdatedAt: epoch, ExpiresAt: epoch.Add(cart.DefaultTTL), Version: 1,
	}, guest)
	require.True(t, guest.Guest())
	require.Equal(t, guest, f.get(guest.ID))

	customerID := commerce.NewID[commerce.CustomerID]()
	owned := f.create(customerID, "EUR")
	require.Equal(t, customerID, owned.CustomerID)
	require.Equal(t, commerce.Currency("EUR"), owned.Currency)
	require.Equal(t, owned, f.get(owned.ID))

	evs := f.eventsOf(owned.ID)
	require.Len(t, evs, 1)
	require.Equal(t, "cart.created", evs[0].Name)
	require.Equal(t, cart.Created{CartID: owned.ID, CustomerID: customerID, Currency: "EUR", ExpiresAt: owned.ExpiresAt}, evs[0].Payload)
	require.Equal(t, epoch, evs[0].OccurredAt)

	before := f.snap(guest.ID, owned.ID)
	_, err := f.svc.Create(f.ctx, cart.CreateInput{Currency: "ZZZ"})
	requireDetail(t, commerce.CodeInvalidArgument, "field", "currency", err)
	_, err = f.svc.Create(f.ctx, cart.CreateInput{Currency: "GBP"})
	requireDetail(t, commerce.CodeInvalidArgument, "field", "currency", err, "a currency outside Options.Currencies")
	_, err = f.svc.Create(f.ctx, cart.CreateInput{CustomerID: "cus_nope"})
	requireDetail(t, commerce.CodeInvalidArgument, "field", "customer_id", err)
	_, err = f.svc.Create(f.ctx, cart.CreateInput{CustomerID: commerce.CustomerID(commerce.NewID[commerce.OrderID]().String())})
	requireDetail(t, commerce.CodeInvalidArgument, "field", "customer_id", err, "an order ID is no customer ID")
	f.unchanged(before)

	_, err = f.svc.Get(f.ctx, commerce.NewID[commerce.CartID]())
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.Get(f.ctx, "")
	requireDetail(t, commerce.CodeInvalidArgument, "field", "cart_id", err)
	_, err = f.svc.Get(f.ctx, "cart_x")
	requireDetail(t, commerce.CodeInvalidArgument, "field", "cart_id", err)

	_, err = cart.NewService(nil, f.prices, nil)
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = cart.NewService(f.store, nil, nil)
	requireCode(t, commerce.CodeInvalidArgument, err)
}

func testAddItem(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	c := f.create("", "")
	f.clock.Advance(time.Hour)
	now := epoch.Add(time.Hour)

	c = f.add(c.ID, "MUG-RED", 2, nil)
	red := f.prices.price("MUG-RED", "USD")
	first := c.Lines[0]
	require.Equal(t, cart.Line{
		ID: first.ID, SKU: "MUG-RED", ProductID: red.ProductID, VariantID: red.VariantID, Title: "Mug (Red)",
		Quantity: 2, UnitPrice: usd(1200), AddedAt: now,
	}, first)
	require.NoError(t, first.ID.Validate())
	require.Equal(t, int64(2), c.Version)
	require.Equal(t, now, c.UpdatedAt)
	require.Equal(t, now.Add(cart.DefaultTTL), c.ExpiresAt)
	require.Equal(t, epoch, c.CreatedAt)
	require.Equal(t, c, f.get(c.ID))

	// The same SKU raises the line, at the price it was added at.
	f.prices.setPrice("MUG-RED", "USD", 1500)
	c = f.add(c.ID, "MUG-RED", 3, nil)
	require.Len(t, c.Lines, 1)
	require.Equal(t, 5, c.Lines[0].Quantity)
	require.Equal(t, usd(1200), c.Lines[0].UnitPrice)
	require.Equal(t, first.ID, c.Lines[0].ID)

	// Metadata makes another line; equal metadata raises it; empty
	// metadata is no metadata.
	engraved := map[string]string{"engraving": "Ada"}
	c = f.add(c.ID, "MUG-RED", 1, engraved)
	require.Len(t, c.Lines, 2)
	require.Equal(t, engraved, c.Lines[1].Metadata)
	require.Equal(t, usd(1500), c.Lines[1].UnitPrice, "a new line captures today's price")
	engraved["engraving"] = "changed by the caller"
	require.Equal(t, "Ada", c.Lines[1].Metadata["engraving"], "the cart keeps its own copy")
	c = f.add(c.ID, "MUG-RED", 2, map[string]string{"engraving": "Ada"})
	require.Len(t, c.Lines, 2)
	require.Equal(t, 3, c.Lines[1].Quantity)
	c = f.add(c.ID, "MUG-RED", 1, map[string]string{})
	require.Len(t, c.Lines, 2)
	require.Equal(t, 6, c.Lines[0].Quantity)
	c = f.add(c.ID, "TEE-M", 1, nil)
	require.Len(t, c.Lines, 3)
	require.Equal(t, []string{"MUG-RED", "MUG-RED", "TEE-M"}, []string{c.Lines[0].SKU, c.Lines[1].SKU, c.Lines[2].SKU}, "lines keep the order they were added in")
	require.Equal(t, 10, c.ItemCount())
	require.Equal(t, int64(7), c.Version)
	require.Equal(t, c, f.get(c.ID))

	evs := f.eventsOf(c.ID)
	require.Len(t, evs, 7)
	require.Equal(t, "cart.created", evs[0].Name)
	for _, e := range evs[1:] {
		require.Equal(t, "cart.item_added", e.Name)
	}
	require.Equal(t, cart.ItemAdded{
		CartID: c.ID,
		EventLine: cart.EventLine{
			LineID: first.ID, SKU: "MUG-RED", ProductID: red.ProductID, VariantID: red.VariantID, Quantity: 5, UnitPrice: usd(1200),
		},
		Added: 3,
	}, evs[2].Payload)

	// A customer's cart names the customer in its events.
	customerID := commerce.NewID[commerce.CustomerID]()
	owned := f.create(customerID, "")
	owned = f.add(owned.ID, "TEE-M", 1, nil)
	evs = f.eventsOf(owned.ID)
	require.Equal(t, customerID, evs[1].Payload.(cart.ItemAdded).CustomerID)
}

func testRemoveUpdateClear(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	c := f.create("", "")
	f.add(c.ID, "MUG-RED", 2, nil)
	f.add(c.ID, "MUG-BLUE", 1, nil)
	c = f.add(c.ID, "TEE-M", 1, nil)
	red, blue, tee := c.Lines[0], c.Lines[1], c.Lines[2]

	c, err := f.svc.UpdateQuantity(f.ctx, c.ID, red.ID, 7)
	require.NoError(t, err)
	require.Equal(t, 7, lineFor(t, c, "MUG-RED").Quantity)
	require.Equal(t, int64(5), c.Version)

	c, err = f.svc.UpdateQuantity(f.ctx, c.ID, red.ID, 7)
	require.NoError(t, err, "the same quantity again")
	require.Equal(t, int64(6), c.Version, "a write without an event")

	c, err = f.svc.UpdateQuantity(f.ctx, c.ID, blue.ID, 0)
	require.NoError(t, err)
	require.Len(t, c.Lines, 2)
	_, ok := c.Line(blue.ID)
	require.False(t, ok, "quantity 0 removes the line")

	c, err = f.svc.RemoveItem(f.ctx, c.ID, tee.ID)
	require.NoError(t, err)
	require.Len(t, c.Lines, 1)
	require.Equal(t, c, f.get(c.ID))

	before := f.snap(c.ID)
	_, err = f.svc.RemoveItem(f.ctx, c.ID, tee.ID)
	requireDetail(t, commerce.CodeNotFound, "field", "line_id", err, "removed already")
	_, err = f.svc.UpdateQuantity(f.ctx, c.ID, commerce.NewID[commerce.LineID](), 1)
	requireDetail(t, commerce.CodeNotFound, "field", "line_id", err)
	_, err = f.svc.RemoveItem(f.ctx, c.ID, "line_bad")
	requireDetail(t, commerce.CodeInvalidArgument, "field", "line_id", err)
	_, err = f.svc.RemoveItem(f.ctx, c.ID, "")
	requireDetail(t, commerce.CodeInvalidArgument, "field", "line_id", err)
	_, err = f.svc.RemoveItem(f.ctx, commerce.NewID[commerce.CartID](), red.ID)
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.Clear(f.ctx, commerce.NewID[commerce.CartID]())
	requireCode(t, commerce.CodeNotFound, err)
	f.unchanged(before)

	c, err = f.svc.Clear(f.ctx, c.ID)
	require.NoError(t, err)
	require.Nil(t, c.Lines)
	require.Equal(t, c, f.get(c.ID))
	c, err = f.svc.Clear(f.ctx, c.ID)
	require.NoError(t, err, "clearing an empty cart")
	require.Nil(t, c.Lines)

	evs := f.eventsOf(c.ID)
	names := make([]string, len(evs))
	for i, e := range evs {
		names[i] = e.Name
	}
	require.Equal(t, []string{
		"cart.created", "cart.item_added", "cart.item_added", "cart.item_added",
		"cart.quantity_updated", "cart.item_removed", "cart.item_removed", "cart.cleared",
	}, names)
	require.Equal(t, cart.QuantityUpdated{
		CartID:           c.ID,
		EventLine:        cart.EventLine{LineID: red.ID, SKU: "MUG-RED", ProductID: red.ProductID, VariantID: red.VariantID, Quantity: 7, UnitPrice: usd(1200)},
		PreviousQuantity: 2,
	}, evs[4].Payload)
	require.Equal(t, cart.ItemRemoved{
		CartID:    c.ID,
		EventLine: cart.EventLine{LineID: blue.ID, SKU: "MUG-BLUE", ProductID: blue.ProductID, VariantID: blue.VariantID, Quantity: 1, UnitPrice: usd(1200)},
	}, evs[5].Payload)
	require.Equal(t, cart.Cleared{
		CartID: c.ID,
		Lines:  []cart.EventLine{{LineID: red.ID, SKU: "MUG-RED", ProductID: red.ProductID, VariantID: red.VariantID, Quantity: 7, UnitPrice: usd(1200)}},
	}, evs[7].Payload)
}
