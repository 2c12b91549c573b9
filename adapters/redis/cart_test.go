package redis_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/cart/carttest"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/internal/testenv"
)

var quiet = slog.New(slog.DiscardHandler)

// newStore returns a store under the test's own prefix whose outbox a
// relay publishes to events until the test ends.
func newStore(t testing.TB, events commerce.EventPublisher) cart.Store {
	env := testenv.Redis(t)
	store, err := redis.NewCartStore(env.Client, &redis.CartOptions{Prefix: env.Prefix})
	require.NoError(t, err)
	startRelay(t, env, store, events, nil)
	return store
}

// startRelay relays store's outbox to events until the test ends.
func startRelay(t testing.TB, env *testenv.RedisEnv, store *redis.CartStore, events commerce.EventPublisher, edit func(*redis.RelayOptions)) *redis.OutboxRelay {
	t.Helper()
	opts := &redis.RelayOptions{Block: 50 * time.Millisecond, RetryDelay: time.Millisecond, Logger: quiet}
	if edit != nil {
		edit(opts)
	}
	relay, err := store.NewOutboxRelay(events, opts)
	require.NoError(t, err)
	require.NoError(t, relay.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, relay.Close(context.Background())) })
	return relay
}

func TestCartStore(t *testing.T) { carttest.Run(t, newStore) }

// pricer sells one SKU, MUG, at 9.00 in every currency.
type pricer struct{}

var mugProduct, mugVariant = commerce.NewID[commerce.ProductID](), commerce.NewID[commerce.VariantID]()

func (pricer) PriceSKUs(_ context.Context, currency commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error) {
	out := map[string]catalog.SKUPrice{}
	for _, sku := range skus {
		if sku != "MUG" {
			return nil, commerce.Errorf(commerce.CodeNotFound, "unknown SKU %s", sku).WithDetail("skus", []string{sku})
		}
		out[sku] = catalog.SKUPrice{
			SKU: sku, ProductID: mugProduct, VariantID: mugVariant, Title: "Mug",
			Price: commerce.MustMoney(900, currency), Purchasable: true,
		}
	}
	return out, nil
}

// service returns a cart service over a store under env's prefix.
func service(t *testing.T, env *testenv.RedisEnv, opts *cart.Options) (*redis.CartStore, *cart.Service) {
	t.Helper()
	store, err := redis.NewCartStore(env.Client, &redis.CartOptions{Prefix: env.Prefix})
	require.NoError(t, err)
	svc, err := cart.NewService(store, pricer{}, opts)
	require.NoError(t, err)
	return store, svc
}

// The layout: cart:{id} with the TTL, refreshed on every write, the
// customer index beside it, and nothing outside the prefix.
func TestCartKeysAndTTL(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	const ttl = time.Hour
	store, svc := service(t, env, &cart.Options{TTL: ttl})
	customerID := commerce.NewID[commerce.CustomerID]()
	c, err := svc.Create(ctx, cart.CreateInput{CustomerID: customerID})
	require.NoError(t, err)

	key, index := env.Prefix+c.ID.String(), env.Prefix+"customer:"+customerID.String()
	require.Equal(t, key, store.Key(c.ID))
	require.Equal(t, index, store.IndexKey(customerID))
	require.Equal(t, env.Prefix+"outbox", store.OutboxStream())
	requireTTL(t, env, key, ttl)
	requireTTL(t, env, index, ttl)
	id, err := env.Client.Get(ctx, index).Result()
	require.NoError(t, err)
	require.Equal(t, c.ID.String(), id)

	// The value is the cart as JSON, its version in front.
	doc, err := env.Client.Get(ctx, key).Bytes()
	require.NoError(t, err)
	var stored struct {
		Version int64     `json:"version"`
		Cart    cart.Cart `json:"cart"`
	}
	require.NoError(t, json.Unmarshal(doc, &stored))
	require.Equal(t, int64(1), stored.Version)
	require.Equal(t, c, stored.Cart)

	// Every write refreshes both TTLs.
	for _, k := range []string{key, index} {
		require.NoError(t, env.Client.PExpire(ctx, k, 10*time.Second).Err())
	}
	_, err = svc.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG", Quantity: 1})
	require.NoError(t, err)
	requireTTL(t, env, key, ttl)
	requireTTL(t, env, index, ttl)

	// Everything lives under the prefix.
	keys, err := env.Client.Keys(ctx, env.Prefix+"*").Result()
	require.NoError(t, err)
	require.ElementsMatch(t, []string{key, index, env.Prefix + "outbox"}, keys)
	n, err := env.Client.Exists(ctx, "cart:"+c.ID.String()).Result()
	require.NoError(t, err)
	require.Zero(t, n, "the default prefix is not used")
	entries, err := env.Client.XLen(ctx, store.OutboxStream()).Result()
	require.NoError(t, err)
	require.Equal(t, int64(2), entries, "cart.created and cart.item_added wait in the outbox")
}

