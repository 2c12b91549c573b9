package shard

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
)

// Shard is one database of a Router.
type Shard struct {
	// Pool connects to the shard's database (or schema). The router
	// opens a second pool with Pool's configuration (see New), so count
	// up to twice Pool's MaxConns per shard against the server's
	// max_connections: calls that find no connection slot left fail with
	// Unavailable.
	Pool *pgxpool.Pool
	// Outbox receives the events of the changes made on this shard, in
	// their transaction: each shard has its own outbox table, and the
	// host runs one relay per shard (pgbus.NewRelay on Pool).
	Outbox postgres.Outbox
}

// Options configures a Router. The zero value is valid.
type Options struct {
	// Logger receives what the router skips, such as a shard that was
	// down during a recovery scan. Default slog.Default().
	Logger *slog.Logger
}

// Router sends every call of the customer, order and payment store ports
// to the shard of the data it names. It is safe for concurrent use.
type Router struct {
	shards []shardStores
	m      atomic.Pointer[Map]
	log    *slog.Logger
	// gates pause the writes of one bucket while it moves: every write
	// holds its bucket's read lock, MoveBucket the write lock for the
	// switch. Reads never wait.
	gates [Buckets]sync.RWMutex
	// moving serialises bucket moves.
	moving sync.Mutex

	customers *CustomerStore
	orders    *OrderStore
	payments  *PaymentStore
}

// shardStores is one shard's pool and the single-database stores on it.
type shardStores struct {
	name   string
	pool   *pgxpool.Pool
	stores *postgres.Stores
	// side is a second pool on the shard, for the directory. A write
	// that records an e-mail or a provider reference does so while its
	// transaction holds a connection of pool; taking the second one from
	// pool too would deadlock once every connection is held by such a
	// write. Directory statements are single and short, so side never
	// waits on anything that waits on it.
	side *pgxpool.Pool
}

// New returns a Router over shards, in the order of m.Shards, placing
// buckets as m says. The map must be valid and name exactly as many
// shards as are given, each with a pool and an outbox; anything else is
// InvalidArgument, so a misconfigured shop fails at start. The schemas
// must have been brought up to date by Migrate.
//
// For each shard New opens a second pool, configured as the shard's, for
// the directory's statements: a write that records a key in the directory
// holds a connection of the shard's pool meanwhile, so taking the
// directory's from that pool too could starve it. Close closes them.
func New(m Map, shards []Shard, opts *Options) (*Router, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if len(shards) != len(m.Shards) {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "shard: the map names %d shards but %d are given", len(m.Shards), len(shards)).
			WithDetail("field", "shards")
	}
	r := &Router{log: slog.Default()}
	if opts != nil && opts.Logger != nil {
		r.log = opts.Logger
	}
	for i, s := range shards {
		if s.Pool == nil {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "shard: shard %s has no pool", m.Shards[i]).WithDetail("field", "shards")
		}
		stores, err := postgres.NewStores(s.Pool, &postgres.Options{Outbox: s.Outbox})
		if err != nil {
			return nil, err
		}
		// NewWithConfig connects lazily: nothing here touches the network.
		side, err := pgxpool.NewWithConfig(context.Background(), s.Pool.Config())
		if err != nil {
			r.Close()
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "shard: shard %s: directory pool: %w", m.Shards[i], err)
		}
		r.shards = append(r.shards, shardStores{name: m.Shards[i], pool: s.Pool, stores: stores, side: side})
	}
	r.m.Store(&m)
	r.customers = &CustomerStore{r: r}
	r.orders = &OrderStore{r: r}
	r.payments = &PaymentStore{r: r}
	return r, nil
}

// Close closes the directory pools the router opened; the shards' pools
// are the host's to close, after it. It is idempotent.
func (r *Router) Close() {
	for _, s := range r.shards {
		if s.side != nil {
			s.side.Close()
		}
	}
}

// Map returns the current map.
func (r *Router) Map() Map { return *r.m.Load() }

// Customers returns the router's customer.Store.
func (r *Router) Customers() *CustomerStore { return r.customers }

// Orders returns the router's order.Store.
func (r *Router) Orders() *OrderStore { return r.orders }

// Payments returns the router's payment.Store.
func (r *Router) Payments() *PaymentStore { return r.payments }

// Shards returns how many shards the router has.
func (r *Router) Shards() int { return len(r.shards) }

// ShardOf returns the index of the shard that holds bucket b now.
func (r *Router) ShardOf(b int) int { return r.m.Load().Shard(b) }

// on returns the shard of bucket b under the current map.
func (r *Router) on(b int) *shardStores { return &r.shards[r.m.Load().Shard(b)] }

// write runs fn on the shard of bucket b while holding the bucket's gate,
// so a move of b waits for fn and fn never writes to a shard the bucket
// has left.
func (r *Router) write(b int, fn func(s *shardStores) error) error {
	r.gates[b].RLock()
	defer r.gates[b].RUnlock()
	return fn(r.on(b))
}

// read runs fn on the shard of bucket b. A read that finds nothing while
// the bucket moved under it is asked again of the new shard, so reads
// keep answering through a move.
func (r *Router) read(b int, fn func(s *shardStores) error) error {
	before := r.m.Load()
	err := fn(&r.shards[before.Shard(b)])
	if after := r.m.Load(); after != before && after.Shard(b) != before.Shard(b) && commerce.Code(err) == commerce.CodeNotFound {
		return fn(&r.shards[after.Shard(b)])
	}
	return err
}

// each runs fn on every shard concurrently and returns the errors by
// shard index.
func (r *Router) each(ctx context.Context, fn func(ctx context.Context, i int, s *shardStores) error) []error {
	errs := make([]error, len(r.shards))
	var wg sync.WaitGroup
	for i := range r.shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(ctx, i, &r.shards[i])
		}()
	}
	wg.Wait()
	return errs
}
