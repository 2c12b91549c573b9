package inventorytest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce/commercetest"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

func testReserveDeduct(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	ctx := f.ctx
	f.stock("sku-a", "", 10)
	f.stock("sku-b", "", 3)
	id := commerce.NewID[commerce.ReservationID]()
	res, err := f.svc.Reserve(ctx, id, []inventory.Line{line("sku-b", 1), line("sku-a", 2), line("sku-a", 1)}, 10*time.Minute)
	require.NoError(t, err)
	want := inventory.Reservation{
		ID:    id,
		Lines: []inventory.Line{line("sku-a", 3), line("sku-b", 1)},
		Allocations: []inventory.Allocation{
			{SKU: "sku-a", Location: inventory.DefaultLocation, Quantity: 3},
			{SKU: "sku-b", Location: inventory.DefaultLocation, Quantity: 1},
		},
		Status:    inventory.StatusReserved,
		CreatedAt: epoch, UpdatedAt: epoch, ExpiresAt: epoch.Add(10 * time.Minute),
	}
	require.Equal(t, want, res)
	got, err := f.svc.Get(ctx, id)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, 7, f.available("sku-a"))
	require.Equal(t, inventory.Level{SKU: "sku-a", Location: inventory.DefaultLocation, OnHand: 10, Reserved: 3, UpdatedAt: epoch}, f.level("sku-a", ""))

	f.clock.Advance(time.Minute)
	require.NoError(t, f.svc.Deduct(ctx, id))
	require.Equal(t, inventory.Level{SKU: "sku-a", Location: inventory.DefaultLocation, OnHand: 7, Reserved: 0, UpdatedAt: epoch.Add(time.Minute)}, f.level("sku-a", ""))
	require.Equal(t, 2, f.level("sku-b", "").OnHand)
	require.Equal(t, 7, f.available("sku-a"), "deducting leaves availability as it was")
	got, err = f.svc.Get(ctx, id)
	require.NoError(t, err)
	require.Equal(t, inventory.StatusDeducted, got.Status)
	require.Equal(t, epoch.Add(time.Minute), got.UpdatedAt)

	// A zero ttl takes the default.
	res2, err := f.svc.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("sku-a", 1)}, 0)
	require.NoError(t, err)
	require.Equal(t, f.clock.Now().Add(inventory.DefaultTTL), res2.ExpiresAt)

	reserved := f.events.Await(t, "inventory.reserved", 2)
	var ev inventory.Reserved
	for _, env := range reserved {
		if env.AggregateID == id.String() {
			ev = env.Payload.(inventory.Reserved)
		}
	}
	require.Equal(t, inventory.Reserved{ReservationID: id, Lines: want.Lines, Allocations: want.Allocations, ExpiresAt: want.ExpiresAt}, ev)
	deducted := f.events.Await(t, "inventory.deducted", 1)
	require.Equal(t, inventory.Deducted{ReservationID: id, Lines: want.Lines, Allocations: want.Allocations}, deducted[0].Payload)
	require.Equal(t, id.String(), deducted[0].AggregateID)
	f.checkConsistent([]string{"sku-a", "sku-b"}, []commerce.ReservationID{id, res2.ID})
}

func testIdempotent(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	ctx := f.ctx
	f.stock("sku-a", "", 10)
	f.stock("sku-b", "", 10)
	id := commerce.NewID[commerce.ReservationID]()
	first, err := f.svc.Reserve(ctx, id, []inventory.Line{line("sku-a", 2), line("sku-b", 1)}, time.Hour)
	require.NoError(t, err)

	f.clock.Advance(time.Minute)
	again, err := f.svc.Reserve(ctx, id, []inventory.Line{line("sku-b", 1), line("sku-a", 1), line("sku-a", 1)}, time.Minute)
	require.NoError(t, err, "the same lines, summed, in another order")
	require.Equal(t, first, again)
	require.Equal(t, 8, f.available("sku-a"), "a repeated reservation reserves nothing more")

	_, err = f.svc.Reserve(ctx, id, []inventory.Line{line("sku-a", 3), line("sku-b", 1)}, time.Hour)
	requireCode(t, commerce.CodeConflict, err, "same id, other quantity")
	_, err = f.svc.Reserve(ctx, id, []inventory.Line{line("sku-a", 2)}, time.Hour)
	requireCode(t, commerce.CodeConflict, err, "same id, fewer lines")
	require.True(t, errors.Is(err, commerce.ErrConflict))

	require.NoError(t, f.svc.Release(ctx, id))
	again, err = f.svc.Reserve(ctx, id, []inventory.Line{line("sku-a", 2), line("sku-b", 1)}, time.Hour)
	require.NoError(t, err, "the same call after a release returns the released reservation")
	require.Equal(t, inventory.StatusReleased, again.Status)
	require.Equal(t, 10, f.available("sku-a"), "and does not reserve again")

	f.events.Await(t, "inventory.released", 1)
	require.Len(t, f.events.Await(t, "inventory.reserved", 1), 1)
	f.checkConsistent([]string{"sku-a", "sku-b"}, []commerce.ReservationID{id})
}

