package postgres

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// unitKey is the context key of the unit of work under way.
type unitKey struct{}

// unitTx is a unit of work: one pipelined transaction on a connection of
// pool that every store of this package on the same pool writes in while
// the unit's context is theirs.
type unitTx struct {
	pool *pgxpool.Pool
	p    *pipeTx
}

// unitOf returns the transaction of the unit of work ctx carries, when
// that unit is on pool; nil otherwise (no unit, or one on another pool,
// whose database the store does not share).
func unitOf(ctx context.Context, pool *pgxpool.Pool) *pipeTx {
	u, ok := ctx.Value(unitKey{}).(*unitTx)
	if !ok || u.pool != pool {
		return nil
	}
	return u.p
}

var (
	_ order.UnitOfWork   = (*OrderStore)(nil)
	_ payment.UnitMember = (*PaymentStore)(nil)
)

// InUnit implements payment.UnitMember: the store writes in the unit of
// work ctx carries when that unit is on the store's pool.
func (s *PaymentStore) InUnit(ctx context.Context) bool { return unitOf(ctx, s.pool) != nil }

// Atomically implements order.UnitOfWork: the writes every store of this
// package on the order store's pool (the orders and, built by NewStores
// or on the same pool, the inventory) makes with fn's context run in one
// pipelined read-committed transaction, committed when fn returns nil and
// rolled back otherwise. Their events go to the outbox in that
// transaction; relays are woken once it has committed. The statements a
// store queues last travel with the next store's first round trip, or
// with the COMMIT, so the unit costs fewer round trips than its writes
// would alone.
//
// Stores on other pools, and stores of other packages, write on their own
// as they would without a unit. Inside Atomically, Atomically again joins
// the unit under way. fn must not do remote I/O (the transaction holds
// its row locks until fn returns) nor use fn's context from other
// goroutines. fn's error is returned as it is.
func (s *OrderStore) Atomically(ctx context.Context, fn func(ctx context.Context) error) error {
	if unitOf(ctx, s.pool) != nil {
		return fn(ctx)
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return classify(err, "begin a unit of work")
	}
	p := &pipeTx{conn: conn, unit: true}
	p.Queue(`BEGIN ISOLATION LEVEL READ COMMITTED`)
	defer p.release(ctx)
	if err := fn(context.WithValue(ctx, unitKey{}, &unitTx{pool: s.pool, p: p})); err != nil {
		return err
	}
	if !p.sent && p.batch.Len() == 1 {
		// fn wrote nothing here: there is nothing to commit.
		return nil
	}
	return classify(p.end(ctx), "commit a unit of work")
}
