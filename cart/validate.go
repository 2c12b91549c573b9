package cart

import (
	"unicode"
	"unicode/utf8"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// Limits of a line's metadata: it is a few labels (an engraving, a gift
// note), stored and sent with every read of the cart.
const (
	MaxMetadataKeys        = 16
	MaxMetadataKeyLength   = 64
	MaxMetadataValueLength = 512
)

// invalid is the error of bad client input: InvalidArgument naming field.
func invalid(field, format string, args ...any) *commerce.Error {
	return commerce.Errorf(commerce.CodeInvalidArgument, "cart: "+format, args...).WithDetail("field", field)
}

func validateCartID(id commerce.CartID) error {
	if id.IsZero() {
		return invalid("cart_id", "cart id is required")
	}
	if err := id.Validate(); err != nil {
		return invalid("cart_id", "cart id: %w", err)
	}
	return nil
}

func validateCustomerID(id commerce.CustomerID) error {
	if id.IsZero() {
		return invalid("customer_id", "customer id is required")
	}
	if err := id.Validate(); err != nil {
		return invalid("customer_id", "customer id: %w", err)
	}
	return nil
}

func validateLineID(id commerce.LineID) error {
	if id.IsZero() {
		return invalid("line_id", "line id is required")
	}
	if err := id.Validate(); err != nil {
		return invalid("line_id", "line id: %w", err)
	}
	return nil
}

func validateSKU(sku string) error {
	if sku == "" {
		return invalid("sku", "sku is required")
	}
	if !catalog.ValidSKU(sku) {
		return invalid("sku", "SKU %q is malformed", truncate(sku))
	}
	return nil
}

func (s *Service) validateQuantity(q int) error {
	if q < 1 || q > s.opts.MaxQuantityPerLine {
		return invalid("quantity", "quantity %d must be between 1 and %d", q, s.opts.MaxQuantityPerLine).
			WithDetail("max", s.opts.MaxQuantityPerLine)
	}
	return nil
}

func validateMetadata(m map[string]string) error {
	if len(m) > MaxMetadataKeys {
		return invalid("metadata", "at most %d metadata keys, got %d", MaxMetadataKeys, len(m))
	}
	for k, v := range m {
		switch {
		case k == "" || len(k) > MaxMetadataKeyLength:
			return invalid("metadata", "metadata key %q must be 1 to %d bytes", truncate(k), MaxMetadataKeyLength)
		case len(v) > MaxMetadataValueLength:
			return invalid("metadata", "metadata %q is longer than %d bytes", truncate(k), MaxMetadataValueLength)
		case !printable(k) || !utf8.ValidString(v):
			return invalid("metadata", "metadata %q must be valid UTF-8 and its key printable", truncate(k))
		}
	}
	return nil
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
