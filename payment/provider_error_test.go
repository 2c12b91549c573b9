package payment_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// A provider error's kind is what commerce.IsPermanent answers, whatever
// wraps it, so the bus, notify and payment's own retries agree on it.
func TestProviderErrorPermanence(t *testing.T) {
	cause := errors.New("eof")
	cases := map[string]struct {
		err  *payment.ProviderError
		want bool
	}{
		"Declined":  {payment.ErrDeclined("card_declined", "Your card was declined."), true},
		"Invalid":   {payment.ErrInvalid("amount_too_large", "over the captured amount"), true},
		"Transient": {payment.ErrTransient("rate_limit", "slow down", cause), false},
		"Unknown":   {payment.ErrUnknownOutcome("timeout", "no answer", cause), false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, c.want, c.err.Permanent())
			assert.Equal(t, c.want, commerce.IsPermanent(c.err))
			assert.Equal(t, c.want, commerce.IsPermanent(fmt.Errorf("authorize: %w", c.err)))
			// The kind wins over a code the caller wrapped it in.
			assert.Equal(t, c.want, commerce.IsPermanent(commerce.Errorf(commerce.CodeUnavailable, "payment: %w", c.err)))
		})
	}
}
