package order

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// Quote is what shipping and tax calculators see of an order being
// checked out.
type Quote struct {
	Currency        commerce.Currency
	Lines           []Line
	Subtotal        commerce.Money
	Discount        commerce.Money
	ShippingAddress commerce.Address
	// Shipping is the shipping cost, for tax calculators (zero for
	// shipping calculators).
	Shipping commerce.Money
}

// ShippingCalculator prices shipping. Its answer must be in q.Currency
// and not negative.
type ShippingCalculator interface {
	Shipping(ctx context.Context, q Quote) (commerce.Money, error)
}

// TaxCalculator computes the tax of an order. Its answer must be in
// q.Currency and not negative.
type TaxCalculator interface {
	Tax(ctx context.Context, q Quote) (commerce.Money, error)
}

// FlatShipping charges one fixed amount per order in each currency it
// lists (in minor units) and nothing in the others. Orders whose subtotal
// less discounts reaches FreeOver's amount in their currency ship free.
type FlatShipping struct {
	Rates    map[commerce.Currency]int64
	FreeOver map[commerce.Currency]int64
}

// Shipping implements ShippingCalculator.
func (f FlatShipping) Shipping(_ context.Context, q Quote) (commerce.Money, error) {
	if over, ok := f.FreeOver[q.Currency]; ok && q.Subtotal.Amount()-q.Discount.Amount() >= over {
		return commerce.Zero(q.Currency), nil
	}
	return commerce.NewMoney(f.Rates[q.Currency], q.Currency)
}

// ZeroTax charges no tax: prices include it, or the shop does not collect
// it.
type ZeroTax struct{}

// Tax implements TaxCalculator.
func (ZeroTax) Tax(_ context.Context, q Quote) (commerce.Money, error) {
	return commerce.Zero(q.Currency), nil
}

// PercentTax charges BasisPoints (1/100 of a percent: 1900 is 19%) of the
// discounted subtotal plus shipping, rounded half to even.
type PercentTax struct {
	BasisPoints int64
}

// Tax implements TaxCalculator.
func (p PercentTax) Tax(_ context.Context, q Quote) (commerce.Money, error) {
	base, err := q.Subtotal.Sub(q.Discount)
	if err != nil {
		return commerce.Money{}, err
	}
	if base, err = base.Add(q.Shipping); err != nil {
		return commerce.Money{}, err
	}
	return base.Percent(p.BasisPoints, commerce.RoundHalfEven)
}
