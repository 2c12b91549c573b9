package commerce

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Money is an exact amount in the minor unit of a currency: 1999 USD is
// $19.99, 1999 JPY is ¥1999. Integers rather than floats or decimals keep
// every sum exact and every stored value comparable with ==.
//
// The fields are unexported so a Money can only come from a constructor that
// checked the currency. The one exception is the zero Money, which has no
// currency: it is what an unset field holds, and every method that computes
// with it returns a CodeInvalidArgument error, so a forgotten price fails
// loudly instead of becoming free. Use *Money for amounts that are optional.
//
// Every method that could overflow int64 checks and returns an error
// instead of wrapping around. Money is a small value type: pass and return
// it by value.
type Money struct {
	amount   int64
	currency Currency
}

// NewMoney returns amount minor units of c. An unknown currency is
// CodeInvalidArgument.
func NewMoney(amount int64, c Currency) (Money, error) {
	if !c.Valid() {
		return Money{}, unknownCurrency(c)
	}
	return Money{amount: amount, currency: c}, nil
}

// MustMoney is NewMoney for package-level values, tests and examples, where
// the currency is a literal and a mistake is a bug. It panics on an unknown
// currency; never call it with input from outside the program.
func MustMoney(amount int64, c Currency) Money {
	m, err := NewMoney(amount, c)
	if err != nil {
		panic(err)
	}
	return m
}

// Zero returns no money in c, the starting point of a running total.
// It keeps a single result so that it reads well in expressions; if c is
// unknown it returns the zero Money, which the first arithmetic call rejects.
func Zero(c Currency) Money {
	if !c.Valid() {
		return Money{}
	}
	return Money{currency: c}
}

// Sum adds ms, all of which must be in c. Taking c explicitly gives an empty
// list a well-defined total and catches a list in the wrong currency.
func Sum(c Currency, ms ...Money) (Money, error) {
	if !c.Valid() {
		return Money{}, unknownCurrency(c)
	}
	total := Money{currency: c}
	for _, m := range ms {
		var err error
		if total, err = total.Add(m); err != nil {
			return Money{}, err
		}
	}
	return total, nil
}

// Amount returns the amount in minor units (cents for USD), the form that
// goes to databases and payment providers.
func (m Money) Amount() int64 { return m.amount }

// Currency returns the currency; it is empty only for the zero Money.
func (m Money) Currency() Currency { return m.currency }

// IsZero reports whether the amount is zero, whatever the currency.
//
// Beware: encoding/json's omitzero option calls IsZero, so a Money field
// tagged omitzero disappears when it holds 0.00 USD. Use *Money with
// omitempty for an optional amount.
func (m Money) IsZero() bool { return m.amount == 0 }

// IsNegative reports whether the amount is below zero (a refund, a discount).
func (m Money) IsNegative() bool { return m.amount < 0 }

// IsPositive reports whether the amount is above zero.
func (m Money) IsPositive() bool { return m.amount > 0 }

// Equal reports whether m and o are the same amount in the same currency.
// Money is comparable with == too; Equal exists for readability and for
// helpers such as testify's that look for an Equal method. 0 USD and 0 EUR
// are not equal.
func (m Money) Equal(o Money) bool { return m == o }

// Cmp compares m with o like cmp.Compare (-1, 0, +1). Amounts in different
// currencies have no order, hence the error.
func (m Money) Cmp(o Money) (int, error) {
	if err := m.sameCurrency("compare", o); err != nil {
		return 0, err
	}
	return cmp.Compare(m.amount, o.amount), nil
}

// Add returns m + o. Different currencies and int64 overflow are
// CodeInvalidArgument.
func (m Money) Add(o Money) (Money, error) {
	if err := m.sameCurrency("add", o); err != nil {
		return Money{}, err
	}
	s := m.amount + o.amount
	// Overflow happened iff both operands have the same sign and the sum's
	// sign differs from it.
	if (m.amount^s)&(o.amount^s) < 0 {
		return Money{}, overflow("add", m, o)
	}
	return Money{amount: s, currency: m.currency}, nil
}

// Sub returns m - o. Different currencies and int64 overflow are
// CodeInvalidArgument.
func (m Money) Sub(o Money) (Money, error) {
	if err := m.sameCurrency("subtract", o); err != nil {
		return Money{}, err
	}
	d := m.amount - o.amount
	// Overflow happened iff the operands have different signs and the
	// result's sign differs from m's.
	if (m.amount^o.amount)&(m.amount^d) < 0 {
		return Money{}, overflow("subtract", m, o)
	}
	return Money{amount: d, currency: m.currency}, nil
}

// Mul returns m × qty, the price of qty items. Overflow is
// CodeInvalidArgument.
func (m Money) Mul(qty int64) (Money, error) {
	if err := m.check("multiply"); err != nil {
		return Money{}, err
	}
	p, ok := mulDiv(m.amount, qty, 1, RoundDown)
	if !ok {
		return Money{}, Errorf(CodeInvalidArgument, "multiply %s by %d: overflow", m, qty)
	}
	return Money{amount: p, currency: m.currency}, nil
}

// Neg returns -m, turning a charge into a refund. The one int64 without a
// negation, math.MinInt64, is reported as overflow.
func (m Money) Neg() (Money, error) {
	if err := m.check("negate"); err != nil {
		return Money{}, err
	}
	if m.amount == math.MinInt64 {
		return Money{}, Errorf(CodeInvalidArgument, "negate %s: overflow", m)
	}
	return Money{amount: -m.amount, currency: m.currency}, nil
}

// basisPointsPerWhole is 100%. Rates in basis points need no floats and
// still express every rate a tax table or coupon uses (1250 = 12.50%).
const basisPointsPerWhole = 10000

// Percent returns basisPoints/10000 of m rounded to a whole minor unit by
// mode: m.Percent(1250, RoundHalfEven) is 12.5% of m. Rates above 100% and
// negative rates are allowed. The intermediate product is 128 bits wide, so
// only a result outside int64 is an overflow (CodeInvalidArgument), as is an
// unknown rounding mode.
//
// To apply a rate, add or subtract the result: the tax on a net price, or
// the discount off a gross one, is then exactly the difference between the
// two prices, which is what receipts and ledgers need.
func (m Money) Percent(basisPoints int64, mode RoundingMode) (Money, error) {
	if err := m.check("percent"); err != nil {
		return Money{}, err
	}
	if !mode.valid() {
		return Money{}, Errorf(CodeInvalidArgument, "percent of %s: unknown rounding mode %v", m, mode)
	}
	p, ok := mulDiv(m.amount, basisPoints, basisPointsPerWhole, mode)
	if !ok {
		return Money{}, Errorf(CodeInvalidArgument, "%d basis points of %s: overflow", basisPoints, m)
	}
	return Money{amount: p, currency: m.currency}, nil
}

// Allocate splits m into len(weights) parts proportional to weights, with
// the largest-remainder method: each part first gets the floor of its exact
// share, then the minor units left over go one each to the parts with the
// largest remainders, ties going to the lowest index. Hence the parts
// always sum to m exactly, each part is within one minor unit of its exact
// share, a zero weight gets exactly zero, and the same input always gives
// the same split. That is what spreading an order discount across lines, or
// a payment across refunds, requires.
//
// A negative m is split by magnitude and each part negated, so splitting a
// refund mirrors splitting the charge. Weights must be non-negative with a
// positive sum that fits in a uint64; anything else is CodeInvalidArgument.
func (m Money) Allocate(weights ...int64) ([]Money, error) {
	if err := m.check("allocate"); err != nil {
		return nil, err
	}
	if len(weights) == 0 {
		return nil, Errorf(CodeInvalidArgument, "allocate %s: no weights", m)
	}
	var total uint64
	for i, w := range weights {
		if w < 0 {
			return nil, Errorf(CodeInvalidArgument, "allocate %s: weight %d is negative (%d)", m, i, w)
		}
		var carry uint64
		if total, carry = bits.Add64(total, uint64(w), 0); carry != 0 {
			return nil, Errorf(CodeInvalidArgument, "allocate %s: sum of weights overflows", m)
		}
	}
	if total == 0 {
		return nil, Errorf(CodeInvalidArgument, "allocate %s: weights sum to zero", m)
	}

	neg, mag := m.amount < 0, magnitude(m.amount)
	unit := int64(1)
	if neg {
		unit = -1
	}
	type share struct {
		index int
		rem   uint64
	}
	out := make([]Money, len(weights))
	shares := make([]share, 0, len(weights))
	left := mag
	for i, w := range weights {
		// mag*w < 2^64*total because w <= total, so the quotient fits in
		// 64 bits and Div64 cannot panic.
		hi, lo := bits.Mul64(mag, uint64(w))
		q, r := bits.Div64(hi, lo, total)
		left -= q
		// q <= mag, so it fits with m's sign, as does q+1 below: the parts
		// never exceed the whole.
		v, _ := fromMagnitude(q, neg)
		out[i] = Money{amount: v, currency: m.currency}
		if r != 0 {
			shares = append(shares, share{i, r})
		}
	}
	// The remainders sum to left*total and each is below total, so at least
	// left+1 parts have one: the leftover units always find a home.
	if left > 0 {
		slices.SortStableFunc(shares, func(a, b share) int { return cmp.Compare(b.rem, a.rem) })
		for _, s := range shares[:left] {
			out[s.index].amount += unit
		}
	}
	return out, nil
}

// RoundingMode says which way an amount that falls between two minor units
// goes. All modes are symmetric around zero, so rounding a refund gives the
// negation of rounding the charge. The zero value is RoundHalfEven.
type RoundingMode uint8

// The rounding modes. Which one applies is usually a legal question (tax
// authorities prescribe it), so callers choose explicitly.
const (
	// RoundHalfEven rounds to the nearest minor unit and ties to the even
	// one (banker's rounding): 0.125 -> 0.12, 0.135 -> 0.14. Over many
	// roundings it adds no upward bias, which is why it is the default.
	RoundHalfEven RoundingMode = iota
	// RoundHalfUp rounds to the nearest minor unit and ties away from zero
	// (commercial rounding): 0.125 -> 0.13, -0.125 -> -0.13.
	RoundHalfUp
	// RoundDown truncates toward zero: 0.129 -> 0.12, -0.129 -> -0.12.
	RoundDown
	// RoundUp rounds away from zero whenever anything is left over:
	// 0.121 -> 0.13, -0.121 -> -0.13.
	RoundUp
)

// String returns the constant's name so errors and logs are unambiguous.
func (r RoundingMode) String() string {
	switch r {
	case RoundHalfEven:
		return "RoundHalfEven"
	case RoundHalfUp:
		return "RoundHalfUp"
	case RoundDown:
		return "RoundDown"
	case RoundUp:
		return "RoundUp"
	}
	return fmt.Sprintf("RoundingMode(%d)", uint8(r))
}

func (r RoundingMode) valid() bool { return r <= RoundUp }

// mulDiv returns a*b/d rounded by mode, computed on a 128-bit product so
// that only a result outside int64 fails (ok == false). d must be positive.
func mulDiv(a, b int64, d uint64, mode RoundingMode) (int64, bool) {
	neg := (a < 0) != (b < 0)
	hi, lo := bits.Mul64(magnitude(a), magnitude(b))
	if hi >= d {
		return 0, false // the quotient needs more than 64 bits
	}
	q, r := bits.Div64(hi, lo, d)
	// r < d, so r >= d-r is 2r >= d without the risk of overflowing.
	var up bool
	switch mode {
	case RoundHalfEven:
		up = r > d-r || (r == d-r && q&1 == 1)
	case RoundHalfUp:
		up = r != 0 && r >= d-r
	case RoundUp:
		up = r != 0
	}
	if up {
		if q++; q == 0 {
			return 0, false
		}
	}
	return fromMagnitude(q, neg)
}

// magnitude returns |v| as a uint64, which unlike int64 can hold
// |math.MinInt64|.
func magnitude(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

// fromMagnitude returns u with the given sign, or ok == false if that does
// not fit in an int64.
func fromMagnitude(u uint64, neg bool) (int64, bool) {
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return int64(-u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// check rejects the zero Money before any arithmetic.
func (m Money) check(op string) error {
	if m.currency == "" {
		return Errorf(CodeInvalidArgument, "%s: the zero Money has no currency", op)
	}
	return nil
}

func (m Money) sameCurrency(op string, o Money) error {
	if err := m.check(op); err != nil {
		return err
	}
	if err := o.check(op); err != nil {
		return err
	}
	if m.currency != o.currency {
		return Errorf(CodeInvalidArgument, "%s: currency mismatch: %s and %s", op, m.currency, o.currency).
			WithDetail("currencies", []Currency{m.currency, o.currency})
	}
	return nil
}

func overflow(op string, m, o Money) error {
	return Errorf(CodeInvalidArgument, "%s %s and %s: overflow", op, m, o)
}

func unknownCurrency(c Currency) error {
	return Errorf(CodeInvalidArgument, "unknown currency %q", string(c))
}
