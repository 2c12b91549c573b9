package memory

import "github.com/mercatohq/mercato/payment/fakeprovider"

// NewPaymentProvider returns the deterministic fake payment provider of
// package fakeprovider (Stripe's test tokens scripted), for hosts that
// wire the demo shop from this package.
func NewPaymentProvider(opts *fakeprovider.Options) *fakeprovider.Provider {
	return fakeprovider.New(opts)
}
