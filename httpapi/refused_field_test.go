package httpapi

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mercatohq/mercato/commerce"
)

type refusedInner struct {
	Total  commerce.Money   `json:"total"`
	Prices []commerce.Money `json:"prices"`
}

type refusedEmbedded struct {
	Currency commerce.Currency `json:"currency"`
}

type refusedBody struct {
	refusedEmbedded
	Cart    commerce.CartID           `json:"cart_id"`
	Inner   *refusedInner             `json:"inner"`
	Lines   []refusedInner            `json:"lines"`
	ByName  map[string]commerce.Money `json:"by_name"`
	Grid    [][]commerce.Money        `json:"grid"`
	Skipped commerce.Money            `json:"-"`
	Plain   string                    `json:"plain"`
}

func TestRefusedField(t *testing.T) {
	usd := `{"amount":100,"currency":"USD"}`
	cases := []struct {
		name, raw, path string
		ok              bool
	}{
		{"all good", `{"cart_id":null,"inner":{"total":` + usd + `},"plain":"x"}`, "", false},
		{"an ID", `{"cart_id":"ord_nope"}`, "cart_id", true},
		{"an embedded field", `{"currency":"usd"}`, "currency", true},
		{"through a pointer", `{"inner":{"total":{"amount":1.5,"currency":"USD"}}}`, "inner.total", true},
		{"in a slice", `{"inner":{"prices":[` + usd + `,{"amount":1}]}}`, "inner.prices[1]", true},
		{"a slice of structs", `{"lines":[{},{"total":12}]}`, "lines[1].total", true},
		{"in a map", `{"by_name":{"a":` + usd + `,"b":"x"}}`, "by_name.b", true},
		{"nested slices", `{"grid":[[` + usd + `],[` + usd + `,7]]}`, "grid[1][1]", true},
		{"key case folded", `{"Inner":{"Total":"x"}}`, "inner.total", true},
		{"unknown and ignored keys", `{"colour":"x","Skipped":"x"}`, "", false},
		{"not an object", `[1,2]`, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, ok := refusedField(reflect.TypeFor[*refusedBody](), []byte(tc.raw))
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.path, path)
		})
	}
	path, ok := refusedField(reflect.TypeFor[commerce.Money](), []byte(`"12.50"`))
	assert.True(t, ok, "the value as a whole")
	assert.Empty(t, path)
}
