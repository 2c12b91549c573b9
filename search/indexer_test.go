package search_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/bleve"
	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/sample"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/search"
)

// searchable bounds the wait for a change to reach the index through the
// bus.
const searchable = 5 * time.Second

type shop struct {
	t         *testing.T
	ctx       context.Context
	catalog   *catalog.Service
	inventory *inventory.Service
	index     search.Index
	search    *search.Service
}

func newIndex(t *testing.T) search.Index {
	t.Helper()
	idx, err := bleve.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = idx.Close(context.Background()) })
	return idx
}

// newShop wires the memory catalog and inventory stores to an in-process
// bus and an Indexer subscribed to it; edit may change the inventory's
// options.
func newShop(t *testing.T, edit ...func(*inventory.Options)) *shop {
	t.Helper()
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	cat, err := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: bus}), nil)
	require.NoError(t, err)
	io := &inventory.Options{Logger: quiet}
	for _, e := range edit {
		e(io)
	}
	inv, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: bus}), io)
	require.NoError(t, err)
	idx := newIndex(t)
	indexer, err := search.NewIndexer(idx, cat, inv, &search.IndexerOptions{Logger: quiet})
	require.NoError(t, err)
	search.RegisterIndexedEvents(bus.Registry())
	for _, name := range indexer.Events() {
		h, ok := indexer.Handler(name)
		require.True(t, ok, name)
		require.NoError(t, bus.Subscribe(search.DefaultIndexerGroup, name, h))
	}
	_, ok := indexer.Handler("order.created")
	require.False(t, ok, "the indexer does not follow orders")
	require.NoError(t, bus.Start(ctx))
	svc, err := search.NewService(idx, &search.Options{Currency: "USD"})
	require.NoError(t, err)
	return &shop{t: t, ctx: ctx, catalog: cat, inventory: inv, index: idx, search: svc}
}

// eventually waits until q finds exactly want (in any order).
func (s *shop) eventually(what string, q search.Query, want ...commerce.ProductID) {
	s.t.Helper()
	slices.Sort(want)
	var got []commerce.ProductID
	require.Eventually(s.t, func() bool {
		res, err := s.search.Search(s.ctx, q)
		if err != nil {
			return false
		}
		got = got[:0]
		for _, h := range res.Hits {
			got = append(got, h.ProductID)
		}
		slices.Sort(got)
		return slices.Equal(got, want)
	}, searchable, time.Millisecond, "%s: want %v, last saw %v", what, want, got)
}

