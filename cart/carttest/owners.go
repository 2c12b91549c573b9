package carttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

func testForCustomer(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	customerID := commerce.NewID[commerce.CustomerID]()
	_, err := f.svc.ForCustomer(f.ctx, customerID)
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.ForCustomer(f.ctx, "cus_bad")
	requireDetail(t, commerce.CodeInvalidArgument, "field", "customer_id", err)
	_, err = f.svc.ForCustomer(f.ctx, "")
	requireDetail(t, commerce.CodeInvalidArgument, "field", "customer_id", err)

	first := f.create(customerID, "")
	mine, err := f.svc.ForCustomer(f.ctx, customerID)
	require.NoError(t, err)
	require.Equal(t, first, mine)

	// A new cart becomes the customer's; the active cart written last is.
	second := f.create(customerID, "")
	mine, err = f.svc.ForCustomer(f.ctx, customerID)
	require.NoError(t, err)
	require.Equal(t, second.ID, mine.ID)
	first = f.add(first.ID, "MUG-RED", 1, nil)
	mine, err = f.svc.ForCustomer(f.ctx, customerID)
	require.NoError(t, err)
	require.Equal(t, first, mine)

	// A guest cart is nobody's; a converted cart no longer the customer's.
	f.add(f.create("", "").ID, "MUG-RED", 1, nil)
	_, err = f.svc.MarkConverted(f.ctx, first.ID, commerce.NewID[commerce.OrderID](), f.get(first.ID).Version)
	require.NoError(t, err)
	_, err = f.svc.ForCustomer(f.ctx, customerID)
	requireCode(t, commerce.CodeNotFound, err)
	third := f.create(customerID, "")
	mine, err = f.svc.ForCustomer(f.ctx, customerID)
	require.NoError(t, err)
	require.Equal(t, third, mine)
	_, err = f.svc.ForCustomer(f.ctx, commerce.NewID[commerce.CustomerID]())
	requireCode(t, commerce.CodeNotFound, err)
}

func testAttach(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	alice, bob := commerce.NewID[commerce.CustomerID](), commerce.NewID[commerce.CustomerID]()
	guest := f.create("", "")
	guest = f.add(guest.ID, "MUG-RED", 2, nil)

	f.clock.Advance(time.Minute)
	c, err := f.svc.AttachCustomer(f.ctx, guest.ID, alice)
	require.NoError(t, err)
	require.Equal(t, alice, c.CustomerID)
	require.Equal(t, guest.Lines, c.Lines)
	require.Equal(t, cart.StatusActive, c.Status)
	require.Equal(t, guest.Version+1, c.Version)
	require.Equal(t, epoch.Add(time.Minute).Add(cart.DefaultTTL), c.ExpiresAt)
	require.Equal(t, c, f.get(guest.ID))
	mine, err := f.svc.ForCustomer(f.ctx, alice)
	require.NoError(t, err)
	require.Equal(t, c, mine)

	again, err := f.svc.AttachCustomer(f.ctx, guest.ID, alice)
	require.NoError(t, err, "attaching twice")
	require.Equal(t, alice, again.CustomerID)
	require.Equal(t, []string{"cart.created", "cart.item_added", "cart.customer_attached"}, f.namesOf(guest.ID))
	require.Equal(t, cart.CustomerAttached{CartID: guest.ID, CustomerID: alice, ItemCount: 2}, f.eventsOf(guest.ID)[2].Payload)

	// Someone else's cart, and a second cart while Alice has one.
	other := f.create("", "")
	before := f.snap(guest.ID, other.ID)
	_, err = f.svc.AttachCustomer(f.ctx, guest.ID, bob)
	requireCode(t, commerce.CodePermissionDenied, err)
	_, err = f.svc.AttachCustomer(f.ctx, other.ID, alice)
	requireDetail(t, commerce.CodeFailedPrecondition, "cart_id", guest.ID.String(), err)
	_, err = f.svc.AttachCustomer(f.ctx, other.ID, "cus_bad")
	requireDetail(t, commerce.CodeInvalidArgument, "field", "customer_id", err)
	_, err = f.svc.AttachCustomer(f.ctx, commerce.NewID[commerce.CartID](), alice)
	requireCode(t, commerce.CodeNotFound, err)
	f.unchanged(before)
	mine, err = f.svc.ForCustomer(f.ctx, alice)
	require.NoError(t, err)
	require.Equal(t, guest.ID, mine.ID)

	// Once Alice's cart is converted she may attach another.
	_, err = f.svc.MarkConverted(f.ctx, guest.ID, commerce.NewID[commerce.OrderID](), f.get(guest.ID).Version)
	require.NoError(t, err)
	_, err = f.svc.AttachCustomer(f.ctx, guest.ID, alice)
	requireCode(t, commerce.CodeFailedPrecondition, err, "a converted cart")
	c, err = f.svc.AttachCustomer(f.ctx, other.ID, alice)
	require.NoError(t, err)
	mine, err = f.svc.ForCustomer(f.ctx, alice)
	require.NoError(t, err)
	require.Equal(t, c, mine)
}

