package commerce_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mercatohq/mercato/commerce"
)

// verdict is an error that knows whether retrying helps, as
// payment.ProviderError does.
type verdict bool

func (v verdict) Error() string   { return fmt.Sprintf("verdict %v", bool(v)) }
func (v verdict) Permanent() bool { return bool(v) }

func TestIsPermanent(t *testing.T) {
	coded := func(c commerce.ErrorCode) error { return commerce.Errorf(c, "x") }
	cases := map[string]struct {
		err  error
		want bool
	}{
		"Nil":                      {nil, false},
		"Uncoded":                  {errors.New("eof"), false},
		"Marked":                   {commerce.Permanent(errors.New("550 no such user")), true},
		"MarkedDeepInChain":        {fmt.Errorf("send: %w", commerce.Permanent(errors.New("550"))), true},
		"MarkWinsOverCode":         {commerce.Permanent(coded(commerce.CodeUnavailable)), true},
		"VerdictTrue":              {fmt.Errorf("pay: %w", verdict(true)), true},
		"VerdictFalseWinsOverCode": {commerce.Errorf(commerce.CodeInvalidArgument, "pay: %w", verdict(false)), false},
		"Canceled":                 {context.Canceled, false},
		"DeadlineExceeded":         {fmt.Errorf("send: %w", context.DeadlineExceeded), false},
		"InvalidArgument":          {coded(commerce.CodeInvalidArgument), true},
		"NotFound":                 {fmt.Errorf("wrapped: %w", coded(commerce.CodeNotFound)), true},
		"FailedPrecondition":       {coded(commerce.CodeFailedPrecondition), true},
		"PermissionDenied":         {coded(commerce.CodePermissionDenied), true},
		"Unauthenticated":          {coded(commerce.CodeUnauthenticated), true},
		"PaymentDeclined":          {coded(commerce.CodePaymentDeclined), true},
		"Unavailable":              {coded(commerce.CodeUnavailable), false},
		"ResourceExhausted":        {coded(commerce.CodeResourceExhausted), false},
		"Conflict":                 {coded(commerce.CodeConflict), false},
		"OutOfStock":               {coded(commerce.CodeOutOfStock), false},
		"Internal":                 {coded(commerce.CodeInternal), false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, c.want, commerce.IsPermanent(c.err), "%v", c.err)
		})
	}
}

func TestPermanentKeepsTheError(t *testing.T) {
	assert.NoError(t, commerce.Permanent(nil))
	cause := commerce.Errorf(commerce.CodeUnavailable, "smtp: 554 rejected")
	err := commerce.Permanent(cause)
	assert.Equal(t, cause.Error(), err.Error())
	assert.ErrorIs(t, err, cause)
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
}

func ExamplePermanent() {
	err := commerce.Permanent(fmt.Errorf("smtp: 550 mailbox unavailable"))
	fmt.Println(commerce.IsPermanent(err))
	fmt.Println(commerce.IsPermanent(commerce.Errorf(commerce.CodeUnavailable, "smtp: connection refused")))
	fmt.Println(commerce.IsPermanent(commerce.Errorf(commerce.CodeInvalidArgument, "email: not an address")))
	// Output:
	// true
	// false
	// true
}
