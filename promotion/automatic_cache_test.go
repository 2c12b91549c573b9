package promotion_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// countedStore counts the reads of the live automatic promotions, and
// fails them while fail is set.
type countedStore struct {
	promotion.Store
	reads atomic.Int64
	fail  atomic.Bool
}

func (s *countedStore) AutomaticPromotions(ctx context.Context, now time.Time) ([]promotion.Promotion, error) {
	s.reads.Add(1)
	if s.fail.Load() {
		return nil, commerce.Errorf(commerce.CodeUnavailable, "the store is down")
	}
	return s.Store.AutomaticPromotions(ctx, now)
}

type cacheEnv struct {
	ctx    context.Context
	clock  *commerce.TestClock
	store  *countedStore
	cache  *promotion.AutomaticCache
	cached *promotion.Service // evaluates through the cache
	direct *promotion.Service // writes past the cache, as another process would
}

func newCacheEnv(t *testing.T) *cacheEnv {
	t.Helper()
	e := &cacheEnv{ctx: context.Background(), clock: commerce.NewTestClock(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))}
	e.store = &countedStore{Store: memory.NewPromotionStore(nil)}
	var err error
	e.cache, err = promotion.NewAutomaticCache(e.store, &promotion.AutomaticCacheOptions{TTL: time.Second})
	require.NoError(t, err)
	e.cached, err = promotion.NewService(e.cache, &promotion.Options{Clock: e.clock})
	require.NoError(t, err)
	e.direct, err = promotion.NewService(e.store.Store, &promotion.Options{Clock: e.clock})
	require.NoError(t, err)
	return e
}

// automatic creates, through svc, a live automatic promotion of pct
// percent off everything in USD.
func (e *cacheEnv) automatic(t *testing.T, svc *promotion.Service, pct int) promotion.Promotion {
	t.Helper()
	p, err := svc.CreatePromotion(e.ctx, promotion.PromotionInput{
		Name: "sale", Trigger: promotion.TriggerAutomatic, Conditions: promotion.Conditions{Currency: "USD"},
		Actions: []promotion.Action{{Kind: promotion.ActionPercentOff, BasisPoints: int64(pct) * 100}},
	})
	require.NoError(t, err)
	return p
}

// discount evaluates a basket of one 100.00 USD line through the cache.
func (e *cacheEnv) discount(t *testing.T) commerce.Money {
	t.Helper()
	price := commerce.MustMoney(10000, "USD")
	res, err := e.cached.Evaluate(e.ctx, promotion.Basket{Currency: "USD", Lines: []promotion.BasketLine{{SKU: "mug", Quantity: 1, UnitPrice: price, Total: price}}})
	require.NoError(t, err)
	return res.Discount
}

func TestAutomaticCacheReadsOncePerTTL(t *testing.T) {
	e := newCacheEnv(t)
	e.automatic(t, e.direct, 10)

	assert.Equal(t, "10.00 USD", e.discount(t).String())
	assert.Equal(t, "10.00 USD", e.discount(t).String())
	e.clock.Advance(999 * time.Millisecond)
	assert.Equal(t, "10.00 USD", e.discount(t).String())
	assert.EqualValues(t, 1, e.store.reads.Load(), "evaluations within the TTL read the store once")

	// A promotion created past the cache shows once the TTL has passed.
	e.automatic(t, e.direct, 5)
	assert.Equal(t, "10.00 USD", e.discount(t).String(), "within the TTL the cache answers")
	e.clock.Advance(time.Millisecond)
	assert.Equal(t, "14.50 USD", e.discount(t).String(), "past the TTL the store answers: 5% more, of what 10% left")
	assert.EqualValues(t, 2, e.store.reads.Load())

	// A clock that went back reads again rather than trust an answer read
	// for a later time.
	e.clock.Advance(-time.Minute)
	e.discount(t)
	assert.EqualValues(t, 3, e.store.reads.Load())
}

