package inventorytest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// testRaceLastUnits: a hundred buyers, ten units, exactly ten winners.
func testRaceLastUnits(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	f.stock("hot", "", 10)
	const buyers = 100
	start := make(chan struct{})
	type result struct {
		id  commerce.ReservationID
		err error
	}
	results := make(chan result, buyers)
	var wg sync.WaitGroup
	for range buyers {
		wg.Go(func() {
			<-start
			id := commerce.NewID[commerce.ReservationID]()
			_, err := f.svc.Reserve(f.ctx, id, []inventory.Line{line("hot", 1)}, time.Hour)
			results <- result{id, err}
		})
	}
	close(start)
	wg.Wait()
	close(results)
	var won []commerce.ReservationID
	lost := 0
	for r := range results {
		switch commerce.Code(r.err) {
		case "":
			won = append(won, r.id)
		case commerce.CodeOutOfStock:
			lost++
		default:
			t.Fatalf("unexpected error: %v", r.err)
		}
	}
	require.Len(t, won, 10)
	require.Equal(t, 90, lost)
	require.Equal(t, inventory.Level{SKU: "hot", Location: inventory.DefaultLocation, OnHand: 10, Reserved: 10, UpdatedAt: epoch}, f.level("hot", ""))
	require.Equal(t, 0, f.available("hot"))
	f.checkConsistent([]string{"hot"}, won)
	for _, id := range won {
		require.NoError(t, f.svc.Deduct(f.ctx, id))
	}
	require.Equal(t, inventory.Level{SKU: "hot", Location: inventory.DefaultLocation, OnHand: 0, Reserved: 0, UpdatedAt: epoch}, f.level("hot", ""))
	f.events.Await(t, "inventory.reserved", 10)
	f.events.Await(t, "inventory.deducted", 10)
	f.events.Await(t, "inventory.out_of_stock", 1)
	require.Len(t, f.events.Named("inventory.reserved"), 10)
	require.Len(t, f.events.Named("inventory.out_of_stock"), 1)
	f.checkConsistent([]string{"hot"}, won)
}

