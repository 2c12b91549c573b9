package main

import (
	"strings"

	"github.com/mercatohq/mercato/commerce"
)

// currencySymbols are the symbols the shop writes before an amount; other
// currencies are written after it by code ("1,234.500 KWD").
func currencySymbols() map[commerce.Currency]string {
	return map[commerce.Currency]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹", "KRW": "₩"}
}

// formatMoney shows m for people, in the shop's English: the currency's
// symbol, commas between thousands and the currency's own number of
// fraction digits: "$1,299.00", "€8.99", "¥129,900", "-$5.00",
// "1,234.500 KWD". The zero Money, having no currency, is empty.
func formatMoney(m commerce.Money) string {
	c := m.Currency()
	if c == "" {
		return ""
	}
	dec, neg := strings.CutPrefix(m.Decimal(), "-")
	whole, frac, hasFrac := strings.Cut(dec, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	sym, ok := currencySymbols()[c]
	b.WriteString(sym)
	for i, d := range []byte(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(d)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	if !ok {
		b.WriteString(" " + string(c))
	}
	return b.String()
}