func TestAutomaticCacheEvictsOnItsOwnWrites(t *testing.T) {
	e := newCacheEnv(t)
	assert.True(t, e.discount(t).IsZero())

	p := e.automatic(t, e.cached, 10)
	assert.Equal(t, "10.00 USD", e.discount(t).String(), "a promotion created through the cache shows at once")

	off := false
	_, err := e.cached.UpdatePromotion(e.ctx, p.ID, p.Version, promotion.PromotionInput{
		Name: p.Name, Trigger: p.Trigger, Conditions: p.Conditions, Actions: p.Actions, Active: &off,
	})
	require.NoError(t, err)
	assert.True(t, e.discount(t).IsZero(), "a promotion deactivated through the cache stops at once")

	e.automatic(t, e.direct, 20)
	assert.True(t, e.discount(t).IsZero(), "a write past the cache waits for the TTL")
	e.cache.Evict()
	assert.Equal(t, "20.00 USD", e.discount(t).String(), "or for Evict")
}

func TestAutomaticCacheHandsOutCopies(t *testing.T) {
	e := newCacheEnv(t)
	e.automatic(t, e.direct, 10)
	now := e.clock.Now()
	first, err := e.cache.AutomaticPromotions(e.ctx, now)
	require.NoError(t, err)
	require.Len(t, first, 1)
	first[0].Actions[0].BasisPoints = 9000
	first[0].Name = "changed"

	again, err := e.cache.AutomaticPromotions(e.ctx, now)
	require.NoError(t, err)
	require.Len(t, again, 1)
	assert.Equal(t, "sale", again[0].Name)
	assert.EqualValues(t, 1000, again[0].Actions[0].BasisPoints)
	assert.EqualValues(t, 1, e.store.reads.Load())
}

func TestAutomaticCacheKeepsNoFailure(t *testing.T) {
	e := newCacheEnv(t)
	e.automatic(t, e.direct, 10)
	e.store.fail.Store(true)
	_, err := e.cache.AutomaticPromotions(e.ctx, e.clock.Now())
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err))

	e.store.fail.Store(false)
	assert.Equal(t, "10.00 USD", e.discount(t).String(), "a failed read is asked again at once")
	assert.EqualValues(t, 2, e.store.reads.Load())
}

// blockingStore holds its reads of the automatic promotions until
// release is closed.
type blockingStore struct {
	*countedStore
	started chan struct{}
	release chan struct{}
}

func (s *blockingStore) AutomaticPromotions(ctx context.Context, now time.Time) ([]promotion.Promotion, error) {
	select {
	case s.started <- struct{}{}:
	default:
	}
	<-s.release
	return s.countedStore.AutomaticPromotions(ctx, now)
}

func TestAutomaticCacheOneReadForConcurrentCallers(t *testing.T) {
	e := newCacheEnv(t)
	e.automatic(t, e.direct, 10)
	store := &blockingStore{countedStore: e.store, started: make(chan struct{}, 1), release: make(chan struct{})}
	cache, err := promotion.NewAutomaticCache(store, nil)
	require.NoError(t, err)

	const callers = 16
	now := e.clock.Now()
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			ps, err := cache.AutomaticPromotions(e.ctx, now)
			if err == nil && len(ps) != 1 {
				err = errors.New("want the one promotion")
			}
			errs <- err
		})
	}
	select {
	case <-store.started:
	case <-time.After(10 * time.Second):
		t.Fatal("no caller read the store")
	}
	close(store.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.EqualValues(t, 1, e.store.reads.Load(), "callers that find the cache stale together share one read")
}

func TestNewAutomaticCacheRefusesBadInput(t *testing.T) {
	_, err := promotion.NewAutomaticCache(nil, nil)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = promotion.NewAutomaticCache(memory.NewPromotionStore(nil), &promotion.AutomaticCacheOptions{TTL: -time.Second})
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}
