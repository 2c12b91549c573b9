package carttest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

func testConvert(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	customerID := commerce.NewID[commerce.CustomerID]()
	c := f.create(customerID, "")
	order, other := commerce.NewID[commerce.OrderID](), commerce.NewID[commerce.OrderID]()

	before := f.snap(c.ID)
	_, err := f.svc.MarkConverted(f.ctx, c.ID, order)
	requireCode(t, commerce.CodeFailedPrecondition, err, "an empty cart")
	_, err = f.svc.MarkConverted(f.ctx, c.ID, "")
	requireDetail(t, commerce.CodeInvalidArgument, "field", "order_id", err)
	_, err = f.svc.MarkConverted(f.ctx, c.ID, "ord_x")
	requireDetail(t, commerce.CodeInvalidArgument, "field", "order_id", err)
	f.unchanged(before)

	f.add(c.ID, "MUG-RED", 2, nil)
	c = f.add(c.ID, "TEE-M", 1, nil)
	f.clock.Advance(time.Minute)
	done, err := f.svc.MarkConverted(f.ctx, c.ID, order)
	require.NoError(t, err)
	require.Equal(t, cart.StatusConverted, done.Status)
	require.Equal(t, order, done.ConvertedOrderID)
	require.Equal(t, c.Lines, done.Lines)
	require.Equal(t, c.Version+1, done.Version)
	require.Equal(t, done, f.get(c.ID))

	before = f.snap(c.ID)
	again, err := f.svc.MarkConverted(f.ctx, c.ID, order)
	require.NoError(t, err, "converting to the same order again")
	require.Equal(t, done, again)
	_, err = f.svc.MarkConverted(f.ctx, c.ID, other)
	requireDetail(t, commerce.CodeConflict, "order_id", order.String(), err)
	_, err = f.svc.AddItem(f.ctx, c.ID, cart.AddItemInput{SKU: "MUG-RED", Quantity: 1})
	requireDetail(t, commerce.CodeFailedPrecondition, "order_id", order.String(), err)
	_, err = f.svc.RemoveItem(f.ctx, c.ID, c.Lines[0].ID)
	requireCode(t, commerce.CodeFailedPrecondition, err)
	_, err = f.svc.UpdateQuantity(f.ctx, c.ID, c.Lines[0].ID, 3)
	requireCode(t, commerce.CodeFailedPrecondition, err)
	_, err = f.svc.Clear(f.ctx, c.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err)
	_, err = f.svc.ForCustomer(f.ctx, customerID)
	requireCode(t, commerce.CodeNotFound, err)
	tot, err := f.svc.Totals(f.ctx, c.ID)
	require.NoError(t, err, "a converted cart can still be priced")
	require.Equal(t, usd(2*1200+2500), tot.Subtotal)
	f.unchanged(before)

	evs := f.eventsOf(c.ID)
	require.Equal(t, "cart.converted", evs[len(evs)-1].Name)
	require.Equal(t, cart.Converted{
		CartID: c.ID, CustomerID: customerID, OrderID: order,
		Lines: []cart.EventLine{eventLineOf(c.Lines[0]), eventLineOf(c.Lines[1])}, ItemCount: 3,
	}, evs[len(evs)-1].Payload)
}

// testExpiry: a cart lives TTL after its last write, by the service's
// clock; reads do not extend it.
func testExpiry(t *testing.T, newStore NewStore) {
	const ttl = 2 * time.Hour
	f := setup(t, newStore, func(o *cart.Options) { o.TTL = ttl })
	customerID := commerce.NewID[commerce.CustomerID]()
	c := f.create(customerID, "")
	c = f.add(c.ID, "MUG-RED", 1, nil)
	require.Equal(t, epoch.Add(ttl), c.ExpiresAt)

	f.clock.Advance(ttl - time.Minute)
	f.get(c.ID)
	_, err := f.svc.Totals(f.ctx, c.ID)
	require.NoError(t, err)
	c = f.add(c.ID, "MUG-RED", 1, nil)
	require.Equal(t, epoch.Add(2*ttl-time.Minute), c.ExpiresAt, "a write refreshes the expiry")
	f.clock.Advance(ttl - time.Minute)
	f.get(c.ID)
	mine, err := f.svc.ForCustomer(f.ctx, customerID)
	require.NoError(t, err)
	require.Equal(t, c, mine)

	guest := f.create("", "")
	f.clock.Advance(time.Minute)
	_, err = f.svc.Get(f.ctx, c.ID)
	requireCode(t, commerce.CodeNotFound, err, "exactly at ExpiresAt")
	line := c.Lines[0].ID
	for name, err := range map[string]error{
		"AddItem":        second(f.svc.AddItem(f.ctx, c.ID, cart.AddItemInput{SKU: "MUG-RED", Quantity: 1})),
		"RemoveItem":     second(f.svc.RemoveItem(f.ctx, c.ID, line)),
		"UpdateQuantity": second(f.svc.UpdateQuantity(f.ctx, c.ID, line, 2)),
		"Clear":          second(f.svc.Clear(f.ctx, c.ID)),
		"Totals":         second(f.svc.Totals(f.ctx, c.ID)),
		"MarkConverted":  second(f.svc.MarkConverted(f.ctx, c.ID, commerce.NewID[commerce.OrderID]())),
		"ForCustomer":    second(f.svc.ForCustomer(f.ctx, customerID)),
		"AttachCustomer": second(f.svc.AttachCustomer(f.ctx, c.ID, customerID)),
		"Merge":          second(f.svc.Merge(f.ctx, c.ID, customerID, cart.MergeAddQuantities)),
	} {
		requireCode(t, commerce.CodeNotFound, err, name)
	}
	// The guest cart, written a minute later, still lives, and may
	// become the customer's.
	g, err := f.svc.AttachCustomer(f.ctx, guest.ID, customerID)
	require.NoError(t, err)
	mine, err = f.svc.ForCustomer(f.ctx, customerID)
	require.NoError(t, err)
	require.Equal(t, g, mine)
}

func second[T any](_ T, err error) error { return err }

// testCancelled: a write whose context has ended fails Unavailable and
// changes nothing.
func testCancelled(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	c := f.create("", "")
	c = f.add(c.ID, "MUG-RED", 1, nil)
	before := f.snap(c.ID)
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	_, err := f.svc.Create(ctx, cart.CreateInput{})
	requireCode(t, commerce.CodeUnavailable, err)
	_, err = f.svc.UpdateQuantity(ctx, c.ID, c.Lines[0].ID, 3)
	requireCode(t, commerce.CodeUnavailable, err)
	_, err = f.svc.Clear(ctx, c.ID)
	requireCode(t, commerce.CodeUnavailable, err)
	f.unchanged(before)
}
