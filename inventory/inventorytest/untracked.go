package inventorytest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// untracked sets inventory.Options.Untracked.
func untracked(o *inventory.Options) { o.Untracked = true }

// testUntracked: with Options.Untracked, a SKU without any level reserves
// without limit, is listed in Reservation.Untracked, and settling its
// reservation never touches a level; a SKU with a level, even an empty
// one made by SetStock(0), stays tracked.
func testUntracked(t *testing.T, cfg Config) {
	f := cfg.setup(t, untracked)
	ctx := f.ctx
	f.stock("tracked", "", 2)

	id := commerce.NewID[commerce.ReservationID]()
	lines := []inventory.Line{line("tracked", 1), line("free", 3), line("free", inventory.MaxQuantity-3)}
	res, err := f.svc.Reserve(ctx, id, lines, time.Hour)
	require.NoError(t, err)
	want := inventory.Reservation{
		ID:          id,
		Lines:       []inventory.Line{line("free", inventory.MaxQuantity), line("tracked", 1)},
		Allocations: []inventory.Allocation{{SKU: "tracked", Location: inventory.DefaultLocation, Quantity: 1}},
		Untracked:   []inventory.Line{line("free", inventory.MaxQuantity)},
		Status:      inventory.StatusReserved,
		CreatedAt:   epoch, UpdatedAt: epoch, ExpiresAt: epoch.Add(time.Hour),
	}
	require.Equal(t, want, res)
	got, err := f.svc.Get(ctx, id)
	require.NoError(t, err)
	require.Equal(t, want, got, "the untracked lines are stored with the reservation")
	again, err := f.svc.Reserve(ctx, id, []inventory.Line{line("free", inventory.MaxQuantity), line("tracked", 1)}, time.Minute)
	require.NoError(t, err, "the same lines again")
	require.Equal(t, want, again)
	_, err = f.svc.Reserve(ctx, id, []inventory.Line{line("free", 1), line("tracked", 1)}, time.Hour)
	requireCode(t, commerce.CodeConflict, err, "same id, another untracked quantity")
	require.Equal(t, 1, f.available("tracked"))
	levels, err := f.svc.Levels(ctx, "free")
	require.NoError(t, err)
	require.Empty(t, levels, "an untracked reservation creates no level")

	// Another reservation of the same SKU is not limited by the first.
	other := f.reserve(line("free", 7))
	require.Empty(t, other.Allocations)
	require.Equal(t, []inventory.Line{line("free", 7)}, other.Untracked)

	// Settling touches only the tracked line, once.
	f.clock.Advance(time.Minute)
	require.NoError(t, f.svc.Deduct(ctx, id))
	require.NoError(t, f.svc.Deduct(ctx, id), "deducting twice")
	require.Equal(t, inventory.Level{SKU: "tracked", Location: inventory.DefaultLocation, OnHand: 1, UpdatedAt: epoch.Add(time.Minute)}, f.level("tracked", ""))
	requireCode(t, commerce.CodeFailedPrecondition, f.svc.Release(ctx, id), "releasing a deducted reservation")
	require.NoError(t, f.svc.Restock(ctx, id))
	require.NoError(t, f.svc.Restock(ctx, id), "restocking twice")
	require.Equal(t, 2, f.level("tracked", "").OnHand)
	require.NoError(t, f.svc.Release(ctx, other.ID))
	require.NoError(t, f.svc.Release(ctx, other.ID), "releasing twice")
	got, err = f.svc.Get(ctx, other.ID)
	require.NoError(t, err)
	require.Equal(t, inventory.StatusReleased, got.Status)
	require.Equal(t, []inventory.Line{line("free", 7)}, got.Untracked)

	// The sweeper expires an untracked reservation like any other.
	expiring, err := f.svc.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("free", 2)}, time.Minute)
	require.NoError(t, err)
	f.clock.Advance(time.Minute)
	requireCode(t, commerce.CodeFailedPrecondition, f.svc.Deduct(ctx, expiring.ID), "deducting an expired reservation")
	n, err := f.svc.ReleaseExpired(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got, err = f.svc.Get(ctx, expiring.ID)
	require.NoError(t, err)
	require.Equal(t, inventory.StatusExpired, got.Status)
	require.Empty(t, f.movements("free"), "no movement of an untracked SKU")

	// The same events as for tracked lines, naming the untracked ones.
	untrackedLines := []inventory.Line{line("free", inventory.MaxQuantity)}
	var reserved inventory.Reserved
	for _, env := range f.events.Await(t, "inventory.reserved", 3) {
		if env.AggregateID == id.String() {
			reserved = env.Payload.(inventory.Reserved)
		}
	}
	require.Equal(t, inventory.Reserved{ReservationID: id, Lines: want.Lines, Allocations: want.Allocations, Untracked: untrackedLines, ExpiresAt: want.ExpiresAt}, reserved)
	deducted := f.events.Await(t, "inventory.deducted", 1)
	require.Equal(t, inventory.Deducted{ReservationID: id, Lines: want.Lines, Allocations: want.Allocations, Untracked: untrackedLines}, deducted[0].Payload)
	restocked := f.events.Await(t, "inventory.restocked", 1)
	require.Equal(t, inventory.Restocked{ReservationID: id, Lines: want.Lines, Allocations: want.Allocations, Untracked: untrackedLines}, restocked[0].Payload)
	released := map[string]inventory.Released{}
	for _, env := range f.events.Await(t, "inventory.released", 2) {
		ev := env.Payload.(inventory.Released)
		released[ev.Reason] = ev
	}
	require.Equal(t, map[string]inventory.Released{
		inventory.ReleaseReasonReleased: {ReservationID: other.ID, Reason: inventory.ReleaseReasonReleased, Lines: other.Lines, Untracked: other.Untracked},
		inventory.ReleaseReasonExpired:  {ReservationID: expiring.ID, Reason: inventory.ReleaseReasonExpired, Lines: expiring.Lines, Untracked: expiring.Untracked},
	}, released)
	require.Len(t, f.events.Named("inventory.deducted"), 1)
	require.Len(t, f.events.Named("inventory.restocked"), 1)

	// A tracked SKU short is still out of stock, untracked lines or not.
	_, err = f.svc.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("free", 1), line("tracked", 3)}, time.Hour)
	requireCode(t, commerce.CodeOutOfStock, err)
	var oos *inventory.OutOfStockError
	require.True(t, errors.As(err, &oos))
	require.Equal(t, []inventory.Shortage{{SKU: "tracked", Requested: 3, Available: 2}}, oos.Shortages)

	// A level anywhere tracks the SKU, even where the strategy does not
	// look: the default strategy serves the default location only.
	f.stock("elsewhere", "east", 3)
	_, err = f.svc.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("elsewhere", 1)}, time.Hour)
	requireCode(t, commerce.CodeOutOfStock, err, "a SKU stocked at another location is tracked")

	// SetStock(0) stops selling an untracked SKU: it makes an empty level,
	// with no movement, and reservations made before settle untouched.
	held := f.reserve(line("free", 4))
	l, err := f.svc.SetStock(ctx, "free", "", 0, "no longer sold")
	require.NoError(t, err)
	require.Equal(t, inventory.Level{SKU: "free", Location: inventory.DefaultLocation, UpdatedAt: f.clock.Now()}, l)
	require.Equal(t, l, f.level("free", ""))
	require.Empty(t, f.movements("free"), "an empty level moves nothing")
	_, err = f.svc.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("free", 1)}, time.Hour)
	requireCode(t, commerce.CodeOutOfStock, err, "a SKU with an empty level")
	require.NoError(t, f.svc.Deduct(ctx, held.ID), "a reservation made untracked stays untracked")
	require.Equal(t, l, f.level("free", ""), "and its deduct leaves the level alone")
	_, err = f.svc.SetStock(ctx, "free", "", 0, "still not sold")
	require.NoError(t, err, "setting 0 again changes nothing")
	require.Empty(t, f.movements("free"))

	f.checkConsistent([]string{"tracked", "free", "elsewhere"}, []commerce.ReservationID{id, other.ID, expiring.ID, held.ID})

	// Without the option, a SKU without stock is out of stock.
	off := cfg.setup(t, nil)
	_, err = off.svc.Reserve(off.ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("free", 1)}, time.Hour)
	requireCode(t, commerce.CodeOutOfStock, err, "Untracked off")
}

