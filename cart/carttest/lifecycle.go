package carttest

import (
	"context"
	"strconv"
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
	_, err := f.svc.MarkConverted(f.ctx, c.ID, order, c.Version)
	requireCode(t, commerce.CodeFailedPrecondition, err, "an empty cart")
	_, err = f.svc.MarkConverted(f.ctx, c.ID, "", c.Version)
	requireDetail(t, commerce.CodeInvalidArgument, "field", "order_id", err)
	_, err = f.svc.MarkConverted(f.ctx, c.ID, "ord_x", c.Version)
	requireDetail(t, commerce.CodeInvalidArgument, "field", "order_id", err)
	_, err = f.svc.MarkConverted(f.ctx, c.ID, order, 0)
	requireDetail(t, commerce.CodeInvalidArgument, "field", "version", err)
	f.unchanged(before)

	f.add(c.ID, "MUG-RED", 2, nil)
	c = f.add(c.ID, "TEE-M", 1, nil)
	f.clock.Advance(time.Minute)
	done, err := f.svc.MarkConverted(f.ctx, c.ID, order, c.Version)
	require.NoError(t, err)
	require.Equal(t, cart.StatusConverted, done.Status)
	require.Equal(t, order, done.ConvertedOrderID)
	require.Equal(t, c.Lines, done.Lines)
	require.Equal(t, c.Version+1, done.Version)
	require.Equal(t, done, f.get(c.ID))

	before = f.snap(c.ID)
	again, err := f.svc.MarkConverted(f.ctx, c.ID, order, c.Version)
	require.NoError(t, err, "converting to the same order again")
	require.Equal(t, done, again)
	_, err = f.svc.MarkConverted(f.ctx, c.ID, other, done.Version)
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
		"MarkConverted":  second(f.svc.MarkConverted(f.ctx, c.ID, commerce.NewID[commerce.OrderID](), c.Version)),
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

// testConvertChanged: a line added to a cart while its checkout is being
// paid stays in the cart. The order was priced from an earlier version;
// converting that version finds the cart changed and leaves it active,
// new line included, and still the customer's cart.
func testConvertChanged(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	customerID := commerce.NewID[commerce.CustomerID]()
	c := f.create(customerID, "")
	priced := f.add(c.ID, "MUG-RED", 1, nil)
	order := commerce.NewID[commerce.OrderID]()

	added := f.add(c.ID, "TEE-M", 1, nil)
	before := f.snap(c.ID)
	got, err := f.svc.MarkConverted(f.ctx, c.ID, order, priced.Version)
	requireDetail(t, commerce.CodeFailedPrecondition, "version", strconv.FormatInt(added.Version, 10), err)
	require.ErrorIs(t, err, cart.ErrChanged)
	require.Equal(t, added, got, "the cart as it is, still active")
	f.unchanged(before, "nothing written")
	require.Equal(t, cart.StatusActive, f.get(c.ID).Status)
	require.Equal(t, map[string]int{"MUG-RED": 1, "TEE-M": 1}, quantities(f.get(c.ID)))
	mine, err := f.svc.ForCustomer(f.ctx, customerID)
	require.NoError(t, err)
	require.Equal(t, c.ID, mine.ID, "still the customer's cart")
	require.NotContains(t, f.namesOf(c.ID), "cart.converted")

	// A later checkout of the cart as it is now converts it.
	done, err := f.svc.MarkConverted(f.ctx, c.ID, order, added.Version)
	require.NoError(t, err)
	require.Equal(t, cart.StatusConverted, done.Status)
}

// testRaceConvertWhileAdding: lines added while the checkout converts the
// cart it priced are never lost: each add either lands before the
// conversion, which then finds the cart changed and leaves it active, or
// fails because the cart is converted already.
func testRaceConvertWhileAdding(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	for round := range 5 {
		c := f.create("", "")
		priced := f.add(c.ID, "MUG-RED", 1, nil)
		order := commerce.NewID[commerce.OrderID]()
		var errs [2]error
		race(2, func(i int) error {
			if i == 0 {
				_, errs[0] = f.svc.MarkConverted(f.ctx, c.ID, order, priced.Version)
			} else {
				_, errs[1] = f.svc.AddItem(f.ctx, c.ID, cart.AddItemInput{SKU: "TEE-M", Quantity: 1})
			}
			return nil
		})
		got := f.get(c.ID)
		switch {
		case errs[0] == nil:
			require.Equal(t, cart.StatusConverted, got.Status, "round %d", round)
			require.Equal(t, map[string]int{"MUG-RED": 1}, quantities(got), "round %d: the order's lines", round)
			requireCode(t, commerce.CodeFailedPrecondition, errs[1], "round %d: the add came too late and says so", round)
		default:
			require.ErrorIs(t, errs[0], cart.ErrChanged, "round %d", round)
			require.NoError(t, errs[1], "round %d", round)
			require.Equal(t, cart.StatusActive, got.Status, "round %d", round)
			require.Equal(t, map[string]int{"MUG-RED": 1, "TEE-M": 1}, quantities(got), "round %d: the added line stays", round)
		}
	}
}