// testRaceMixed: reserves, releases, deducts, deliveries and sweeps over
// overlapping SKU sets, lines in random order, two locations: no
// deadlock, no error but OutOfStock (and FailedPrecondition for what
// expired meanwhile), and consistent counters at the end.
func testRaceMixed(t *testing.T, cfg Config) {
	f := cfg.setup(t, func(o *inventory.Options) { o.Strategy = inventory.FirstFitStrategy{} })
	skus := []string{"sku-0", "sku-1", "sku-2", "sku-3", "sku-4", "sku-5"}
	for _, sku := range skus {
		f.stock(sku, "", 12)
		f.stock(sku, "east", 12)
	}
	const workers, ops = 10, 20
	start := make(chan struct{})
	errs := make(chan error, workers*ops*3+1)
	ids := make(chan commerce.ReservationID, workers*ops)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			<-start
			var mine []commerce.ReservationID
			for range ops {
				var lines []inventory.Line
				for _, i := range rng.Perm(len(skus))[:1+rng.IntN(3)] {
					lines = append(lines, line(skus[i], 1+rng.IntN(3)))
					if rng.IntN(4) == 0 { // the same SKU twice, to be summed
						lines = append(lines, line(skus[i], 1))
					}
				}
				ttl := time.Hour
				if rng.IntN(5) == 0 {
					ttl = time.Millisecond
				}
				id := commerce.NewID[commerce.ReservationID]()
				_, err := f.svc.Reserve(f.ctx, id, lines, ttl)
				switch commerce.Code(err) {
				case "":
					ids <- id
					mine = append(mine, id)
				case commerce.CodeOutOfStock:
				default:
					errs <- fmt.Errorf("reserve %v: %w", lines, err)
				}
				if len(mine) == 0 {
					continue
				}
				target := mine[rng.IntN(len(mine))]
				var op string
				switch rng.IntN(4) {
				case 0:
					op, err = "release", f.svc.Release(f.ctx, target)
				case 1:
					op, err = "deduct", f.svc.Deduct(f.ctx, target)
				case 2:
					op, err = "restock", f.svc.Restock(f.ctx, target)
				default:
					_, err = f.svc.Adjust(f.ctx, skus[rng.IntN(len(skus))], "east", 1, "delivery")
					op = "adjust"
				}
				// Release of a deducted one, deduct of a released or
				// expired one, restock of one not deducted: refused.
				if err != nil && commerce.Code(err) != commerce.CodeFailedPrecondition {
					errs <- fmt.Errorf("%s: %w", op, err)
				}
			}
		})
	}
	sweeperDone := make(chan struct{})
	go func() {
		defer close(sweeperDone)
		<-start
		for range 20 {
			f.clock.Advance(time.Millisecond)
			if _, err := f.svc.ReleaseExpired(f.ctx); err != nil {
				errs <- fmt.Errorf("sweep: %w", err)
			}
		}
	}()
	close(start)
	wg.Wait()
	<-sweeperDone
	close(errs)
	close(ids)
	for err := range errs {
		t.Errorf("%v", err)
	}
	var all []commerce.ReservationID
	for id := range ids {
		all = append(all, id)
	}
	require.NotEmpty(t, all)
	f.checkConsistent(skus, all)

	// Sweep what is left after the clock moves past every expiry, and
	// release the rest: everything reserved comes back.
	f.clock.Advance(2 * time.Hour)
	_, err := f.svc.ReleaseExpired(f.ctx)
	require.NoError(t, err)
	for _, id := range all {
		res, err := f.svc.Get(f.ctx, id)
		require.NoError(t, err)
		require.NotEqual(t, inventory.StatusReserved, res.Status)
	}
	for _, sku := range skus {
		levels, err := f.svc.Levels(f.ctx, sku)
		require.NoError(t, err)
		for _, l := range levels {
			require.Zero(t, l.Reserved, "%s at %s", sku, l.Location)
		}
	}
	f.checkConsistent(skus, all)
}

// testRaceSameID: one reservation ID reserved by twenty goroutines at
// once reserves once, and every caller gets that one reservation.
func testRaceSameID(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	f.stock("sku-a", "", 100)
	f.stock("sku-b", "", 100)
	id := commerce.NewID[commerce.ReservationID]()
	const callers = 20
	start := make(chan struct{})
	type result struct {
		res inventory.Reservation
		err error
	}
	results := make(chan result, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			<-start
			lines := []inventory.Line{line("sku-a", 2), line("sku-b", 3)}
			if i%2 == 1 {
				lines = []inventory.Line{line("sku-b", 3), line("sku-a", 1), line("sku-a", 1)}
			}
			f.clock.Advance(time.Millisecond) // every caller proposes another CreatedAt
			res, err := f.svc.Reserve(f.ctx, id, lines, time.Hour)
			results <- result{res, err}
		})
	}
	close(start)
	wg.Wait()
	close(results)
	var first *inventory.Reservation
	for r := range results {
		require.NoError(t, r.err)
		if first == nil {
			first = &r.res
			continue
		}
		require.Equal(t, *first, r.res, "every caller sees the one reservation")
	}
	require.Equal(t, 98, f.available("sku-a"))
	require.Equal(t, 97, f.available("sku-b"))
	require.Len(t, f.movements("sku-a"), 2, "one adjustment, one reservation")
	stored, err := f.svc.Get(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, *first, stored)
	f.events.Await(t, "inventory.reserved", 1)
	f.checkConsistent([]string{"sku-a", "sku-b"}, []commerce.ReservationID{id})
}

