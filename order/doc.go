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
// stopped half-way. With a [UnitOfWork] ([Options.UnitOfWork]: the
// PostgreSQL stores on one pool, the Stock writing to the same database)
// the order is created with its stock reserved (and, when the payments
// write to the same database, its payment recorded), and the deduction
// written with the confirmation (and the payment's outcome), in one
// transaction each: [Service.Checkout] lists the two commits a checkout
// then makes and what each one buys.
//
// Promotions and gift cards are optional ([Options.Promotions],
// [Options.GiftCards], usually one *promotion.Service; nil means none and
// checkout is as above). With them, the draft evaluates the cart's codes
// and the automatic promotions and freezes what they give on the order
// (Order.Promotions, each Line.Discount, Totals.Discount, and free
// shipping in Totals.Shipping); a code whose limit is reached is
// FailedPrecondition naming it. The uses and budgets are reserved and the
// gift cards ([CheckoutInput.GiftCards]) held with the stock, committed
// and captured with the confirmation, and given back when the checkout
// fails, the order is cancelled, or recovery discards the order; holds
// of a checkout that died expire in the promotion service. The card
// payment takes the total less the gift cards ([Order.CardAmount]): an
// order the gift cards pay in full takes none. Returns refund the units'
// discounted price, gift-card money first (it is the shop's own credit),
// the rest to the card; cancelling or refunding a whole order credits
// the gift cards back in full.
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
