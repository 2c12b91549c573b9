// Package cart keeps shopping carts: lines of SKUs in one currency, owned
// by a guest or a customer, that live for a while after their last change.
//
// A [Cart] is created empty ([Service.Create]) for a guest or a customer.
// [Service.AddItem] prices the SKU through a [Pricer] (a
// *catalog.Service) and captures that price in a new line, or raises the
// quantity of the line holding the same SKU with equal metadata;
// [Service.RemoveItem], [Service.UpdateQuantity] (0 removes) and
// [Service.Clear] do the rest. [Service.Totals] prices the cart again with
// today's prices, marking lines whose price changed since they were added
// and lines that can no longer be bought.
//
// A cart also holds the promotion codes the buyer entered
// ([Service.ApplyCode], [Service.RemoveCode], [Options.MaxCodes]). With an
// [Options.Discounter] (a *promotion.Service), Totals shows each
// promotion that applies with each line's share, and each code that gives
// nothing with its reason; ApplyCode refuses codes no cart could use.
// Checkout decides again what the codes give.
//
// At login, [Service.AttachCustomer] gives a guest cart to the customer,
// and [Service.Merge] merges it into the customer's cart with a
// [MergeStrategy] the host chooses; [Service.ForCustomer] finds a
// customer's active cart. Checkout calls [Service.MarkConverted] once the
// order exists; a converted or merged cart accepts no more writes.
//
// Limits are checked on every write and reported with stable codes:
// quantities 1..[Options.MaxQuantityPerLine] and bad input are
// InvalidArgument with the offending field, a SKU the catalog does not
// know is InvalidArgument (field "sku"), a SKU that cannot be bought or
// has no price in the cart's currency and a cart beyond
// [Options.MaxLines] are FailedPrecondition, a missing or expired cart is
// NotFound, and writes to a merged or converted cart are
// FailedPrecondition. A failed operation changes nothing and publishes
// nothing.
//
// A cart expires [Options.TTL] (7 days) after its last write: the Service
// treats it as NotFound from its ExpiresAt on, by its clock, and the
// [Store] forgets the record TTL after the write. Every write is an atomic
// read-modify-write of the store with its events, so concurrent writers
// never lose an update; the Service fetches prices before the write, never
// inside it. Stores live in github.com/mercatohq/mercato/adapters/memory
// and github.com/mercatohq/mercato/adapters/redis; the conformance suite
// in carttest proves them. A change can carry a [Check], such as who may
// change the cart, which runs on the cart the change reads: an API checks
// ownership without reading the cart a second time.
//
// Events (aggregate: the cart): cart.created, cart.item_added,
// cart.item_removed, cart.quantity_updated, cart.cleared,
// cart.customer_attached, cart.merged, cart.converted, cart.code_applied
// and cart.code_removed. Each carries the
// cart, its customer and, for lines, the SKU, product, variant, quantity
// and captured unit price, which is what recommendations and an
// abandoned-cart metric need. A bus from eventbus.New decodes them
// already; [RegisterEvents] adds them to another registry.
package cart
