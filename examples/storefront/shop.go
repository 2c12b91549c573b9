package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/mercatohq/mercato/adapters/postgres/shard"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/promotion"
	"github.com/mercatohq/mercato/search"
)

// Intervals of the background workers.
const (
	recoveryInterval = 30 * time.Second
	sweepInterval    = 30 * time.Second
	purgeInterval    = 10 * time.Minute
)

// pricesGroup is the bus group of the carts' price cache.
const pricesGroup = "cart-prices"

// shopCurrency is the currency the web shop sells and searches in (the
// demo catalog is priced in USD and EUR; API clients may use either).
const shopCurrency = commerce.Currency("USD")

// shop is the whole store: the services over their backends, the search
// index fed from the bus, notifications, and the HTTP handler serving the
// web shop, the admin pages and the API.
type shop struct {
	cfg     Config
	log     *slog.Logger
	baseURL string
	b       *backends

	catalog   *catalog.Service
	customers *customer.Service
	carts     *cart.Service
	prices    *cart.PriceCache
	stock     *inventory.Service
	payments  *payment.Service
	orders    *order.Service
	promos    *promotion.Service
	search    *search.Service
	indexer   *search.Indexer
	notify    *notify.Service
	recs      *recommender
	api       *httpapi.API
	handler   http.Handler
	// web serves the pages (tests reach its signer and sessions).
	web *web

	seeded seedReport
	// giftCard is the demo gift card's code, issued at start and shown
	// on the checkout page.
	giftCard string
}

// openShop opens the backends, builds the services, seeds an empty
// catalog, builds the search index from the catalog, subscribes the
// indexer and the notifications to the bus and starts it. The shop is then
// ready to serve; Close releases it.
func openShop(ctx context.Context, cfg Config, baseURL string) (_ *shop, err error) {
	if cfg.monitor, err = newMonitor(cfg); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	cfg.Logger = cfg.monitor.logger(cfg.Logger)
	log := cfg.Logger
	b, err := openBackends(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	s := &shop{cfg: cfg, log: log, baseURL: baseURL, b: b}
	defer func() {
		if err != nil {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), connectTimeout)
			defer cancel()
			_ = b.close(cctx)
		}
	}()
	if err := s.buildServices(); err != nil {
		return nil, err
	}

	// Seed and index before the bus starts: the index is built from the
	// catalog in batches, much faster than one refresh per seeding event,
	// and the bus then keeps it current from the first request on. (The
	// in-process bus drops the seeding events, which nobody listens to
	// yet; a durable bus delivers them later, and the indexer's refreshes
	// are idempotent.)
	if s.seeded, err = seedCatalog(ctx, s.catalog, s.stock, cfg.Products, baseURL); err != nil {
		return nil, fmt.Errorf("seed the demo catalog: %w", err)
	}
	if s.giftCard, err = createDemoPromotions(ctx, s.promos); err != nil {
		return nil, fmt.Errorf("create the demo promotion: %w", err)
	}
	log.Info("demo promotion and gift card: enter code "+demoCode+" in the cart for 10% off; pay with gift card "+s.giftCard+" at checkout",
		"code", demoCode, "gift_card", s.giftCard)
	if err := s.indexer.Reindex(ctx, nil); err != nil {
		return nil, fmt.Errorf("build the search index: %w", err)
	}
	if err := subscribeIndexer(s.indexer, b.bus); err != nil {
		return nil, fmt.Errorf("subscribe the search indexer: %w", err)
	}
	for _, name := range s.prices.Events() {
		h, _ := s.prices.Handler(name)
		if err := b.bus.Subscribe(pricesGroup, name, h); err != nil {
			return nil, fmt.Errorf("subscribe the cart price cache: %w", err)
		}
	}
	if err := subscribeNotifier(s.notify, b.bus); err != nil {
		return nil, fmt.Errorf("subscribe the notifications: %w", err)
	}
	// A refund made in the provider's dashboard reaches the order too.
	if err := b.bus.Subscribe(ordersGroup, "payment.refunded", s.orders.HandlePaymentRefunded); err != nil {
		return nil, fmt.Errorf("subscribe the orders to refunds: %w", err)
	}
	if err := s.recs.start(ctx, b.bus, s.catalog); err != nil {
		return nil, err
	}
	if err := cfg.monitor.subscribe(b.bus, cfg); err != nil {
		return nil, err
	}
	if err := b.bus.Start(ctx); err != nil {
		return nil, fmt.Errorf("start the bus: %w", err)
	}
	if err := b.startRelays(ctx); err != nil {
		return nil, err
	}
	if s.handler, err = s.routes(); err != nil {
		return nil, err
	}
	return s, nil
}

