package inventorytest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

func testValidation(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	f.stock("sku-1", "", 10)
	id := commerce.NewID[commerce.ReservationID]()
	for name, call := range map[string]func() error{
		"zero id": func() error {
			_, err := f.svc.Reserve(f.ctx, "", []inventory.Line{line("sku-1", 1)}, time.Minute)
			return err
		},
		"malformed id": func() error {
			_, err := f.svc.Reserve(f.ctx, "ord_nope", []inventory.Line{line("sku-1", 1)}, time.Minute)
			return err
		},
		"no lines": func() error { _, err := f.svc.Reserve(f.ctx, id, nil, time.Minute); return err },
		"empty sku": func() error {
			_, err := f.svc.Reserve(f.ctx, id, []inventory.Line{line("", 1)}, time.Minute)
			return err
		},
		"control character in sku": func() error {
			_, err := f.svc.Reserve(f.ctx, id, []inventory.Line{line("a\nb", 1)}, time.Minute)
			return err
		},
		"zero quantity": func() error {
			_, err := f.svc.Reserve(f.ctx, id, []inventory.Line{line("sku-1", 0)}, time.Minute)
			return err
		},
		"negative quantity": func() error {
			_, err := f.svc.Reserve(f.ctx, id, []inventory.Line{line("sku-1", 1), line("sku-1", -1)}, time.Minute)
			return err
		},
		"huge quantity": func() error {
			_, err := f.svc.Reserve(f.ctx, id, []inventory.Line{line("sku-1", inventory.MaxQuantity+1)}, time.Minute)
			return err
		},
		"lines summing past the maximum": func() error {
			_, err := f.svc.Reserve(f.ctx, id, []inventory.Line{line("sku-1", inventory.MaxQuantity), line("sku-1", 1)}, time.Minute)
			return err
		},
		"negative ttl": func() error {
			_, err := f.svc.Reserve(f.ctx, id, []inventory.Line{line("sku-1", 1)}, -time.Second)
			return err
		},
		"release without id":  func() error { return f.svc.Release(f.ctx, "") },
		"deduct malformed id": func() error { return f.svc.Deduct(f.ctx, "res_x") },
		"restock without id":  func() error { return f.svc.Restock(f.ctx, "") },
		"get malformed id": func() error {
			_, err := f.svc.Get(f.ctx, "nope")
			return err
		},
		"negative stock":       func() error { _, err := f.svc.SetStock(f.ctx, "sku-1", "", -1, "count"); return err },
		"stock without reason": func() error { _, err := f.svc.SetStock(f.ctx, "sku-1", "", 3, ""); return err },
		"stock without sku":    func() error { _, err := f.svc.SetStock(f.ctx, "", "", 3, "count"); return err },
		"location with spaces": func() error { _, err := f.svc.SetStock(f.ctx, "sku-1", " east", 3, "count"); return err },
		"zero adjustment":      func() error { _, err := f.svc.Adjust(f.ctx, "sku-1", "", 0, "count"); return err },
		"huge adjustment": func() error {
			_, err := f.svc.Adjust(f.ctx, "sku-1", "", inventory.MaxQuantity+1, "count")
			return err
		},
		"negative threshold": func() error { return f.svc.SetLowStockThreshold(f.ctx, "sku-1", -1) },
		"negative page limit": func() error {
			_, err := f.svc.Movements(f.ctx, "sku-1", commerce.PageRequest{Limit: -1})
			return err
		},
		"bad cursor": func() error {
			_, err := f.svc.Movements(f.ctx, "sku-1", commerce.PageRequest{Cursor: "!!"})
			return err
		},
		"sweeper interval": func() error { return f.svc.RunSweeper(f.ctx, 0) },
	} {
		requireCode(t, commerce.CodeInvalidArgument, call(), name)
	}
	_, err := inventory.NewService(nil, nil)
	requireCode(t, commerce.CodeInvalidArgument, err, "nil store")
	_, err = inventory.NewService(f.store, &inventory.Options{DefaultTTL: -time.Second})
	requireCode(t, commerce.CodeInvalidArgument, err, "negative default ttl")

	// Nothing above changed anything.
	require.Equal(t, 10, f.available("sku-1"))
	require.Len(t, f.movements("sku-1"), 1)
	_, err = f.svc.Get(f.ctx, id)
	requireCode(t, commerce.CodeNotFound, err)
}

