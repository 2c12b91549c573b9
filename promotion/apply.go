package promotion

import (
	"cmp"
	"context"
	"math/bits"
	"slices"

	"github.com/mercatohq/mercato/commerce"
)

// matcher checks a basket against promotions' conditions, asking
// Products at most once per product.
type matcher struct {
	svc    *Service
	basket *Basket
	totals []int64
	facts  map[commerce.ProductID]*ProductFacts
}

// meets reports whether the basket meets p's conditions and, if so,
// which lines match them.
func (m *matcher) meets(ctx context.Context, p Promotion) ([]bool, bool, error) {
	c, b := p.Conditions, m.basket
	switch {
	case c.Audience == AudienceCustomers && b.CustomerID == "",
		c.Audience == AudienceGuests && b.CustomerID != "",
		c.FirstOrderOnly && !b.FirstOrder,
		c.Currency != "" && c.Currency != b.Currency:
		return nil, false, nil
	}
	if c.MinSubtotal != nil {
		var sum int64
		for _, t := range m.totals {
			sum += t
		}
		if sum < c.MinSubtotal.Amount() {
			return nil, false, nil
		}
	}
	mask := make([]bool, len(b.Lines))
	any := false
	for i, l := range b.Lines {
		ok, err := m.lineMatches(ctx, c, l)
		if err != nil {
			return nil, false, err
		}
		mask[i] = ok
		any = any || ok
	}
	return mask, any, nil
}

func (m *matcher) lineMatches(ctx context.Context, c Conditions, l BasketLine) (bool, error) {
	if !c.selectsLines() || slices.Contains(c.SKUs, l.SKU) {
		return true, nil
	}
	if (len(c.Categories) == 0 && len(c.Brands) == 0) || l.ProductID == "" || m.svc.opts.Products == nil {
		return false, nil
	}
	f, err := m.productFacts(ctx, l.ProductID)
	if err != nil || f == nil {
		return false, err
	}
	if f.BrandID != "" && slices.Contains(c.Brands, f.BrandID) {
		return true, nil
	}
	for _, cat := range f.Categories {
		if slices.Contains(c.Categories, cat) {
			return true, nil
		}
	}
	return false, nil
}

// productFacts returns the facts of product id, nil for an unknown one.
func (m *matcher) productFacts(ctx context.Context, id commerce.ProductID) (*ProductFacts, error) {
	if f, ok := m.facts[id]; ok {
		return f, nil
	}
	if m.facts == nil {
		m.facts = map[commerce.ProductID]*ProductFacts{}
	}
	f, err := m.svc.opts.Products.ProductFacts(ctx, id)
	switch {
	case commerce.Code(err) == commerce.CodeNotFound:
		m.facts[id] = nil
		return nil, nil
	case err != nil:
		return nil, err
	}
	m.facts[id] = &f
	return &f, nil
}

// applyActions works out what p's actions take off each line (given what
// is left of each, in minor units) and off shipping. Each line's discount
// is at most what was left of it, and the shipping discount at most
// shippingLeft.
func applyActions(p Promotion, matching []bool, b Basket, left []int64, shippingLeft int64) ([]int64, int64) {
	cur := slices.Clone(left)
	disc := make([]int64, len(left))
	var ship int64
	take := func(i int, d int64) {
		disc[i] += d
		cur[i] -= d
	}
	for _, a := range p.Actions {
		switch a.Kind {
		case ActionPercentOff, ActionAmountOff:
			weights := make([]int64, len(cur))
			var base int64
			for i := range cur {
				if a.Target == TargetOrder || matching[i] {
					weights[i] = cur[i]
					base += cur[i]
				}
			}
			if base == 0 {
				continue
			}
			var d int64
			if a.Kind == ActionPercentOff {
				off, err := money(base, b.Currency).Percent(a.BasisPoints, commerce.RoundHalfUp)
				if err != nil {
					continue // cannot happen: at most 100% of an int64
				}
				d = off.Amount()
			} else {
				d = min(a.Amount.Amount(), base)
			}
			shares, err := money(d, b.Currency).Allocate(weights...)
			if err != nil {
				continue // cannot happen: the weights are non-negative with a positive sum
			}
			for i, sh := range shares {
				take(i, sh.Amount())
			}
		case ActionFixedPrice:
			for i, l := range b.Lines {
				if !matching[i] {
					continue
				}
				target, err := a.Amount.Mul(int64(l.Quantity))
				if err == nil && cur[i] > target.Amount() {
					take(i, cur[i]-target.Amount())
				}
			}
		case ActionFreeShipping:
			ship = shippingLeft
		case ActionBuyXGetY:
			buyXGetY(a, matching, b, cur, take)
		}
	}
	return disc, ship
}

// buyXGetY discounts, for every BuyQuantity+GetQuantity units of the
// matching lines, GetQuantity of the cheapest units (by what is left of
// their line per unit).
func buyXGetY(a Action, matching []bool, b Basket, cur []int64, take func(int, int64)) {
	var units int64
	var idx []int
	for i, l := range b.Lines {
		if matching[i] {
			units += int64(l.Quantity)
			idx = append(idx, i)
		}
	}
	free := units / int64(a.BuyQuantity+a.GetQuantity) * int64(a.GetQuantity)
	if free == 0 {
		return
	}
	// Cheapest per unit first: compare cur[i]/q[i] by cross
	// multiplication in 128 bits, ties by line order.
	slices.SortStableFunc(idx, func(i, j int) int {
		hi1, lo1 := bits.Mul64(uint64(cur[i]), uint64(b.Lines[j].Quantity))
		hi2, lo2 := bits.Mul64(uint64(cur[j]), uint64(b.Lines[i].Quantity))
		if c := cmp.Compare(hi1, hi2); c != 0 {
			return c
		}
		return cmp.Compare(lo1, lo2)
	})
	for _, i := range idx {
		if free == 0 {
			break
		}
		q := int64(b.Lines[i].Quantity)
		k := min(q, free)
		free -= k
		// The value of k of the line's q units: cur*k/q, which fits
		// because k <= q.
		hi, lo := bits.Mul64(uint64(cur[i]), uint64(k))
		value, _ := bits.Div64(hi, lo, uint64(q))
		off, err := money(int64(value), b.Currency).Percent(a.GetBasisPoints, commerce.RoundHalfUp)
		if err == nil && off.Amount() > 0 {
			take(i, min(off.Amount(), cur[i]))
		}
	}
}
