package cart_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// eventLog records the catalog's events so a test decides when they are
// handled.
type eventLog struct {
	mu     sync.Mutex
	events []commerce.Envelope
}

func (l *eventLog) Publish(_ context.Context, events ...commerce.Envelope) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, events...)
	return nil
}

// take returns the events recorded since the last take.
func (l *eventLog) take() []commerce.Envelope {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.events
	l.events = nil
	return out
}

// countingPricer counts the SKUs asked of the catalog.
type countingPricer struct {
	next  cart.Pricer
	asked atomic.Int64
}

func (p *countingPricer) PriceSKUs(ctx context.Context, currency commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error) {
	p.asked.Add(int64(len(skus)))
	return p.next.PriceSKUs(ctx, currency, skus...)
}

type cacheWorld struct {
	catalog *catalog.Service
	log     *eventLog
	counter *countingPricer
	cache   *cart.PriceCache
	mug     catalog.Product
}

func newCacheWorld(t *testing.T, opts *cart.PriceCacheOptions) *cacheWorld {
	t.Helper()
	w := &cacheWorld{log: &eventLog{}}
	var err error
	w.catalog, err = catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: w.log}), nil)
	require.NoError(t, err)
	w.mug, err = w.catalog.CreateProduct(context.Background(), catalog.ProductInput{
		Title: "Stoneware Mug", Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{
			{SKU: "MUG-RED", Options: map[string]string{"colour": "Red"}, Prices: []commerce.Money{commerce.MustMoney(1200, "USD"), commerce.MustMoney(1100, "EUR")}},
			{SKU: "MUG-BLUE", Options: map[string]string{"colour": "Blue"}, Prices: []commerce.Money{commerce.MustMoney(1300, "USD")}},
		},
	})
	require.NoError(t, err)
	w.counter = &countingPricer{next: w.catalog}
	w.cache, err = cart.NewPriceCache(w.counter, opts)
	require.NoError(t, err)
	w.handle(t)
	return w
}

// handle hands every recorded event to the cache's handlers, as a bus
// would.
func (w *cacheWorld) handle(t *testing.T) {
	t.Helper()
	for _, env := range w.log.take() {
		if h, ok := w.cache.Handler(env.Name); ok {
			require.NoError(t, h(context.Background(), env))
		}
	}
}

func (w *cacheWorld) price(t *testing.T, currency commerce.Currency, sku string) catalog.SKUPrice {
	t.Helper()
	got, err := w.cache.PriceSKUs(context.Background(), currency, sku)
	require.NoError(t, err)
	return got[sku]
}

func (w *cacheWorld) setRedPrice(t *testing.T, amount int64) {
	t.Helper()
	red := w.mug.Variants[0]
	_, err := w.catalog.UpdateVariant(context.Background(), w.mug.ID, red.ID, catalog.VariantInput{
		SKU: red.SKU, Options: red.Options,
		Prices: []commerce.Money{commerce.MustMoney(amount, "USD"), commerce.MustMoney(1100, "EUR")},
	})
	require.NoError(t, err)
}

func TestPriceCacheServesRepeatsFromMemory(t *testing.T) {
	w := newCacheWorld(t, nil)
	ctx := context.Background()
	got, err := w.cache.PriceSKUs(ctx, "USD", "MUG-RED", "MUG-BLUE")
	require.NoError(t, err)
	assert.Equal(t, int64(1200), got["MUG-RED"].Price.Amount())
	assert.Equal(t, int64(1300), got["MUG-BLUE"].Price.Amount())
	assert.Equal(t, "Stoneware Mug (Red)", got["MUG-RED"].Title, "the cache returns what the catalog returned")
	require.Equal(t, int64(2), w.counter.asked.Load())

	for range 3 {
		again, err := w.cache.PriceSKUs(ctx, "USD", "MUG-RED", "MUG-BLUE")
		require.NoError(t, err)
		assert.Equal(t, got, again)
	}
	assert.Equal(t, int64(2), w.counter.asked.Load(), "repeats must not reach the catalog")

	// Another currency is another price: asked once, for that SKU only.
	assert.Equal(t, int64(1100), w.price(t, "EUR", "MUG-RED").Price.Amount())
	assert.Equal(t, int64(1200), w.price(t, "USD", "MUG-RED").Price.Amount())
	assert.Equal(t, int64(3), w.counter.asked.Load())
}

