package sample

import (
	"context"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
)

// Config sizes a World. A zero field takes the default in brackets.
type Config struct {
	Seed uint64
	// Products is the catalog size [2000], unless Catalog is given.
	Products int
	// Catalog, when set, is the products to use (a real catalog's IDs and
	// categories) instead of generated ones.
	Catalog []Item
	// Categories is how many categories generated products fall in [20].
	Categories int
	// Tastes is how many hidden tastes there are [40].
	Tastes int
	// Shoppers is how many shoppers there are [3000].
	Shoppers int
	// Sessions is the mean number of sessions per shopper [8].
	Sessions int
	// Days is the span of the activity [60], ending at End [2026-06-01].
	Days int
	End  time.Time
}

// Item is a product as the world knows it.
type Item struct {
	ID       commerce.ProductID
	Category commerce.CategoryID
}

// Product is an item with its hidden taste.
type Product struct {
	Item
	Taste  int
	appeal float64
}

// Shopper is a customer with hidden tastes.
type Shopper struct {
	ID     commerce.CustomerID
	Tastes []int
}

// World is a generated catalog and its shoppers. It is immutable: every
// iteration of its sessions gives the same activity.
type World struct {
	cfg      Config
	Products []Product
	Shoppers []Shopper
	// byTaste lists each taste's products with their cumulative appeal.
	byTaste [][]int
	cumul   [][]float64
}

// New returns the world of cfg.
func New(cfg Config) *World {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.Products, 2000)
	def(&cfg.Categories, 20)
	def(&cfg.Tastes, 40)
	def(&cfg.Shoppers, 3000)
	def(&cfg.Sessions, 8)
	def(&cfg.Days, 60)
	if cfg.End.IsZero() {
		cfg.End = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	w := &World{cfg: cfg, byTaste: make([][]int, cfg.Tastes), cumul: make([][]float64, cfg.Tastes)}

	items := cfg.Catalog
	if len(items) == 0 {
		cats := make([]commerce.CategoryID, cfg.Categories)
		for i := range cats {
			cats[i] = seededID[commerce.CategoryID](r)
		}
		items = make([]Item, cfg.Products)
		for i := range items {
			items[i] = Item{ID: seededID[commerce.ProductID](r), Category: cats[r.IntN(len(cats))]}
		}
	}
	for i, it := range items {
		// A Zipf-like appeal: a few products of each taste sell most.
		p := Product{Item: it, Taste: r.IntN(cfg.Tastes), appeal: 1 / math.Pow(float64(1+r.IntN(50)), 1.1)}
		w.Products = append(w.Products, p)
		w.byTaste[p.Taste] = append(w.byTaste[p.Taste], i)
	}
	for t, ps := range w.byTaste {
		sum := 0.0
		for _, i := range ps {
			sum += w.Products[i].appeal
			w.cumul[t] = append(w.cumul[t], sum)
		}
	}
	for range cfg.Shoppers {
		s := Shopper{ID: seededID[commerce.CustomerID](r), Tastes: []int{r.IntN(cfg.Tastes)}}
		if r.IntN(3) == 0 {
			s.Tastes = append(s.Tastes, r.IntN(cfg.Tastes))
		}
		w.Shoppers = append(w.Shoppers, s)
	}
	return w
}

// seededID returns a well-formed ID drawn from r, so that a seed gives
// the same IDs every time.
func seededID[T commerce.IDType](r *rand.Rand) T {
	var u ulid.ULID
	_ = u.SetTime(uint64(1_700_000_000_000 + r.Int64N(1_000_000_000)))
	for i := 6; i < 16; i++ {
		u[i] = byte(r.UintN(256))
	}
	var zero T
	id, err := commerce.ParseID[T](zero.Prefix() + "_" + u.String())
	if err != nil {
		panic(fmt.Sprintf("sample: a generated ID does not parse: %v", err)) // a bug in this function
	}
	return id
}

// Session is one visit of a shopper, its activity in time order.
type Session struct {
	Shopper    int
	Activities []recommend.Activity
}

// Purchases returns the products bought in the session.
func (s Session) Purchases() []commerce.ProductID {
	var out []commerce.ProductID
	for _, a := range s.Activities {
		if a.Kind == recommend.Purchased {
			out = append(out, a.ProductID)
		}
	}
	return out
}

