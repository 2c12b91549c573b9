// Package order turns carts into orders and carries them through the
// order state machine: a checkout saga, then fulfilment, cancellation and
// returns.
//
// [Service.Checkout] is the checkout saga: it prices the cart, creates the
// order (Pending), reserves its stock (PaymentPending), takes the payment,
// deducts the stock, converts the cart and confirms the order (Confirmed,
// order.confirmed). No remote call happens inside a store transaction; the
// order row records how far the saga got, and every step is idempotent,
// so the same idempotency key always yields the same single order and
// charge, and [Service.Recover] finishes or compensates checkouts that
// stopped half-way.
//
// After checkout, [Service.Transition] moves an order through fulfilment
// (Processing, Packed, Shipped, InTransit, OutForDelivery, Delivered),
// cancellation (voiding or refunding, releasing or restocking) and returns
// (ReturnRequested, ReturnApproved, Refunded). [CanTransition] is the state
// machine itself, and no order moves any other way.
//
// Orders live in a [Store]; adapters/memory and adapters/postgres provide
// one, and order/ordertest is the suite every Store passes. Each change
// commits with its event (order.created, order.confirmed, ...), whose
// payload carries the whole order.
package order
