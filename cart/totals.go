package cart

import (
	"context"
	"errors"
	"slices"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// Reasons a line is not purchasable, in LineTotal.Reason.
const (
	// ReasonInactive: the SKU's product is not active in the catalog.
	ReasonInactive = "inactive"
	// ReasonUnknownSKU: the catalog no longer knows the SKU.
	ReasonUnknownSKU = "unknown_sku"
	// ReasonNoPrice: the SKU has no price in the cart's currency any more.
	ReasonNoPrice = "no_price"
)

// LineTotal is one line priced today.
type LineTotal struct {
	LineID   commerce.LineID `json:"line_id"`
	SKU      string          `json:"sku"`
	Title    string          `json:"title"`
	Quantity int             `json:"quantity"`
	// UnitPrice is the catalog's price now; AddedPrice the one captured
	// when the line was added. When the SKU cannot be priced any more
	// UnitPrice is AddedPrice.
	UnitPrice    commerce.Money `json:"unit_price"`
	AddedPrice   commerce.Money `json:"added_price"`
	PriceChanged bool           `json:"price_changed"`
	// Purchasable is false when the line cannot be checked out; Reason
	// says why (ReasonInactive, ReasonUnknownSKU, ReasonNoPrice).
	Purchasable bool   `json:"purchasable"`
	Reason      string `json:"reason,omitempty"`
	// Total is UnitPrice × Quantity.
	Total commerce.Money `json:"total"`
	// Discount is the line's share of the promotions' discounts (zero
	// without an Options.Discounter); never more than Total.
	Discount commerce.Money `json:"discount"`
}

// Totals is a cart priced from the catalog at the time of the call.
type Totals struct {
	CartID   commerce.CartID   `json:"cart_id"`
	Currency commerce.Currency `json:"currency"`
	// Version is the version of the cart that was priced.
	Version int64       `json:"version"`
	Lines   []LineTotal `json:"lines"`
	// Subtotal sums the totals of the purchasable lines: what checking
	// out would cost before shipping, taxes and discounts.
	Subtotal commerce.Money `json:"subtotal"`
	// ItemCount is the units in all lines.
	ItemCount int `json:"item_count"`
	// PriceChanged reports whether any line's price changed since it was
	// added; Purchasable whether every line is purchasable.
	PriceChanged bool `json:"price_changed"`
	Purchasable  bool `json:"purchasable"`
	// Discount sums the lines' discounts; Total is Subtotal - Discount,
	// what the lines cost before shipping and taxes.
	Discount commerce.Money `json:"discount"`
	Total    commerce.Money `json:"total"`
	// Codes are the codes the cart holds. Promotions are the promotions
	// that apply today, automatic or by code, and RejectedCodes the
	// codes that give nothing, each with its reason (see
	// promotion.Rejected). Both are empty without an Options.Discounter.
	// Free shipping shows as a promotion here; its amount is known only
	// at checkout, once shipping is priced.
	Codes         []string             `json:"codes,omitempty"`
	Promotions    []promotion.Applied  `json:"promotions,omitempty"`
	RejectedCodes []promotion.Rejected `json:"rejected_codes,omitempty"`
}

// Totals prices cart id with today's catalog prices, line by line, and
// marks the lines whose price changed since they were added and those
// that can no longer be bought. It reads the cart in any status; a
// missing or expired cart is NotFound. Sums that overflow are
// InvalidArgument. Pricing failures other than unknown or unpriced SKUs
// (say, an unavailable catalog) are returned as they are.
func (s *Service) Totals(ctx context.Context, id commerce.CartID) (Totals, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return Totals{}, err
	}
	return s.Price(ctx, c)
}

// Price is Totals for a cart the caller has already read, so that a
// checkout prices exactly the cart (and version) it looked at without
// reading it twice.
func (s *Service) Price(ctx context.Context, c Cart) (Totals, error) {
	return s.price(ctx, c, true)
}

// PriceItems is Price without promotions: the lines at today's prices,
// no discount (Total is Subtotal) and no promotions or refused codes,
// whatever Options.Discounter. Checkout uses it, as it evaluates the
// promotions itself, with what only it knows (the buyer's orders, the
// shipping).
func (s *Service) PriceItems(ctx context.Context, c Cart) (Totals, error) {
	return s.price(ctx, c, false)
}

func (s *Service) price(ctx context.Context, c Cart, discounts bool) (Totals, error) {
	prices, reasons, err := s.priceLines(ctx, c)
	if err != nil {
		return Totals{}, err
	}
	t := Totals{
		CartID: c.ID, Currency: c.Currency, Version: c.Version, Lines: make([]LineTotal, len(c.Lines)),
		Subtotal: commerce.Zero(c.Currency), Purchasable: true,
	}
	for i, l := range c.Lines {
		lt := LineTotal{LineID: l.ID, SKU: l.SKU, Title: l.Title, Quantity: l.Quantity, UnitPrice: l.UnitPrice, AddedPrice: l.UnitPrice}
		if p, ok := prices[l.SKU]; ok {
			lt.UnitPrice, lt.Purchasable = p.Price, p.Purchasable
			lt.PriceChanged = p.Price != l.UnitPrice
			if !p.Purchasable {
				lt.Reason = ReasonInactive
			}
		} else {
			lt.Reason = reasons[l.SKU]
		}
		if lt.Total, err = lt.UnitPrice.Mul(int64(l.Quantity)); err != nil {
			return Totals{}, err
		}
		if lt.Purchasable {
			if t.Subtotal, err = t.Subtotal.Add(lt.Total); err != nil {
				return Totals{}, err
			}
		}
		t.ItemCount += l.Quantity
		t.PriceChanged = t.PriceChanged || lt.PriceChanged
		t.Purchasable = t.Purchasable && lt.Purchasable
		lt.Discount = commerce.Zero(c.Currency)
		t.Lines[i] = lt
	}
	t.Discount, t.Total = commerce.Zero(c.Currency), t.Subtotal
	if len(c.Codes) > 0 {
		t.Codes = slices.Clone(c.Codes)
	}
	if s.opts.Discounter == nil || !discounts {
		return t, nil
	}
	if err := s.discount(ctx, c, &t); err != nil {
		return Totals{}, err
	}
	return t, nil
}

