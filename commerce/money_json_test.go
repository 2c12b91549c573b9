package commerce_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

func TestMoneyMarshalJSON(t *testing.T) {
	tests := []struct {
		m    commerce.Money
		want string
	}{
		{cents(1999), `{"amount":1999,"currency":"USD"}`},
		{cents(-5), `{"amount":-5,"currency":"USD"}`},
		{commerce.MustMoney(0, cJPY), `{"amount":0,"currency":"JPY"}`},
		{commerce.MustMoney(math.MaxInt64, cKWD), `{"amount":9223372036854775807,"currency":"KWD"}`},
		{commerce.MustMoney(math.MinInt64, cCLF), `{"amount":-9223372036854775808,"currency":"CLF"}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.m)
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(b))

		var back commerce.Money
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, tt.m, back)
	}

	// The zero Money has nothing to say about its currency.
	_, err := json.Marshal(commerce.Money{})
	require.Error(t, err)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

func TestMoneyJSONInStructs(t *testing.T) {
	type line struct {
		Price    commerce.Money  `json:"price"`
		Discount *commerce.Money `json:"discount,omitempty"`
	}
	b, err := json.Marshal(line{Price: cents(1999)})
	require.NoError(t, err)
	assert.JSONEq(t, `{"price":{"amount":1999,"currency":"USD"}}`, string(b))

	var l line
	require.NoError(t, json.Unmarshal([]byte(`{"price":{"amount":5,"currency":"EUR"},"discount":null}`), &l))
	assert.Equal(t, commerce.MustMoney(5, cEUR), l.Price)
	assert.Nil(t, l.Discount, "null is how an optional *Money says absent")

	require.NoError(t, json.Unmarshal([]byte(`{"price":{"amount":5,"currency":"EUR"},"discount":{"amount":1,"currency":"EUR"}}`), &l))
	require.NotNil(t, l.Discount)
	assert.Equal(t, commerce.MustMoney(1, cEUR), *l.Discount)

	// A null for a Money value is an error, not a silent zero.
	err = json.Unmarshal([]byte(`{"price":null}`), &l)
	require.Error(t, err)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))

	// encoding/json hands the *Error back unwrapped, so both classic checks work.
	err = json.Unmarshal([]byte(`{"price":{"amount":1.5,"currency":"USD"}}`), &l)
	var e *commerce.Error
	require.True(t, errors.As(err, &e), "%T %v", err, err)
	assert.Equal(t, commerce.CodeInvalidArgument, e.Code)
	assert.ErrorIs(t, err, commerce.ErrInvalidArgument)

	// Also inside slices and maps.
	var ms []commerce.Money
	err = json.Unmarshal([]byte(`[{"amount":1,"currency":"USD"},{"amount":1}]`), &ms)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

func TestMoneyUnmarshalJSON(t *testing.T) {
	ok := []struct {
		in   string
		want commerce.Money
	}{
		{`{"amount":1999,"currency":"USD"}`, cents(1999)},
		{`{"currency":"USD","amount":1999}`, cents(1999)},
		{` { "amount" : -1 , "currency" : "JPY" } `, commerce.MustMoney(-1, cJPY)},
		{`{"amount":-0,"currency":"USD"}`, cents(0)},
		{`{"amount":9223372036854775807,"currency":"USD"}`, cents(math.MaxInt64)},
		{`{"amount":-9223372036854775808,"currency":"USD"}`, cents(math.MinInt64)},
		{`{"amount":1,"currency":"\u0055SD"}`, cents(1)},
		{`{"\u0061mount":1,"currency":"USD"}`, cents(1)},
		{"\t{\r\n\"amount\":0,\"currency\":\"USD\"}\n", cents(0)},
	}
	for _, tt := range ok {
		var m commerce.Money
		require.NoError(t, json.Unmarshal([]byte(tt.in), &m), tt.in)
		assert.Equal(t, tt.want, m, tt.in)
	}

	bad := map[string]string{
		"null":                  `null`,
		"array":                 `[1999,"USD"]`,
		"string":                `"19.99 USD"`,
		"number":                `1999`,
		"empty object":          `{}`,
		"missing amount":        `{"currency":"USD"}`,
		"missing currency":      `{"amount":1999}`,
		"null amount":           `{"amount":null,"currency":"USD"}`,
		"null currency":         `{"amount":1,"currency":null}`,
		"float amount":          `{"amount":1.5,"currency":"USD"}`,
		"float zero":            `{"amount":1.0,"currency":"USD"}`,
		"exponent amount":       `{"amount":1e3,"currency":"USD"}`,
		"exponent amount upper": `{"amount":1E3,"currency":"USD"}`,
		"string amount":         `{"amount":"1234","currency":"USD"}`,
		"bool amount":           `{"amount":true,"currency":"USD"}`,
		"object amount":         `{"amount":{},"currency":"USD"}`,
		"too large":             `{"amount":9223372036854775808,"currency":"USD"}`,
		"too small":             `{"amount":-9223372036854775809,"currency":"USD"}`,
		"way too large":         `{"amount":1e400,"currency":"USD"}`,
		"unknown currency":      `{"amount":1,"currency":"ZZZ"}`,
		"metal":                 `{"amount":1,"currency":"XAU"}`,
		"lower-case currency":   `{"amount":1,"currency":"usd"}`,
		"padded currency":       `{"amount":1,"currency":" USD"}`,
		"empty currency":        `{"amount":1,"currency":""}`,
		"numeric currency":      `{"amount":1,"currency":840}`,
		"unknown field":         `{"amount":1,"currency":"USD","note":"x"}`,
		"wrong case field":      `{"Amount":1,"currency":"USD"}`,
		"duplicate amount":      `{"amount":1,"amount":2,"currency":"USD"}`,
		"duplicate currency":    `{"amount":1,"currency":"USD","currency":"EUR"}`,
		"trailing data":         `{"amount":1,"currency":"USD"} {}`,
		"truncated":             `{"amount":1,"currency":"USD"`,
		"empty input":           ``,
		"garbage":               `{amount:1}`,
	}
	for name, in := range bad {
		t.Run(name, func(t *testing.T) {
			// Directly, as a caller with raw bytes would.
			m := cents(42)
			err := m.UnmarshalJSON([]byte(in))
			requireInvalidArgument(t, err, "%s: %v", in, err)
			assert.Equal(t, cents(42), m, "unchanged on error")

			// Through encoding/json, which validates syntax first: a syntax
			// error is its own *json.SyntaxError, anything else is ours.
			err = json.Unmarshal([]byte(in), &m)
			require.Error(t, err)
			var syntax *json.SyntaxError
			if !errors.As(err, &syntax) {
				assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%s: %v", in, err)
			}
		})
	}
}

func FuzzMoneyJSON(f *testing.F) {
	for _, s := range []string{
		`{"amount":1999,"currency":"USD"}`,
		`{"currency":"JPY","amount":-1}`,
		`{"amount":9223372036854775807,"currency":"KWD"}`,
		`{"amount":-9223372036854775808,"currency":"CLF"}`,
		`{"amount":1.5,"currency":"USD"}`,
		`{"amount":1e3,"currency":"USD"}`,
		`{"amount":"1","currency":"USD"}`,
		`{"amount":1,"currency":"usd"}`,
		`{"amount":1}`,
		`{"amount":1,"currency":"USD","x":1}`,
		`{"amount":1,"amount":1,"currency":"USD"}`,
		`null`, `{}`, `[]`, ``, `{"amount":1,"currency":"USD"}x`,
		`{"amount":01,"currency":"USD"}`, `{"amount":1,"currency":"USD",}`,
		`{"\u0061mount":1,"currency":"\u0055SD"}`, " {\t\"amount\"\n:\r-0 ,\"currency\":\"EUR\"} ",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m commerce.Money
		err := m.UnmarshalJSON(data)
		if err != nil {
			if commerce.Code(err) != commerce.CodeInvalidArgument {
				t.Fatalf("UnmarshalJSON(%q): code %q: %v", data, commerce.Code(err), err)
			}
			if m != (commerce.Money{}) {
				t.Fatalf("UnmarshalJSON(%q) failed but set %v", data, m)
			}
			return
		}
		if !m.Currency().Valid() {
			t.Fatalf("UnmarshalJSON(%q) accepted currency %q", data, m.Currency())
		}
		// Whatever the hand-written scanner accepts, encoding/json must read
		// as valid JSON with the same meaning.
		var std struct {
			Amount   int64  `json:"amount"`
			Currency string `json:"currency"`
		}
		if err := json.Unmarshal(data, &std); err != nil {
			t.Fatalf("UnmarshalJSON accepted %q, encoding/json says %v", data, err)
		}
		if std.Amount != m.Amount() || std.Currency != string(m.Currency()) {
			t.Fatalf("UnmarshalJSON(%q) = %v, encoding/json reads %+v", data, m, std)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("Marshal(%v): %v", m, err)
		}
		var back commerce.Money
		if err := json.Unmarshal(b, &back); err != nil || back != m {
			t.Fatalf("%q -> %v -> %s -> %v, %v", data, m, b, back, err)
		}
	})
}

func BenchmarkMoneyJSON(b *testing.B) {
	m := cents(199999)
	b.ReportAllocs()
	for b.Loop() {
		data, err := json.Marshal(m)
		if err != nil {
			b.Fatal(err)
		}
		var back commerce.Money
		if err := json.Unmarshal(data, &back); err != nil {
			b.Fatal(err)
		}
	}
}
