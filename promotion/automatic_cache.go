package promotion

import (
	"context"
	"sync"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// DefaultAutomaticCacheTTL is AutomaticCacheOptions.TTL's default.
const DefaultAutomaticCacheTTL = time.Second

// AutomaticCacheOptions configures an AutomaticCache. A nil
// *AutomaticCacheOptions, or a zero field, takes the documented default.
type AutomaticCacheOptions struct {
	// TTL is how long, by the evaluation's clock, a read of the live
	// automatic promotions is answered again from memory. Default
	// DefaultAutomaticCacheTTL (1 second).
	TTL time.Duration
}

// AutomaticCache is a Store that remembers the answer of
// AutomaticPromotions for a short while, and passes every other call to
// the Store it wraps. Every priced cart asks for the live automatic
// promotions: one query of the database per cart response, which the
// cache turns into one per TTL.
//
// It is meant for what only shows a discount, as a cart's totals do
// (cart.Options.Discounter): a promotion created, changed or ended
// elsewhere shows up to TTL late, and a budget spent meanwhile hides its
// promotion up to TTL late. Checkout should evaluate through a Service
// on the Store itself, whose reservation checks every promotion under
// the store's locks anyway. A promotion created or updated through the
// cache itself evicts what it holds at once.
//
// The promotions handed out are copies, which the caller may modify. An
// AutomaticCache is safe for concurrent use.
type AutomaticCache struct {
	Store
	ttl time.Duration

	// refreshing admits one reader of the store at a time: the callers
	// that find the cache stale together wait for that reader's answer
	// rather than each querying the store.
	refreshing sync.Mutex

	mu sync.Mutex
	// gen counts evictions. A read that began before an eviction does not
	// store what it read: it may have read the store before the write the
	// eviction follows.
	gen     uint64
	readFor time.Time   // the now the held answer was read for
	promos  []Promotion // the held answer; nil when none is held
}

// NewAutomaticCache returns a cache in front of store. opts may be nil.
func NewAutomaticCache(store Store, opts *AutomaticCacheOptions) (*AutomaticCache, error) {
	if store == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "promotion: automatic cache needs a store").WithDetail("field", "store")
	}
	var o AutomaticCacheOptions
	if opts != nil {
		o = *opts
	}
	if o.TTL < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "promotion: automatic cache TTL must not be negative").WithDetail("field", "TTL")
	}
	if o.TTL == 0 {
		o.TTL = DefaultAutomaticCacheTTL
	}
	return &AutomaticCache{Store: store, ttl: o.TTL}, nil
}

// AutomaticPromotions implements Store: the answer read for an earlier
// now less than TTL before this one, else the wrapped store's. The window
// of each promotion is checked by the evaluation against its own now, so
// a promotion that ended meanwhile is not applied; one that started
// meanwhile waits for the next read.
func (c *AutomaticCache) AutomaticPromotions(ctx context.Context, now time.Time) ([]Promotion, error) {
	if ps, ok := c.cached(now); ok {
		return ps, nil
	}
	c.refreshing.Lock()
	defer c.refreshing.Unlock()
	if ps, ok := c.cached(now); ok {
		return ps, nil // read by the caller this one waited for
	}
	c.mu.Lock()
	gen := c.gen
	c.mu.Unlock()
	ps, err := c.Store.AutomaticPromotions(ctx, now)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.readFor, c.promos = now, clonePromotions(ps)
	}
	c.mu.Unlock()
	return ps, nil
}

// cached returns copies of the held answer if it is fresh for now.
func (c *AutomaticCache) cached(now time.Time) ([]Promotion, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.promos == nil || now.Before(c.readFor) || !now.Before(c.readFor.Add(c.ttl)) {
		return nil, false
	}
	return clonePromotions(c.promos), true
}

// Evict drops the held answer: the next AutomaticPromotions reads the
// store. Call it after changing promotions other than through the cache
// when the change must show at once.
func (c *AutomaticCache) Evict() {
	c.mu.Lock()
	c.gen++
	c.promos = nil
	c.mu.Unlock()
}

// CreatePromotion implements Store and evicts the held answer.
func (c *AutomaticCache) CreatePromotion(ctx context.Context, p Promotion) error {
	defer c.Evict()
	return c.Store.CreatePromotion(ctx, p)
}

// UpdatePromotion implements Store and evicts the held answer.
func (c *AutomaticCache) UpdatePromotion(ctx context.Context, id commerce.PromotionID, fn func(Promotion) (Promotion, error)) (Promotion, error) {
	defer c.Evict()
	return c.Store.UpdatePromotion(ctx, id, fn)
}

// clonePromotions deep-copies ps, never returning nil.
func clonePromotions(ps []Promotion) []Promotion {
	out := make([]Promotion, len(ps))
	for i, p := range ps {
		out[i] = p.Clone()
	}
	return out
}