func testStock(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	ctx := f.ctx

	require.Equal(t, 0, f.available("unknown"), "an unknown SKU has nothing available")
	levels, err := f.svc.Levels(ctx, "unknown")
	require.NoError(t, err)
	require.Empty(t, levels)
	_, err = f.svc.Level(ctx, "unknown", "")
	requireCode(t, commerce.CodeNotFound, err)

	l, err := f.svc.SetStock(ctx, "sku-1", "", 10, "initial count")
	require.NoError(t, err)
	require.Equal(t, inventory.Level{SKU: "sku-1", Location: inventory.DefaultLocation, OnHand: 10, UpdatedAt: epoch}, l)
	f.clock.Advance(time.Minute)
	l, err = f.svc.Adjust(ctx, "sku-1", "", 5, "delivery")
	require.NoError(t, err)
	require.Equal(t, 15, l.OnHand)
	require.Equal(t, epoch.Add(time.Minute), l.UpdatedAt)
	_, err = f.svc.Adjust(ctx, "sku-1", "east", 4, "delivery")
	require.NoError(t, err)
	require.Equal(t, 19, f.available("sku-1"), "available sums every location")
	require.Equal(t, 15, f.level("sku-1", inventory.DefaultLocation).OnHand)
	_, err = f.svc.Level(ctx, "sku-1", "west")
	requireCode(t, commerce.CodeNotFound, err)
	levels, err = f.svc.Levels(ctx, "sku-1")
	require.NoError(t, err)
	require.Len(t, levels, 2)
	require.Equal(t, inventory.DefaultLocation, levels[0].Location)
	require.Equal(t, "east", levels[1].Location)
	require.Equal(t, "default", levels[0].Location, "levels are sorted by location")

	_, err = f.svc.Adjust(ctx, "sku-1", "", -16, "breakage")
	requireCode(t, commerce.CodeFailedPrecondition, err, "adjusting below zero")

	held := f.reserve(line("sku-1", 6))
	_, err = f.svc.SetStock(ctx, "sku-1", "", 5, "recount")
	requireCode(t, commerce.CodeFailedPrecondition, err, "setting stock below what is reserved")
	_, err = f.svc.Adjust(ctx, "sku-1", "", -10, "breakage")
	requireCode(t, commerce.CodeFailedPrecondition, err, "adjusting below what is reserved")
	l, err = f.svc.SetStock(ctx, "sku-1", "", 6, "recount")
	require.NoError(t, err, "setting stock to exactly what is reserved")
	require.Equal(t, 0, l.Available())
	require.Equal(t, 6, l.Reserved)

	threshold, err := f.svc.LowStockThreshold(ctx, "sku-1")
	require.NoError(t, err)
	require.Equal(t, inventory.DefaultLowStockThreshold, threshold)
	require.NoError(t, f.svc.SetLowStockThreshold(ctx, "sku-1", 2))
	threshold, err = f.svc.LowStockThreshold(ctx, "sku-1")
	require.NoError(t, err)
	require.Equal(t, 2, threshold)

	f.checkConsistent([]string{"sku-1"}, []commerce.ReservationID{held.ID})
}

func testMovements(t *testing.T, cfg Config) {
	f := cfg.setup(t, nil)
	ctx := f.ctx
	f.stock("sku-1", "", 10)
	_, err := f.svc.Adjust(ctx, "sku-1", "", -3, "breakage")
	require.NoError(t, err)
	_, err = f.svc.SetStock(ctx, "sku-1", "", 12, "recount")
	require.NoError(t, err)
	_, err = f.svc.SetStock(ctx, "sku-1", "", 12, "recount again")
	require.NoError(t, err, "setting the same stock records nothing")
	f.stock("sku-2", "", 4)
	res := f.reserve(line("sku-1", 2), line("sku-2", 1))
	require.NoError(t, f.svc.Deduct(ctx, res.ID))
	res2 := f.reserve(line("sku-1", 1))
	require.NoError(t, f.svc.Release(ctx, res2.ID))

	all := f.movements("sku-1")
	type row struct {
		kind             inventory.MovementKind
		onHand, reserved int
		reason           string
		id               commerce.ReservationID
	}
	var got []row
	for i, m := range all {
		require.Equal(t, "sku-1", m.SKU)
		require.Equal(t, inventory.DefaultLocation, m.Location)
		require.Equal(t, epoch, m.At)
		if i > 0 {
			require.Greater(t, m.ID, all[i-1].ID, "movement IDs increase")
		}
		got = append(got, row{m.Kind, m.OnHandDelta, m.ReservedDelta, m.Reason, m.ReservationID})
	}
	require.Equal(t, []row{
		{inventory.MovementAdjust, 10, 0, "initial count", ""},
		{inventory.MovementAdjust, -3, 0, "breakage", ""},
		{inventory.MovementAdjust, 5, 0, "recount", ""},
		{inventory.MovementReserve, 0, 2, "", res.ID},
		{inventory.MovementDeduct, -2, -2, "", res.ID},
		{inventory.MovementReserve, 0, 1, "", res2.ID},
		{inventory.MovementRelease, 0, -1, "", res2.ID},
	}, got)

	// Pages of two walk the same ledger.
	var paged []inventory.Movement
	page := commerce.PageRequest{Limit: 2}
	for {
		p, err := f.svc.Movements(ctx, "sku-1", page)
		require.NoError(t, err)
		require.LessOrEqual(t, len(p.Items), 2)
		paged = append(paged, p.Items...)
		if !p.HasMore() {
			break
		}
		page.Cursor = p.NextCursor
	}
	require.Equal(t, all, paged)
	require.Len(t, f.movements("sku-2"), 3)
	empty, err := f.svc.Movements(ctx, "unknown", commerce.PageRequest{})
	require.NoError(t, err)
	require.Empty(t, empty.Items)
	require.False(t, empty.HasMore())
	f.checkConsistent([]string{"sku-1", "sku-2"}, []commerce.ReservationID{res.ID, res2.ID})
	require.True(t, strings.HasPrefix(string(res.ID), "res_"))
}