// discount asks the discounter what t's purchasable lines and c's codes
// are given, and records it on t.
func (s *Service) discount(ctx context.Context, c Cart, t *Totals) error {
	b := promotion.Basket{
		Currency: c.Currency, CustomerID: c.CustomerID, Shipping: commerce.Zero(c.Currency), Codes: slices.Clone(c.Codes),
		// A cart cannot tell whether its buyer ordered before: it shows
		// first-order promotions, and checkout decides.
		FirstOrder: true,
	}
	var at []int // at[j] is the index in t.Lines of basket line j
	for i, lt := range t.Lines {
		if !lt.Purchasable {
			continue
		}
		b.Lines = append(b.Lines, promotion.BasketLine{
			SKU: lt.SKU, ProductID: c.Lines[i].ProductID, Quantity: lt.Quantity, UnitPrice: lt.UnitPrice, Total: lt.Total,
		})
		at = append(at, i)
	}
	if len(b.Lines) == 0 && len(b.Codes) == 0 {
		return nil
	}
	r, err := s.opts.Discounter.Evaluate(ctx, b)
	if err != nil {
		return err
	}
	if len(r.LineDiscounts) != len(b.Lines) {
		return commerce.Errorf(commerce.CodeInternal, "cart: the discounter answered %d line discounts for %d lines", len(r.LineDiscounts), len(b.Lines))
	}
	for j, d := range r.LineDiscounts {
		if d.Currency() != c.Currency || d.IsNegative() {
			return commerce.Errorf(commerce.CodeInternal, "cart: the discounter answered a discount of %s for a line in %s", d, c.Currency)
		}
		t.Lines[at[j]].Discount = d
		if t.Discount, err = t.Discount.Add(d); err != nil {
			return err
		}
	}
	if t.Total, err = t.Subtotal.Sub(t.Discount); err != nil {
		return err
	}
	if t.Total.IsNegative() {
		return commerce.Errorf(commerce.CodeInternal, "cart: the discounter gave %s off a subtotal of %s", t.Discount, t.Subtotal)
	}
	t.Promotions, t.RejectedCodes = r.Applied, r.Rejected
	return nil
}

// priceLines prices c's SKUs. SKUs the pricer reports unknown or unpriced
// are left out of prices, with their reason in reasons.
func (s *Service) priceLines(ctx context.Context, c Cart) (map[string]catalog.SKUPrice, map[string]string, error) {
	var skus []string
	for _, l := range c.Lines {
		skus = append(skus, l.SKU)
	}
	slices.Sort(skus)
	skus = slices.Compact(skus)
	prices := make(map[string]catalog.SKUPrice, len(skus))
	reasons := map[string]string{}
	for chunk := range slices.Chunk(skus, catalog.MaxPriceSKUs) {
		if err := s.priceChunk(ctx, c.Currency, chunk, prices, reasons); err != nil {
			return nil, nil, err
		}
	}
	return prices, reasons, nil
}

func (s *Service) priceChunk(ctx context.Context, currency commerce.Currency, skus []string, prices map[string]catalog.SKUPrice, reasons map[string]string) error {
	// Each failed call takes out the SKUs it names; there are two kinds
	// of failure, so a third attempt with what is left prices the rest.
	for range 3 {
		if len(skus) == 0 {
			return nil
		}
		got, err := s.pricer.PriceSKUs(ctx, currency, skus...)
		if err == nil {
			for _, sku := range skus {
				if p, ok := got[sku]; ok && p.Price.Currency() == currency {
					prices[sku] = p
				} else {
					reasons[sku] = ReasonUnknownSKU
				}
			}
			return nil
		}
		reason, ok := unpricedReason(err)
		if !ok {
			return err
		}
		named := namedSKUs(err)
		if len(named) == 0 {
			break
		}
		for _, sku := range named {
			reasons[sku] = reason
		}
		skus = slices.DeleteFunc(skus, func(sku string) bool { return slices.Contains(named, sku) })
	}
	// The pricer does not say which SKUs failed: price them one by one.
	for _, sku := range skus {
		got, err := s.pricer.PriceSKUs(ctx, currency, sku)
		if err != nil {
			reason, ok := unpricedReason(err)
			if !ok {
				return err
			}
			reasons[sku] = reason
			continue
		}
		if p, ok := got[sku]; ok && p.Price.Currency() == currency {
			prices[sku] = p
		} else {
			reasons[sku] = ReasonUnknownSKU
		}
	}
	return nil
}

// unpricedReason maps a pricer error about particular SKUs to a reason.
func unpricedReason(err error) (string, bool) {
	switch commerce.Code(err) {
	case commerce.CodeNotFound:
		return ReasonUnknownSKU, true
	case commerce.CodeFailedPrecondition:
		return ReasonNoPrice, true
	}
	return "", false
}

// namedSKUs returns the "skus" detail of a pricer error.
func namedSKUs(err error) []string {
	var e *commerce.Error
	if !errors.As(err, &e) {
		return nil
	}
	skus, _ := e.Details["skus"].([]string)
	return skus
}
