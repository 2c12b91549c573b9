package carttest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// requireNoErrors fails with every error in errs.
func requireNoErrors(t *testing.T, errs []error) {
	t.Helper()
	for _, err := range errs {
		require.NoError(t, err)
	}
}

// testRaceDistinctSKUs: fifty writers add fifty different SKUs to one cart
// at once; all fifty lines are there.
func testRaceDistinctSKUs(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	c := f.create("", "")
	requireNoErrors(t, race(racers, func(i int) error {
		_, err := f.svc.AddItem(f.ctx, c.ID, cart.AddItemInput{SKU: raceSKU(i), Quantity: 1 + i%3})
		return err
	}))
	c = f.get(c.ID)
	require.Len(t, c.Lines, racers)
	want := map[string]int{}
	for i := range racers {
		want[raceSKU(i)] = 1 + i%3
	}
	require.Equal(t, want, quantities(c))
	require.Equal(t, int64(1+racers), c.Version, "one write each")
	names := f.namesOf(c.ID)
	require.Len(t, names, 1+racers)
}

// testRaceSameLine: fifty writers add one unit of the same SKU at once;
// the cart has one line with exactly fifty units.
func testRaceSameLine(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	c := f.create("", "")
	requireNoErrors(t, race(racers, func(int) error {
		_, err := f.svc.AddItem(f.ctx, c.ID, cart.AddItemInput{SKU: "MUG-RED", Quantity: 1})
		return err
	}))
	c = f.get(c.ID)
	require.Len(t, c.Lines, 1)
	require.Equal(t, racers, c.Lines[0].Quantity)

	// And as many UpdateQuantity calls race RemoveItem: the line ends up
	// removed or holding one of the quantities, never anything else.
	line := c.Lines[0].ID
	errs := race(racers, func(i int) error {
		var err error
		if i == racers/2 {
			_, err = f.svc.RemoveItem(f.ctx, c.ID, line)
		} else {
			_, err = f.svc.UpdateQuantity(f.ctx, c.ID, line, 1+i%9)
		}
		if commerce.Code(err) == commerce.CodeNotFound {
			return nil // removed first
		}
		return err
	})
	requireNoErrors(t, errs)
	c = f.get(c.ID)
	require.Empty(t, c.Lines)
}

// testRaceMerges: ten guests, each with its own items and a shared one,
// merge into one customer who has no cart yet, all at once. One guest cart
// becomes the customer's, the other nine merge into it, and no item is
// lost or counted twice.
func testRaceMerges(t *testing.T, newStore NewStore) {
	const guests = 10
	f := setup(t, newStore, nil)
	customerID := commerce.NewID[commerce.CustomerID]()
	ids := make([]commerce.CartID, guests)
	for i := range guests {
		g := f.create("", "")
		f.add(g.ID, raceSKU(2*i), 1, nil)
		f.add(g.ID, raceSKU(2*i+1), 2, nil)
		f.add(g.ID, "MUG-RED", 1, nil)
		ids[i] = g.ID
	}
	requireNoErrors(t, race(guests, func(i int) error {
		c, err := f.svc.Merge(f.ctx, ids[i], customerID, cart.MergeAddQuantities)
		if err == nil && c.CustomerID != customerID {
			err = fmt.Errorf("merge returned cart %s of %q", c.ID, c.CustomerID)
		}
		return err
	}))
	mine, err := f.svc.ForCustomer(f.ctx, customerID)
	require.NoError(t, err)
	want := map[string]int{"MUG-RED": guests}
	for i := range guests {
		want[raceSKU(2*i)], want[raceSKU(2*i+1)] = 1, 2
	}
	require.Equal(t, want, quantities(mine))
	active := 0
	for _, id := range ids {
		g := f.get(id)
		switch g.Status {
		case cart.StatusActive:
			active++
			require.Equal(t, mine.ID, g.ID)
		case cart.StatusMerged:
			require.Equal(t, mine.ID, g.MergedInto)
		default:
			t.Fatalf("guest cart %s is %s", id, g.Status)
		}
	}
	require.Equal(t, 1, active)
	require.Len(t, f.events.Await(t, "cart.merged", guests-1), guests-1)
	require.Len(t, f.events.Await(t, "cart.customer_attached", 1), 1)
}

