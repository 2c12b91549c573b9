package recommend

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/periodic"
)

// Defaults of BatchOptions.
const (
	DefaultNeighbors    = 20
	DefaultPersonalSize = 20
	DefaultPopularSize  = 50
	DefaultMaxBasket    = 50
	DefaultSessionGap   = 30 * time.Minute
	DefaultHalfLife     = 30 * 24 * time.Hour
	DefaultMaxPairs     = 4_000_000
	DefaultProfileSize  = 20
	DefaultRetention    = 90 * 24 * time.Hour
)

// Products lists the catalog: the Batch reads it for the categories of
// the popular-in-category lists. *catalog.Service satisfies it.
type Products interface {
	ListProducts(ctx context.Context, filter catalog.ProductFilter, page commerce.PageRequest) (commerce.Page[catalog.Product], error)
}

// BatchOptions configures a Batch. A nil *BatchOptions, or a zero field,
// means the documented default.
type BatchOptions struct {
	// Neighbors is the length of each product's "bought together" list.
	// Default 20.
	Neighbors int
	// PersonalSize is the length of each customer's list. Default 20.
	PersonalSize int
	// PopularSize is the length of the popular and popular-in-category
	// lists. Default 50.
	PopularSize int
	// MaxBasket bounds the distinct products of one session that
	// co-occur (a crawler's session of 10,000 views teaches nothing).
	// Default 50.
	MaxBasket int
	// SessionGap ends a shopper's session after that long without
	// activity. Default 30 minutes.
	SessionGap time.Duration
	// HalfLife is how fast activity fades: it counts half as much after
	// HalfLife. Default 30 days.
	HalfLife time.Duration
	// MaxPairs bounds the co-occurring pairs kept in memory; beyond it
	// the rarest are forgotten. Default 4,000,000 (about 150 MB).
	MaxPairs int
	// ProfileSize is how many recent products of a customer inform their
	// list. Default 20.
	ProfileSize int
	// Retention prunes the log of activity older than this after each
	// run; negative keeps everything. Default 90 days.
	Retention time.Duration
	// Products, when set, gives the categories of the
	// popular-in-category lists; without it only the shop-wide popular
	// list is written.
	Products Products
	Clock    commerce.Clock
	Logger   *slog.Logger
}

func (o *BatchOptions) resolved() (BatchOptions, error) {
	var r BatchOptions
	if o != nil {
		r = *o
	}
	if r.Neighbors < 0 || r.PersonalSize < 0 || r.PopularSize < 0 || r.MaxBasket < 0 || r.SessionGap < 0 || r.HalfLife < 0 || r.MaxPairs < 0 || r.ProfileSize < 0 {
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "recommend: batch options must not be negative")
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&r.Neighbors, DefaultNeighbors)
	def(&r.PersonalSize, DefaultPersonalSize)
	def(&r.PopularSize, DefaultPopularSize)
	def(&r.MaxBasket, DefaultMaxBasket)
	def(&r.MaxPairs, DefaultMaxPairs)
	def(&r.ProfileSize, DefaultProfileSize)
	if r.SessionGap == 0 {
		r.SessionGap = DefaultSessionGap
	}
	if r.HalfLife == 0 {
		r.HalfLife = DefaultHalfLife
	}
	if r.Retention == 0 {
		r.Retention = DefaultRetention
	}
	if r.Clock == nil {
		r.Clock = commerce.SystemClock{}
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	return r, nil
}

// Report says what one run did.
type Report struct {
	// RunID is the run committed to the store.
	RunID string
	// Activities is how many log entries this run read: all of them on
	// the first run, those logged since on the next.
	Activities int
	// Products and Pairs are the model's size after the run.
	Products, Pairs int
	// Customers is how many customers got a list.
	Customers int
	// Lists is how many lists the run wrote.
	Lists  int
	Pruned int64
	Took   time.Duration
}

// Batch computes the recommendation lists from the activity log and
// writes them to the serving store, one whole run at a time. It reads
// the log as a stream and keeps only bounded state (see BatchOptions),
// and it is incremental: the state survives between runs of one Batch,
// so each run reads only the activity logged since the previous one. A
// new Batch (a restarted process) reads the whole log again, which
// retention keeps bounded.
//
// The lists: for each product, the products most often in the same
// sessions and orders by cosine similarity (which corrects for
// popularity); for each customer, the neighbors of what they recently
// viewed, carted and bought, without what they bought; the most popular
// products of the shop and of each category, the fallback for products
// and shoppers the model knows nothing of.
type Batch struct {
	log   Log
	store Store
	opts  BatchOptions

	mu     sync.Mutex
	model  *model
	cursor string
}

