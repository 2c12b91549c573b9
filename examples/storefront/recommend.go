package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/recommend"
	"github.com/mercatohq/mercato/recommend/sample"
)

// Recommendations in the demo shop.
const (
	// recommendGroup is the consumer group of the activity collector.
	recommendGroup = "recommend"
	// batchInterval is how often the model is brought up to date with
	// the activity logged since its last run.
	batchInterval = time.Minute
	// recommendedShown is how many recommendations a page shows.
	recommendedShown = 4
	// historyShoppers is the size of the generated shopping history the
	// model is trained on at start, so the shop recommends from its first
	// page.
	historyShoppers = 200
)

// recommender is the shop's recommendation pipeline: views counted by a
// tracker, activity logged from the bus, a batch that recomputes the lists
// every minute, and the service the pages and the API read. The log and
// the lists are kept in memory whatever the other backends.
type recommender struct {
	log     *memory.ActivityLog
	store   *memory.RecommendationStore
	tracker *recommend.Tracker
	batch   *recommend.Batch
	svc     *recommend.Service
	logger  *slog.Logger
}

// newRecommender builds the pipeline over the shop's services.
func newRecommender(s *shop) (*recommender, error) {
	r := &recommender{log: memory.NewActivityLog(nil), store: memory.NewRecommendationStore(nil), logger: s.log}
	var err error
	if r.tracker, err = recommend.NewTracker(s.b.bus, &recommend.TrackerOptions{Logger: s.log}); err != nil {
		return nil, err
	}
	if r.batch, err = recommend.NewBatch(r.log, r.store, &recommend.BatchOptions{Products: s.catalog, Logger: s.log}); err != nil {
		return nil, err
	}
	r.svc, err = recommend.NewService(r.store, s.catalog, s.stock, &recommend.Options{Purchases: recommend.OrderPurchases(s.orders), Logger: s.log})
	return r, err
}

// start logs a generated shopping history over the catalog, runs the
// batch once and subscribes the collector to bus (before the bus
// starts).
func (r *recommender) start(ctx context.Context, bus *eventbus.Bus, products recommend.Products) error {
	var items []sample.Item
	for page := (commerce.PageRequest{Limit: commerce.MaxPageLimit}); ; {
		p, err := products.ListProducts(ctx, catalog.ProductFilter{Status: catalog.StatusActive}, page)
		if err != nil {
			return err
		}
		for _, prod := range p.Items {
			it := sample.Item{ID: prod.ID}
			if len(prod.CategoryIDs) > 0 {
				it.Category = prod.CategoryIDs[0]
			}
			items = append(items, it)
		}
		if p.NextCursor == "" {
			break
		}
		page.Cursor = p.NextCursor
	}
	if len(items) > 0 {
		w := sample.New(sample.Config{Seed: 1, Catalog: items, Tastes: max(len(items)/15, 1), Shoppers: historyShoppers, End: time.Now()})
		var history []recommend.Activity
		for a := range w.Activities() {
			history = append(history, a)
		}
		if err := r.log.Append(ctx, history...); err != nil {
			return fmt.Errorf("recommendation history: %w", err)
		}
	}
	if _, err := r.batch.RunBatch(ctx); err != nil {
		return fmt.Errorf("recommendation batch: %w", err)
	}
	recommend.RegisterCollectedEvents(bus.Registry())
	c, err := recommend.NewCollector(r.log)
	if err != nil {
		return err
	}
	for _, name := range c.Events() {
		h, _ := c.Handler(name)
		if err := bus.Subscribe(recommendGroup, name, h); err != nil {
			return err
		}
	}
	return nil
}

// run publishes views and runs the batch every batchInterval until ctx
// ends.
func (r *recommender) run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { _ = r.tracker.Run(ctx) })
	wg.Go(func() {
		if err := r.batch.Run(ctx, batchInterval); err != nil {
			r.logger.Error("recommendation batch stopped", "error", err)
		}
	})
	wg.Wait()
}

// forProduct returns what the product page shows beside p; a failure
// costs the page its recommendations, not the page.
func (r *recommender) forProduct(ctx context.Context, p commerce.ProductID) []recommend.Recommendation {
	recs, err := r.svc.ForProduct(ctx, p, recommendedShown)
	if err != nil {
		r.logger.Warn("recommendations failed", "product", p, "error", err)
	}
	return recs
}

// viewed counts a view of the product page by the visitor, whose cart
// cookie (if any) is their session.
func (r *recommender) viewed(p commerce.ProductID, session string) {
	r.tracker.Viewed(p, session, "")
}

// visitorSession is the visitor's session for recommendations: their
// cart's ID, when they have a cart.
func visitorSession(r *http.Request) string {
	if ck, err := r.Cookie(cartCookie); err == nil {
		return ck.Value
	}
	return ""
}

// forCart returns what goes with the products in c, taken in turn from
// each product's list, without what c holds; popular products when c is
// empty.
func (r *recommender) forCart(ctx context.Context, c cart.Cart) []recommend.Recommendation {
	inCart := map[commerce.ProductID]bool{}
	var lists [][]recommend.Recommendation
	for _, l := range c.Lines {
		if inCart[l.ProductID] {
			continue
		}
		inCart[l.ProductID] = true
		if len(lists) < recommendedShown {
			lists = append(lists, r.forProduct(ctx, l.ProductID))
		}
	}
	if len(lists) == 0 {
		recs, err := r.svc.ForCustomer(ctx, "", recommendedShown)
		if err != nil {
			r.logger.Warn("recommendations failed", "error", err)
		}
		return recs
	}
	var out []recommend.Recommendation
	for i := 0; len(out) < recommendedShown; i++ {
		more := false
		for _, l := range lists {
			if i >= len(l) {
				continue
			}
			more = true
			if p := l[i].Product.ID; !inCart[p] && len(out) < recommendedShown {
				inCart[p] = true
				out = append(out, l[i])
			}
		}
		if !more {
			break
		}
	}
	return out
}