func testOutOfStock(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	ctx := f.ctx
	f.stock("sku-a", "", 5)
	f.stock("sku-b", "", 1)
	f.stock("sku-c", "", 9)
	id := commerce.NewID[commerce.ReservationID]()

	_, err := f.svc.Reserve(ctx, id, []inventory.Line{line("sku-a", 3), line("sku-c", 2), line("sku-b", 2), line("sku-z", 1)}, time.Hour)
	requireCode(t, commerce.CodeOutOfStock, err)
	require.True(t, errors.Is(err, commerce.ErrOutOfStock))
	var oos *inventory.OutOfStockError
	require.True(t, errors.As(err, &oos), "errors.As reaches the shortages: %v", err)
	want := []inventory.Shortage{{SKU: "sku-b", Requested: 2, Available: 1}, {SKU: "sku-z", Requested: 1, Available: 0}}
	require.Equal(t, want, oos.Shortages)
	var ce *commerce.Error
	require.True(t, errors.As(err, &ce))
	require.Equal(t, want, ce.Details["short"])
	require.Contains(t, err.Error(), "sku-b (requested 2, available 1)")

	// All or nothing: the lines that fit were not reserved either.
	require.Equal(t, 5, f.available("sku-a"))
	require.Equal(t, 9, f.available("sku-c"))
	_, err = f.svc.Get(ctx, id)
	requireCode(t, commerce.CodeNotFound, err, "a failed reservation leaves no trace")
	require.Len(t, f.movements("sku-a"), 1)

	// Lines naming the same SKU are summed before the check.
	_, err = f.svc.Reserve(ctx, id, []inventory.Line{line("sku-a", 3), line("sku-a", 3)}, time.Hour)
	require.True(t, errors.As(err, &oos))
	require.Equal(t, []inventory.Shortage{{SKU: "sku-a", Requested: 6, Available: 5}}, oos.Shortages)

	// The id is still free.
	res, err := f.svc.Reserve(ctx, id, []inventory.Line{line("sku-a", 5)}, time.Hour)
	require.NoError(t, err)
	require.Equal(t, 0, f.available("sku-a"))
	_, err = f.svc.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("sku-a", 1)}, time.Hour)
	require.True(t, errors.As(err, &oos))
	require.Equal(t, []inventory.Shortage{{SKU: "sku-a", Requested: 1, Available: 0}}, oos.Shortages)

	f.events.Await(t, "inventory.reserved", 1)
	f.checkConsistent([]string{"sku-a", "sku-b", "sku-c"}, []commerce.ReservationID{res.ID})
}