func TestPriceCacheSeesAPriceChangeOnceItsEventIsHandled(t *testing.T) {
	w := newCacheWorld(t, nil)
	require.Equal(t, int64(1200), w.price(t, "USD", "MUG-RED").Price.Amount())
	require.Equal(t, int64(1100), w.price(t, "EUR", "MUG-RED").Price.Amount())

	w.setRedPrice(t, 1450)
	// Until its event is handled the cache may serve the old price: that
	// is the window the bus's latency opens.
	assert.Equal(t, int64(1200), w.price(t, "USD", "MUG-RED").Price.Amount())

	w.handle(t)
	assert.Equal(t, int64(1450), w.price(t, "USD", "MUG-RED").Price.Amount())
	assert.Equal(t, int64(1100), w.price(t, "EUR", "MUG-RED").Price.Amount())

	// Through a cart: the line captures the new price.
	carts, err := cart.NewService(memory.NewCartStore(&memory.Options{Events: commerce.DiscardEvents{}}), w.cache, nil)
	require.NoError(t, err)
	c, err := carts.Create(context.Background(), cart.CreateInput{})
	require.NoError(t, err)
	c, err = carts.AddItem(context.Background(), c.ID, cart.AddItemInput{SKU: "MUG-RED", Quantity: 1})
	require.NoError(t, err)
	require.Len(t, c.Lines, 1)
	assert.Equal(t, int64(1450), c.Lines[0].UnitPrice.Amount())
}

func TestPriceCacheSeesArchiveAndDeleteOnceHandled(t *testing.T) {
	w := newCacheWorld(t, nil)
	ctx := context.Background()
	require.True(t, w.price(t, "USD", "MUG-BLUE").Purchasable)

	_, err := w.catalog.ArchiveProduct(ctx, w.mug.ID)
	require.NoError(t, err)
	w.handle(t)
	assert.False(t, w.price(t, "USD", "MUG-BLUE").Purchasable, "an archived product is not purchasable")

	require.NoError(t, w.catalog.DeleteProduct(ctx, w.mug.ID))
	w.handle(t)
	_, err = w.cache.PriceSKUs(ctx, "USD", "MUG-BLUE")
	assert.Equal(t, commerce.CodeNotFound, commerce.Code(err), "a deleted SKU is unknown: %v", err)
}

func TestPriceCacheDoesNotCacheFailures(t *testing.T) {
	w := newCacheWorld(t, nil)
	ctx := context.Background()
	_, err := w.cache.PriceSKUs(ctx, "USD", "MUG-RED", "MUG-GREEN")
	require.Equal(t, commerce.CodeNotFound, commerce.Code(err))
	var ce *commerce.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []string{"MUG-GREEN"}, ce.Details["skus"], "the catalog's detail names the offending SKU")

	_, err = w.cache.PriceSKUs(ctx, "JPY", "MUG-BLUE")
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err))

	// A product created afterwards is priced at once.
	_, err = w.catalog.CreateProduct(ctx, catalog.ProductInput{
		Title: "Teapot", Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{{SKU: "MUG-GREEN", Prices: []commerce.Money{commerce.MustMoney(2500, "USD")}}},
	})
	require.NoError(t, err)
	assert.Equal(t, int64(2500), w.price(t, "USD", "MUG-GREEN").Price.Amount())
}

// blockingPricer answers with a fixed price once released, so a test can
// evict while a lookup is between its read and its store.
type blockingPricer struct {
	entered chan struct{}
	release chan struct{}
	amount  atomic.Int64
	calls   atomic.Int64
}

func (p *blockingPricer) PriceSKUs(_ context.Context, currency commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error) {
	amount := p.amount.Load()
	if p.calls.Add(1) == 1 {
		p.entered <- struct{}{}
		<-p.release
	}
	out := map[string]catalog.SKUPrice{}
	for _, sku := range skus {
		out[sku] = catalog.SKUPrice{SKU: sku, ProductID: "prod_1", Price: commerce.MustMoney(amount, currency), Purchasable: true}
	}
	return out, nil
}

func TestPriceCacheDropsALookupThatRacedAnEviction(t *testing.T) {
	p := &blockingPricer{entered: make(chan struct{}), release: make(chan struct{})}
	p.amount.Store(100)
	cache, err := cart.NewPriceCache(p, nil)
	require.NoError(t, err)
	ctx := context.Background()

	type result struct {
		amount int64
		err    error
	}
	done := make(chan result, 1)
	go func() {
		got, err := cache.PriceSKUs(ctx, "USD", "SKU-1")
		done <- result{got["SKU-1"].Price.Amount(), err}
	}()
	<-p.entered // the lookup has read the old price
	p.amount.Store(200)
	cache.Evict([]commerce.ProductID{"prod_1"}, nil)
	close(p.release)
	r := <-done
	require.NoError(t, r.err)
	assert.Equal(t, int64(100), r.amount, "the racing lookup answers what it read")

	got, err := cache.PriceSKUs(ctx, "USD", "SKU-1")
	require.NoError(t, err)
	assert.Equal(t, int64(200), got["SKU-1"].Price.Amount(), "the read from before the eviction must not have been cached")
	assert.Equal(t, int64(2), p.calls.Load())
}