// NewBatch returns a Batch reading log and writing store.
func NewBatch(log Log, store Store, opts *BatchOptions) (*Batch, error) {
	if log == nil || store == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "recommend: NewBatch needs a log and a store")
	}
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	return &Batch{log: log, store: store, opts: o, model: newModel(o)}, nil
}

// RunBatch reads the activity logged since the last run, updates the
// model and commits a new run of lists. Runs of one Batch do not overlap:
// a second call waits for the first. On failure the store keeps serving
// the previous run; the activity read stays in the model.
func (b *Batch) RunBatch(ctx context.Context) (Report, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	start := time.Now()
	var rep Report
	m := b.model
	cursor, err := b.log.Scan(ctx, b.cursor, func(a Activity) error {
		m.add(a)
		rep.Activities++
		return ctx.Err()
	})
	b.cursor = cursor
	if err != nil {
		return rep, err
	}
	m.sweep()
	if err := b.write(ctx, &rep); err != nil {
		return rep, err
	}
	if b.opts.Retention > 0 {
		pruned, err := b.log.Prune(ctx, b.opts.Clock.Now().Add(-b.opts.Retention))
		if err != nil {
			b.opts.Logger.Warn("recommend: pruning the activity log failed", "error", err)
		}
		rep.Pruned = pruned
	}
	rep.Products, rep.Pairs, rep.Took = len(m.products), len(m.pairs), time.Since(start)
	b.opts.Logger.Info("recommend: batch committed", "run", rep.RunID, "activities", rep.Activities,
		"products", rep.Products, "pairs", rep.Pairs, "lists", rep.Lists, "took", rep.Took)
	return rep, nil
}

// Run runs RunBatch now and then every interval until ctx ends; a failed
// run is logged and the next tick tries again.
func (b *Batch) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return commerce.Errorf(commerce.CodeInvalidArgument, "recommend: batch interval %s must be positive", interval)
	}
	pass := func(ctx context.Context) {
		if _, err := b.RunBatch(ctx); err != nil && ctx.Err() == nil {
			b.opts.Logger.Error("recommend: batch failed", "error", err)
		}
	}
	pass(ctx)
	return periodic.Run(ctx, "recommend: batch", interval, pass)
}

// write computes every list and commits them as one run.
func (b *Batch) write(ctx context.Context, rep *Report) (err error) {
	m := b.model
	w, err := b.store.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = w.Abort(context.WithoutCancel(ctx))
		}
	}()
	put := func(key ListKey, ns []neighbor) error {
		if len(ns) == 0 {
			return nil
		}
		rep.Lists++
		return w.Put(ctx, key, m.scored(ns))
	}
	nbrs := m.neighbors(b.opts.Neighbors)
	for i, ns := range nbrs {
		if err := put(ListKey{ItemList, m.products[i].String()}, ns); err != nil {
			return err
		}
	}
	scores := map[uint32]float32{} // reused: one customer at a time
	for id, p := range m.profiles {
		ns := m.personal(p, nbrs, b.opts.PersonalSize, scores)
		if len(ns) > 0 {
			rep.Customers++
		}
		if err := put(ListKey{CustomerList, id.String()}, ns); err != nil {
			return err
		}
	}
	if err := put(ListKey{Kind: PopularList}, m.popular(b.opts.PopularSize, nil)); err != nil {
		return err
	}
	if err := b.writeCategories(ctx, put); err != nil {
		return err
	}
	if err := w.Commit(ctx); err != nil {
		return err
	}
	rep.RunID = w.ID()
	return nil
}

// writeCategories writes the popular list of each category of the
// active catalog.
func (b *Batch) writeCategories(ctx context.Context, put func(ListKey, []neighbor) error) error {
	if b.opts.Products == nil {
		return nil
	}
	m := b.model
	members := map[commerce.CategoryID][]uint32{}
	page := commerce.PageRequest{Limit: commerce.MaxPageLimit}
	for {
		p, err := b.opts.Products.ListProducts(ctx, catalog.ProductFilter{Status: catalog.StatusActive}, page)
		if err != nil {
			return err
		}
		for _, prod := range p.Items {
			i, ok := m.ids[prod.ID]
			if !ok {
				continue
			}
			for _, c := range prod.CategoryIDs {
				members[c] = append(members[c], i)
			}
		}
		if p.NextCursor == "" {
			break
		}
		page.Cursor = p.NextCursor
	}
	for c, items := range members {
		var h topK
		for _, i := range items {
			if m.pop[i] > 0 {
				h.offer(neighbor{i, m.pop[i]}, b.opts.PopularSize)
			}
		}
		if err := put(ListKey{CategoryList, c.String()}, h.sorted()); err != nil {
			return err
		}
	}
	return nil
}
