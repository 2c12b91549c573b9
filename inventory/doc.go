// Package inventory keeps stock levels per SKU and location and reserves
// stock for checkouts without ever overselling.
//
// A [Level] holds the units on hand at one location and how many of them
// are reserved; what may still be sold is OnHand - Reserved. Checkout
// calls [Service.Reserve] with a reservation ID of its choosing: all lines
// are reserved or none, lines naming the same SKU are summed before the
// check, and the same call repeated returns the same [Reservation]. When
// the order is paid [Service.Deduct] removes the units from stock
// (on hand -= qty, reserved -= qty); when it is not, [Service.Release]
// gives them back. Reservations carry an expiry: [Service.ReleaseExpired]
// (or [Service.RunSweeper]) releases the ones nobody finished, and an
// expired reservation can no longer be deducted.
//
// A host that keeps the stock of some or all of its SKUs elsewhere (or
// does not count it) sets [Options.Untracked]: a SKU with no level at any
// location then reserves without limit, its lines are listed in
// [Reservation.Untracked] with no allocation, and deducting, releasing,
// restocking or expiring the reservation publishes the same events while
// leaving levels alone. A SKU with a level, even an empty one, is
// tracked: [Service.SetStock] with 0 on a SKU without stock creates that
// empty level, which is how such a host stops selling it.
// [Service.Availability] is what readers of stock (a search index's
// in-stock flag, a product page, recommendations) ask: a SKU's units left,
// or that it is untracked, and so in stock.
//
// Every change to a level is written to a stock-movement ledger
// ([Service.Movements]), so the units on hand of a SKU always equal the sum
// of its movements. Admin corrections go through [Service.SetStock] and
// [Service.Adjust] with a reason.
//
// Where the units come from is the [Strategy]'s choice:
// [DefaultLocationStrategy] (the default) takes them from the default
// location only, [FirstFitStrategy] from the first location that has
// enough, splitting a line across locations when none has.
//
// The [Store] port keeps the state. Its writes are transactional closures:
// the store locks the levels a write touches (in SKU, then location, order,
// so concurrent writers never deadlock), hands them to the service, and
// persists the [Change] the service computes together with its events.
// Stores live in github.com/mercatohq/mercato/adapters/memory and
// github.com/mercatohq/mercato/adapters/postgres; the conformance suite in
// inventorytest proves them.
//
// Events: inventory.reserved, inventory.released (reason "released" or
// "expired"), inventory.deducted, inventory.restocked, inventory.low_stock
// (a SKU's available units fall to its threshold or below),
// inventory.out_of_stock (they reach zero) and inventory.back_in_stock
// (they rise from zero, the first stock of a SKU included). The last three
// are emitted once per crossing, not on every change past the line.
package inventory
