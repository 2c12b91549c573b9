package inventorytest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/inventory"
)

// Config is the suite's harness.
type Config struct {
	// NewStore returns a fresh, empty store whose committed events reach
	// events. Required.
	NewStore func(t testing.TB, events commerce.EventPublisher) inventory.Store
	// Disconnect, when set, severs the connection of the write that store
	// is running right now. The suite calls it from inside a Reserve, while
	// the store holds the level locks, and expects the write to fail and
	// leave nothing behind. Stores without connections leave it nil.
	Disconnect func(t testing.TB, store inventory.Store) error
}

// Run runs the suite against stores made by newStore.
func Run(t *testing.T, newStore func(t testing.TB, events commerce.EventPublisher) inventory.Store) {
	RunConfig(t, Config{NewStore: newStore})
}

// RunConfig runs the suite with cfg.
func RunConfig(t *testing.T, cfg Config) {
	if cfg.NewStore == nil {
		t.Fatal("inventorytest: Config.NewStore is required")
	}
	t.Run("Validation", func(t *testing.T) { testValidation(t, cfg) })
	t.Run("Stock", func(t *testing.T) { testStock(t, cfg) })
	t.Run("Movements", func(t *testing.T) { testMovements(t, cfg) })
	t.Run("ReserveDeduct", func(t *testing.T) { testReserveDeduct(t, cfg) })
	t.Run("Idempotent", func(t *testing.T) { testIdempotent(t, cfg) })
	t.Run("OutOfStock", func(t *testing.T) { testOutOfStock(t, cfg) })
	t.Run("Lifecycle", func(t *testing.T) { testLifecycle(t, cfg) })
	t.Run("Expiry", func(t *testing.T) { testExpiry(t, cfg) })
	t.Run("ExpiryBatches", func(t *testing.T) { testExpiryBatches(t, cfg) })
	t.Run("Sweeper", func(t *testing.T) { testSweeper(t, cfg) })
	t.Run("StockEvents", func(t *testing.T) { testStockEvents(t, cfg) })
	t.Run("BackInStock", func(t *testing.T) { testBackInStock(t, cfg) })
	t.Run("FirstFit", func(t *testing.T) { testFirstFit(t, cfg) })
	t.Run("DefaultLocation", func(t *testing.T) { testDefaultLocation(t, cfg) })
	t.Run("Untracked", func(t *testing.T) { testUntracked(t, cfg) })
	t.Run("Availability", func(t *testing.T) { testAvailability(t, cfg) })
	t.Run("RaceLastUnits", func(t *testing.T) { testRaceLastUnits(t, cfg) })
	t.Run("RaceMixed", func(t *testing.T) { testRaceMixed(t, cfg) })
	t.Run("RaceSameID", func(t *testing.T) { testRaceSameID(t, cfg) })
	t.Run("RaceUntracked", func(t *testing.T) { testRaceUntracked(t, cfg) })
	t.Run("CancelledMidway", func(t *testing.T) { testCancelledMidway(t, cfg) })
	if cfg.Disconnect != nil {
		t.Run("DisconnectedMidway", func(t *testing.T) { testDisconnectedMidway(t, cfg) })
	}
}

// fixture is one store, its service and what they publish.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	store  inventory.Store
	svc    *inventory.Service
	clock  *commerce.TestClock
	events *commercetest.Recorder
}

var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// setup builds a fixture; edit may change the service options.
func (cfg Config) setup(t *testing.T, edit func(*inventory.Options)) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), clock: commerce.NewTestClock(epoch), events: commercetest.NewRecorder()}
	f.store = cfg.NewStore(t, f.events)
	opts := &inventory.Options{Clock: f.clock, Logger: slog.New(slog.DiscardHandler)}
	if edit != nil {
		edit(opts)
	}
	svc, err := inventory.NewService(f.store, opts)
	require.NoError(t, err)
	f.svc = svc
	return f
}

