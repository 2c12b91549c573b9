package inventory

import (
	"unicode"
	"unicode/utf8"

	"github.com/mercatohq/mercato/commerce"
)

// maxNameLength bounds SKUs, locations and reasons in bytes.
const maxNameLength = 255

// validateName checks a SKU or a location: present, at most 255 bytes of
// UTF-8, no control characters or surrounding spaces.
func validateName(field, s string) error {
	invalid := func(why string) error {
		return commerce.Errorf(commerce.CodeInvalidArgument, "inventory: %s %q %s", field, truncate(s), why).WithDetail("field", field)
	}
	switch {
	case s == "":
		return commerce.Errorf(commerce.CodeInvalidArgument, "inventory: %s is required", field).WithDetail("field", field)
	case len(s) > maxNameLength:
		return invalid("is longer than 255 bytes")
	case !utf8.ValidString(s):
		return invalid("is not valid UTF-8")
	}
	for i, r := range s {
		if unicode.IsControl(r) {
			return invalid("contains a control character")
		}
		if unicode.IsSpace(r) && (i == 0 || i+utf8.RuneLen(r) == len(s)) {
			return invalid("starts or ends with a space")
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func validateReservationID(id commerce.ReservationID) error {
	if id.IsZero() {
		return commerce.Errorf(commerce.CodeInvalidArgument, "inventory: reservation id is required").WithDetail("field", "reservation_id")
	}
	if err := id.Validate(); err != nil {
		return commerce.Errorf(commerce.CodeInvalidArgument, "inventory: reservation id: %w", err).WithDetail("field", "reservation_id")
	}
	return nil
}

func validateQuantity(field string, q int) error {
	if q < 1 || q > MaxQuantity {
		return commerce.Errorf(commerce.CodeInvalidArgument, "inventory: %s %d must be between 1 and %d", field, q, MaxQuantity).WithDetail("field", field)
	}
	return nil
}

// sumLines validates lines and sums them per SKU, sorted by SKU.
func sumLines(lines []Line) ([]Line, error) {
	if len(lines) == 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "inventory: a reservation needs at least one line").WithDetail("field", "lines")
	}
	sum := map[string]int{}
	for _, l := range lines {
		if err := validateName("sku", l.SKU); err != nil {
			return nil, err
		}
		if err := validateQuantity("quantity", l.Quantity); err != nil {
			return nil, err
		}
		sum[l.SKU] += l.Quantity
		if sum[l.SKU] > MaxQuantity {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "inventory: lines of %s add up to more than %d", l.SKU, MaxQuantity).WithDetail("field", "quantity")
		}
	}
	out := make([]Line, 0, len(sum))
	for sku, q := range sum {
		out = append(out, Line{SKU: sku, Quantity: q})
	}
	sortLines(out)
	return out, nil
}
