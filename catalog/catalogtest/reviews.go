package catalogtest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

func testReviews(t *testing.T, f *fixture) {
	p := f.product(input("kettle", "KETTLE-1"))
	alice, bob := commerce.NewID[commerce.CustomerID](), commerce.NewID[commerce.CustomerID]()

	r, err := f.svc.AddReview(f.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: alice, Rating: 5, Title: "Lovely", Body: "Boils fast.\nQuiet too."})
	require.NoError(t, err)
	assert.Equal(t, f.clock.Now(), r.CreatedAt)
	ev := payload[catalog.ReviewCreated](t, f.eventFor("review.created", p.ID.String()))
	assert.Equal(t, r.ID, ev.Review.ID)
	assert.Equal(t, 5, ev.Review.Rating)
	assert.Equal(t, catalog.Rating{Count: 1, Sum: 5}, ev.ProductRating)
	assert.InDelta(t, 5.0, ev.Average, 1e-9)

	_, err = f.svc.AddReview(f.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: bob, Rating: 2})
	require.NoError(t, err)

	for _, bad := range []int{0, 6, -1} {
		_, err = f.svc.AddReview(f.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: commerce.NewID[commerce.CustomerID](), Rating: bad})
		requireCode(t, commerce.CodeInvalidArgument, err, "rating %d", bad)
	}
	_, err = f.svc.AddReview(f.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: alice, Rating: 1})
	requireCode(t, commerce.CodeConflict, err, "one review per customer")
	_, err = f.svc.AddReview(f.ctx, catalog.ReviewInput{ProductID: commerce.NewID[commerce.ProductID](), CustomerID: alice, Rating: 3})
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.AddReview(f.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: "cus_x", Rating: 3})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = f.svc.AddReview(f.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: commerce.NewID[commerce.CustomerID](), Rating: 3, Title: "a\x00b"})
	requireCode(t, commerce.CodeInvalidArgument, err)

	got, err := f.svc.GetProduct(f.ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, catalog.Rating{Count: 2, Sum: 7}, got.Rating, "refused reviews do not count")
	assert.InDelta(t, 3.5, got.Rating.Average(), 1e-9)
	assert.Equal(t, int64(350), got.Rating.AverageHundredths())

	page, err := f.svc.ListReviews(f.ctx, p.ID, commerce.PageRequest{Limit: 1})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, r.ID, page.Items[0].ID)
	assert.Equal(t, "Boils fast.\nQuiet too.", page.Items[0].Body)
	assert.Equal(t, alice, page.Items[0].CustomerID)
	page, err = f.svc.ListReviews(f.ctx, p.ID, commerce.PageRequest{Limit: 1, Cursor: page.NextCursor})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, bob, page.Items[0].CustomerID)
	if page.HasMore() {
		page, err = f.svc.ListReviews(f.ctx, p.ID, commerce.PageRequest{Limit: 1, Cursor: page.NextCursor})
		require.NoError(t, err)
		assert.Empty(t, page.Items)
	}
}

func testConcurrentReviews(t *testing.T, f *fixture) {
	p := f.product(input("popular", "POP-1"))
	const n = 40
	start := make(chan struct{})
	errs := make(chan error, n)
	var wg sync.WaitGroup
	var wantSum int64
	for i := range n {
		stars := 1 + i%5
		wantSum += int64(stars)
		wg.Go(func() {
			<-start
			_, err := f.svc.AddReview(f.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: commerce.NewID[commerce.CustomerID](), Rating: stars, Body: fmt.Sprint("review ", i)})
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, err := f.svc.GetProduct(f.ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, catalog.Rating{Count: n, Sum: wantSum}, got.Rating)
	assert.InDelta(t, float64(wantSum)/n, got.Rating.Average(), 1e-9)

	page, err := f.svc.ListReviews(f.ctx, p.ID, commerce.PageRequest{Limit: 100})
	require.NoError(t, err)
	assert.Len(t, page.Items, n)

	// Every review.created carries a distinct count: each saw the rating
	// including itself and every review committed before it.
	events := f.events.Await(t, "review.created", n)
	counts := map[int64]bool{}
	for _, env := range events {
		counts[payload[catalog.ReviewCreated](t, env).ProductRating.Count] = true
	}
	assert.Len(t, counts, n)

	// One customer racing with themself gets exactly one review in.
	cust := commerce.NewID[commerce.CustomerID]()
	start2 := make(chan struct{})
	results := make(chan error, 10)
	for range 10 {
		wg.Go(func() {
			<-start2
			_, err := f.svc.AddReview(f.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: cust, Rating: 5})
			results <- err
		})
	}
	close(start2)
	wg.Wait()
	close(results)
	won := 0
	for err := range results {
		if err == nil {
			won++
			continue
		}
		requireCode(t, commerce.CodeConflict, err)
	}
	assert.Equal(t, 1, won)
	got, err = f.svc.GetProduct(f.ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, catalog.Rating{Count: n + 1, Sum: wantSum + 5}, got.Rating)
}

func testConcurrentDuplicates(t *testing.T, f *fixture) {
	const n = 12
	start := make(chan struct{})
	errs := make(chan error, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, err := f.svc.CreateProduct(f.ctx, input("same-handle", fmt.Sprintf("H-%d", i)))
			errs <- err
		})
		wg.Go(func() {
			<-start
			_, err := f.svc.CreateProduct(f.ctx, input(fmt.Sprintf("same-sku-%d", i), fmt.Sprintf("S-%d", i), "SAME-SKU"))
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	won := 0
	for err := range errs {
		if err == nil {
			won++
			continue
		}
		requireCode(t, commerce.CodeConflict, err)
	}
	assert.Equal(t, 2, won, "one product per handle and one per SKU")
	assert.Len(t, f.listAll(catalog.ProductFilter{}, 100), 2)
}

func testConcurrentUpdates(t *testing.T, f *fixture) {
	p := f.product(input("busy", "BUSY-0"))
	const n = 20
	start := make(chan struct{})
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, err := f.svc.AddVariant(f.ctx, p.ID, catalog.VariantInput{SKU: fmt.Sprintf("BUSY-%d", i+1), Prices: []commerce.Money{usd(int64(100 + i))}})
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, err := f.svc.GetProduct(f.ctx, p.ID)
	require.NoError(t, err)
	assert.Len(t, got.Variants, n+1, "no update lost")
	for i := range n {
		v, _, err := f.svc.GetVariantBySKU(f.ctx, fmt.Sprintf("BUSY-%d", i+1))
		require.NoError(t, err)
		assert.Equal(t, []commerce.Money{usd(int64(100 + i))}, v.Prices)
	}
}
