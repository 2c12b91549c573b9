package recommend_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
)

var t0 = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

// shop builds activity for tests: sessions of products at given times.
type shop struct {
	t    *testing.T
	log  *memory.ActivityLog
	seq  int
	acts []recommend.Activity
}

func newShop(t *testing.T) *shop { return &shop{t: t, log: memory.NewActivityLog(nil)} }

// session logs a session of customer (or of a guest when empty) viewing
// products at at, a minute apart, buying the last when buy is set.
func (s *shop) session(customer commerce.CustomerID, at time.Time, buy bool, products ...commerce.ProductID) {
	s.seq++
	session := fmt.Sprintf("cart_%d", s.seq)
	for i, p := range products {
		kind := recommend.Viewed
		if buy && i == len(products)-1 {
			kind = recommend.Purchased
		}
		s.acts = append(s.acts, recommend.Activity{
			ID: fmt.Sprintf("a%d-%d", s.seq, i), Kind: kind, ProductID: p,
			SessionID: session, CustomerID: customer, At: at.Add(time.Duration(i) * time.Minute),
		})
	}
}

func (s *shop) flush() {
	require.NoError(s.t, s.log.Append(context.Background(), s.acts...))
	s.acts = nil
}

func ids(n int) []commerce.ProductID {
	out := make([]commerce.ProductID, n)
	for i := range out {
		out[i] = commerce.NewID[commerce.ProductID]()
	}
	return out
}

func productsOf(list []recommend.Scored) []commerce.ProductID {
	out := make([]commerce.ProductID, len(list))
	for i, s := range list {
		out[i] = s.ProductID
	}
	return out
}

func run(t *testing.T, b *recommend.Batch) recommend.Report {
	t.Helper()
	rep, err := b.RunBatch(context.Background())
	require.NoError(t, err)
	return rep
}

func list(t *testing.T, s recommend.Store, kind recommend.ListKind, id string) []commerce.ProductID {
	t.Helper()
	l, err := s.List(context.Background(), recommend.ListKey{Kind: kind, ID: id}, 50)
	require.NoError(t, err)
	return productsOf(l)
}

// TestSimilarityCorrectsForPopularity: the best seller shares more
// sessions with A than B does, but B is A's neighbor: it is seen with A
// far more often than chance, the best seller with everything.
func TestSimilarityCorrectsForPopularity(t *testing.T) {
	p := ids(3)
	a, b, best := p[0], p[1], p[2]
	s := newShop(t)
	at := t0
	for range 5 {
		s.session("", at, false, a, b)
		at = at.Add(time.Hour)
	}
	for range 6 {
		s.session("", at, false, a, best)
		at = at.Add(time.Hour)
	}
	for i := range 50 {
		s.session("", at, false, best, commerce.NewID[commerce.ProductID]())
		at = at.Add(time.Hour + time.Duration(i))
	}
	s.flush()
	store := memory.NewRecommendationStore(nil)
	batch, err := recommend.NewBatch(s.log, store, &recommend.BatchOptions{Logger: quiet, Retention: -1})
	require.NoError(t, err)
	run(t, batch)
	got := list(t, store, recommend.ItemList, a.String())
	require.Len(t, got, 2)
	assert.Equal(t, []commerce.ProductID{b, best}, got, "B first: cosine divides by how often each product occurs")
	assert.Equal(t, best, list(t, store, recommend.PopularList, "")[0], "the best seller is the most popular")
}

func TestSessionsEndAfterTheGap(t *testing.T) {
	p := ids(3)
	cus := commerce.NewID[commerce.CustomerID]()
	s := newShop(t)
	s.session(cus, t0, false, p[0], p[1])
	s.session(cus, t0.Add(2*time.Hour), false, p[2]) // a new session of the same customer
	s.flush()
	store := memory.NewRecommendationStore(nil)
	batch, err := recommend.NewBatch(s.log, store, &recommend.BatchOptions{Logger: quiet, Retention: -1})
	require.NoError(t, err)
	run(t, batch)
	assert.Equal(t, []commerce.ProductID{p[1]}, list(t, store, recommend.ItemList, p[0].String()))
	assert.Empty(t, list(t, store, recommend.ItemList, p[2].String()), "two hours apart: not the same session")
}

func TestPersonalListsLeaveOutPurchases(t *testing.T) {
	p := ids(4)
	cus := commerce.NewID[commerce.CustomerID]()
	s := newShop(t)
	at := t0
	for range 4 { // other shoppers: p0 goes with p1 and p2
		s.session("", at, false, p[0], p[1], p[2])
		at = at.Add(time.Hour)
	}
	s.session("", at, false, p[3])                      // unrelated
	s.session(cus, at.Add(time.Hour), true, p[0], p[1]) // viewed p0, bought p1
	s.flush()
	store := memory.NewRecommendationStore(nil)
	batch, err := recommend.NewBatch(s.log, store, &recommend.BatchOptions{Logger: quiet, Retention: -1})
	require.NoError(t, err)
	rep := run(t, batch)
	assert.Equal(t, 1, rep.Customers)
	got := list(t, store, recommend.CustomerList, cus.String())
	assert.NotContains(t, got, p[1], "bought: not recommended again")
	assert.Contains(t, got, p[2], "p2 goes with what they looked at")
	assert.NotContains(t, got, p[3], "nothing links them to p3")
}