func testLifecycle(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	ctx := f.ctx
	f.stock("sku-a", "", 10)

	unknown := commerce.NewID[commerce.ReservationID]()
	requireCode(t, commerce.CodeNotFound, f.svc.Release(ctx, unknown))
	requireCode(t, commerce.CodeNotFound, f.svc.Deduct(ctx, unknown))
	requireCode(t, commerce.CodeNotFound, f.svc.Restock(ctx, unknown))
	_, err := f.svc.Get(ctx, unknown)
	requireCode(t, commerce.CodeNotFound, err)

	released := f.reserve(line("sku-a", 4))
	require.Equal(t, 6, f.available("sku-a"))
	requireCode(t, commerce.CodeFailedPrecondition, f.svc.Restock(ctx, released.ID), "restock before deduct")
	require.NoError(t, f.svc.Release(ctx, released.ID))
	require.Equal(t, 10, f.available("sku-a"))
	require.NoError(t, f.svc.Release(ctx, released.ID), "releasing twice")
	require.Equal(t, 10, f.available("sku-a"), "releasing twice gives back once")
	err = f.svc.Deduct(ctx, released.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err, "deducting a released reservation")
	require.Contains(t, err.Error(), "released")
	requireCode(t, commerce.CodeFailedPrecondition, f.svc.Restock(ctx, released.ID))
	got, err := f.svc.Get(ctx, released.ID)
	require.NoError(t, err)
	require.Equal(t, inventory.StatusReleased, got.Status)

	deducted := f.reserve(line("sku-a", 3))
	require.NoError(t, f.svc.Deduct(ctx, deducted.ID))
	require.NoError(t, f.svc.Deduct(ctx, deducted.ID), "deducting twice")
	require.Equal(t, 7, f.level("sku-a", "").OnHand, "deducting twice takes once")
	requireCode(t, commerce.CodeFailedPrecondition, f.svc.Release(ctx, deducted.ID), "releasing a deducted reservation")
	require.NoError(t, f.svc.Restock(ctx, deducted.ID))
	require.NoError(t, f.svc.Restock(ctx, deducted.ID), "restocking twice")
	require.Equal(t, inventory.Level{SKU: "sku-a", Location: inventory.DefaultLocation, OnHand: 10, UpdatedAt: epoch}, f.level("sku-a", ""))
	require.NoError(t, f.svc.Deduct(ctx, deducted.ID), "deducting a restocked reservation changes nothing")
	requireCode(t, commerce.CodeFailedPrecondition, f.svc.Release(ctx, deducted.ID))
	require.Equal(t, 10, f.level("sku-a", "").OnHand)

	ev := f.events.Await(t, "inventory.released", 1)
	require.Equal(t, inventory.Released{ReservationID: released.ID, Reason: inventory.ReleaseReasonReleased, Lines: released.Lines, Allocations: released.Allocations}, ev[0].Payload)
	f.events.Await(t, "inventory.deducted", 1)
	f.events.Await(t, "inventory.restocked", 1)
	f.events.Await(t, "inventory.reserved", 2)
	require.Len(t, f.events.Named("inventory.released"), 1)
	require.Len(t, f.events.Named("inventory.deducted"), 1)
	require.Len(t, f.events.Named("inventory.restocked"), 1)
	f.checkConsistent([]string{"sku-a"}, []commerce.ReservationID{released.ID, deducted.ID})
}

func testExpiry(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	ctx := f.ctx
	f.stock("sku-a", "", 10)
	short, err := f.svc.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("sku-a", 2)}, 10*time.Minute)
	require.NoError(t, err)
	long, err := f.svc.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("sku-a", 3)}, time.Hour)
	require.NoError(t, err)

	n, err := f.svc.ReleaseExpired(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is due yet")

	f.clock.Advance(10 * time.Minute)
	err = f.svc.Deduct(ctx, short.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err, "deducting at the expiry, before any sweep")
	require.Contains(t, err.Error(), "expired")
	require.Equal(t, 5, f.available("sku-a"), "a failed deduct changes nothing")

	n, err = f.svc.ReleaseExpired(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, 7, f.available("sku-a"))
	got, err := f.svc.Get(ctx, short.ID)
	require.NoError(t, err)
	require.Equal(t, inventory.StatusExpired, got.Status)
	require.Equal(t, f.clock.Now(), got.UpdatedAt)
	n, err = f.svc.ReleaseExpired(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "sweeping twice")

	err = f.svc.Deduct(ctx, short.ID)
	requireCode(t, commerce.CodeFailedPrecondition, err, "deducting an expired reservation")
	require.Contains(t, err.Error(), "expired")
	require.NoError(t, f.svc.Release(ctx, short.ID), "releasing an expired reservation is a no-op")
	require.Equal(t, 7, f.available("sku-a"))

	require.NoError(t, f.svc.Deduct(ctx, long.ID), "the other reservation is still good")
	ev := f.events.Await(t, "inventory.released", 1)
	require.Equal(t, inventory.Released{ReservationID: short.ID, Reason: inventory.ReleaseReasonExpired, Lines: short.Lines, Allocations: short.Allocations}, ev[0].Payload)
	var kinds []inventory.MovementKind
	for _, m := range f.movements("sku-a") {
		kinds = append(kinds, m.Kind)
	}
	require.Equal(t, []inventory.MovementKind{inventory.MovementAdjust, inventory.MovementReserve, inventory.MovementReserve, inventory.MovementExpire, inventory.MovementDeduct}, kinds)
	f.checkConsistent([]string{"sku-a"}, []commerce.ReservationID{short.ID, long.ID})
}