// testMergeStrategies merges the same pair of carts with each strategy.
func testMergeStrategies(t *testing.T, newStore NewStore) {
	gift := map[string]string{"gift": "yes"}
	for _, tc := range []struct {
		strategy cart.MergeStrategy
		red      int
	}{
		{cart.MergeAddQuantities, 6}, // 3 + 4 capped at 6
		{cart.MergeKeepCustomer, 3},
		{cart.MergeKeepGuest, 4},
	} {
		t.Run(string(tc.strategy), func(t *testing.T) {
			f := setup(t, newStore, func(o *cart.Options) { o.MaxQuantityPerLine = 6 })
			customerID := commerce.NewID[commerce.CustomerID]()
			owned := f.create(customerID, "")
			f.add(owned.ID, "MUG-RED", 3, nil)
			owned = f.add(owned.ID, "MUG-BLUE", 1, gift)
			guest := f.create("", "")
			f.add(guest.ID, "MUG-RED", 4, nil)
			f.add(guest.ID, "TEE-M", 1, nil)
			guest = f.add(guest.ID, "MUG-BLUE", 2, nil)

			f.clock.Advance(time.Minute)
			now := epoch.Add(time.Minute)
			merged, err := f.svc.Merge(f.ctx, guest.ID, customerID, tc.strategy)
			require.NoError(t, err)
			require.Equal(t, owned.ID, merged.ID)
			require.Equal(t, owned.Version+1, merged.Version)
			require.Equal(t, now.Add(cart.DefaultTTL), merged.ExpiresAt)
			require.Len(t, merged.Lines, 4)
			require.Equal(t, owned.Lines[0].ID, merged.Lines[0].ID, "the customer's lines stay first, with their IDs")
			require.Equal(t, tc.red, merged.Lines[0].Quantity)
			require.Equal(t, 1, merged.Lines[1].Quantity, "the gift mug is another item")
			require.Equal(t, gift, merged.Lines[1].Metadata)
			require.Equal(t, guest.Lines[1], merged.Lines[2], "the guest's other lines come over as they were")
			require.Equal(t, guest.Lines[2], merged.Lines[3])
			require.Equal(t, merged, f.get(owned.ID))
			mine, err := f.svc.ForCustomer(f.ctx, customerID)
			require.NoError(t, err)
			require.Equal(t, merged, mine)

			g := f.get(guest.ID)
			require.Equal(t, cart.StatusMerged, g.Status)
			require.Equal(t, owned.ID, g.MergedInto)
			require.Equal(t, customerID, g.CustomerID)
			require.Equal(t, guest.Lines, g.Lines, "the merged cart keeps a record of its lines")

			evs := f.eventsOf(owned.ID)
			last := evs[len(evs)-1]
			require.Equal(t, "cart.merged", last.Name)
			require.Equal(t, cart.Merged{
				CartID: owned.ID, SourceCartID: guest.ID, CustomerID: customerID, Strategy: tc.strategy,
				Lines:     []cart.EventLine{eventLineOf(guest.Lines[0]), eventLineOf(guest.Lines[1]), eventLineOf(guest.Lines[2])},
				ItemCount: merged.ItemCount(),
			}, last.Payload)
			require.Equal(t, []string{"cart.created", "cart.item_added", "cart.item_added", "cart.item_added"}, f.namesOf(guest.ID))

			// The merged cart refuses writes; merging it again answers
			// with the customer's cart, unchanged.
			before := f.snap(guest.ID, owned.ID)
			_, err = f.svc.AddItem(f.ctx, guest.ID, cart.AddItemInput{SKU: "MUG-RED", Quantity: 1})
			requireDetail(t, commerce.CodeFailedPrecondition, "merged_into", owned.ID.String(), err)
			_, err = f.svc.Clear(f.ctx, guest.ID)
			requireCode(t, commerce.CodeFailedPrecondition, err)
			_, err = f.svc.RemoveItem(f.ctx, guest.ID, guest.Lines[0].ID)
			requireCode(t, commerce.CodeFailedPrecondition, err)
			_, err = f.svc.UpdateQuantity(f.ctx, guest.ID, guest.Lines[0].ID, 1)
			requireCode(t, commerce.CodeFailedPrecondition, err)
			_, err = f.svc.MarkConverted(f.ctx, guest.ID, commerce.NewID[commerce.OrderID](), f.get(guest.ID).Version)
			requireCode(t, commerce.CodeFailedPrecondition, err)
			_, err = f.svc.AttachCustomer(f.ctx, guest.ID, customerID)
			requireCode(t, commerce.CodeFailedPrecondition, err)
			_, err = f.svc.Merge(f.ctx, guest.ID, commerce.NewID[commerce.CustomerID](), tc.strategy)
			requireCode(t, commerce.CodePermissionDenied, err, "merged into someone else's cart")
			again, err := f.svc.Merge(f.ctx, guest.ID, customerID, tc.strategy)
			require.NoError(t, err, "merging twice")
			require.Equal(t, merged, again)
			f.unchanged(before)
		})
	}
}

