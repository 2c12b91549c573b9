package order

import "context"

// CheckoutStep names a stage of a checkout, as an Observer sees it.
type CheckoutStep string

// The stages of a checkout. StepCheckout spans the whole call and the
// others nest inside it; a repeat of a checkout that already got further
// skips the steps it no longer needs.
const (
	// StepCheckout is one Checkout call, from the cart to its answer.
	StepCheckout CheckoutStep = "checkout"
	// StepPrice prices the cart and drafts the order.
	StepPrice CheckoutStep = "price"
	// StepCreate stores the Pending order (order.created).
	StepCreate CheckoutStep = "create"
	// StepReserve reserves the stock (order.payment_pending).
	StepReserve CheckoutStep = "reserve"
	// StepPay takes the payment and confirms the order (order.confirmed),
	// or cancels it when the payment is declined.
	StepPay CheckoutStep = "pay"
)

// Observer watches checkouts for a host's metrics and traces; the order
// package knows nothing of either. StartStep is called as a step begins:
// the context it returns is the one the step runs with (a trace span
// travels in it), and end is called exactly once with the step's error,
// nil on success. Implementations must be safe for concurrent use and
// must not block.
type Observer interface {
	StartStep(ctx context.Context, step CheckoutStep) (_ context.Context, end func(error))
}

// observe starts step with the configured Observer, if any.
func (s *Service) observe(ctx context.Context, step CheckoutStep) (context.Context, func(error)) {
	if s.opts.Observer == nil {
		return ctx, func(error) {}
	}
	return s.opts.Observer.StartStep(ctx, step)
}

// observed runs f as step.
func (s *Service) observed(ctx context.Context, step CheckoutStep, o Order, f func(context.Context, Order) (Order, error)) (Order, error) {
	ctx, end := s.observe(ctx, step)
	next, err := f(ctx, o)
	end(err)
	return next, err
}
