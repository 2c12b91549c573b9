// Package postgres implements Mercato's durable store ports on PostgreSQL
// through pgx v5.
//
// Schema: [Migrate] applies the migrations embedded in this package, in
// order, once per schema. It is idempotent and safe to call from several
// processes at once; every store of this package expects it to have run.
// Tables live in the connection's current schema (its search_path), so one
// database can hold several isolated shops; every table name starts with
// its package's name (catalog_, customer_, inventory_, payment_, notify_,
// order_), so they sit beside a host's own tables. A host that manages its
// schema with goose or golang-migrate runs the files of [Migrations]
// instead.
//
// Events: each store writes the events of a change into a transactional
// [Outbox] inside the transaction that makes the change, so a change and its
// events commit or vanish together. *pgbus.Outbox from
// github.com/mercatohq/mercato/eventbus/pgbus is the implementation to use;
// its Relay forwards committed events to the bus. Options.Outbox is
// required: a store never drops events unless told to with DiscardEvents.
//
// Units of work: [OrderStore.Atomically] (order.UnitOfWork) runs a
// function in one transaction that every store of this package on the
// order store's pool writes in. Given as order.Options.UnitOfWork when
// the order service's Stock is an inventory.Service over an
// [InventoryStore] on the same pool (as [NewStores] builds them),
// order.Service commits a checkout's order with its stock reservation
// (and with its payment's record, when the payment.Service's store is a
// [PaymentStore] on the same pool), and its confirmation with the stock's
// deduction (and with the payment's captured outcome), together: two
// commits per checkout. The second unit writes the payment and the order
// from what the first one stored ([PaymentStore.UpdateFrom],
// [OrderStore.UpdateFrom]), without reading them again: each write is
// guarded by the values it started from, and a change made meanwhile
// fails the unit, never overwritten. Stores on other pools commit on their own, and say
// so ([PaymentStore.InUnit]); a Stock in another
// process must not be given a unit (its calls would run while the unit's
// transaction is open). Events written in a unit reach the outbox in its transaction.
//
// Server memory: a checkout's statements make each PostgreSQL server
// process that runs them allocate and free more memory than glibc's
// allocator keeps by default (128 KB). On Linux the process then returns
// the top of its heap to the system at the end of such a statement and
// asks for it again at the next one: about two system calls per
// checkout, the page faults of taking the memory back, and a flush of
// the other cores' address translations at each return. Starting the
// server with
//
//	MALLOC_TRIM_THRESHOLD_=33554432
//	MALLOC_TOP_PAD_=4194304
//
// in its environment (for Debian's packages, in
// /etc/postgresql/<version>/main/environment) lets each process keep up
// to 32 MB it has freed: on a 2-core machine, 16 concurrent checkouts
// (BenchmarkCheckout) ran 5-11% faster, with a lower p99.
//
// Errors: failures carry a commerce error code. A unique violation is
// Conflict, a missing row NotFound, a lost connection, a cancelled query, a
// serialization failure or a deadlock Unavailable (the caller may retry);
// anything else Internal. Stores never retry on their own.
package postgres