func testExpiryBatches(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	const n = 230 // more than two sweep batches
	f.stock("sku-a", "", n)
	f.stock("sku-b", "", n)
	ids := make([]commerce.ReservationID, n)
	for i := range ids {
		sku := "sku-a"
		if i%2 == 1 {
			sku = "sku-b"
		}
		ids[i] = f.reserve(line(sku, 1)).ID
	}
	f.clock.Advance(2 * time.Hour)
	released, err := f.svc.ReleaseExpired(f.ctx)
	require.NoError(t, err)
	require.Equal(t, n, released)
	require.Equal(t, n, f.available("sku-a"))
	require.Equal(t, n, f.available("sku-b"))
	f.events.Await(t, "inventory.released", n)
	f.checkConsistent([]string{"sku-a", "sku-b"}, ids)
}

func testSweeper(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	f.stock("sku-a", "", 3)
	res := f.reserve(line("sku-a", 3))
	f.clock.Advance(time.Hour)

	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	go func() { done <- f.svc.RunSweeper(ctx, time.Millisecond) }()
	require.Eventually(t, func() bool {
		got, err := f.svc.Get(f.ctx, res.ID)
		return err == nil && got.Status == inventory.StatusExpired
	}, commercetest.AwaitTimeout(t), time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	require.Equal(t, 3, f.available("sku-a"))
}

func testStockEvents(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	ctx := f.ctx
	require.NoError(t, f.svc.SetLowStockThreshold(ctx, "sku-a", 3))
	f.stock("sku-a", "", 6)
	f.stock("sku-b", "", 20)                                 // default threshold: 5
	f.reserve(line("sku-a", 2))                              // 4 left
	f.reserve(line("sku-a", 1))                              // 3: low
	r := f.reserve(line("sku-a", 1))                         // 2: still low, no event
	f.reserve(line("sku-a", 2), line("sku-b", 1))            // 0: out of stock
	require.NoError(t, f.svc.Release(ctx, r.ID))             // 1
	_, err := f.svc.Adjust(ctx, "sku-a", "", 10, "delivery") // 11
	require.NoError(t, err)
	f.reserve(line("sku-a", 8))                             // 3: low again
	f.reserve(line("sku-b", 16))                            // 20-1-16 = 3: low, from above the default threshold
	_, err = f.svc.Adjust(ctx, "sku-b", "", -3, "breakage") // 0: out of stock by an adjustment
	require.NoError(t, err)

	f.events.Await(t, "inventory.reserved", 6)
	f.events.Await(t, "inventory.released", 1)
	low := f.events.Await(t, "inventory.low_stock", 3)
	out := f.events.Await(t, "inventory.out_of_stock", 2)
	require.Len(t, low, 3, "once per crossing")
	require.Len(t, out, 2, "once per crossing")
	lows := map[inventory.LowStock]int{}
	for _, e := range low {
		lows[e.Payload.(inventory.LowStock)]++
		require.Equal(t, e.Payload.(inventory.LowStock).SKU, e.AggregateID)
	}
	require.Equal(t, map[inventory.LowStock]int{
		{SKU: "sku-a", Available: 3, Threshold: 3}: 2,
		{SKU: "sku-b", Available: 3, Threshold: 5}: 1,
	}, lows)
	outs := map[string]int{}
	for _, e := range out {
		outs[e.Payload.(inventory.OutOfStock).SKU]++
	}
	require.Equal(t, map[string]int{"sku-a": 1, "sku-b": 1}, outs)
}

// testBackInStock checks inventory.back_in_stock: once per rise from zero
// available units, whatever lifts the SKU (its first stock, an adjustment,
// a released or restocked reservation), and never while some are left.
func testBackInStock(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	ctx := f.ctx
	f.stock("sku-a", "", 2)                                 // first stock: back in stock with 2
	r := f.reserve(line("sku-a", 2))                        // 0: out of stock
	require.NoError(t, f.svc.Release(ctx, r.ID))            // 2: back
	_, err := f.svc.Adjust(ctx, "sku-a", "", 3, "delivery") // 5: still in stock, no event
	require.NoError(t, err)
	d := f.reserve(line("sku-a", 5))                           // 0: out of stock
	require.NoError(t, f.svc.Deduct(ctx, d.ID))                // still 0, no event
	require.NoError(t, f.svc.Restock(ctx, d.ID))               // 5: back
	f.stock("sku-b", "east", 0)                                // a level with nothing: no event
	_, err = f.svc.Adjust(ctx, "sku-b", "west", 4, "delivery") // back with 4
	require.NoError(t, err)

	back := f.events.Await(t, "inventory.back_in_stock", 4)
	f.events.Await(t, "inventory.out_of_stock", 2)
	got := map[inventory.BackInStock]int{}
	for _, e := range back {
		ev := e.Payload.(inventory.BackInStock)
		require.Equal(t, ev.SKU, e.AggregateID)
		got[ev]++
	}
	require.Equal(t, map[inventory.BackInStock]int{
		{SKU: "sku-a", Available: 2}: 2,
		{SKU: "sku-a", Available: 5}: 1,
		{SKU: "sku-b", Available: 4}: 1,
	}, got, "once per crossing from zero")
	require.Len(t, f.events.Named("inventory.back_in_stock"), 4)
}

func testFirstFit(t *testing.T, cfg Config) {
	f := cfg.setup(t, func(o *inventory.Options) { o.Strategy = inventory.FirstFitStrategy{} })
	ctx := f.ctx
	f.stock("sku-a", "", 2)
	f.stock("sku-a", "west", 5)
	f.stock("sku-a", "east", 5)
	f.stock("sku-b", "west", 1)

	res := f.reserve(line("sku-a", 4), line("sku-b", 1))
	require.Equal(t, []inventory.Allocation{
		{SKU: "sku-a", Location: "east", Quantity: 4},
		{SKU: "sku-b", Location: "west", Quantity: 1},
	}, res.Allocations, "the first location with enough: the default lacks, east is first by name")
	res2 := f.reserve(line("sku-a", 2))
	require.Equal(t, []inventory.Allocation{{SKU: "sku-a", Location: inventory.DefaultLocation, Quantity: 2}}, res2.Allocations, "the default location first")
	res3 := f.reserve(line("sku-a", 3))
	require.Equal(t, []inventory.Allocation{{SKU: "sku-a", Location: "west", Quantity: 3}}, res3.Allocations)
	// east 1, west 2 left: split.
	res4 := f.reserve(line("sku-a", 3))
	require.Equal(t, []inventory.Allocation{
		{SKU: "sku-a", Location: "east", Quantity: 1},
		{SKU: "sku-a", Location: "west", Quantity: 2},
	}, res4.Allocations)
	require.Equal(t, []inventory.Line{line("sku-a", 3)}, res4.Lines)
	_, err := f.svc.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("sku-a", 1)}, time.Hour)
	var oos *inventory.OutOfStockError
	require.True(t, errors.As(err, &oos))

	require.NoError(t, f.svc.Deduct(ctx, res4.ID))
	require.Equal(t, 4, f.level("sku-a", "east").OnHand)
	require.Equal(t, 3, f.level("sku-a", "west").OnHand)
	require.NoError(t, f.svc.Release(ctx, res.ID))
	require.Equal(t, 4, f.available("sku-a"))
	f.checkConsistent([]string{"sku-a", "sku-b"}, []commerce.ReservationID{res.ID, res2.ID, res3.ID, res4.ID})
}

func testDefaultLocation(t *testing.T, cfg Config) {
	f := cfg.setup(t, func(o *inventory.Options) { o.DefaultLocation = "main" })
	f.stock("sku-a", "", 2) // "" is the default location: main
	f.stock("sku-a", "east", 50)
	require.Equal(t, 2, f.level("sku-a", "main").OnHand)
	_, err := f.svc.Reserve(f.ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("sku-a", 3)}, time.Hour)
	var oos *inventory.OutOfStockError
	require.True(t, errors.As(err, &oos), "the default strategy serves the default location only: %v", err)
	require.Equal(t, []inventory.Shortage{{SKU: "sku-a", Requested: 3, Available: 2}}, oos.Shortages)
	res := f.reserve(line("sku-a", 2))
	require.Equal(t, []inventory.Allocation{{SKU: "sku-a", Location: "main", Quantity: 2}}, res.Allocations)
	require.True(t, strings.HasPrefix(res.ID.String(), "res_"))
}
