package commerce_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

func validAddress() commerce.Address {
	return commerce.Address{
		Name:       "Ada Lovelace",
		Company:    "Analytical Engines Ltd",
		Line1:      "12 St James's Square",
		Line2:      "Flat 3",
		City:       "London",
		Region:     "Greater London",
		PostalCode: "SW1Y 4JH",
		Country:    "GB",
		Phone:      "+442079460000",
	}
}

func TestAddressValidate(t *testing.T) {
	long := strings.Repeat("é", commerce.MaxAddressFieldLength+1)
	atLimit := strings.Repeat("é", commerce.MaxAddressFieldLength)

	cases := []struct {
		name     string
		mutate   func(*commerce.Address)
		badField string // empty when the address is valid
	}{
		{"complete", func(*commerce.Address) {}, ""},
		{"only required fields", func(a *commerce.Address) {
			*a = commerce.Address{Name: "A", Line1: "1 Main St", City: "Springfield", Country: "US"}
		}, ""},
		{"non-Latin text", func(a *commerce.Address) { a.Name, a.City, a.Country = "山田太郎", "東京", "JP" }, ""},
		{"field at length limit", func(a *commerce.Address) { a.Line1 = atLimit }, ""},
		{"shortest phone", func(a *commerce.Address) { a.Phone = "+12345678" }, ""},
		{"longest phone", func(a *commerce.Address) { a.Phone = "+123456789012345" }, ""},

		{"missing name", func(a *commerce.Address) { a.Name = "" }, "name"},
		{"blank name", func(a *commerce.Address) { a.Name = " \t " }, "name"},
		{"missing line1", func(a *commerce.Address) { a.Line1 = "" }, "line1"},
		{"missing city", func(a *commerce.Address) { a.City = "" }, "city"},
		{"missing country", func(a *commerce.Address) { a.Country = "" }, "country"},
		{"lower-case country", func(a *commerce.Address) { a.Country = "gb" }, "country"},
		{"three-letter country", func(a *commerce.Address) { a.Country = "GBR" }, "country"},
		{"digits as country", func(a *commerce.Address) { a.Country = "12" }, "country"},
		{"reserved UK", func(a *commerce.Address) { a.Country = "UK" }, "country"},
		{"user-assigned XK", func(a *commerce.Address) { a.Country = "XK" }, "country"},
		{"unassigned AA", func(a *commerce.Address) { a.Country = "AA" }, "country"},
		{"padded country", func(a *commerce.Address) { a.Country = "GB " }, "country"},
		{"too long", func(a *commerce.Address) { a.Company = long }, "company"},
		{"newline", func(a *commerce.Address) { a.Line2 = "Flat 3\r\nBcc: x@example.com" }, "line2"},
		{"invalid UTF-8", func(a *commerce.Address) { a.Region = "\xff" }, "region"},
		{"control in postal code", func(a *commerce.Address) { a.PostalCode = "SW1Y\x004JH" }, "postal_code"},
		{"phone without plus", func(a *commerce.Address) { a.Phone = "442079460000" }, "phone"},
		{"phone with spaces", func(a *commerce.Address) { a.Phone = "+44 20 7946 0000" }, "phone"},
		{"phone too short", func(a *commerce.Address) { a.Phone = "+1234567" }, "phone"},
		{"phone too long", func(a *commerce.Address) { a.Phone = "+1234567890123456" }, "phone"},
		{"phone leading zero", func(a *commerce.Address) { a.Phone = "+0123456789" }, "phone"},
		{"phone letters", func(a *commerce.Address) { a.Phone = "+1800FLOWERS" }, "phone"},
		{"first bad field wins", func(a *commerce.Address) { a.City, a.Phone = "", "nope" }, "city"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validAddress()
			c.mutate(&a)
			err := a.Validate()
			if c.badField == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, commerce.ErrInvalidArgument)
			assert.Contains(t, err.Error(), c.badField)
			var e *commerce.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, c.badField, e.Details["field"])
		})
	}
}

func TestAddressValidateAcceptsEveryAssignedCountry(t *testing.T) {
	accepted := 0
	for first := 'A'; first <= 'Z'; first++ {
		for second := 'A'; second <= 'Z'; second++ {
			a := validAddress()
			a.Country = string([]rune{first, second})
			if a.Validate() == nil {
				accepted++
			}
		}
	}
	assert.Equal(t, 249, accepted, "ISO 3166-1 has 249 officially assigned alpha-2 codes")

	for _, code := range []string{"AD", "AX", "CW", "DE", "SS", "SX", "US", "ZW"} {
		a := validAddress()
		a.Country = code
		assert.NoError(t, a.Validate(), code)
	}
}

func TestAddressNormalize(t *testing.T) {
	in := commerce.Address{
		Name:       "  Ada Lovelace ",
		Company:    "\tAnalytical Engines Ltd\n",
		Line1:      " 12 St James's Square",
		Line2:      "   ",
		City:       "London ",
		Region:     " Greater London",
		PostalCode: " SW1Y 4JH ",
		Country:    " gb ",
		Phone:      " +442079460000 ",
	}
	out := in.Normalize()

	want := validAddress()
	want.Line2 = ""
	assert.Equal(t, want, out)
	require.NoError(t, out.Validate())
	assert.Equal(t, " gb ", in.Country, "Normalize returns a copy")
	assert.Equal(t, out, out.Normalize(), "Normalize is idempotent")
}

func TestAddressJSON(t *testing.T) {
	raw, err := json.Marshal(commerce.Address{Name: "A", Line1: "1 Main St", City: "Springfield", PostalCode: "12345", Country: "US"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"A","line1":"1 Main St","city":"Springfield","postal_code":"12345","country":"US"}`, string(raw))

	var back commerce.Address
	require.NoError(t, json.Unmarshal([]byte(`{"name":"B","line1":"x","line2":"y","city":"c","region":"r","postal_code":"p","country":"FR","phone":"+33123456789","company":"co"}`), &back))
	assert.Equal(t, commerce.Address{Name: "B", Company: "co", Line1: "x", Line2: "y", City: "c", Region: "r", PostalCode: "p", Country: "FR", Phone: "+33123456789"}, back)
}