func eventLineOf(l cart.Line) cart.EventLine {
	return cart.EventLine{LineID: l.ID, SKU: l.SKU, ProductID: l.ProductID, VariantID: l.VariantID, Quantity: l.Quantity, UnitPrice: l.UnitPrice}
}

func testMergeCases(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	alice, bob := commerce.NewID[commerce.CustomerID](), commerce.NewID[commerce.CustomerID]()

	// Alice has no cart: the guest cart becomes hers.
	guest := f.create("", "")
	guest = f.add(guest.ID, "MUG-RED", 1, nil)
	c, err := f.svc.Merge(f.ctx, guest.ID, alice, cart.MergeAddQuantities)
	require.NoError(t, err)
	require.Equal(t, guest.ID, c.ID)
	require.Equal(t, alice, c.CustomerID)
	require.Equal(t, cart.StatusActive, c.Status)
	require.Equal(t, guest.Lines, c.Lines)
	require.Equal(t, c, f.get(guest.ID))
	mine, err := f.svc.ForCustomer(f.ctx, alice)
	require.NoError(t, err)
	require.Equal(t, c, mine)
	again, err := f.svc.Merge(f.ctx, guest.ID, alice, cart.MergeAddQuantities)
	require.NoError(t, err, "merging her own cart")
	require.Equal(t, guest.ID, again.ID)
	require.Equal(t, guest.Lines, again.Lines)
	require.Equal(t, []string{"cart.created", "cart.item_added", "cart.customer_attached"}, f.namesOf(guest.ID))

	// Bob may not take Alice's cart; carts in two currencies do not mix;
	// strategies are checked.
	eur := f.create("", "EUR")
	eur = f.add(eur.ID, "MUG-RED", 1, nil)
	before := f.snap(guest.ID, eur.ID)
	_, err = f.svc.Merge(f.ctx, guest.ID, bob, cart.MergeAddQuantities)
	requireCode(t, commerce.CodePermissionDenied, err)
	_, err = f.svc.Merge(f.ctx, eur.ID, alice, cart.MergeAddQuantities)
	requireDetail(t, commerce.CodeFailedPrecondition, "field", "currency", err)
	_, err = f.svc.Merge(f.ctx, eur.ID, alice, "sum")
	requireDetail(t, commerce.CodeInvalidArgument, "field", "strategy", err)
	_, err = f.svc.Merge(f.ctx, eur.ID, "", cart.MergeAddQuantities)
	requireDetail(t, commerce.CodeInvalidArgument, "field", "customer_id", err)
	_, err = f.svc.Merge(f.ctx, "nope", alice, cart.MergeAddQuantities)
	requireDetail(t, commerce.CodeInvalidArgument, "field", "cart_id", err)
	_, err = f.svc.Merge(f.ctx, commerce.NewID[commerce.CartID](), alice, cart.MergeAddQuantities)
	requireCode(t, commerce.CodeNotFound, err)
	f.unchanged(before)

	// A converted guest cart cannot be merged.
	converted := f.create("", "")
	converted = f.add(converted.ID, "TEE-M", 1, nil)
	_, err = f.svc.MarkConverted(f.ctx, converted.ID, commerce.NewID[commerce.OrderID](), converted.Version)
	require.NoError(t, err)
	_, err = f.svc.Merge(f.ctx, converted.ID, alice, cart.MergeAddQuantities)
	requireCode(t, commerce.CodeFailedPrecondition, err)

	// An expired customer cart counts as none: the guest cart is attached.
	carol := commerce.NewID[commerce.CustomerID]()
	old := f.create(carol, "")
	f.add(old.ID, "MUG-BLUE", 1, nil)
	f.clock.Advance(cart.DefaultTTL + time.Minute)
	fresh := f.create("", "")
	fresh = f.add(fresh.ID, "TEE-M", 2, nil)
	c, err = f.svc.Merge(f.ctx, fresh.ID, carol, cart.MergeKeepGuest)
	require.NoError(t, err)
	require.Equal(t, fresh.ID, c.ID)
	require.Equal(t, carol, c.CustomerID)
	require.Equal(t, map[string]int{"TEE-M": 2}, quantities(c))

	// An expired guest cart is gone.
	f.clock.Advance(cart.DefaultTTL)
	_, err = f.svc.Merge(f.ctx, fresh.ID, carol, cart.MergeKeepGuest)
	requireCode(t, commerce.CodeNotFound, err)
}

