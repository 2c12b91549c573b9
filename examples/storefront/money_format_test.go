package main

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mercatohq/mercato/commerce"
)

func TestFormatMoneyGroupsThousandsPerCurrency(t *testing.T) {
	for _, tc := range []struct {
		amount   int64
		currency commerce.Currency
		want     string
	}{
		{0, "USD", "$0.00"},
		{5, "USD", "$0.05"},
		{99, "USD", "$0.99"},
		{1299, "USD", "$12.99"},
		{99999, "USD", "$999.99"},
		{129900, "USD", "$1,299.00"},
		{1234567, "USD", "$12,345.67"},
		{123456789, "USD", "$1,234,567.89"},
		{-500, "USD", "-$5.00"},
		{-129900, "USD", "-$1,299.00"},
		{119900, "EUR", "€1,199.00"},
		{1250, "GBP", "£12.50"},
		{129900, "JPY", "¥129,900"},
		{999, "JPY", "¥999"},
		{1000, "JPY", "¥1,000"},
		{1234500, "KWD", "1,234.500 KWD"},
		{100000, "CHF", "1,000.00 CHF"},
		{math.MaxInt64, "USD", "$92,233,720,368,547,758.07"},
		{math.MinInt64, "USD", "-$92,233,720,368,547,758.08"},
	} {
		m := commerce.MustMoney(tc.amount, tc.currency)
		assert.Equal(t, tc.want, formatMoney(m), "%d %s", tc.amount, tc.currency)
	}
	assert.Empty(t, formatMoney(commerce.Money{}))
}
