package carttest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

const storeTTL = time.Hour

// rawCart is a cart as the store sees it, built without the service.
func rawCart(customerID commerce.CustomerID) cart.Cart {
	return cart.Cart{
		ID: commerce.NewID[commerce.CartID](), CustomerID: customerID, Currency: "USD", Status: cart.StatusActive,
		CreatedAt: epoch, UpdatedAt: epoch, ExpiresAt: epoch.Add(storeTTL), Version: 1,
	}
}

func rawLine(sku string, q int) cart.Line {
	return cart.Line{
		ID: commerce.NewID[commerce.LineID](), SKU: sku, ProductID: commerce.NewID[commerce.ProductID](),
		VariantID: commerce.NewID[commerce.VariantID](), Title: sku, Quantity: q, UnitPrice: usd(100),
		Metadata: map[string]string{"k": "v"}, AddedAt: epoch,
	}
}

func event(id commerce.CartID, ev commerce.Event) []commerce.Envelope {
	return []commerce.Envelope{commerce.NewEnvelope(id.String(), epoch, ev)}
}

// testStoreContract drives the port directly: versions, copies, missing
// carts, closure errors, the index, events and UpdaterFrom.
func testStoreContract(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	s, ctx := f.store, f.ctx

	c := rawCart("")
	created := event(c.ID, cart.Created{CartID: c.ID, Currency: "USD", ExpiresAt: c.ExpiresAt})
	require.NoError(t, s.Create(ctx, c, storeTTL, created))
	requireCode(t, commerce.CodeConflict, s.Create(ctx, c, storeTTL, nil), "the same ID twice")
	got, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, c, got)

	// Update stores the version read plus one, whatever fn leaves, and
	// commits fn's events.
	l := rawLine("A-1", 2)
	added := event(c.ID, cart.ItemAdded{CartID: c.ID, EventLine: eventLineOf(l), Added: 2})
	updated, err := s.Update(ctx, c.ID, storeTTL, func(c *cart.Cart) ([]commerce.Envelope, error) {
		c.Lines = append(c.Lines, l)
		c.Version = 99
		return added, nil
	})
	require.NoError(t, err)
	require.Equal(t, int64(2), updated.Version)
	require.Equal(t, []cart.Line{l}, updated.Lines)
	got, err = s.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, updated, got)

	// Returned carts are copies.
	updated.Lines[0].Metadata["k"] = "changed"
	got.Lines[0].Quantity = 7
	got, err = s.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, "v", got.Lines[0].Metadata["k"])
	require.Equal(t, 2, got.Lines[0].Quantity)

	// A failing closure writes nothing; its error comes back as it is.
	boom := errors.New("boom")
	_, err = s.Update(ctx, c.ID, storeTTL, func(c *cart.Cart) ([]commerce.Envelope, error) {
		c.Lines = nil
		return event(c.ID, cart.Cleared{CartID: c.ID}), boom
	})
	require.ErrorIs(t, err, boom)
	again, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, got, again)

	// Missing carts.
	missing := commerce.NewID[commerce.CartID]()
	_, err = s.Get(ctx, missing)
	requireCode(t, commerce.CodeNotFound, err)
	called := false
	_, err = s.Update(ctx, missing, storeTTL, func(*cart.Cart) ([]commerce.Envelope, error) { called = true; return nil, nil })
	requireCode(t, commerce.CodeNotFound, err)
	require.False(t, called, "fn is not called for a missing cart")
	_, _, err = s.Adopt(ctx, missing, commerce.NewID[commerce.CustomerID](), storeTTL, func(*cart.Cart, *cart.Cart) ([]commerce.Envelope, error) {
		called = true
		return nil, nil
	})
	requireCode(t, commerce.CodeNotFound, err)
	require.False(t, called)

	// An ended context writes nothing.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Update(cancelled, c.ID, storeTTL, func(c *cart.Cart) ([]commerce.Envelope, error) {
		c.Lines = nil
		return nil, nil
	})
	requireCode(t, commerce.CodeUnavailable, err)
	again, err = s.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, got, again)

	// The committed events arrive, the failed closure's do not.
	evs := f.eventsOf(c.ID)
	require.Equal(t, eventIDs(append(created, added...)), eventIDs(evs))

	// The customer index follows the writes that leave a customer's cart
	// active.
	alice := commerce.NewID[commerce.CustomerID]()
	_, err = s.CustomerCart(ctx, alice)
	requireCode(t, commerce.CodeNotFound, err)
	first := rawCart(alice)
	require.NoError(t, s.Create(ctx, first, storeTTL, nil))
	requireIndex(t, s, alice, first.ID)
	second := rawCart(alice)
	require.NoError(t, s.Create(ctx, second, storeTTL, nil))
	requireIndex(t, s, alice, second.ID)
	_, err = s.Update(ctx, first.ID, storeTTL, func(*cart.Cart) ([]commerce.Envelope, error) { return nil, nil })
	require.NoError(t, err)
	requireIndex(t, s, alice, first.ID)
	_, err = s.Update(ctx, second.ID, storeTTL, func(c *cart.Cart) ([]commerce.Envelope, error) {
		c.Status = cart.StatusConverted
		return nil, nil
	})
	require.NoError(t, err)
	requireIndex(t, s, alice, first.ID)
	_, err = s.Update(ctx, first.ID, storeTTL, func(c *cart.Cart) ([]commerce.Envelope, error) {
		c.Status = cart.StatusConverted
		return nil, nil
	})
	require.NoError(t, err)
	requireIndex(t, s, alice, first.ID) // nothing else changes the index
	_, err = s.Update(ctx, c.ID, storeTTL, func(c *cart.Cart) ([]commerce.Envelope, error) {
		c.CustomerID = alice
		return nil, nil
	})
	require.NoError(t, err)
	requireIndex(t, s, alice, c.ID)

	// UpdateFrom starts from the cart it is given while that is current,
	// and from a fresh read once it is not.
	u, ok := s.(cart.UpdaterFrom)
	if !ok {
		return
	}
	seen, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	next, err := u.UpdateFrom(ctx, seen.Clone(), storeTTL, func(c *cart.Cart) ([]commerce.Envelope, error) {
		c.Lines[0].Quantity++
		return nil, nil
	})
	require.NoError(t, err)
	require.Equal(t, seen.Version+1, next.Version)
	require.Equal(t, 3, next.Lines[0].Quantity)
	calls := 0
	next, err = u.UpdateFrom(ctx, seen.Clone(), storeTTL, func(c *cart.Cart) ([]commerce.Envelope, error) {
		calls++
		c.Lines[0].Quantity++
		return nil, nil
	})
	require.NoError(t, err)
	require.Equal(t, seen.Version+2, next.Version, "a stale cart is read again")
	require.Equal(t, 4, next.Lines[0].Quantity, "no update is lost")
	require.LessOrEqual(t, 1, calls)
	got, err = s.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, next, got)
	_, err = u.UpdateFrom(ctx, rawCart(""), storeTTL, func(*cart.Cart) ([]commerce.Envelope, error) { return nil, nil })
	requireCode(t, commerce.CodeNotFound, err, "a cart the store never had")
}

