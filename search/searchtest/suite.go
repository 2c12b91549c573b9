package searchtest

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// NewIndex returns a fresh, empty index; the suite closes it.
type NewIndex func(t testing.TB) search.Index

// Run runs the whole suite against the indexes newIndex makes. The
// read-only tests share one index holding the corpus; the tests that
// write get fresh ones.
func Run(t *testing.T, newIndex NewIndex) {
	c, err := NewCorpus()
	require.NoError(t, err)
	ctx := context.Background()
	shared := open(t, newIndex)
	require.NoError(t, c.Load(ctx, shared))
	svc := service(t, shared, "USD")

	readOnly := []struct {
		name string
		fn   func(*testing.T, *fixture)
	}{
		{"TitleOutranksDescription", testTitleOutranksDescription},
		{"Typos", testTypos},
		{"Words", testWords},
		{"Highlights", testHighlights},
		{"Reviews", testReviews},
		{"Filters", testFilters},
		{"FiltersWithText", testFiltersWithText},
		{"Facets", testFacets},
		{"Sorts", testSorts},
		{"Paging", testPaging},
		{"EmptyQuery", testEmptyQuery},
		{"BadInput", testBadInput},
		{"Suggest", testSuggest},
	}
	for _, tc := range readOnly {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, &fixture{t: t, ctx: ctx, c: c, idx: shared, svc: svc})
		})
	}
	t.Run("Writes", func(t *testing.T) { testWrites(t, ctx, c, newIndex) })
	t.Run("FacetsAfterRewrites", func(t *testing.T) { testFacetsAfterRewrites(t, ctx, c, newIndex) })
	t.Run("Reviews written and deleted", func(t *testing.T) { testReviewWrites(t, ctx, c, newIndex) })
	t.Run("ConcurrentPaging", func(t *testing.T) { testConcurrentPaging(t, ctx, c, newIndex) })
	t.Run("PagingWhileAWordAppears", func(t *testing.T) { testPagingWhileAWordAppears(t, ctx, c, newIndex) })
	t.Run("Close", func(t *testing.T) { testClose(t, ctx, c, newIndex) })
}

// fixture is what a read-only test gets: the corpus, the shared index and
// a Service over it whose default currency is USD.
type fixture struct {
	t   *testing.T
	ctx context.Context
	c   *Corpus
	idx search.Index
	svc *search.Service
}

func open(t *testing.T, newIndex NewIndex) search.Index {
	t.Helper()
	idx := newIndex(t)
	require.NotNil(t, idx)
	t.Cleanup(func() { _ = idx.Close(context.Background()) })
	return idx
}

func service(t testing.TB, idx search.Index, currency commerce.Currency) *search.Service {
	t.Helper()
	svc, err := search.NewService(idx, &search.Options{Currency: currency})
	require.NoError(t, err)
	return svc
}

// search runs one page of q.
func (f *fixture) search(q search.Query) search.Result {
	f.t.Helper()
	res, err := f.svc.Search(f.ctx, q)
	require.NoError(f.t, err, "query %+v", q)
	return res
}

// all pages through q and returns every hit, checking that no hit comes
// twice and that the total holds.
func all(t testing.TB, ctx context.Context, svc *search.Service, q search.Query) []search.Hit {
	t.Helper()
	var hits []search.Hit
	seen := map[commerce.ProductID]bool{}
	total := -1
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10_000, "paging does not end")
		res, err := svc.Search(ctx, q)
		require.NoError(t, err, "query %+v", q)
		if total < 0 {
			total = res.Total
		}
		require.Equal(t, total, res.Total, "the total is the same on every page")
		for _, h := range res.Hits {
			require.False(t, seen[h.ProductID], "%s (%s) came twice", h.ProductID, h.Document.Title)
			seen[h.ProductID] = true
			hits = append(hits, h)
		}
		if res.NextCursor == "" {
			break
		}
		require.NotEmpty(t, res.Hits, "a page with a next cursor has hits")
		q.Cursor = res.NextCursor
	}
	require.Len(t, hits, total, "paging returns the total")
	return hits
}

func (f *fixture) all(q search.Query) []search.Hit {
	f.t.Helper()
	return all(f.t, f.ctx, f.svc, q)
}

func ids(hits []search.Hit) []commerce.ProductID {
	out := make([]commerce.ProductID, len(hits))
	for i, h := range hits {
		out[i] = h.ProductID
	}
	return out
}

func docIDs(docs []search.Document) []commerce.ProductID {
	out := make([]commerce.ProductID, len(docs))
	for i, d := range docs {
		out[i] = d.ProductID
	}
	return out
}

// sameSet asserts want and got hold the same IDs, in any order.
func sameSet(t testing.TB, want, got []commerce.ProductID, msgAndArgs ...any) {
	t.Helper()
	w, g := slices.Clone(want), slices.Clone(got)
	slices.Sort(w)
	slices.Sort(g)
	require.Equal(t, w, g, msgAndArgs...)
}

// rank returns the position of the product named name among hits, -1
// when absent.
func (f *fixture) rank(hits []search.Hit, name string) int {
	id := f.c.named[name].ProductID
	return slices.IndexFunc(hits, func(h search.Hit) bool { return h.ProductID == id })
}

// requireCode asserts err carries code.
func requireCode(t testing.TB, code commerce.ErrorCode, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Equal(t, code, commerce.Code(err), append([]any{"error: %v", err}, msgAndArgs...)...)
}
