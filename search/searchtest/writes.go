package searchtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// renamed returns a copy of d under a new ID.
func renamed(d search.Document) search.Document {
	d.ProductID = commerce.NewID[commerce.ProductID]()
	return d
}

func testWrites(t *testing.T, ctx context.Context, c *Corpus, newIndex NewIndex) {
	idx := open(t, newIndex)
	svc := service(t, idx, "USD")
	found := func(text string) []commerce.ProductID {
		t.Helper()
		return ids(all(t, ctx, svc, search.Query{Text: text}))
	}
	a, b := renamed(c.named[quokkaTitle]), renamed(c.named[iphone])
	require.NoError(t, idx.Index(ctx, a, b))
	require.Equal(t, []commerce.ProductID{a.ProductID}, found("quokka"), "searchable when Index returns")

	// Indexing again replaces the document.
	a.Title = "Acme Wombat Espresso Grinder"
	require.NoError(t, idx.Index(ctx, a))
	require.Empty(t, found("quokka"))
	require.Equal(t, []commerce.ProductID{a.ProductID}, found("wombat"))
	res, err := svc.Search(ctx, search.Query{})
	require.NoError(t, err)
	require.Equal(t, 2, res.Total, "replaced, not added")

	// SkipUnchanged never leaves out a change, nor a document deleted.
	a.Title = "Acme Numbat Espresso Grinder"
	require.NoError(t, idx.Batch(ctx, search.Batch{Products: []search.Document{a, b}, SkipUnchanged: true}))
	require.Empty(t, found("wombat"))
	require.Equal(t, []commerce.ProductID{a.ProductID}, found("numbat"), "a changed document is written")
	require.NoError(t, idx.Delete(ctx, b.ProductID))
	require.NoError(t, idx.Batch(ctx, search.Batch{Products: []search.Document{a, b}, SkipUnchanged: true}))
	require.Equal(t, []commerce.ProductID{b.ProductID}, found(b.Title), "a deleted document is written again")

	// Deleting removes; unknown IDs are no error.
	require.NoError(t, idx.Delete(ctx, a.ProductID, commerce.NewID[commerce.ProductID]()))
	require.Empty(t, found("wombat"))
	require.NoError(t, idx.Delete(ctx))

	// In a batch, deletions win over additions of the same product.
	require.NoError(t, idx.Batch(ctx, search.Batch{Products: []search.Document{a}, DeleteProducts: []commerce.ProductID{a.ProductID, b.ProductID}}))
	res, err = svc.Search(ctx, search.Query{})
	require.NoError(t, err)
	require.Zero(t, res.Total)
	require.NoError(t, idx.Batch(ctx, search.Batch{}))

	// Filters, facets and sorts see the current values.
	b.InStock = false
	require.NoError(t, idx.Index(ctx, b))
	res, err = svc.Search(ctx, search.Query{InStockOnly: true})
	require.NoError(t, err)
	require.Zero(t, res.Total)
	b.InStock, b.Prices = true, []commerce.Money{commerce.MustMoney(500, "USD")}
	require.NoError(t, idx.Index(ctx, b))
	cheap := commerce.MustMoney(500, "USD")
	res, err = svc.Search(ctx, search.Query{InStockOnly: true, PriceMax: &cheap})
	require.NoError(t, err)
	require.Equal(t, 1, res.Total)
}

func testReviewWrites(t *testing.T, ctx context.Context, c *Corpus, newIndex NewIndex) {
	idx := open(t, newIndex)
	svc := service(t, idx, "USD")
	p := renamed(c.named[quokkaTitle])
	other := renamed(c.named[iphone])
	require.NoError(t, idx.Index(ctx, p, other))
	found := func() []commerce.ProductID {
		t.Helper()
		return ids(all(t, ctx, svc, search.Query{Text: "sturdy hinges"}))
	}
	require.Empty(t, found())
	review := func(pid commerce.ProductID, text string) search.ReviewDocument {
		return search.ReviewDocument{ReviewID: commerce.NewID[commerce.ReviewID](), ProductID: pid, Text: text, Rating: 4}
	}
	r := review(p.ProductID, "Sturdy hinges, nice finish")
	require.NoError(t, idx.Batch(ctx, search.Batch{Reviews: []search.ReviewDocument{r, review(other.ProductID, "hinges wobble, not sturdy at all")}}))
	sameSet(t, []commerce.ProductID{p.ProductID, other.ProductID}, found(), "found through reviews")
	require.NoError(t, idx.Batch(ctx, search.Batch{Reviews: []search.ReviewDocument{r}}), "rewriting a review is idempotent")
	require.NoError(t, idx.Batch(ctx, search.Batch{Reviews: []search.ReviewDocument{r}, SkipUnchanged: true}))
	sameSet(t, []commerce.ProductID{p.ProductID, other.ProductID}, found(), "an unchanged review is still found")

	// SkipUnchanged never leaves out an edited review.
	r.Text = "Loose hinges, nice finish"
	require.NoError(t, idx.Batch(ctx, search.Batch{Reviews: []search.ReviewDocument{r}, SkipUnchanged: true}))
	require.Equal(t, []commerce.ProductID{other.ProductID}, found(), "the edited review no longer matches")
	require.Equal(t, []commerce.ProductID{p.ProductID}, ids(all(t, ctx, svc, search.Query{Text: "loose hinges"})), "the edited review matches its new text")
	r.Text = "Sturdy hinges, nice finish"
	require.NoError(t, idx.Batch(ctx, search.Batch{Reviews: []search.ReviewDocument{r}, SkipUnchanged: true}))

	// A product's reviews can be removed, and a product out of the
	// catalog index is not found through its reviews.
	require.NoError(t, idx.Batch(ctx, search.Batch{DeleteReviewsOf: []commerce.ProductID{p.ProductID}}))
	require.Equal(t, []commerce.ProductID{other.ProductID}, found())
	require.NoError(t, idx.Delete(ctx, other.ProductID))
	require.Empty(t, found())
}