// TestIndexerFollowsTheBus changes a product every way the indexer
// follows and waits for each change to become searchable.
func TestIndexerFollowsTheBus(t *testing.T) {
	s := newShop(t)
	ctx := s.ctx
	brand, err := s.catalog.CreateBrand(ctx, catalog.BrandInput{Name: "Acme"})
	require.NoError(t, err)
	home, err := s.catalog.CreateCategory(ctx, catalog.CategoryInput{Name: "Home"})
	require.NoError(t, err)
	kitchen, err := s.catalog.CreateCategory(ctx, catalog.CategoryInput{Name: "Kitchen", ParentID: home.ID})
	require.NoError(t, err)

	p, err := s.catalog.CreateProduct(ctx, catalog.ProductInput{
		Title: "Acme Trail Kettle", Description: "Boils fast on any stove.", BrandID: brand.ID,
		CategoryIDs: []commerce.CategoryID{kitchen.ID}, Status: catalog.StatusActive,
		Attributes: map[string]string{"material": "steel"},
		Variants:   []catalog.VariantInput{{SKU: "KET-1", Prices: []commerce.Money{commerce.MustMoney(2999, "USD")}}},
	})
	require.NoError(t, err)
	draft, err := s.catalog.CreateProduct(ctx, catalog.ProductInput{Title: "Acme Draft Kettle", BrandID: brand.ID})
	require.NoError(t, err)

	s.eventually("created", search.Query{Text: "kettle"}, p.ID)
	s.eventually("under its parent category", search.Query{CategoryIDs: []commerce.CategoryID{home.ID}}, p.ID)
	s.eventually("no stock yet", search.Query{InStockOnly: true})

	_, err = s.inventory.SetStock(ctx, "KET-1", "", 2, "delivery")
	require.NoError(t, err)
	s.eventually("back in stock", search.Query{InStockOnly: true}, p.ID)

	title := "Acme Summit Kettle"
	_, err = s.catalog.UpdateProduct(ctx, p.ID, catalog.ProductPatch{Title: &title})
	require.NoError(t, err)
	s.eventually("renamed", search.Query{Text: "summit"}, p.ID)
	s.eventually("the old name is gone", search.Query{Text: "trail"})

	_, err = s.catalog.UpdateVariant(ctx, p.ID, p.Variants[0].ID, catalog.VariantInput{SKU: "KET-1", Prices: []commerce.Money{commerce.MustMoney(1999, "USD")}})
	require.NoError(t, err)
	under20 := commerce.MustMoney(2000, "USD")
	s.eventually("repriced", search.Query{PriceMax: &under20}, p.ID)

	_, err = s.catalog.AddReview(ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: commerce.NewID[commerce.CustomerID](), Rating: 4, Body: "Great battery life, oddly."})
	require.NoError(t, err)
	s.eventually("found through its review", search.Query{Text: "battery life"}, p.ID)
	s.eventually("rated", search.Query{MinRating: 400}, p.ID)

	res, err := s.inventory.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{{SKU: "KET-1", Quantity: 2}}, time.Minute)
	require.NoError(t, err)
	s.eventually("out of stock", search.Query{InStockOnly: true})
	require.NoError(t, s.inventory.Release(ctx, res.ID))
	s.eventually("back in stock again", search.Query{InStockOnly: true}, p.ID)

	active := catalog.StatusActive
	_, err = s.catalog.UpdateProduct(ctx, draft.ID, catalog.ProductPatch{Status: &active, Description: ptr("Whistles.")})
	require.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err), "an active product needs a variant: %v", err)
	_, err = s.catalog.AddVariant(ctx, draft.ID, catalog.VariantInput{SKU: "KET-2", Prices: []commerce.Money{commerce.MustMoney(999, "USD")}})
	require.NoError(t, err)
	_, err = s.catalog.UpdateProduct(ctx, draft.ID, catalog.ProductPatch{Status: &active})
	require.NoError(t, err)
	s.eventually("a draft goes on sale", search.Query{Text: "kettle"}, p.ID, draft.ID)

	_, err = s.catalog.ArchiveProduct(ctx, p.ID)
	require.NoError(t, err)
	s.eventually("archived", search.Query{Text: "kettle"}, draft.ID)
	require.NoError(t, s.catalog.DeleteProduct(ctx, draft.ID))
	s.eventually("deleted", search.Query{})
}

func ptr[T any](v T) *T { return &v }

// TestIndexerUntrackedStock: with inventory.Options.Untracked, a product
// whose SKU has no stock level is in stock; setting its stock to 0 takes
// it out, and a delivery brings it back.
func TestIndexerUntrackedStock(t *testing.T) {
	s := newShop(t, func(o *inventory.Options) { o.Untracked = true })
	ctx := s.ctx
	p, err := s.catalog.CreateProduct(ctx, catalog.ProductInput{
		Title: "Poster", Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{{SKU: "POSTER-A2", Prices: []commerce.Money{commerce.MustMoney(950, "USD")}}},
	})
	require.NoError(t, err)
	s.eventually("untracked, in stock", search.Query{InStockOnly: true}, p.ID)

	_, err = s.inventory.SetStock(ctx, "POSTER-A2", "", 0, "no longer sold")
	require.NoError(t, err)
	s.eventually("tracked with none", search.Query{InStockOnly: true})
	_, err = s.inventory.Adjust(ctx, "POSTER-A2", "", 3, "delivery")
	require.NoError(t, err)
	s.eventually("a delivery", search.Query{InStockOnly: true}, p.ID)
}

