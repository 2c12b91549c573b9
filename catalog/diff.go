package catalog

import (
	"fmt"
	"maps"
	"slices"

	"github.com/mercatohq/mercato/commerce"
)

// productsEqual reports whether a and b hold the same data, ignoring
// timestamps, so an update that changes nothing publishes nothing.
func productsEqual(a, b Product) bool {
	if a.Handle != b.Handle || a.Title != b.Title || a.Description != b.Description ||
		a.BrandID != b.BrandID || a.Status != b.Status ||
		!slices.Equal(a.CategoryIDs, b.CategoryIDs) || !maps.Equal(a.Attributes, b.Attributes) ||
		!slices.Equal(a.Images, b.Images) || len(a.Variants) != len(b.Variants) {
		return false
	}
	for i := range a.Variants {
		x, y := a.Variants[i], b.Variants[i]
		if x.ID != y.ID || x.SKU != y.SKU || x.WeightGrams != y.WeightGrams ||
			!maps.Equal(x.Options, y.Options) || !slices.Equal(x.Prices, y.Prices) || !slices.Equal(x.CompareAt, y.CompareAt) {
			return false
		}
	}
	return true
}

// priceChanges returns a VariantPriceChanged for every variant whose
// prices differ between before and after, in after's variant order
// followed by deleted variants.
func priceChanges(before, after Product) []VariantPriceChanged {
	var out []VariantPriceChanged
	for _, v := range after.Variants {
		old, _ := before.Variant(v.ID)
		if slices.Equal(old.Prices, v.Prices) && slices.Equal(old.CompareAt, v.CompareAt) {
			continue
		}
		out = append(out, VariantPriceChanged{
			ProductID: after.ID, VariantID: v.ID, SKU: v.SKU,
			OldPrices: nonNil(old.Prices), NewPrices: nonNil(slices.Clone(v.Prices)),
			OldCompareAt: old.CompareAt, NewCompareAt: slices.Clone(v.CompareAt),
		})
	}
	for _, v := range before.Variants {
		if _, kept := after.Variant(v.ID); kept {
			continue
		}
		out = append(out, VariantPriceChanged{
			ProductID: after.ID, VariantID: v.ID, SKU: v.SKU,
			OldPrices: nonNil(v.Prices), NewPrices: []commerce.Money{},
			OldCompareAt: v.CompareAt,
		})
	}
	return out
}

func nonNil(ms []commerce.Money) []commerce.Money {
	if ms == nil {
		return []commerce.Money{}
	}
	return ms
}

func indexed(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }
