package commerce

import (
	"math"
	"strconv"
	"strings"
)

// ParseMoney reads a plain decimal amount in major units of c, as typed in
// an admin form or found in a CSV: "12.34", "-0.5", "1000". The fraction
// may be shorter than the currency's exponent ("12.3" USD is 12.30) but
// never longer, even with trailing zeros ("12.345" and "12.340" USD, "12.5"
// JPY are rejected): silently rounding what a merchant typed would change a
// price behind their back.
//
// Surrounding white space is ignored; everything else must match
// -?[0-9]+(\.[0-9]+)? exactly. No '+', no exponent, no thousands separator,
// no locale-specific decimal comma, because each of those is ambiguous in
// some locale. An unknown currency, a malformed amount and an amount
// outside int64 minor units are CodeInvalidArgument.
//
// ParseMoney(m.Decimal(), m.Currency()) returns m for every Money m.
func ParseMoney(s string, c Currency) (Money, error) {
	exp, ok := c.Exponent()
	if !ok {
		return Money{}, unknownCurrency(c)
	}
	amount, problem := parseMinorUnits(strings.TrimSpace(s), exp)
	if problem != "" {
		return Money{}, Errorf(CodeInvalidArgument, "invalid %s amount %q: %s", c, s, problem)
	}
	return Money{amount: amount, currency: c}, nil
}

// parseMinorUnits converts a decimal in major units to minor units, or
// explains in problem why it cannot.
func parseMinorUnits(s string, exp int) (amount int64, problem string) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	switch {
	case whole == "":
		return 0, "no digits before the decimal point"
	case hasPoint && frac == "":
		return 0, "no digits after the decimal point"
	case !isDigits(whole) || !isDigits(frac):
		return 0, "only digits, one leading '-' and one '.' are allowed"
	case len(frac) > exp && exp == 0:
		return 0, "the currency has no minor unit"
	case len(frac) > exp:
		return 0, "more than " + strconv.Itoa(exp) + " digits after the decimal point"
	}

	limit := uint64(math.MaxInt64)
	if neg {
		limit++ // |math.MinInt64|
	}
	var u uint64
	push := func(d uint64) bool {
		if u > (limit-d)/10 {
			return false
		}
		u = u*10 + d
		return true
	}
	for _, digits := range [...]string{whole, frac} {
		for i := range len(digits) {
			if !push(uint64(digits[i] - '0')) {
				return 0, "out of range"
			}
		}
	}
	for range exp - len(frac) {
		if !push(0) {
			return 0, "out of range"
		}
	}
	amount, _ = fromMagnitude(u, neg)
	return amount, ""
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Decimal returns the amount in major units with exactly as many fraction
// digits as the currency has ("12.34" USD, "1234" JPY, "1.234" KWD,
// "-0.05" USD): the form ParseMoney reads, and the one to put in front of a
// person before any locale-specific formatting.
func (m Money) Decimal() string {
	var buf [24]byte // sign, 20 digits, point, with room to spare
	return string(m.appendDecimal(buf[:0]))
}

// String returns the decimal amount and the currency code, "12.34 USD",
// which is unambiguous in logs and error messages. The zero Money, having no
// currency, prints as "0 (no currency)" so that it stands out.
func (m Money) String() string {
	var buf [32]byte
	b := m.appendDecimal(buf[:0])
	b = append(b, ' ')
	if m.currency == "" {
		return string(append(b, "(no currency)"...))
	}
	return string(append(b, m.currency...))
}

func (m Money) appendDecimal(b []byte) []byte {
	if m.amount < 0 {
		b = append(b, '-')
	}
	var buf [20]byte
	digits := strconv.AppendUint(buf[:0], magnitude(m.amount), 10)
	exp, _ := m.currency.Exponent()
	if exp == 0 {
		return append(b, digits...)
	}
	if len(digits) <= exp {
		b = append(b, "0."...)
		b = append(b, "0000000000"[:exp-len(digits)]...)
		return append(b, digits...)
	}
	point := len(digits) - exp
	b = append(b, digits[:point]...)
	b = append(b, '.')
	return append(b, digits[point:]...)
}