// testMergeLimits: quantities are capped, too many lines refuse the merge
// and leave both carts as they were.
func testMergeLimits(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, func(o *cart.Options) { o.MaxLines = 3; o.MaxQuantityPerLine = 5 })
	customerID := commerce.NewID[commerce.CustomerID]()
	owned := f.create(customerID, "")
	f.add(owned.ID, "MUG-RED", 5, nil)
	owned = f.add(owned.ID, "MUG-BLUE", 1, nil)
	guest := f.create("", "")
	f.add(guest.ID, "TEE-M", 1, nil)
	guest = f.add(guest.ID, "TEE-L", 1, nil)

	before := f.snap(owned.ID, guest.ID)
	_, err := f.svc.Merge(f.ctx, guest.ID, customerID, cart.MergeAddQuantities)
	requireDetail(t, commerce.CodeFailedPrecondition, "max_lines", 3, err)
	f.unchanged(before)
	mine, err := f.svc.ForCustomer(f.ctx, customerID)
	require.NoError(t, err)
	require.Equal(t, owned, mine)

	_, err = f.svc.RemoveItem(f.ctx, guest.ID, guest.Lines[1].ID)
	require.NoError(t, err)
	f.add(guest.ID, "MUG-RED", 5, nil)
	merged, err := f.svc.Merge(f.ctx, guest.ID, customerID, cart.MergeAddQuantities)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"MUG-RED": 5, "MUG-BLUE": 1, "TEE-M": 1}, quantities(merged))
}
