package search_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// TestIndexerConcurrentRefreshesLoseNothing refreshes many products side
// by side, as a flood of events relayed together does, while one of them
// is renamed over and over: every product ends up searchable, and the
// renamed one under its last name only, whatever writes were folded
// together.
func TestIndexerConcurrentRefreshesLoseNothing(t *testing.T) {
	ctx := context.Background()
	cat, err := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	idx := newIndex(t)
	x, err := search.NewIndexer(idx, cat, nil, &search.IndexerOptions{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	const products, renames = 60, 40
	var ids []commerce.ProductID
	for i := range products {
		p, err := cat.CreateProduct(ctx, catalog.ProductInput{
			Title: fmt.Sprintf("Flood Lamp %d", i), Status: catalog.StatusActive,
			Variants: []catalog.VariantInput{{SKU: fmt.Sprintf("FLD-%d", i), Prices: []commerce.Money{commerce.MustMoney(1000, "USD")}}},
		})
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	renamed := ids[0]
	var wg sync.WaitGroup
	errs := make(chan error, products+renames)
	for _, id := range ids {
		wg.Go(func() { errs <- x.Refresh(ctx, id) })
	}
	// Each rename is followed by its refresh, as its event would be;
	// refreshes of one product never overtake each other's writes.
	wg.Go(func() {
		for i := range renames {
			title := fmt.Sprintf("Flood Lamp renamed%d", i)
			if _, err := cat.UpdateProduct(ctx, renamed, catalog.ProductPatch{Title: &title}); err != nil {
				errs <- err
				return
			}
			wg.Go(func() { errs <- x.Refresh(ctx, renamed) })
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	svc, err := search.NewService(idx, &search.Options{Currency: "USD"})
	require.NoError(t, err)
	res, err := svc.Search(ctx, search.Query{Text: "flood", PageSize: search.MaxPageSize})
	require.NoError(t, err)
	assert.Equal(t, products, res.Total, "every product indexed")
	var title string
	for _, h := range res.Hits {
		if h.ProductID == renamed {
			title = h.Document.Title
		}
	}
	assert.Equal(t, fmt.Sprintf("Flood Lamp renamed%d", renames-1), title, "the renamed product under its last name")
}