func (f *fixture) stock(sku, location string, onHand int) {
	f.t.Helper()
	_, err := f.svc.SetStock(f.ctx, sku, location, onHand, "initial count")
	require.NoError(f.t, err)
}

func (f *fixture) reserve(lines ...inventory.Line) inventory.Reservation {
	f.t.Helper()
	res, err := f.svc.Reserve(f.ctx, commerce.NewID[commerce.ReservationID](), lines, time.Hour)
	require.NoError(f.t, err)
	return res
}

func (f *fixture) level(sku, location string) inventory.Level {
	f.t.Helper()
	l, err := f.svc.Level(f.ctx, sku, location)
	require.NoError(f.t, err)
	return l
}

func (f *fixture) available(sku string) int {
	f.t.Helper()
	n, err := f.svc.Available(f.ctx, sku)
	require.NoError(f.t, err)
	return n
}

func (f *fixture) movements(sku string) []inventory.Movement {
	f.t.Helper()
	var all []inventory.Movement
	page := commerce.PageRequest{Limit: commerce.MaxPageLimit}
	for {
		p, err := f.svc.Movements(f.ctx, sku, page)
		require.NoError(f.t, err)
		all = append(all, p.Items...)
		if !p.HasMore() {
			return all
		}
		page.Cursor = p.NextCursor
	}
}

// line is shorthand for an inventory.Line.
func line(sku string, q int) inventory.Line { return inventory.Line{SKU: sku, Quantity: q} }

// requireCode asserts err carries code.
func requireCode(t testing.TB, code commerce.ErrorCode, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Equal(t, code, commerce.Code(err), append([]any{"error: %v", err}, msgAndArgs...)...)
}

// checkConsistent asserts, for every SKU, that each level keeps
// 0 <= reserved <= on hand, that the ledger adds up to the level, and that
// the reserved reservations among ids account for exactly what is
// reserved.
func (f *fixture) checkConsistent(skus []string, ids []commerce.ReservationID) {
	f.t.Helper()
	type key struct{ sku, location string }
	held := map[key]int{}
	for _, id := range ids {
		res, err := f.svc.Get(f.ctx, id)
		if commerce.Code(err) == commerce.CodeNotFound {
			continue
		}
		require.NoError(f.t, err)
		if res.Status == inventory.StatusReserved {
			for _, a := range res.Allocations {
				held[key{a.SKU, a.Location}] += a.Quantity
			}
		}
	}
	for _, sku := range skus {
		levels, err := f.svc.Levels(f.ctx, sku)
		require.NoError(f.t, err)
		onHand, reserved := map[string]int{}, map[string]int{}
		for _, m := range f.movements(sku) {
			onHand[m.Location] += m.OnHandDelta
			reserved[m.Location] += m.ReservedDelta
		}
		for _, l := range levels {
			require.GreaterOrEqual(f.t, l.Reserved, 0, "%s at %s", sku, l.Location)
			require.LessOrEqual(f.t, l.Reserved, l.OnHand, "%s at %s", sku, l.Location)
			require.Equal(f.t, l.OnHand, onHand[l.Location], "ledger on hand of %s at %s", sku, l.Location)
			require.Equal(f.t, l.Reserved, reserved[l.Location], "ledger reserved of %s at %s", sku, l.Location)
			require.Equal(f.t, l.Reserved, held[key{sku, l.Location}], "reservations holding %s at %s", sku, l.Location)
		}
	}
}

// hookStrategy runs hook inside the store's transaction, where the
// strategy is called, then defers to FirstFitStrategy.
type hookStrategy struct{ hook func() }

func (h hookStrategy) Allocate(lines []inventory.Line, levels []inventory.Level, def string) ([]inventory.Allocation, []inventory.Shortage) {
	if h.hook != nil {
		h.hook()
	}
	return inventory.FirstFitStrategy{}.Allocate(lines, levels, def)
}
