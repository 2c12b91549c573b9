package order

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// maxKeyLen bounds checkout idempotency keys, leaving room for the
// suffixes the service derives payment and refund keys with.
const maxKeyLen = 150

// now is the service's time at the microsecond precision databases keep,
// so an order read back equals the one returned.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

func invalid(field, format string, args ...any) error {
	return commerce.Errorf(commerce.CodeInvalidArgument, "order: "+field+": "+format, args...).WithDetail("field", field)
}

func validateOrderID(id commerce.OrderID) error {
	if id.IsZero() {
		return invalid("order_id", "order id is required")
	}
	if err := id.Validate(); err != nil {
		return invalid("order_id", "%w", err)
	}
	return nil
}

func validateKey(key string) error {
	if key == "" || len(key) > maxKeyLen {
		return invalid("idempotency_key", "an idempotency key of 1 to %d bytes is required", maxKeyLen)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return invalid("idempotency_key", "the idempotency key must be printable ASCII without spaces")
		}
	}
	return nil
}

// normalizeEmail trims and checks an address; it keeps its case, which
// the local part may need.
func normalizeEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return "", invalid("email", "an email address is required")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		return "", invalid("email", "%q is not an email address", truncate(email))
	}
	return email, nil
}

func validateText(field, s string, max int) error {
	if len(s) > max {
		return invalid(field, "at most %d bytes", max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' {
			return invalid(field, "control characters are not allowed")
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// paymentKey is the idempotency key of an order's payment: one order, one
// charge, whichever process asks.
func paymentKey(id commerce.OrderID) string { return "order:" + id.String() + ":payment" }

// refundKey is the idempotency key of the refund an order's cancellation
// or return makes of one payment.
func refundKey(id commerce.OrderID, p commerce.PaymentID) string {
	return fmt.Sprintf("order:%s:refund:%s", id, p)
}
