// Package promotiontest is the conformance suite of promotion.Store.
//
// An adapter's test calls [Run] with a constructor of fresh, empty
// stores. The suite drives the real *promotion.Service over the store, so
// it proves the whole contract: admin CRUD and lists, evaluation reading
// automatic promotions and codes, the redemption saga (reserve, commit,
// release, expiry) and its idempotency, gift cards (issue, hold, capture,
// release, refund, expiry), and the races the port exists for: fifty
// checkouts against a code limited to ten uses redeem exactly ten, a
// campaign budget is never overdrawn, per-customer limits hold, one order
// reserved concurrently reserves once, and a gift card is never
// overdrawn by concurrent checkouts.
package promotiontest