func requireIndex(t *testing.T, s cart.Store, customerID commerce.CustomerID, want commerce.CartID) {
	t.Helper()
	got, err := s.CustomerCart(context.Background(), customerID)
	require.NoError(t, err)
	require.Equal(t, want, got)
}

// testStoreAdopt drives Store.Adopt directly.
func testStoreAdopt(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, nil)
	s, ctx := f.store, f.ctx
	alice := commerce.NewID[commerce.CustomerID]()

	guest := rawCart("")
	guest.Lines = []cart.Line{rawLine("G-1", 1)}
	require.NoError(t, s.Create(ctx, guest, storeTTL, nil))

	// No cart for Alice yet: owned is nil.
	c, owned, err := s.Adopt(ctx, guest.ID, alice, storeTTL, func(c, owned *cart.Cart) ([]commerce.Envelope, error) {
		require.Nil(t, owned)
		c.CustomerID = alice
		return event(c.ID, cart.CustomerAttached{CartID: c.ID, CustomerID: alice}), nil
	})
	require.NoError(t, err)
	require.Nil(t, owned)
	require.Equal(t, alice, c.CustomerID)
	require.Equal(t, int64(2), c.Version)
	requireIndex(t, s, alice, guest.ID)

	// The index names the cart itself: owned is nil.
	_, owned, err = s.Adopt(ctx, guest.ID, alice, storeTTL, func(c, owned *cart.Cart) ([]commerce.Envelope, error) {
		if owned != nil {
			return nil, errors.New("owned should be nil")
		}
		return nil, nil
	})
	require.NoError(t, err)
	require.Nil(t, owned)

	// Another cart: both change in one write.
	other := rawCart("")
	other.Lines = []cart.Line{rawLine("O-1", 2)}
	require.NoError(t, s.Create(ctx, other, storeTTL, nil))
	boom := errors.New("boom")
	_, _, err = s.Adopt(ctx, other.ID, alice, storeTTL, func(c, owned *cart.Cart) ([]commerce.Envelope, error) {
		owned.Lines = nil
		c.Lines = nil
		return nil, boom
	})
	require.ErrorIs(t, err, boom)
	got, err := s.Get(ctx, guest.ID)
	require.NoError(t, err)
	require.Len(t, got.Lines, 1, "a failed Adopt writes neither cart")

	// An owned cart fn leaves alone is not written.
	c, owned, err = s.Adopt(ctx, other.ID, alice, storeTTL, func(c, owned *cart.Cart) ([]commerce.Envelope, error) {
		c.Lines[0].Quantity = 3
		return nil, nil
	})
	require.NoError(t, err)
	require.Equal(t, int64(2), c.Version)
	require.NotNil(t, owned)
	require.Equal(t, int64(3), owned.Version)
	got, err = s.Get(ctx, guest.ID)
	require.NoError(t, err)
	require.Equal(t, *owned, got)

	c, owned, err = s.Adopt(ctx, other.ID, alice, storeTTL, func(c, owned *cart.Cart) ([]commerce.Envelope, error) {
		require.NotNil(t, owned)
		require.Equal(t, guest.ID, owned.ID)
		owned.Lines = append(owned.Lines, c.Lines...)
		c.Status, c.MergedInto, c.CustomerID = cart.StatusMerged, owned.ID, alice
		return event(owned.ID, cart.Merged{CartID: owned.ID, SourceCartID: c.ID, CustomerID: alice}), nil
	})
	require.NoError(t, err)
	require.NotNil(t, owned)
	require.Equal(t, int64(4), owned.Version)
	require.Len(t, owned.Lines, 2)
	require.Equal(t, int64(3), c.Version)
	require.Equal(t, cart.StatusMerged, c.Status)
	got, err = s.Get(ctx, guest.ID)
	require.NoError(t, err)
	require.Equal(t, *owned, got)
	got, err = s.Get(ctx, other.ID)
	require.NoError(t, err)
	require.Equal(t, c, got)
	requireIndex(t, s, alice, guest.ID)
	require.Equal(t, []string{"cart.customer_attached", "cart.merged"}, f.namesOf(guest.ID))
}