// TestIndexerReindex rebuilds an index from a sample catalog, reporting
// progress, and drops what the catalog no longer has on sale.
func TestIndexerReindex(t *testing.T) {
	ctx := context.Background()
	cat, err := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	inv, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	gen := sample.New(5)
	tax, err := gen.CreateTaxonomy(ctx, cat)
	require.NoError(t, err)
	_, err = cat.Import(ctx, gen.Products(tax, 300), nil)
	require.NoError(t, err)
	var active []catalog.Product
	for req := (commerce.PageRequest{Limit: commerce.MaxPageLimit}); ; {
		page, err := cat.ListProducts(ctx, catalog.ProductFilter{Status: catalog.StatusActive}, req)
		require.NoError(t, err)
		active = append(active, page.Items...)
		if !page.HasMore() {
			break
		}
		req.Cursor = page.NextCursor
	}
	for i, p := range active[:50] {
		_, err := inv.SetStock(ctx, p.Variants[0].SKU, "", 1+i, "count")
		require.NoError(t, err)
	}
	reviewed := active[7]
	for _, in := range gen.Reviews(7, reviewed.ID, 3) {
		_, err := cat.AddReview(ctx, in)
		require.NoError(t, err)
	}

	idx := newIndex(t)
	stale := search.Document{ProductID: commerce.NewID[commerce.ProductID](), Title: "Gone Already", CreatedAt: time.Now()}
	require.NoError(t, idx.Index(ctx, stale))
	indexer, err := search.NewIndexer(idx, cat, inv, &search.IndexerOptions{BatchSize: 64})
	require.NoError(t, err)
	var mu sync.Mutex
	var calls [][2]int
	require.NoError(t, indexer.Reindex(ctx, func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, [2]int{done, total})
	}))
	require.Len(t, calls, (len(active)+63)/64, "one call per batch")
	for i, c := range calls {
		require.Equal(t, min(64*(i+1), len(active)), c[0])
		require.Equal(t, len(active), c[1])
	}

	svc, err := search.NewService(idx, nil)
	require.NoError(t, err)
	res, err := svc.Search(ctx, search.Query{})
	require.NoError(t, err)
	require.Equal(t, len(active), res.Total, "every active product, and the stale one gone")
	res, err = svc.Search(ctx, search.Query{InStockOnly: true})
	require.NoError(t, err)
	require.Equal(t, 50, res.Total)
	res, err = svc.Search(ctx, search.Query{Text: "gone already"})
	require.NoError(t, err)
	require.Zero(t, res.Total)
	got, err := svc.Search(ctx, search.Query{Text: reviewed.Title, PageSize: 1})
	require.NoError(t, err)
	require.Equal(t, reviewed.ID, got.Hits[0].ProductID)
	require.Equal(t, int64(3), got.Hits[0].Document.RatingCount, "ratings come along")

	// A second run writes the same again.
	require.NoError(t, indexer.Reindex(ctx, nil))
	res, err = svc.Search(ctx, search.Query{})
	require.NoError(t, err)
	require.Equal(t, len(active), res.Total)
}

func TestNewIndexerOptions(t *testing.T) {
	idx := newIndex(t)
	cat, err := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	for name, o := range map[string]*search.IndexerOptions{
		"batch too large":  {BatchSize: commerce.MaxPageLimit + 1},
		"negative batches": {BatchSize: -1},
	} {
		_, err := search.NewIndexer(idx, cat, nil, o)
		require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), name)
	}
	_, err = search.NewIndexer(nil, cat, nil, nil)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

// searchIndex names search.Index for skipRecorder to embed: a field
// named Index would hide the method Index.
type searchIndex = search.Index

// skipRecorder is an Index that records whether each Batch let it skip
// what it holds.
type skipRecorder struct {
	searchIndex
	mu    sync.Mutex
	skips []bool
}

func (r *skipRecorder) Batch(ctx context.Context, b search.Batch) error {
	r.mu.Lock()
	r.skips = append(r.skips, b.SkipUnchanged)
	r.mu.Unlock()
	return r.searchIndex.Batch(ctx, b)
}

func (r *skipRecorder) took() []bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.skips
	r.skips = nil
	return out
}

// TestIndexerSkipsUnchangedForEventsOnly: what events refresh may be
// skipped when the index holds it already; Reindex rewrites everything.
func TestIndexerSkipsUnchangedForEventsOnly(t *testing.T) {
	ctx := context.Background()
	cat, err := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	gen := sample.New(3)
	tax, err := gen.CreateTaxonomy(ctx, cat)
	require.NoError(t, err)
	_, err = cat.Import(ctx, gen.Products(tax, 5), nil)
	require.NoError(t, err)
	page, err := cat.ListProducts(ctx, catalog.ProductFilter{Status: catalog.StatusActive}, commerce.PageRequest{Limit: 1})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)

	idx := &skipRecorder{searchIndex: newIndex(t)}
	indexer, err := search.NewIndexer(idx, cat, nil, nil)
	require.NoError(t, err)
	require.NoError(t, indexer.Reindex(ctx, nil))
	took := idx.took()
	require.NotEmpty(t, took)
	require.NotContains(t, took, true, "Reindex rewrites every document")

	require.NoError(t, indexer.Refresh(ctx, page.Items[0].ID))
	require.Equal(t, []bool{true}, idx.took(), "a refresh may skip what the index holds")
}
