package commerce

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCurrencyTable(t *testing.T) {
	// Every code is three upper-case ASCII letters with an exponent ISO
	// actually uses; a typo in the literal would break one of these.
	for c, e := range exponents {
		require.Len(t, string(c), 3, c)
		for i := range 3 {
			require.True(t, 'A' <= c[i] && c[i] <= 'Z', "code %q", c)
		}
		require.Contains(t, []uint8{0, 2, 3, 4}, e, "exponent of %s", c)
	}
	assert.Len(t, exponents, 165, "ISO 4217 List One (2026-01-01) minus the N.A. codes")
}

func TestCurrencyExponent(t *testing.T) {
	want := map[Currency]int{
		"USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "CNY": 2, "INR": 2, "BRL": 2, "MXN": 2, "XCG": 2, "ZWG": 2, "SLE": 2, "VED": 2,
		"JPY": 0, "ISK": 0, "KRW": 0, "VND": 0, "XAF": 0, "XOF": 0, "XPF": 0, "CLP": 0, "PYG": 0,
		"UGX": 0, "RWF": 0, "KMF": 0, "GNF": 0, "DJF": 0, "BIF": 0, "VUV": 0, "UYI": 0,
		"KWD": 3, "BHD": 3, "JOD": 3, "OMR": 3, "TND": 3, "LYD": 3, "IQD": 3,
		"CLF": 4, "UYW": 4,
	}
	for c, e := range want {
		got, ok := c.Exponent()
		assert.True(t, ok, c)
		assert.Equal(t, e, got, c)
		assert.True(t, c.Valid(), c)
	}
}

func TestCurrencyExcluded(t *testing.T) {
	excluded := []Currency{
		// No minor unit in ISO 4217: metals, units of account, testing.
		"XAU", "XAG", "XPT", "XPD", "XDR", "XTS", "XXX", "XSU", "XUA", "XBA", "XBB", "XBC", "XBD",
		// Withdrawn.
		"BGN", "HRK", "ANG", "CUC", "SLL", "ZWL", "VEF", "LTL", "DEM",
		// Not codes at all.
		"", "usd", "US", "USDD", " USD", "U$D",
	}
	for _, c := range excluded {
		assert.False(t, c.Valid(), c)
		e, ok := c.Exponent()
		assert.False(t, ok, c)
		assert.Zero(t, e, c)
	}
}

func TestParseCurrency(t *testing.T) {
	tests := []struct {
		in   string
		want Currency
	}{
		{"USD", "USD"},
		{"usd", "USD"},
		{"Jpy", "JPY"},
		{"  kwd\t\n", "KWD"},
		{"clf", "CLF"},
	}
	for _, tt := range tests {
		got, err := ParseCurrency(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}

	bad := []string{
		"", "   ", "US", "USDX", "U SD", "XAU", "XXX", "BGN", "123", "usd.", "€",
		// Unicode case folding must not sneak in look-alikes: 'ſ' upper-cases
		// to 'S' and 'ı' to 'I'.
		"uſd", "ısk",
	}
	for _, in := range bad {
		c, err := ParseCurrency(in)
		require.Error(t, err, in)
		assert.Equal(t, CodeInvalidArgument, Code(err), in)
		assert.ErrorIs(t, err, ErrInvalidArgument, in)
		assert.Empty(t, c, in)
	}
}

func TestCurrencyString(t *testing.T) {
	assert.Equal(t, "EUR", Currency("EUR").String())
}

func TestCurrencyText(t *testing.T) {
	b, err := Currency("USD").MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "USD", string(b))

	_, err = Currency("usd").MarshalText()
	assert.Equal(t, CodeInvalidArgument, Code(err))
	_, err = Currency("").MarshalText()
	assert.Equal(t, CodeInvalidArgument, Code(err))

	var c Currency
	require.NoError(t, c.UnmarshalText([]byte("KWD")))
	assert.Equal(t, Currency("KWD"), c)

	// The wire format is canonical only; ParseCurrency is the lenient one.
	for _, in := range []string{"kwd", " KWD", "KWD ", "", "XAU", "ABC"} {
		c := Currency("EUR")
		err := c.UnmarshalText([]byte(in))
		assert.Equal(t, CodeInvalidArgument, Code(err), in)
		assert.Equal(t, Currency("EUR"), c, "unchanged on error: %q", in)
	}
}

func TestCurrencyJSON(t *testing.T) {
	type doc struct {
		C Currency            `json:"c"`
		M map[Currency]string `json:"m,omitempty"`
	}
	b, err := json.Marshal(doc{C: "JPY", M: map[Currency]string{"EUR": "x"}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"c":"JPY","m":{"EUR":"x"}}`, string(b))

	var d doc
	require.NoError(t, json.Unmarshal(b, &d))
	assert.Equal(t, Currency("JPY"), d.C)
	assert.Equal(t, map[Currency]string{"EUR": "x"}, d.M)

	// The escape decodes to the canonical spelling, so it is accepted.
	require.NoError(t, json.Unmarshal([]byte(`{"c":"\u0055SD"}`), &d))
	assert.Equal(t, Currency("USD"), d.C)

	for _, in := range []string{
		`{"c":"usd"}`, `{"c":"XAU"}`, `{"c":""}`, `{"c":null}`, `{"c":840}`, `{"c":true}`, `{"c":["USD"]}`,
		`{"m":{"usd":"x"}}`,
	} {
		err := json.Unmarshal([]byte(in), &d)
		require.Error(t, err, in)
		assert.Equal(t, CodeInvalidArgument, Code(err), "%s: %v", in, err)
		var e *Error
		assert.True(t, errors.As(err, &e), in)
	}

	// Called directly, the method rejects what is not one JSON string.
	for _, in := range []string{`"USD`, `"U"SD"`, `"USD"x"`, `"`, `""`, `"US\"`} {
		c := Currency("EUR")
		assert.Equal(t, CodeInvalidArgument, Code(c.UnmarshalJSON([]byte(in))), in)
		assert.Equal(t, Currency("EUR"), c, "unchanged on error: %s", in)
	}

	// Writing an invalid currency fails rather than produce unreadable JSON.
	_, err = json.Marshal(doc{C: "nope"})
	assert.Equal(t, CodeInvalidArgument, Code(err))
}