// testRaceUntracked: many buyers of an untracked SKU at once all win, as
// do repeated deducts and releases of their reservations; then a host
// stops selling the SKU while buyers keep coming, and every reservation is
// either untracked or out of stock, never holding the new level.
func testRaceUntracked(t *testing.T, cfg Config) {
	f := cfg.setup(t, untracked)
	f.stock("hot", "", 10)
	const buyers = 40
	type result struct {
		res inventory.Reservation
		err error
	}
	// reserveAll runs n buyers at once, every fourth also taking a unit
	// of the tracked SKU when withHot, and during alongside them.
	reserveAll := func(n int, withHot bool, during func()) []result {
		start := make(chan struct{})
		results := make(chan result, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				<-start
				lines := []inventory.Line{line("free", 1+i%3)}
				if withHot && i%4 == 0 {
					lines = append(lines, line("hot", 1))
				}
				res, err := f.svc.Reserve(f.ctx, commerce.NewID[commerce.ReservationID](), lines, time.Hour)
				results <- result{res, err}
			})
		}
		if during != nil {
			wg.Go(func() { <-start; during() })
		}
		close(start)
		wg.Wait()
		close(results)
		var out []result
		for r := range results {
			out = append(out, r)
		}
		return out
	}

	var won []inventory.Reservation
	for _, r := range reserveAll(buyers, true, nil) {
		require.NoError(t, r.err, "an untracked SKU never runs out")
		require.Len(t, r.res.Untracked, 1)
		require.Equal(t, "free", r.res.Untracked[0].SKU)
		won = append(won, r.res)
	}
	require.Equal(t, 0, f.available("hot"))

	// Every settlement twice at once: each happens once.
	errs := make(chan error, 2*buyers)
	var wg sync.WaitGroup
	for i, res := range won {
		for range 2 {
			wg.Go(func() {
				if i%2 == 0 {
					errs <- wrap("deduct", f.svc.Deduct(f.ctx, res.ID))
				} else {
					errs <- wrap("release", f.svc.Release(f.ctx, res.ID))
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	ids := make([]commerce.ReservationID, len(won))
	for i, res := range won {
		ids[i] = res.ID
		got, err := f.svc.Get(f.ctx, res.ID)
		require.NoError(t, err)
		want := inventory.StatusDeducted
		if i%2 == 1 {
			want = inventory.StatusReleased
		}
		require.Equal(t, want, got.Status)
		require.Equal(t, res.Untracked, got.Untracked)
	}
	f.events.Await(t, "inventory.reserved", buyers)
	f.events.Await(t, "inventory.deducted", buyers/2)
	f.events.Await(t, "inventory.released", buyers/2)
	require.Len(t, f.events.Named("inventory.deducted"), buyers/2, "one deduct each")
	require.Len(t, f.events.Named("inventory.released"), buyers/2, "one release each")
	levels, err := f.svc.Levels(f.ctx, "free")
	require.NoError(t, err)
	require.Empty(t, levels)
	sold := 0
	for i, res := range won {
		if i%2 == 0 && len(res.Allocations) > 0 {
			sold++
		}
	}
	require.Equal(t, inventory.Level{SKU: "hot", Location: inventory.DefaultLocation, OnHand: 10 - sold, UpdatedAt: epoch}, f.level("hot", ""))

	// The host stops selling the SKU while buyers keep coming.
	late := reserveAll(buyers, false, func() {
		if _, err := f.svc.SetStock(f.ctx, "free", "", 0, "no longer sold"); err != nil {
			t.Errorf("set stock: %v", err)
		}
	})
	for _, r := range late {
		switch commerce.Code(r.err) {
		case "":
			require.Len(t, r.res.Untracked, 1, "won before the level existed")
			ids = append(ids, r.res.ID)
			require.NoError(t, f.svc.Deduct(f.ctx, r.res.ID))
		case commerce.CodeOutOfStock:
		default:
			t.Fatalf("unexpected error: %v", r.err)
		}
	}
	require.Equal(t, inventory.Level{SKU: "free", Location: inventory.DefaultLocation, UpdatedAt: epoch}, f.level("free", ""))
	_, err = f.svc.Reserve(f.ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{line("free", 1)}, time.Hour)
	requireCode(t, commerce.CodeOutOfStock, err, "after the level exists")
	f.checkConsistent([]string{"hot", "free"}, ids)
}

func wrap(op string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}
