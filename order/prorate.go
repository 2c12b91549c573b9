package order

import "github.com/mercatohq/mercato/commerce"

// prorate is the refund of returning lines from o, given the returns o
// already has. The discount is each line's own, as checkout froze it
// from the promotions; each other charge of the order (the tax and the
// shipping, and the discount of an order recorded without line
// discounts) is split across its lines by their totals, and each line's
// share across its units, with commerce.Allocate; a return takes the
// shares of the next units of each line not returned yet. So the units
// of all returns together take every share exactly once: returning
// everything, in any number of returns, refunds exactly the charges.
func (s *Service) prorate(o Order, lines []ReturnLine) (ReturnRefund, error) {
	zero := commerce.Zero(o.Currency)
	shipping, tax := zero, zero
	if s.opts.ReturnShipping == ReturnShippingRefunded {
		shipping = o.Totals.Shipping
	}
	if s.opts.ReturnTax != ReturnTaxKept {
		tax = o.Totals.Tax
	}
	weights := make([]int64, len(o.Lines))
	var sum int64
	for i, l := range o.Lines {
		weights[i] = l.Total.Amount()
		sum += weights[i]
	}
	if sum == 0 {
		// Free lines: split the charges by units instead.
		for i, l := range o.Lines {
			weights[i] = int64(l.Quantity)
		}
	}
	split := func(m commerce.Money) ([]commerce.Money, error) {
		if m.IsZero() || len(o.Lines) == 0 {
			out := make([]commerce.Money, len(o.Lines))
			for i := range out {
				out[i] = zero
			}
			return out, nil
		}
		return m.Allocate(weights...)
	}
	discounts, ok := lineDiscounts(o)
	if !ok {
		var err error
		if discounts, err = split(o.Totals.Discount); err != nil {
			return ReturnRefund{}, err
		}
	}
	taxes, err := split(tax)
	if err != nil {
		return ReturnRefund{}, err
	}
	shippings, err := split(shipping)
	if err != nil {
		return ReturnRefund{}, err
	}
	want := map[string]int{}
	for _, l := range lines {
		want[l.SKU] += l.Quantity
	}
	// Units of a SKU already returned are taken line by line, in the
	// order's line order; so are the ones returned now.
	before := map[string]int{}
	for _, r := range o.Returns {
		for _, l := range r.Lines {
			before[l.SKU] += l.Quantity
		}
	}
	items, taxSum, shipSum := zero, zero, zero
	for i, l := range o.Lines {
		skip := min(before[l.SKU], l.Quantity)
		before[l.SKU] -= skip
		take := min(want[l.SKU], l.Quantity-skip)
		want[l.SKU] -= take
		if take == 0 {
			continue
		}
		for _, part := range []struct {
			total commerce.Money
			into  *commerce.Money
			sign  int
		}{
			{l.Total, &items, 1}, {discounts[i], &items, -1}, {taxes[i], &taxSum, 1}, {shippings[i], &shipSum, 1},
		} {
			got, err := unitShares(part.total, l.Quantity, skip, take)
			if err != nil {
				return ReturnRefund{}, err
			}
			if part.sign < 0 {
				*part.into, err = part.into.Sub(got)
			} else {
				*part.into, err = part.into.Add(got)
			}
			if err != nil {
				return ReturnRefund{}, err
			}
		}
	}
	total, err := commerce.Sum(o.Currency, items, shipSum, taxSum)
	if err != nil {
		return ReturnRefund{}, err
	}
	return ReturnRefund{Items: items, Shipping: shipSum, Tax: taxSum, Total: total}, nil
}

// unitShares splits m across units equal shares and sums shares
// [skip, skip+take).
func unitShares(m commerce.Money, units, skip, take int) (commerce.Money, error) {
	out := commerce.Zero(m.Currency())
	if m.IsZero() || take == 0 {
		return out, nil
	}
	ones := make([]int64, units)
	for i := range ones {
		ones[i] = 1
	}
	parts, err := m.Allocate(ones...)
	if err != nil {
		return commerce.Money{}, err
	}
	for _, p := range parts[skip : skip+take] {
		if out, err = out.Add(p); err != nil {
			return commerce.Money{}, err
		}
	}
	return out, nil
}

// lineDiscounts returns the discounts o's lines carry, when they sum to
// the order's discount; ok is false for an order recorded before lines
// carried their discount, whose discount is then split by line totals.
func lineDiscounts(o Order) (_ []commerce.Money, ok bool) {
	out := make([]commerce.Money, len(o.Lines))
	sum := commerce.Zero(o.Currency)
	for i, l := range o.Lines {
		if l.Discount.Currency() != o.Currency {
			return nil, false
		}
		out[i] = l.Discount
		var err error
		if sum, err = sum.Add(l.Discount); err != nil {
			return nil, false
		}
	}
	return out, sum == o.Totals.Discount
}