// testCancelledMidway: the caller's context ends while the store holds
// the locks, after the strategy chose: nothing of the reservation stays.
func testCancelledMidway(t *testing.T, cfg Config) {
	var mu sync.Mutex
	var cut func()
	f := cfg.setup(t, func(o *inventory.Options) {
		o.Strategy = hookStrategy{hook: func() {
			mu.Lock()
			defer mu.Unlock()
			if cut != nil {
				cut()
			}
		}}
	})
	f.stock("sku-a", "", 5)
	f.stock("sku-b", "", 5)
	ctx, cancel := context.WithCancel(f.ctx)
	mu.Lock()
	cut = cancel
	mu.Unlock()
	id := commerce.NewID[commerce.ReservationID]()
	lines := []inventory.Line{line("sku-a", 2), line("sku-b", 5)}
	_, err := f.svc.Reserve(ctx, id, lines, time.Hour)
	requireCode(t, commerce.CodeUnavailable, err, "a write cut off by its context")
	mu.Lock()
	cut = nil
	mu.Unlock()
	f.requireUntouched(id, map[string]int{"sku-a": 5, "sku-b": 5})

	// The ID is free: the retry reserves, once.
	res, err := f.svc.Reserve(f.ctx, id, lines, time.Hour)
	require.NoError(t, err)
	require.Equal(t, inventory.StatusReserved, res.Status)
	require.Equal(t, 3, f.available("sku-a"))
	f.events.Await(t, "inventory.reserved", 1)
	f.checkConsistent([]string{"sku-a", "sku-b"}, []commerce.ReservationID{id})

	// A release cut off the same way leaves the reservation held.
	ctx, cancel = context.WithCancel(f.ctx)
	cancel()
	requireCode(t, commerce.CodeUnavailable, f.svc.Release(ctx, id))
	got, err := f.svc.Get(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, inventory.StatusReserved, got.Status)
	f.checkConsistent([]string{"sku-a", "sku-b"}, []commerce.ReservationID{id})
}

// testDisconnectedMidway: the store's connection dies while it holds the
// locks: nothing of the reservation stays and the locks are freed.
func testDisconnectedMidway(t *testing.T, cfg Config) {
	var mu sync.Mutex
	var disconnect bool
	var disconnectErr error
	var f *fixture
	f = cfg.setup(t, func(o *inventory.Options) {
		o.Strategy = hookStrategy{hook: func() {
			mu.Lock()
			defer mu.Unlock()
			if disconnect {
				disconnect = false
				disconnectErr = cfg.Disconnect(t, f.store)
			}
		}}
	})
	f.stock("sku-a", "", 5)
	f.stock("sku-b", "", 5)
	mu.Lock()
	disconnect = true
	mu.Unlock()
	id := commerce.NewID[commerce.ReservationID]()
	lines := []inventory.Line{line("sku-a", 2), line("sku-b", 5)}
	_, err := f.svc.Reserve(f.ctx, id, lines, time.Hour)
	mu.Lock()
	require.NoError(t, disconnectErr, "disconnecting")
	mu.Unlock()
	requireCode(t, commerce.CodeUnavailable, err, "a write whose connection died")
	f.requireUntouched(id, map[string]int{"sku-a": 5, "sku-b": 5})

	res, err := f.svc.Reserve(f.ctx, id, lines, time.Hour)
	require.NoError(t, err, "the retry finds the locks free and the ID unused")
	require.Equal(t, inventory.StatusReserved, res.Status)
	require.Equal(t, 0, f.available("sku-b"))
	f.events.Await(t, "inventory.reserved", 1)
	f.checkConsistent([]string{"sku-a", "sku-b"}, []commerce.ReservationID{id})
}

// requireUntouched asserts that reservation id does not exist and the
// SKUs have exactly their initial stock, unreserved, with one movement.
func (f *fixture) requireUntouched(id commerce.ReservationID, onHand map[string]int) {
	f.t.Helper()
	_, err := f.svc.Get(f.ctx, id)
	requireCode(f.t, commerce.CodeNotFound, err, "no partial reservation")
	for sku, n := range onHand {
		l := f.level(sku, "")
		require.Equal(f.t, n, l.OnHand, sku)
		require.Zero(f.t, l.Reserved, sku)
		require.Len(f.t, f.movements(sku), 1, sku)
	}
	require.Empty(f.t, f.events.Named("inventory.reserved"))
}
