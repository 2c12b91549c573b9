package redis

import (
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/cart/carttest"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
)

// TestRememberedCartsMatchTheirDocuments runs the cart conformance suite
// on a store that checks, at every write, that the cart it remembers is
// exactly what decoding the stored document gives: a read answered from
// memory returns what a read that decodes would.
func TestRememberedCartsMatchTheirDocuments(t *testing.T) {
	carttest.Run(t, func(t testing.TB, events commerce.EventPublisher) cart.Store {
		env := testenv.Redis(t)
		s, err := NewCartStore(env.Client, &CartOptions{Prefix: env.Prefix})
		require.NoError(t, err)
		s.checkWrites = true
		relay, err := s.NewOutboxRelay(events, &RelayOptions{
			Block: 50 * time.Millisecond, RetryDelay: time.Millisecond, Logger: slog.New(slog.DiscardHandler),
		})
		require.NoError(t, err)
		require.NoError(t, relay.Start(context.Background()))
		t.Cleanup(func() { require.NoError(t, relay.Close(context.Background())) })
		return s
	})
}

// TestReadAfterWriteIsRemembered: the read that follows a write finds the
// written document remembered, and a change made by another store (another
// process) is read from its document, not from memory.
func TestReadAfterWriteIsRemembered(t *testing.T) {
	ctx := context.Background()
	mine, env := eventlessStore(t)
	other, err := NewCartStore(env.Client, &mine.opts)
	require.NoError(t, err)

	now := time.Now().UTC().Truncate(time.Microsecond)
	c := newCart(now)
	require.NoError(t, mine.Create(ctx, c, time.Hour, nil))
	stored := func() string {
		doc, err := env.Client.Get(ctx, mine.Key(c.ID)).Result()
		require.NoError(t, err)
		return doc
	}
	_, ok := mine.decoded.get(c.ID, stored())
	assert.True(t, ok, "the created cart is remembered")

	addLine := func(s *CartStore, sku string) cart.Cart {
		t.Helper()
		got, err := s.Update(ctx, c.ID, time.Hour, func(c *cart.Cart) ([]commerce.Envelope, error) {
			c.Lines = append(c.Lines, cart.Line{
				ID: commerce.NewID[commerce.LineID](), SKU: sku, Title: sku, Quantity: 1,
				UnitPrice: commerce.MustMoney(900, "USD"), AddedAt: now,
			})
			return nil, nil
		})
		require.NoError(t, err)
		return got
	}
	written := addLine(mine, "MUG")
	remembered, ok := mine.decoded.get(c.ID, stored())
	require.True(t, ok, "the updated cart is remembered")
	assert.Equal(t, written, remembered)

	// The caller owns what a read returns: changing it changes no memory.
	remembered.Lines[0].Quantity = 99
	again, err := mine.Get(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, again.Lines[0].Quantity)

	fromOther := addLine(other, "CUP")
	_, ok = mine.decoded.get(c.ID, stored())
	assert.False(t, ok, "another store's write is not in this store's memory")
	got, err := mine.Get(ctx, c.ID)
	require.NoError(t, err)
	assert.Equal(t, fromOther, got)
	assert.Len(t, got.Lines, 2)
}

// TestOtherZonesAreNotRemembered: a cart whose times are not in UTC (a
// fixed zone, or time.Now's local time with its monotonic reading) reads
// back otherwise from JSON, so it is decoded, not remembered.
func TestOtherZonesAreNotRemembered(t *testing.T) {
	ctx := context.Background()
	s, env := eventlessStore(t)
	s.checkWrites = true
	for _, now := range []time.Time{time.Now().In(time.FixedZone("CET", 3600)).Truncate(time.Microsecond), time.Now()} {
		c := newCart(now)
		require.NoError(t, s.Create(ctx, c, time.Hour, nil))
		doc, err := env.Client.Get(ctx, s.Key(c.ID)).Result()
		require.NoError(t, err)
		_, ok := s.decoded.get(c.ID, doc)
		assert.False(t, ok, "a cart at %v", now)
		got, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		assert.True(t, got.CreatedAt.Equal(now))
	}
}

// TestLargeCartsAreNotRemembered: a cart whose document is over
// maxDecodedDoc is decoded at every read, so the memo's memory stays
// bounded however large carts grow.
func TestLargeCartsAreNotRemembered(t *testing.T) {
	ctx := context.Background()
	s, env := eventlessStore(t)
	now := time.Now().UTC().Truncate(time.Microsecond)
	c := newCart(now)
	require.NoError(t, s.Create(ctx, c, time.Hour, nil))
	var doc string
	for lines := 1; len(doc) <= maxDecodedDoc; lines++ {
		_, err := s.Update(ctx, c.ID, time.Hour, func(c *cart.Cart) ([]commerce.Envelope, error) {
			c.Lines = append(c.Lines, cart.Line{
				ID: commerce.NewID[commerce.LineID](), SKU: "SKU-" + strconv.Itoa(lines), ProductID: commerce.NewID[commerce.ProductID](),
				VariantID: commerce.NewID[commerce.VariantID](), Title: "A mug of the large cart", Quantity: 1,
				UnitPrice: commerce.MustMoney(900, "USD"), AddedAt: now,
			})
			return nil, nil
		})
		require.NoError(t, err)
		doc, err = env.Client.Get(ctx, s.Key(c.ID)).Result()
		require.NoError(t, err)
		_, remembered := s.decoded.get(c.ID, doc)
		require.Equal(t, len(doc) <= maxDecodedDoc, remembered, "a document of %d bytes, %d lines", len(doc), lines)
	}
	got, err := s.Get(ctx, c.ID)
	require.NoError(t, err)
	_, remembered := s.decoded.get(c.ID, doc)
	assert.False(t, remembered, "a read does not remember it either")
	assert.Greater(t, len(got.Lines), 20)
}

// eventlessStore returns a store under the test's own prefix that
// discards events.
func eventlessStore(t *testing.T) (*CartStore, *testenv.RedisEnv) {
	t.Helper()
	env := testenv.Redis(t)
	s, err := NewCartStore(env.Client, &CartOptions{Prefix: env.Prefix, DiscardEvents: true})
	require.NoError(t, err)
	return s, env
}

// newCart is an empty active cart made at now, as Create takes it.
func newCart(now time.Time) cart.Cart {
	return cart.Cart{
		ID: commerce.NewID[commerce.CartID](), Currency: "USD", Status: cart.StatusActive,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(time.Hour), Version: 1,
	}
}
