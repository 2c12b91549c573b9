package postgres

import (
	"testing"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

func TestCheckLevelsRefusesLevelsNotLockedOrRepeated(t *testing.T) {
	locked := inventory.Stock{Levels: []inventory.Level{
		{SKU: "A", Location: "east"},
		{SKU: "A", Location: "west"},
		{SKU: "B", Location: "east"},
	}}
	cases := []struct {
		name   string
		levels []inventory.Level
		ok     bool
	}{
		{"none", nil, true},
		{"locked", []inventory.Level{{SKU: "A", Location: "west"}, {SKU: "B", Location: "east"}}, true},
		{"not locked", []inventory.Level{{SKU: "B", Location: "west"}}, false},
		{"other sku", []inventory.Level{{SKU: "C", Location: "east"}}, false},
		{"twice", []inventory.Level{{SKU: "A", Location: "east"}, {SKU: "A", Location: "east"}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := checkLevels(locked, c.levels)
			if c.ok {
				if err != nil {
					t.Fatalf("checkLevels: %v", err)
				}
				return
			}
			if commerce.Code(err) != commerce.CodeInternal {
				t.Fatalf("checkLevels = %v, want an Internal error", err)
			}
		})
	}
}
