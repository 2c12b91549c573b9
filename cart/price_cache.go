package cart

import (
	"context"
	"maps"
	"sort"
	"sync"
	"time"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// Defaults of PriceCacheOptions.
const (
	DefaultPriceCacheTTL        = 10 * time.Minute
	DefaultPriceCacheMaxEntries = 100_000
)

// PriceCacheOptions configures a PriceCache. A nil *PriceCacheOptions, or
// a zero field, takes the documented default.
type PriceCacheOptions struct {
	// TTL bounds how long a price is served from memory. Catalog events
	// evict a changed price as soon as they are handled; the TTL only
	// bounds what a cache that stops receiving them serves. Default
	// DefaultPriceCacheTTL (10 minutes).
	TTL time.Duration
	// MaxEntries bounds the number of SKUs held; a full cache starts
	// again empty. Default DefaultPriceCacheMaxEntries.
	MaxEntries int
	// Clock tells the time of expiry. Default commerce.SystemClock{}.
	Clock commerce.Clock
}

// PriceCache is a Pricer that remembers the prices another Pricer
// returned, so a cart write does not ask the catalog again for a SKU it
// has just priced. The catalog's events evict what they change: a host
// subscribes Handler(name) for each of Events() to the bus that carries
// the catalog's events. Once the handler of a change's event has
// returned, every later PriceSKUs call sees the change.
//
// Only successful prices are cached: an unknown or unpriced SKU asks the
// next Pricer every time, so a new product is priced at once. A
// PriceCache is safe for concurrent use.
type PriceCache struct {
	next       Pricer
	ttl        time.Duration
	maxEntries int
	clock      commerce.Clock

	mu sync.Mutex
	// gen counts evictions. A lookup that began before an eviction does
	// not store what it read: it may have read the catalog before the
	// change that the eviction announced.
	gen       uint64
	bySKU     map[string]map[commerce.Currency]cachedPrice
	byProduct map[commerce.ProductID]map[string]struct{}
}

type cachedPrice struct {
	price   catalog.SKUPrice
	expires time.Time
}

var _ Pricer = (*PriceCache)(nil)

// NewPriceCache returns a cache in front of next. opts may be nil.
func NewPriceCache(next Pricer, opts *PriceCacheOptions) (*PriceCache, error) {
	if next == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "cart: price cache needs a pricer").WithDetail("field", "next")
	}
	var o PriceCacheOptions
	if opts != nil {
		o = *opts
	}
	if o.TTL < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "cart: price cache TTL must not be negative").WithDetail("field", "TTL")
	}
	if o.MaxEntries < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "cart: price cache MaxEntries must not be negative").WithDetail("field", "MaxEntries")
	}
	if o.TTL == 0 {
		o.TTL = DefaultPriceCacheTTL
	}
	if o.MaxEntries == 0 {
		o.MaxEntries = DefaultPriceCacheMaxEntries
	}
	if o.Clock == nil {
		o.Clock = commerce.SystemClock{}
	}
	return &PriceCache{
		next: next, ttl: o.TTL, maxEntries: o.MaxEntries, clock: o.Clock,
		bySKU:     map[string]map[commerce.Currency]cachedPrice{},
		byProduct: map[commerce.ProductID]map[string]struct{}{},
	}, nil
}