// buildServices builds every service over the backends.
func (s *shop) buildServices() error {
	b, log := s.b, s.log
	var err error
	if s.catalog, err = catalog.NewService(b.catalog, nil); err != nil {
		return err
	}
	copts := &customer.Options{Logger: log, Limiter: b.limiter}
	popts := &payment.Options{Logger: log}
	oopts := &order.Options{Logger: log, Observer: s.cfg.monitor.checkout()}
	if b.sharded {
		copts.IDs, popts.IDs, oopts.IDs = shard.IDs{}, shard.IDs{}, shard.IDs{}
	}
	if s.cfg.SessionKey != "" {
		copts.Keys = map[string][]byte{"env": []byte(s.cfg.SessionKey)}
	}
	if s.customers, err = customer.NewService(b.customer, copts); err != nil {
		return err
	}
	promoOpts := &promotion.Options{Logger: log, Products: promotion.CatalogProducts(s.catalog)}
	if s.promos, err = promotion.NewService(b.promos, promoOpts); err != nil {
		return err
	}
	// Carts price through a cache the catalog's events keep current, and
	// show the automatic promotions read at most a second before; checkout
	// evaluates them from the store (s.promos).
	if s.prices, err = cart.NewPriceCache(s.catalog, nil); err != nil {
		return err
	}
	automatic, err := promotion.NewAutomaticCache(b.promos, nil)
	if err != nil {
		return err
	}
	cartPromos, err := promotion.NewService(automatic, promoOpts)
	if err != nil {
		return err
	}
	if s.carts, err = cart.NewService(b.carts, s.prices, &cart.Options{DefaultCurrency: shopCurrency, Discounter: cartPromos}); err != nil {
		return err
	}
	if s.stock, err = inventory.NewService(b.stock, &inventory.Options{Logger: log}); err != nil {
		return err
	}
	if s.payments, err = payment.NewService(b.payments, s.cfg.monitor.provider(b.provider), popts); err != nil {
		return err
	}
	oopts.Promotions, oopts.GiftCards, oopts.UnitOfWork = s.promos, s.promos, b.units
	if s.orders, err = order.NewService(b.orders, s.carts, s.stock, s.payments, oopts); err != nil {
		return err
	}
	if s.search, err = search.NewService(b.index, &search.Options{Currency: shopCurrency}); err != nil {
		return err
	}
	if s.indexer, err = search.NewIndexer(b.index, s.catalog, s.stock, &search.IndexerOptions{Logger: log}); err != nil {
		return err
	}
	if s.notify, err = openNotifier(b.notes, s.cfg.monitor.channel(b.email), s.customers, s.orders, s.baseURL, log); err != nil {
		return fmt.Errorf("notifications: %w", err)
	}
	if s.recs, err = newRecommender(s); err != nil {
		return fmt.Errorf("recommendations: %w", err)
	}
	s.api, err = httpapi.New(httpapi.Services{
		Catalog: s.catalog, Search: s.search, Carts: s.carts, Customers: s.customers,
		Orders: s.orders, Inventory: s.stock, Payments: s.payments, Recommendations: s.recs.svc, Promotions: s.promos,
	}, &httpapi.Options{AdminKey: s.cfg.AdminKey, Logger: log, Activity: s.recs.tracker})
	return err
}

// runWorkers starts the order recovery worker (finishing or compensating
// checkouts that stopped half-way), the sweeper of expired stock
// reservations and the purger of spent sessions and reset tokens. They stop when ctx ends; wait waits for that.
func (s *shop) runWorkers(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.orders.RunRecovery(ctx, recoveryInterval); err != nil {
			s.log.Error("order recovery stopped", "error", err)
		}
	})
	wg.Go(func() {
		if err := s.stock.RunSweeper(ctx, sweepInterval); err != nil {
			s.log.Error("reservation sweeper stopped", "error", err)
		}
	})
	wg.Go(func() {
		if err := s.promos.RunSweeper(ctx, sweepInterval); err != nil {
			s.log.Error("promotion sweeper stopped", "error", err)
		}
	})
	wg.Go(func() {
		if err := s.customers.RunPurger(ctx, purgeInterval); err != nil {
			s.log.Error("session purger stopped", "error", err)
		}
	})
	wg.Go(func() { s.recs.run(ctx) })
	return wg.Wait
}

// Close stops the outbox relays, drains the bus and closes the backends,
// within ctx.
func (s *shop) Close(ctx context.Context) error { return s.b.close(ctx) }
