package catalog

import (
	"context"
	"slices"

	"github.com/mercatohq/mercato/commerce"
)

// MaxPriceSKUs is the most SKUs one PriceSKUs call prices: more than any
// cart holds.
const MaxPriceSKUs = 500

// SKUPrice is what a cart needs to hold a line: the variant's identity,
// the title to show and its price in the cart's currency.
type SKUPrice struct {
	SKU       string             `json:"sku"`
	ProductID commerce.ProductID `json:"product_id"`
	VariantID commerce.VariantID `json:"variant_id"`
	// Title is the product title with the variant's options, see
	// VariantTitle.
	Title string         `json:"title"`
	Price commerce.Money `json:"price"`
	// Purchasable is false when the product is not active: the cart keeps
	// such a line but cannot check it out.
	Purchasable bool `json:"purchasable"`
}

// PriceSKUs prices skus in currency in one store round trip. An unknown
// SKU is CodeNotFound, and a SKU without a price in currency
// CodeFailedPrecondition; both list the offending SKUs in the "skus"
// detail. Duplicates in skus are priced once.
func (s *Service) PriceSKUs(ctx context.Context, currency commerce.Currency, skus ...string) (map[string]SKUPrice, error) {
	if !currency.Valid() {
		return nil, invalid("currency", "unknown currency %q", truncate(string(currency)))
	}
	if len(skus) == 0 {
		return map[string]SKUPrice{}, nil
	}
	unique := slices.Clone(skus)
	slices.Sort(unique)
	unique = slices.Compact(unique)
	if len(unique) > MaxPriceSKUs {
		return nil, invalid("skus", "at most %d SKUs per call, got %d", MaxPriceSKUs, len(unique))
	}
	for _, sku := range unique {
		if !ValidSKU(sku) {
			return nil, invalid("skus", "SKU %q is malformed", truncate(sku))
		}
	}
	found, err := s.store.LookupSKUs(ctx, currency, unique)
	if err != nil {
		return nil, err
	}
	var missing, unpriced []string
	out := make(map[string]SKUPrice, len(unique))
	for _, sku := range unique {
		l, ok := found[sku]
		switch {
		case !ok:
			missing = append(missing, sku)
		case !l.HasPrice:
			unpriced = append(unpriced, sku)
		default:
			out[sku] = SKUPrice{
				SKU: sku, ProductID: l.ProductID, VariantID: l.VariantID,
				Title: VariantTitle(l.ProductTitle, l.Options), Price: l.Price,
				Purchasable: l.Status == StatusActive,
			}
		}
	}
	if len(missing) > 0 {
		return nil, commerce.Errorf(commerce.CodeNotFound, "catalog: unknown SKU %v", missing).WithDetail("skus", missing)
	}
	if len(unpriced) > 0 {
		return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "catalog: SKU %v has no price in %s", unpriced, currency).
			WithDetail("skus", unpriced).WithDetail("currency", string(currency))
	}
	return out, nil
}

// PriceSKU prices one SKU in currency, with PriceSKUs' errors.
func (s *Service) PriceSKU(ctx context.Context, sku string, currency commerce.Currency) (SKUPrice, error) {
	prices, err := s.PriceSKUs(ctx, currency, sku)
	if err != nil {
		return SKUPrice{}, err
	}
	return prices[sku], nil
}
