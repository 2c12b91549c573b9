package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// SetStockRequest is the body of PUT /admin/inventory/{sku}: the units on
// hand to set, at a location (default: the shop's default location),
// with the reason the ledger records.
type SetStockRequest struct {
	Quantity int    `json:"quantity"`
	Location string `json:"location,omitempty"`
	// Reason defaults to "stock set through the admin API".
	Reason string `json:"reason,omitempty"`
}

// setStockBody is what SetStockRequest decodes into: the same fields,
// with quantity a pointer so a missing one is told from 0.
type setStockBody struct {
	Quantity *int   `json:"quantity"`
	Location string `json:"location,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// AdjustStockRequest is the body of POST /admin/inventory/{sku}/adjust:
// units to add (a delivery) or remove (a breakage), and why.
type AdjustStockRequest struct {
	Delta    int    `json:"delta"`
	Location string `json:"location,omitempty"`
	Reason   string `json:"reason"`
}

// SKUStock is a SKU's stock: totals over its locations and each location.
type SKUStock struct {
	SKU    string `json:"sku"`
	OnHand int    `json:"on_hand"`
	// Reserved is the part of on hand promised to open reservations.
	Reserved int `json:"reserved"`
	// Available is what may still be reserved (never below 0 per
	// location).
	Available int `json:"available"`
	// Untracked is true when the SKU has no level and the inventory sells
	// such SKUs without limit (inventory.Options.Untracked): it is in
	// stock, and Available counts nothing.
	Untracked bool            `json:"untracked,omitempty"`
	Locations []LocationStock `json:"locations"`
}

// LocationStock is a SKU's stock at one location.
type LocationStock struct {
	Location  string    `json:"location"`
	OnHand    int       `json:"on_hand"`
	Reserved  int       `json:"reserved"`
	Available int       `json:"available"`
	UpdatedAt time.Time `json:"updated_at"`
}

// defaultStockReason is the ledger's reason for a set without one.
const defaultStockReason = "stock set through the admin API"

func skuStock(sku string, levels []inventory.Level) SKUStock {
	out := SKUStock{SKU: sku, Locations: make([]LocationStock, 0, len(levels))}
	for _, l := range levels {
		avail := max(l.Available(), 0)
		out.OnHand += l.OnHand
		out.Reserved += l.Reserved
		out.Available += avail
		out.Locations = append(out.Locations, LocationStock{
			Location: l.Location, OnHand: l.OnHand, Reserved: l.Reserved, Available: avail, UpdatedAt: l.UpdatedAt,
		})
	}
	return out
}

// knownLevels returns the levels of sku for a read. A SKU with no stock
// is known when the catalog has it (its stock is all zero); otherwise, or
// when it is no SKU at all, or when no SKUReader can tell, it is
// NotFound.
func (a *API) knownLevels(ctx context.Context, sku string) ([]inventory.Level, error) {
	notFound := commerce.Errorf(commerce.CodeNotFound, "no stock or variant with SKU %q", truncate(sku))
	levels, err := a.svc.Inventory.Levels(ctx, sku)
	if commerce.Code(err) == commerce.CodeInvalidArgument {
		return nil, notFound
	}
	if err != nil || len(levels) > 0 {
		return levels, err
	}
	if a.opts.SKUReader == nil {
		return nil, notFound
	}
	_, _, err = a.opts.SKUReader.GetVariantBySKU(ctx, sku)
	switch commerce.Code(err) {
	case "":
		return levels, nil
	case commerce.CodeNotFound, commerce.CodeInvalidArgument:
		return nil, notFound
	}
	return nil, err
}

// stockAfterWrite returns the SKU's stock after a write.
func (a *API) stockAfterWrite(ctx context.Context, sku string) (SKUStock, error) {
	levels, err := a.svc.Inventory.Levels(ctx, sku)
	if err != nil {
		return SKUStock{}, err
	}
	return skuStock(sku, levels), nil
}

func (a *API) adminInventoryRoutes() {
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/inventory/{sku}", Summary: "A SKU's units on hand, reserved and available, in total and per location", Tag: "admin inventory", Auth: Admin,
		Response: SKUStock{},
		handle: reply(func(r *http.Request) (SKUStock, error) {
			sku := r.PathValue("sku")
			levels, err := a.knownLevels(r.Context(), sku)
			if err != nil {
				return SKUStock{}, err
			}
			out := skuStock(sku, levels)
			if len(levels) == 0 {
				// Only a SKU without levels can be untracked, and only
				// the inventory knows whether it sells those.
				avail, err := a.svc.Inventory.Availability(r.Context(), sku)
				if err != nil {
					return SKUStock{}, err
				}
				out.Untracked = avail.Untracked
			}
			return out, nil
		}),
	})
	a.add(Route{
		Method: http.MethodPut, Path: "/admin/inventory/{sku}", Summary: "Set a SKU's units on hand at a location (a stock count), creating the level if needed, even with 0 units: " +
			"a SKU an inventory with untracked stock sells without limit is tracked, and out of stock, from then on; answers the SKU's stock", Tag: "admin inventory", Auth: Admin,
		Request: SetStockRequest{}, Response: SKUStock{},
		handle: replyWith(a, func(r *http.Request, in setStockBody) (SKUStock, error) {
			switch {
			case in.Quantity == nil:
				return SKUStock{}, badParam("quantity", "quantity is required")
			case *in.Quantity < 0 || *in.Quantity > inventory.MaxQuantity:
				return SKUStock{}, badParam("quantity", "quantity %d must be between 0 and %d", *in.Quantity, inventory.MaxQuantity)
			}
			if in.Reason == "" {
				in.Reason = defaultStockReason
			}
			sku := r.PathValue("sku")
			if _, err := a.svc.Inventory.SetStock(r.Context(), sku, in.Location, *in.Quantity, in.Reason); err != nil {
				return SKUStock{}, err
			}
			return a.stockAfterWrite(r.Context(), sku)
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/inventory/{sku}/adjust", Summary: "Add units on hand (delta > 0) or remove them (delta < 0) at a location; answers the SKU's stock", Tag: "admin inventory", Auth: Admin,
		Request: AdjustStockRequest{}, Response: SKUStock{},
		handle: replyWith(a, func(r *http.Request, in AdjustStockRequest) (SKUStock, error) {
			sku := r.PathValue("sku")
			if _, err := a.svc.Inventory.Adjust(r.Context(), sku, in.Location, in.Delta, in.Reason); err != nil {
				return SKUStock{}, err
			}
			return a.stockAfterWrite(r.Context(), sku)
		}),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/inventory/{sku}/movements", Summary: "A SKU's stock ledger, oldest first, a keyset page at a time", Tag: "admin inventory", Auth: Admin,
		Query: withKeyset(), Response: List[inventory.Movement]{},
		handle: reply(paged(func(r *http.Request, page commerce.PageRequest) (commerce.Page[inventory.Movement], error) {
			sku := r.PathValue("sku")
			if _, err := a.knownLevels(r.Context(), sku); err != nil {
				return commerce.Page[inventory.Movement]{}, err
			}
			return a.svc.Inventory.Movements(r.Context(), sku, page)
		})),
	})
}