// PriceSKUs implements Pricer: the SKUs it holds come from memory, the
// others from the next Pricer in one call, with that Pricer's errors.
func (c *PriceCache) PriceSKUs(ctx context.Context, currency commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error) {
	if len(skus) > catalog.MaxPriceSKUs {
		// The next Pricer reports the bound.
		return c.next.PriceSKUs(ctx, currency, skus...)
	}
	now := c.clock.Now()
	out := make(map[string]catalog.SKUPrice, len(skus))
	var missing []string
	c.mu.Lock()
	gen := c.gen
	for _, sku := range skus {
		if e, ok := c.bySKU[sku][currency]; ok && now.Before(e.expires) {
			out[sku] = e.price
			continue
		}
		missing = append(missing, sku)
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	found, err := c.next.PriceSKUs(ctx, currency, missing...)
	if err != nil {
		return nil, err
	}
	expires := now.Add(c.ttl)
	c.mu.Lock()
	if c.gen == gen {
		for sku, p := range found {
			c.store(sku, currency, cachedPrice{price: p, expires: expires})
		}
	}
	c.mu.Unlock()
	maps.Copy(out, found)
	return out, nil
}

// store keeps one price; c.mu is held.
func (c *PriceCache) store(sku string, currency commerce.Currency, e cachedPrice) {
	byCurrency, ok := c.bySKU[sku]
	if !ok {
		if len(c.bySKU) >= c.maxEntries {
			c.bySKU = map[string]map[commerce.Currency]cachedPrice{}
			c.byProduct = map[commerce.ProductID]map[string]struct{}{}
		}
		byCurrency = map[commerce.Currency]cachedPrice{}
		c.bySKU[sku] = byCurrency
	}
	byCurrency[currency] = e
	pid := e.price.ProductID
	if c.byProduct[pid] == nil {
		c.byProduct[pid] = map[string]struct{}{}
	}
	c.byProduct[pid][sku] = struct{}{}
}

// Evict forgets the prices of the products and SKUs named, in every
// currency. The event handlers call it; a host that changes prices
// outside the catalog's events may too.
func (c *PriceCache) Evict(products []commerce.ProductID, skus []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, pid := range products {
		for sku := range c.byProduct[pid] {
			c.evictSKU(sku)
		}
		delete(c.byProduct, pid)
	}
	for _, sku := range skus {
		c.evictSKU(sku)
	}
}

// evictSKU forgets one SKU; c.mu is held.
func (c *PriceCache) evictSKU(sku string) {
	for _, e := range c.bySKU[sku] {
		if set := c.byProduct[e.price.ProductID]; set != nil {
			delete(set, sku)
			if len(set) == 0 {
				delete(c.byProduct, e.price.ProductID)
			}
		}
	}
	delete(c.bySKU, sku)
}

// priceCacheEvents maps each catalog event that can change a SKU's price,
// title or purchasability to the products and SKUs it touches.
var priceCacheEvents = map[string]func(commerce.Event) ([]commerce.ProductID, []string){
	catalog.ProductCreated{}.EventName(): func(e commerce.Event) ([]commerce.ProductID, []string) {
		if p, ok := payload[catalog.ProductCreated](e); ok {
			return []commerce.ProductID{p.Product.ID}, variantSKUs(p.Product)
		}
		return nil, nil
	},
	catalog.ProductUpdated{}.EventName(): func(e commerce.Event) ([]commerce.ProductID, []string) {
		if p, ok := payload[catalog.ProductUpdated](e); ok {
			return []commerce.ProductID{p.Product.ID}, variantSKUs(p.Product)
		}
		return nil, nil
	},
	catalog.ProductArchived{}.EventName(): func(e commerce.Event) ([]commerce.ProductID, []string) {
		if p, ok := payload[catalog.ProductArchived](e); ok {
			return []commerce.ProductID{p.Product.ID}, variantSKUs(p.Product)
		}
		return nil, nil
	},
	catalog.ProductDeleted{}.EventName(): func(e commerce.Event) ([]commerce.ProductID, []string) {
		if p, ok := payload[catalog.ProductDeleted](e); ok {
			return []commerce.ProductID{p.ProductID}, p.SKUs
		}
		return nil, nil
	},
	catalog.VariantPriceChanged{}.EventName(): func(e commerce.Event) ([]commerce.ProductID, []string) {
		if p, ok := payload[catalog.VariantPriceChanged](e); ok {
			return []commerce.ProductID{p.ProductID}, []string{p.SKU}
		}
		return nil, nil
	},
}

// payload returns the event as an E, the type the catalog registers it
// as.
func payload[E commerce.Event](e commerce.Event) (E, bool) {
	p, ok := e.(E)
	return p, ok
}

func variantSKUs(p catalog.Product) []string {
	skus := make([]string, 0, len(p.Variants))
	for _, v := range p.Variants {
		skus = append(skus, v.SKU)
	}
	return skus
}

// Events returns the names of the catalog events that evict prices,
// sorted: a host subscribes a Handler to each.
func (c *PriceCache) Events() []string {
	names := make([]string, 0, len(priceCacheEvents))
	for n := range priceCacheEvents {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Handler returns the bus handler for event, and false when the cache
// does not listen to it. A host wires it with
//
//	for _, name := range cache.Events() {
//		h, _ := cache.Handler(name)
//		bus.Subscribe("cart-prices", name, h)
//	}
//
// The handler evicts what the event changed and returns nil; an event
// whose payload is not the expected type empties the whole cache rather
// than risk serving a stale price. Handling an event twice is harmless.
func (c *PriceCache) Handler(event string) (func(ctx context.Context, env commerce.Envelope) error, bool) {
	touched, ok := priceCacheEvents[event]
	if !ok {
		return nil, false
	}
	return func(_ context.Context, env commerce.Envelope) error {
		products, skus := touched(env.Payload)
		if products == nil && skus == nil {
			c.Clear()
			return nil
		}
		c.Evict(products, skus)
		return nil
	}, true
}

// Clear forgets every price.
func (c *PriceCache) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.bySKU = map[string]map[commerce.Currency]cachedPrice{}
	c.byProduct = map[commerce.ProductID]map[string]struct{}{}
}
