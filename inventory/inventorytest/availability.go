package inventorytest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/inventory"
)

// testAvailability: Availability sums what is left over a SKU's
// locations; under Options.Untracked a SKU without any level is untracked
// and in stock however much is reserved of it, while a level, even an
// empty one, tracks it. A SKU's first level ends its unlimited stock: it
// publishes the low- and out-of-stock crossings from above any threshold,
// never back in stock. Without the option, a SKU without a level is out
// of stock.
func testAvailability(t *testing.T, cfg Config) {
	f := cfg.setup(t, untracked)
	ctx := f.ctx
	f.stock("counted", "", 2)
	f.stock("counted", "east", 3)
	f.reserve(line("counted", 2))
	require.Equal(t, inventory.Availability{SKU: "counted", Units: 3}, f.availability("counted"))
	require.True(t, f.availability("counted").InStock())

	f.reserve(line("free", 5))
	free := f.availability("free")
	require.Equal(t, inventory.Availability{SKU: "free", Untracked: true}, free, "reservations make no level")
	require.True(t, free.InStock(), "an untracked SKU is in stock")
	require.Equal(t, 0, f.available("free"), "Available counts the units kept here")

	f.stock("stopped", "", 0)
	stopped := f.availability("stopped")
	require.Equal(t, inventory.Availability{SKU: "stopped"}, stopped, "an empty level tracks the SKU")
	require.False(t, stopped.InStock())
	f.stock("few", "", 3)
	require.Equal(t, inventory.Availability{SKU: "few", Units: 3}, f.availability("few"))
	f.stock("many", "east", 50)
	require.Equal(t, inventory.Availability{SKU: "many", Units: 50}, f.availability("many"))

	// "few" runs out and comes back: the only back_in_stock, as the
	// first levels above published none.
	r := f.reserve(line("few", 3))
	require.False(t, f.availability("few").InStock())
	require.NoError(t, f.svc.Release(ctx, r.ID))
	back := f.events.Await(t, "inventory.back_in_stock", 1)
	require.Len(t, back, 1, "an untracked SKU's first level is not back in stock")
	require.Equal(t, inventory.BackInStock{SKU: "few", Available: 3}, back[0].Payload)
	outs := map[string]int{}
	for _, e := range f.events.Await(t, "inventory.out_of_stock", 2) {
		outs[e.Payload.(inventory.OutOfStock).SKU]++
	}
	require.Equal(t, map[string]int{"stopped": 1, "few": 1}, outs, "once per crossing")
	lows := map[inventory.LowStock]int{}
	for _, e := range f.events.Await(t, "inventory.low_stock", 3) {
		lows[e.Payload.(inventory.LowStock)]++
	}
	require.Equal(t, map[inventory.LowStock]int{
		{SKU: "counted", Available: 2, Threshold: inventory.DefaultLowStockThreshold}: 1,
		{SKU: "stopped", Available: 0, Threshold: inventory.DefaultLowStockThreshold}: 1,
		{SKU: "few", Available: 3, Threshold: inventory.DefaultLowStockThreshold}:     1,
	}, lows, "a first level is low from above the threshold")

	// Without the option, a SKU without a level is out of stock.
	off := cfg.setup(t, nil)
	a, err := off.svc.Availability(off.ctx, "free")
	require.NoError(t, err)
	require.Equal(t, inventory.Availability{SKU: "free"}, a)
	require.False(t, a.InStock())
}

func (f *fixture) availability(sku string) inventory.Availability {
	f.t.Helper()
	a, err := f.svc.Availability(f.ctx, sku)
	require.NoError(f.t, err)
	return a
}
