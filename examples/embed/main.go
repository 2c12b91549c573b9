// Command embed is an existing net/http app that mounts Mercato's store
// API under /shop/, with its state in PostgreSQL and its carts in Redis.
//
//	go run ./examples/embed -postgres postgres://postgres@127.0.0.1:5432/test -redis redis://127.0.0.1:6379/0
//	curl localhost:8080/shop/store/products
//
// With -untracked, a SKU that has no stock level in Mercato sells without
// limit (inventory.Options.Untracked): the host keeps its stock itself, or
// does not count it. Setting a SKU's stock, even to 0, makes Mercato
// track it again.
//
// Payments go to the fake provider; a real shop passes adapters/stripe.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"

	"github.com/jackc/pgx/v5/pgxpool"
	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/pgbus"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	pgURL := flag.String("postgres", "postgres://postgres@127.0.0.1:5432/test", "PostgreSQL URL")
	redisURL := flag.String("redis", "redis://127.0.0.1:6379/0", "Redis URL")
	untracked := flag.Bool("untracked", false, "sell SKUs without any stock level without limit (the host keeps their stock)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg := shopConfig{PostgresURL: *pgURL, RedisURL: *redisURL, CartPrefix: "shop:cart:", Untracked: *untracked}
	if err := run(ctx, *addr, cfg); err != nil {
		slog.Error("embed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string, cfg shopConfig) error {
	shop, _, closeShop, err := openShop(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeShop(context.WithoutCancel(ctx))

	srv := &http.Server{Addr: addr, Handler: hostApp(shop)}
	go func() { <-ctx.Done(); _ = srv.Shutdown(context.WithoutCancel(ctx)) }()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// hostApp is the host's own app, with the shop mounted under /shop/.
func hostApp(shop http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "the host's home page") })
	mux.Handle("/shop/", http.StripPrefix("/shop", shop))
	return mux
}

// shopConfig is where the shop keeps its state and how it sells stock.
type shopConfig struct {
	PostgresURL string
	RedisURL    string
	// CartPrefix starts the Redis keys of carts.
	CartPrefix string
	// Untracked sells SKUs without any stock level without limit.
	Untracked bool
}

// openShop wires Mercato on PostgreSQL and Redis and returns its API, its
// services and what closes them. Events of a change commit with it
// through the outboxes and reach the bus, where a host subscribes what it
// wants.
func openShop(ctx context.Context, cfg shopConfig) (api http.Handler, svc httpapi.Services, closeShop func(context.Context), err error) {
	var closers []func(context.Context) error
	closeShop = func(ctx context.Context) {
		for i := len(closers) - 1; i >= 0; i-- {
			_ = closers[i](ctx)
		}
	}
	defer func() {
		if err != nil {
			closeShop(context.WithoutCancel(ctx))
		}
	}()

	pool, err := pgxpool.New(ctx, cfg.PostgresURL)
	if err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	closers = append(closers, func(context.Context) error { pool.Close(); return nil })
	if err := postgres.Migrate(ctx, pool); err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	ropts, err := goredis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	rdb := goredis.NewClient(ropts)
	closers = append(closers, func(context.Context) error { return rdb.Close() })
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), nil)
	if err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	closers = append(closers, bus.Close)

	outbox, err := pgbus.NewOutbox(ctx, pool, bus, nil)
	if err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	stores, err := postgres.NewStores(pool, &postgres.Options{Outbox: outbox})
	if err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	carts, err := redis.NewCartStore(rdb, &redis.CartOptions{Prefix: cfg.CartPrefix})
	if err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	pgRelay, err := pgbus.NewRelay(pool, bus, nil)
	if err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	cartRelay, err := redis.NewOutboxRelay(rdb, bus, &redis.RelayOptions{Stream: carts.OutboxStream()})
	if err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	if err := bus.Start(ctx); err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	for _, r := range []interface {
		Start(context.Context) error
		Close(context.Context) error
	}{pgRelay, cartRelay} {
		if err := r.Start(ctx); err != nil {
			return nil, httpapi.Services{}, nil, err
		}
		closers = append(closers, r.Close)
	}

	var errs [6]error
	svc.Catalog, errs[0] = catalog.NewService(stores.Catalog, nil)
	svc.Customers, errs[1] = customer.NewService(stores.Customers, nil)
	svc.Carts, errs[2] = cart.NewService(carts, svc.Catalog, nil)
	svc.Inventory, errs[3] = inventory.NewService(stores.Inventory, &inventory.Options{Untracked: cfg.Untracked})
	// The fake captures in the authorization call, as Stripe does.
	svc.Payments, errs[4] = payment.NewService(stores.Payments, fakeprovider.New(&fakeprovider.Options{AutoCapture: true}), nil)
	svc.Orders, errs[5] = order.NewService(stores.Orders, svc.Carts, svc.Inventory, svc.Payments, &order.Options{UnitOfWork: stores.Orders})
	if err := errors.Join(errs[:]...); err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	api, err = httpapi.New(svc, &httpapi.Options{AdminKey: os.Getenv("SHOP_ADMIN_KEY")})
	if err != nil {
		return nil, httpapi.Services{}, nil, err
	}
	return api, svc, closeShop, nil
}