// testConcurrentPaging pages through queries while other products are
// being written: every product present throughout comes exactly once.
func testConcurrentPaging(t *testing.T, ctx context.Context, c *Corpus, newIndex NewIndex) {
	idx := open(t, newIndex)
	require.NoError(t, c.Load(ctx, idx))
	svc := service(t, idx, "USD")
	queries := []search.Query{
		{Sort: search.SortPriceAsc, PageSize: 30},
		{Sort: search.SortNewest, PageSize: 20, InStockOnly: true},
		{Sort: search.SortRating, PageSize: 30, MinRating: 300},
		{Text: "wireless", PageSize: 7},
		{Text: "leather boots", PageSize: 3},
	}
	for i, q := range queries {
		before := ids(all(t, ctx, svc, q))
		require.NotEmpty(t, before)

		// The writer adds a batch each time a page has been read, while
		// the next one is being read: copies of corpus products, which
		// match the same queries and fall between the pages already read
		// and those to come.
		tick, stop := make(chan struct{}, 1), make(chan struct{})
		errs := make(chan error, 1)
		go func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					errs <- nil
					return
				case <-tick:
				}
				batch := make([]search.Document, 5)
				for j := range batch {
					d := renamed(c.Docs[(n*5+j+i*97)%len(c.Docs)])
					d.CreatedAt = d.CreatedAt.Add(time.Duration(n) * time.Second)
					batch[j] = d
				}
				if err := idx.Index(ctx, batch...); err != nil {
					errs <- fmt.Errorf("writer: %w", err)
					return
				}
			}
		}()
		seen := map[commerce.ProductID]int{}
		pages := 0
		for {
			res, err := svc.Search(ctx, q)
			if err != nil {
				close(stop)
				<-errs
				require.NoError(t, err)
			}
			for _, h := range res.Hits {
				seen[h.ProductID]++
			}
			pages++
			if res.NextCursor == "" {
				break
			}
			q.Cursor = res.NextCursor
			select {
			case tick <- struct{}{}:
			default: // the writer is still busy with the last one
			}
		}
		close(stop)
		require.NoError(t, <-errs)
		require.Greater(t, pages, 2, "query %d spans pages", i)
		for id, n := range seen {
			require.Equal(t, 1, n, "query %d: %s came %d times", i, id, n)
		}
		for _, id := range before {
			require.Contains(t, seen, id, "query %d: %s was there all along but never came", i, id)
		}
	}
}

// testPagingWhileAWordAppears pages through a misspelt query while a
// product whose title has the misspelling as a real word is written: the
// later pages still hold the products the first page's query found.
func testPagingWhileAWordAppears(t *testing.T, ctx context.Context, c *Corpus, newIndex NewIndex) {
	idx := open(t, newIndex)
	svc := service(t, idx, "USD")
	var kettles []search.Document
	for i := range 12 {
		d := renamed(c.named[quokkaTitle])
		d.Title, d.Description = fmt.Sprintf("Acme Kettle %d", i), "Boils water."
		kettles = append(kettles, d)
	}
	require.NoError(t, idx.Index(ctx, kettles...))
	q := search.Query{Text: "kettel", PageSize: 4}
	first, err := svc.Search(ctx, q)
	require.NoError(t, err)
	require.Equal(t, len(kettles), first.Total, "the misspelling finds every kettle")
	seen := ids(first.Hits)

	word := renamed(c.named[quokkaTitle])
	word.Title = "Kettel Deluxe"
	require.NoError(t, idx.Index(ctx, word))
	for q.Cursor = first.NextCursor; q.Cursor != ""; {
		res, err := svc.Search(ctx, q)
		require.NoError(t, err)
		seen = append(seen, ids(res.Hits)...)
		q.Cursor = res.NextCursor
	}
	for _, k := range kettles {
		require.Contains(t, seen, k.ProductID, "%s was lost when the word appeared", k.Title)
	}
}

func testClose(t *testing.T, ctx context.Context, c *Corpus, newIndex NewIndex) {
	idx := newIndex(t)
	svc := service(t, idx, "USD")
	require.NoError(t, idx.Index(ctx, c.Docs[0]))
	require.NoError(t, idx.Close(ctx))
	require.NoError(t, idx.Close(ctx), "Close is idempotent")
	closed := map[string]error{
		"Index":  idx.Index(ctx, c.Docs[1]),
		"Delete": idx.Delete(ctx, c.Docs[0].ProductID),
		"Batch":  idx.Batch(ctx, search.Batch{Reviews: c.Reviews[:1]}),
	}
	_, closed["Search"] = svc.Search(ctx, search.Query{})
	_, closed["Suggest"] = svc.Suggest(ctx, "a", 1)
	for name, err := range closed {
		requireCode(t, commerce.CodeFailedPrecondition, err, name)
	}
}