func TestBatchIsIncremental(t *testing.T) {
	p := ids(3)
	s := newShop(t)
	s.session("", t0, false, p[0], p[1])
	s.flush()
	store := memory.NewRecommendationStore(nil)
	batch, err := recommend.NewBatch(s.log, store, &recommend.BatchOptions{Logger: quiet, Retention: -1})
	require.NoError(t, err)
	first := run(t, batch)
	assert.Equal(t, 2, first.Activities)

	s.session("", t0.Add(time.Hour), false, p[0], p[2])
	s.session("", t0.Add(2*time.Hour), false, p[0], p[2])
	s.flush()
	second := run(t, batch)
	assert.Equal(t, 4, second.Activities, "the second run reads only what was logged since")
	assert.NotEqual(t, first.RunID, second.RunID)
	assert.Equal(t, []commerce.ProductID{p[2], p[1]}, list(t, store, recommend.ItemList, p[0].String()), "both runs' activity counts")

	third := run(t, batch)
	assert.Zero(t, third.Activities)
	assert.Equal(t, []commerce.ProductID{p[2], p[1]}, list(t, store, recommend.ItemList, p[0].String()))
}

func TestBatchBoundsPairs(t *testing.T) {
	s := newShop(t)
	at := t0
	for range 200 {
		s.session("", at, false, ids(6)...) // 15 new pairs each, all seen once
		at = at.Add(time.Hour)
	}
	s.flush()
	store := memory.NewRecommendationStore(nil)
	batch, err := recommend.NewBatch(s.log, store, &recommend.BatchOptions{Logger: quiet, Retention: -1, MaxPairs: 500})
	require.NoError(t, err)
	rep := run(t, batch)
	assert.LessOrEqual(t, rep.Pairs, 500)
	assert.Equal(t, 1200, rep.Products)
}

func TestEmptyLogCommitsAnEmptyRun(t *testing.T) {
	store := memory.NewRecommendationStore(nil)
	batch, err := recommend.NewBatch(memory.NewActivityLog(nil), store, &recommend.BatchOptions{Logger: quiet})
	require.NoError(t, err)
	rep := run(t, batch)
	info, err := store.Current(context.Background())
	require.NoError(t, err)
	assert.Equal(t, rep.RunID, info.ID)
	assert.Empty(t, list(t, store, recommend.PopularList, ""))
}

// products is a catalog of fixed products for the category lists.
type products []catalog.Product

func (ps products) ListProducts(_ context.Context, f catalog.ProductFilter, _ commerce.PageRequest) (commerce.Page[catalog.Product], error) {
	var out []catalog.Product
	for _, p := range ps {
		if f.Status == "" || p.Status == f.Status {
			out = append(out, p)
		}
	}
	return commerce.Page[catalog.Product]{Items: out}, nil
}

func TestPopularInCategory(t *testing.T) {
	p := ids(4)
	shoes, hats := commerce.NewID[commerce.CategoryID](), commerce.NewID[commerce.CategoryID]()
	cat := products{
		{ID: p[0], CategoryIDs: []commerce.CategoryID{shoes}, Status: catalog.StatusActive},
		{ID: p[1], CategoryIDs: []commerce.CategoryID{shoes}, Status: catalog.StatusActive},
		{ID: p[2], CategoryIDs: []commerce.CategoryID{hats}, Status: catalog.StatusActive},
		{ID: p[3], CategoryIDs: []commerce.CategoryID{hats}, Status: catalog.StatusArchived},
	}
	s := newShop(t)
	s.session("", t0, true, p[1])
	s.session("", t0.Add(time.Hour), false, p[0], p[2], p[3])
	s.flush()
	store := memory.NewRecommendationStore(nil)
	batch, err := recommend.NewBatch(s.log, store, &recommend.BatchOptions{Logger: quiet, Retention: -1, Products: cat})
	require.NoError(t, err)
	run(t, batch)
	assert.Equal(t, []commerce.ProductID{p[1], p[0]}, list(t, store, recommend.CategoryList, shoes.String()), "a purchase outweighs a view")
	assert.Equal(t, []commerce.ProductID{p[2]}, list(t, store, recommend.CategoryList, hats.String()), "archived products are not listed")
}

func TestBatchPrunesTheLog(t *testing.T) {
	s := newShop(t)
	s.session("", t0, false, ids(2)...)
	s.flush()
	clock := commerce.NewTestClock(time.Now().Add(100 * 24 * time.Hour))
	batch, err := recommend.NewBatch(s.log, memory.NewRecommendationStore(nil), &recommend.BatchOptions{Logger: quiet, Clock: clock})
	require.NoError(t, err)
	rep := run(t, batch)
	assert.EqualValues(t, 2, rep.Pruned, "older than the 90 days of retention")
}
