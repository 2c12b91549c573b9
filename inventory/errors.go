package inventory

import (
	"fmt"
	"strings"

	"github.com/mercatohq/mercato/commerce"
)

// Shortage is one SKU a reservation could not get enough of.
type Shortage struct {
	SKU       string `json:"sku"`
	Requested int    `json:"requested"`
	// Available is how many units the strategy could have taken.
	Available int `json:"available"`
}

// OutOfStockError is returned (wrapped in a *commerce.Error with code
// commerce.CodeOutOfStock and detail "short") when a reservation cannot be
// satisfied. Reach it with errors.As:
//
//	var oos *inventory.OutOfStockError
//	if errors.As(err, &oos) { ... oos.Shortages ... }
type OutOfStockError struct {
	// Shortages lists every short SKU, sorted by SKU.
	Shortages []Shortage
}

func (e *OutOfStockError) Error() string {
	parts := make([]string, len(e.Shortages))
	for i, s := range e.Shortages {
		parts[i] = fmt.Sprintf("%s (requested %d, available %d)", s.SKU, s.Requested, s.Available)
	}
	return "not enough stock for " + strings.Join(parts, ", ")
}

// outOfStock wraps shortages into the error the service returns.
func outOfStock(shortages []Shortage) error {
	e := &OutOfStockError{Shortages: shortages}
	return commerce.Errorf(commerce.CodeOutOfStock, "inventory: %w", e).WithDetail("short", shortages)
}