// Sessions yields every session in the order they started, a day at a
// time: memory holds one day of sessions, whatever the size of the world.
func (w *World) Sessions() iter.Seq[Session] {
	return func(yield func(Session) bool) {
		cfg := w.cfg
		start := cfg.End.Add(-time.Duration(cfg.Days) * 24 * time.Hour)
		seq := 0
		for day := range cfg.Days {
			r := rand.New(rand.NewPCG(cfg.Seed, uint64(day)+1))
			type started struct {
				at time.Time
				s  Session
			}
			var today []started
			p := float64(cfg.Sessions) / float64(cfg.Days)
			for si := range w.Shoppers {
				for n := p; n > 0; n-- {
					if n < 1 && r.Float64() >= n {
						break
					}
					at := start.Add(time.Duration(day)*24*time.Hour + time.Duration(r.Int64N(int64(24*time.Hour))))
					today = append(today, started{at, w.session(r, si, at, &seq)})
				}
			}
			slices.SortFunc(today, func(a, b started) int { return a.at.Compare(b.at) })
			for _, s := range today {
				if !yield(s.s) {
					return
				}
			}
		}
	}
}

// session generates one session of shopper si starting at at.
func (w *World) session(r *rand.Rand, si int, at time.Time, seq *int) Session {
	sh := w.Shoppers[si]
	taste := sh.Tastes[r.IntN(len(sh.Tastes))]
	if r.IntN(100) < 15 {
		taste = r.IntN(w.cfg.Tastes) // browsing outside their taste
	}
	s := Session{Shopper: si}
	if len(w.byTaste[taste]) == 0 {
		return s
	}
	session := "sess_" + strconv.Itoa(*seq)
	act := func(kind recommend.Kind, p int) {
		*seq++
		s.Activities = append(s.Activities, recommend.Activity{
			ID: "sample-" + strconv.Itoa(*seq), Kind: kind, ProductID: w.Products[p].ID,
			SessionID: session, CustomerID: sh.ID, At: at,
		})
		at = at.Add(time.Duration(30+r.IntN(150)) * time.Second)
	}
	var carted []int
	views := 2 + r.IntN(6)
	for range views {
		p := w.pick(r, taste)
		act(recommend.Viewed, p)
		if r.IntN(100) < 30 && !slices.Contains(carted, p) {
			act(recommend.AddedToCart, p)
			carted = append(carted, p)
		}
	}
	if len(carted) > 0 && r.IntN(100) < 60 {
		for _, p := range carted {
			act(recommend.Purchased, p)
		}
	}
	return s
}

// pick draws a product of taste by appeal.
func (w *World) pick(r *rand.Rand, taste int) int {
	c := w.cumul[taste]
	i, _ := slices.BinarySearch(c, r.Float64()*c[len(c)-1])
	return w.byTaste[taste][min(i, len(c)-1)]
}

// Activities yields the activity of every session, in session order.
func (w *World) Activities() iter.Seq[recommend.Activity] {
	return func(yield func(recommend.Activity) bool) {
		for s := range w.Sessions() {
			for _, a := range s.Activities {
				if !yield(a) {
					return
				}
			}
		}
	}
}

// Log returns a read-only recommend.Log whose entries are the world's
// activity, generated as it is scanned: a batch can read a million
// activities without the log holding them. Append is
// FailedPrecondition, Prune removes nothing; positions count entries.
func (w *World) Log() recommend.Log { return worldLog{w} }

type worldLog struct{ w *World }

func (worldLog) Append(context.Context, ...recommend.Activity) error {
	return commerce.Errorf(commerce.CodeFailedPrecondition, "sample: the world's log is read-only")
}

func (worldLog) Prune(context.Context, time.Time) (int64, error) { return 0, nil }

func (l worldLog) Scan(ctx context.Context, after string, fn func(recommend.Activity) error) (string, error) {
	skip := 0
	if after != "" {
		n, err := strconv.Atoi(after)
		if err != nil || n < 0 {
			return after, commerce.Errorf(commerce.CodeInvalidArgument, "sample: position %q is malformed", after)
		}
		skip = n
	}
	i := 0
	for a := range l.w.Activities() {
		i++
		if i <= skip {
			continue
		}
		if err := fn(a); err != nil {
			return strconv.Itoa(i - 1), err
		}
	}
	return strconv.Itoa(max(i, skip)), nil
}
