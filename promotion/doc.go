// Package promotion discounts baskets with promotions and coupon codes,
// and pays for orders with gift cards, never past a limit.
//
// A [Promotion] has [Conditions] a basket must meet (a minimum subtotal,
// SKUs, categories or brands, the audience, first orders, a currency, a
// date window) and [Action]s that discount it (a percentage or an amount
// off the order or the matching lines, a fixed price, free shipping, buy X
// get Y). Automatic promotions apply to every basket that qualifies; the
// others need one of their [Code]s. [Service.Evaluate] prices a [Basket]
// without writing anything: it returns the promotions that apply, the
// codes that do not with a stable reason, and each line's discount,
// spread with commerce.Money.Allocate so the shares always sum exactly.
// Every priced cart evaluates the live automatic promotions: an
// [AutomaticCache] in front of the store answers that from memory for a
// second at a time, for what only shows a discount.
//
// Codes have limits (uses overall and per customer) and promotions a
// campaign budget in money. They are taken the way stock is, in a saga
// with the order: [Service.Reserve] at checkout, [Service.Commit] when
// the order is confirmed, [Service.Release] when the checkout fails or the
// order is cancelled, and [Service.ReleaseExpired] (or
// [Service.RunSweeper]) for checkouts that died. Limits are checked under
// the store's locks, so concurrent checkouts never pass them.
//
// Gift cards hold a balance in one currency. Their codes come from
// crypto/rand and only their SHA-256 is stored. A checkout may pay with
// several cards: [Service.HoldGiftCards] debits them all or none,
// [Service.CaptureGiftCards] and [Service.ReleaseGiftCards] finish the
// saga, [Service.RefundGiftCards] credits refunds back. A balance never
// goes below zero.
//
// The [Store] port keeps the state; stores live in
// github.com/mercatohq/mercato/adapters/memory and
// github.com/mercatohq/mercato/adapters/postgres, and the conformance
// suite in promotiontest proves them.
package promotion