func TestPriceCacheExpiresAfterTTL(t *testing.T) {
	clock := commerce.NewTestClock(time.Date(2030, 5, 1, 9, 0, 0, 0, time.UTC))
	w := newCacheWorld(t, &cart.PriceCacheOptions{TTL: time.Minute, Clock: clock})
	w.price(t, "USD", "MUG-RED")
	w.price(t, "USD", "MUG-RED")
	require.Equal(t, int64(1), w.counter.asked.Load())
	clock.Advance(time.Minute)
	w.price(t, "USD", "MUG-RED")
	assert.Equal(t, int64(2), w.counter.asked.Load(), "an expired price is asked again")
}

func TestPriceCacheBoundsItsEntries(t *testing.T) {
	w := newCacheWorld(t, &cart.PriceCacheOptions{MaxEntries: 1})
	w.price(t, "USD", "MUG-RED")
	w.price(t, "USD", "MUG-BLUE") // full: starts again with MUG-BLUE
	w.price(t, "USD", "MUG-BLUE")
	assert.Equal(t, int64(2), w.counter.asked.Load())
	w.price(t, "USD", "MUG-RED")
	assert.Equal(t, int64(3), w.counter.asked.Load())
}

func TestPriceCacheHandlers(t *testing.T) {
	w := newCacheWorld(t, nil)
	assert.Equal(t, []string{"product.archived", "product.created", "product.deleted", "product.updated", "variant.price_changed"}, w.cache.Events())
	for _, name := range w.cache.Events() {
		_, ok := w.cache.Handler(name)
		assert.True(t, ok, name)
	}
	_, ok := w.cache.Handler("review.created")
	assert.False(t, ok, "reviews do not change prices")

	// A payload of an unexpected type empties the cache rather than
	// leaving a stale price behind.
	w.price(t, "USD", "MUG-RED")
	h, _ := w.cache.Handler("product.updated")
	require.NoError(t, h(context.Background(), commerce.Envelope{Name: "product.updated", Payload: catalog.ReviewCreated{}}))
	w.price(t, "USD", "MUG-RED")
	assert.Equal(t, int64(2), w.counter.asked.Load())
}

func TestNewPriceCacheRejectsBadOptions(t *testing.T) {
	_, err := cart.NewPriceCache(nil, nil)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = cart.NewPriceCache(&countingPricer{}, &cart.PriceCacheOptions{TTL: -time.Second})
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = cart.NewPriceCache(&countingPricer{}, &cart.PriceCacheOptions{MaxEntries: -1})
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

// A cart service prices through a cache that the catalog's events keep
// current.
func ExamplePriceCache() {
	ctx := context.Background()
	events := &eventLog{}
	products, _ := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: events}), nil)
	mug, _ := products.CreateProduct(ctx, catalog.ProductInput{
		Title: "Stoneware Mug", Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{{SKU: "MUG-RED", Prices: []commerce.Money{commerce.MustMoney(1200, "USD")}}},
	})
	prices, _ := cart.NewPriceCache(products, nil)
	// A host subscribes each handler to its bus; here the events are
	// handed over by hand.
	deliver := func() {
		for _, env := range events.take() {
			if h, ok := prices.Handler(env.Name); ok {
				_ = h(ctx, env)
			}
		}
	}
	carts, _ := cart.NewService(memory.NewCartStore(&memory.Options{Events: commerce.DiscardEvents{}}), prices, nil)
	c, _ := carts.Create(ctx, cart.CreateInput{})
	c, _ = carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG-RED", Quantity: 1})
	fmt.Println(c.Lines[0].UnitPrice)

	v := mug.Variants[0]
	_, _ = products.UpdateVariant(ctx, mug.ID, v.ID, catalog.VariantInput{SKU: v.SKU, Prices: []commerce.Money{commerce.MustMoney(1400, "USD")}})
	deliver()
	totals, _ := carts.Totals(ctx, c.ID)
	fmt.Println(totals.Lines[0].UnitPrice, totals.PriceChanged)
	// Output:
	// 12.00 USD
	// 14.00 USD true
}