func requireTTL(t *testing.T, env *testenv.RedisEnv, key string, ttl time.Duration) {
	t.Helper()
	got, err := env.Client.PTTL(context.Background(), key).Result()
	require.NoError(t, err)
	require.Greater(t, got, ttl-time.Minute, "TTL of %s", key)
	require.LessOrEqual(t, got, ttl, "TTL of %s", key)
}

// A key whose TTL passed is gone: the cart is NotFound, and so is the
// customer's cart when its index entry went too.
func TestCartExpiredKey(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	store, svc := service(t, env, nil)
	customerID := commerce.NewID[commerce.CustomerID]()
	c, err := svc.Create(ctx, cart.CreateInput{CustomerID: customerID})
	require.NoError(t, err)
	c, err = svc.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG", Quantity: 1})
	require.NoError(t, err)

	past := time.Unix(1, 0)
	require.NoError(t, env.Client.PExpireAt(ctx, store.Key(c.ID), past).Err())
	_, err = svc.Get(ctx, c.ID)
	require.Equal(t, commerce.CodeNotFound, commerce.Code(err))
	_, err = svc.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG", Quantity: 1})
	require.Equal(t, commerce.CodeNotFound, commerce.Code(err))
	_, err = svc.UpdateQuantity(ctx, c.ID, c.Lines[0].ID, 2)
	require.Equal(t, commerce.CodeNotFound, commerce.Code(err))
	_, err = svc.ForCustomer(ctx, customerID)
	require.Equal(t, commerce.CodeNotFound, commerce.Code(err), "the index names a cart that is gone")
	require.NoError(t, env.Client.PExpireAt(ctx, store.IndexKey(customerID), past).Err())
	_, err = store.CustomerCart(ctx, customerID)
	require.Equal(t, commerce.CodeNotFound, commerce.Code(err))
}

// A write that keeps losing to other writers gives up with Conflict after
// MaxAttempts; a failing connection is Unavailable; a corrupt document is
// Internal.
func TestCartStoreFailures(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	store, err := redis.NewCartStore(env.Client, &redis.CartOptions{Prefix: env.Prefix, MaxAttempts: 1, DiscardEvents: true})
	require.NoError(t, err)
	svc, err := cart.NewService(store, pricer{}, nil)
	require.NoError(t, err)
	c, err := svc.Create(ctx, cart.CreateInput{})
	require.NoError(t, err)
	_, err = svc.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG", Quantity: 1})
	require.NoError(t, err)
	_, err = store.UpdateFrom(ctx, c, time.Hour, func(*cart.Cart) ([]commerce.Envelope, error) { return nil, nil })
	require.Equal(t, commerce.CodeConflict, commerce.Code(err), "version 1 is stale and one attempt is all there is")
	n, err := env.Client.Exists(ctx, store.OutboxStream()).Result()
	require.NoError(t, err)
	require.Zero(t, n, "DiscardEvents writes no outbox")

	require.NoError(t, env.Client.Set(ctx, store.Key(c.ID), "{not json", time.Hour).Err())
	_, err = svc.Get(ctx, c.ID)
	require.Equal(t, commerce.CodeInternal, commerce.Code(err))

	require.NoError(t, env.Client.Close())
	_, err = svc.Get(ctx, c.ID)
	require.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	_, err = svc.Create(ctx, cart.CreateInput{})
	require.Equal(t, commerce.CodeUnavailable, commerce.Code(err))

	_, err = redis.NewCartStore(nil, nil)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = redis.NewCartStore(env.Client, &redis.CartOptions{MaxAttempts: -1})
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	defaults, err := redis.NewCartStore(env.Client, nil)
	require.NoError(t, err)
	require.Equal(t, "cart:outbox", defaults.OutboxStream())
	require.Equal(t, "cart:cart_x", defaults.Key("cart_x"))
}

// The relay delivers the store's events in commit order with the payloads
// the service built.
func TestCartEventsThroughRelay(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	store, svc := service(t, env, nil)
	rec := commercetest.NewRecorder()
	startRelay(t, env, store, rec, nil)
	c, err := svc.Create(ctx, cart.CreateInput{})
	require.NoError(t, err)
	c, err = svc.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG", Quantity: 2})
	require.NoError(t, err)
	got := rec.WaitFor(t, 10*time.Second, "cart.item_added", 1)
	require.Equal(t, cart.ItemAdded{
		CartID: c.ID,
		EventLine: cart.EventLine{
			LineID: c.Lines[0].ID, SKU: "MUG", ProductID: c.Lines[0].ProductID, VariantID: c.Lines[0].VariantID,
			Quantity: 2, UnitPrice: commerce.MustMoney(900, "USD"),
		},
		Added: 2,
	}, got[0].Payload)
	require.Equal(t, c.ID.String(), got[0].AggregateID)
	require.Equal(t, []string{"cart.created", "cart.item_added"}, rec.Names())
}