// testRaceAttaches: ten guest carts are attached to one customer at once:
// exactly one becomes theirs, the others are refused and keep their items.
func testRaceAttaches(t *testing.T, newStore NewStore) {
	const guests = 10
	f := setup(t, newStore, nil)
	customerID := commerce.NewID[commerce.CustomerID]()
	ids := make([]commerce.CartID, guests)
	for i := range guests {
		g := f.create("", "")
		f.add(g.ID, raceSKU(i), 1, nil)
		ids[i] = g.ID
	}
	errs := race(guests, func(i int) error {
		_, err := f.svc.AttachCustomer(f.ctx, ids[i], customerID)
		return err
	})
	requireOneWinner(t, errs, commerce.CodeFailedPrecondition)
	mine, err := f.svc.ForCustomer(f.ctx, customerID)
	require.NoError(t, err)
	for i, id := range ids {
		g := f.get(id)
		require.Equal(t, map[string]int{raceSKU(i): 1}, quantities(g))
		require.Equal(t, cart.StatusActive, g.Status)
		if id == mine.ID {
			require.Equal(t, customerID, g.CustomerID)
		} else {
			require.True(t, g.Guest())
		}
	}
}

// testRaceMergeWhileAdding: while a guest cart merges into a customer's
// cart, other writers add to both carts. Every add that succeeded is in
// the customer's cart (or refused because the guest cart had merged).
func testRaceMergeWhileAdding(t *testing.T, newStore NewStore) {
	const adders = 20
	f := setup(t, newStore, nil)
	customerID := commerce.NewID[commerce.CustomerID]()
	owned := f.create(customerID, "")
	f.add(owned.ID, "MUG-RED", 1, nil)
	guest := f.create("", "")
	f.add(guest.ID, "MUG-BLUE", 1, nil)

	added := make([]bool, adders)
	errs := race(adders+1, func(i int) error {
		if i == adders {
			_, err := f.svc.Merge(f.ctx, guest.ID, customerID, cart.MergeAddQuantities)
			return err
		}
		target := owned.ID
		if i%2 == 1 {
			target = guest.ID
		}
		_, err := f.svc.AddItem(f.ctx, target, cart.AddItemInput{SKU: raceSKU(i), Quantity: 1})
		switch {
		case err == nil:
			added[i] = true
		case target == guest.ID && commerce.Code(err) == commerce.CodeFailedPrecondition:
			err = nil // the guest cart had merged
		}
		return err
	})
	requireNoErrors(t, errs)
	mine, err := f.svc.ForCustomer(f.ctx, customerID)
	require.NoError(t, err)
	require.Equal(t, owned.ID, mine.ID)
	want := map[string]int{"MUG-RED": 1, "MUG-BLUE": 1}
	for i, ok := range added {
		if ok {
			want[raceSKU(i)] = 1
		}
	}
	require.Equal(t, want, quantities(mine))
	for i := 0; i < adders; i += 2 {
		require.True(t, added[i], "adds to the customer's cart never fail")
	}
}

// testRaceConvert: checkout retried concurrently converts once; a second
// order racing for the same cart loses with Conflict.
func testRaceConvert(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	c := f.create("", "")
	c = f.add(c.ID, "MUG-RED", 1, nil)
	order := commerce.NewID[commerce.OrderID]()
	requireNoErrors(t, race(10, func(int) error {
		got, err := f.svc.MarkConverted(f.ctx, c.ID, order, c.Version)
		if err == nil && got.ConvertedOrderID != order {
			err = fmt.Errorf("converted to %s", got.ConvertedOrderID)
		}
		return err
	}))
	f.events.Await(t, "cart.converted", 1)
	require.Equal(t, []string{"cart.created", "cart.item_added", "cart.converted"}, f.namesOf(c.ID))

	d := f.create("", "")
	d = f.add(d.ID, "MUG-RED", 1, nil)
	orders := make([]commerce.OrderID, 10)
	for i := range orders {
		orders[i] = commerce.NewID[commerce.OrderID]()
	}
	errs := race(len(orders), func(i int) error {
		_, err := f.svc.MarkConverted(f.ctx, d.ID, orders[i], d.Version)
		return err
	})
	requireOneWinner(t, errs, commerce.CodeConflict)
}

// requireOneWinner checks that exactly one of a race's calls succeeded and
// every other one failed with loser.
func requireOneWinner(t *testing.T, errs []error, loser commerce.ErrorCode) {
	t.Helper()
	won := 0
	for _, err := range errs {
		switch commerce.Code(err) {
		case "":
			won++
		case loser:
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	require.Equal(t, 1, won, "winners")
}
