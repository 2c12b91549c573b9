package sample_test

import (
	"cmp"
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/sample"
	"github.com/mercatohq/mercato/commerce"
)

func taxonomy(t *testing.T) (*catalog.Service, *sample.Taxonomy) {
	t.Helper()
	svc, err := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	tax, err := sample.New(1).CreateTaxonomy(context.Background(), svc)
	require.NoError(t, err)
	return svc, tax
}

func TestSampleIsDeterministic(t *testing.T) {
	_, tax := taxonomy(t)
	a, b := sample.New(7), sample.New(7)
	for i := range 50 {
		assert.Equal(t, a.Product(tax, i), b.Product(tax, i))
	}
	pid := commerce.NewID[commerce.ProductID]()
	assert.Equal(t, a.Reviews(3, pid, 5), b.Reviews(3, pid, 5))
	assert.NotEqual(t, a.Product(tax, 0), sample.New(8).Product(tax, 0), "another seed, another catalog")

	var streamed []catalog.ProductInput
	for in, err := range a.Products(tax, 10) {
		require.NoError(t, err)
		streamed = append(streamed, in)
	}
	for i, in := range streamed {
		assert.Equal(t, a.Product(tax, i), in, "Products yields Product(i) in order")
	}
}

func TestSampleProductsAreValidAndUnique(t *testing.T) {
	svc, tax := taxonomy(t)
	ctx := context.Background()
	gen := sample.New(3)
	res, err := svc.Import(ctx, gen.Products(tax, 2000), &catalog.ImportOptions{BatchSize: 256})
	require.NoError(t, err)
	assert.Equal(t, 2000, res.Done)
	assert.Zero(t, res.Failed, "%v", res.Errors)

	p, err := svc.GetProductByHandle(ctx, gen.Product(tax, 0).Handle)
	require.NoError(t, err)
	for _, in := range gen.Reviews(0, p.ID, 20) {
		require.GreaterOrEqual(t, in.Rating, 1)
		require.LessOrEqual(t, in.Rating, 5)
		require.NotEmpty(t, in.Body)
		_, err := svc.AddReview(ctx, in)
		require.NoError(t, err)
	}
	p, err = svc.GetProduct(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(20), p.Rating.Count)
}

// Ratings are J-shaped, as real ones are: mostly fives, then fours, more
// ones than twos; and averages differ from product to product, so the
// best rated of a catalog are not all a perfect 5.0.
func TestSampleRatingsSpreadLikeRealOnes(t *testing.T) {
	gen := sample.New(42)
	pid := commerce.NewID[commerce.ProductID]()
	var stars [6]int
	var averages []float64
	none := 0
	const products = 300
	for i := range products {
		n := gen.ReviewCount(i)
		if n == 0 {
			none++
			continue
		}
		assert.GreaterOrEqual(t, n, 6, "a reviewed product has enough reviews for its average to mean something")
		sum := 0
		for _, in := range gen.Reviews(i, pid, n) {
			stars[in.Rating]++
			sum += in.Rating
		}
		averages = append(averages, float64(sum)/float64(n))
	}
	total := 0
	for _, c := range stars {
		total += c
	}
	share := func(s int) float64 { return float64(stars[s]) / float64(total) }
	t.Logf("%d reviews: 1★ %.2f, 2★ %.2f, 3★ %.2f, 4★ %.2f, 5★ %.2f; %d products without reviews", total,
		share(1), share(2), share(3), share(4), share(5), none)
	assert.Greater(t, share(5), 0.45, "fives are the most common")
	assert.Less(t, share(5), 0.7, "but not all")
	assert.Greater(t, share(4), share(3), "then fours")
	assert.Greater(t, share(1), share(2), "more ones than twos: the J's hook")
	assert.Greater(t, share(1), 0.05, "some ones")
	assert.Positive(t, none, "some products have no reviews yet")
	assert.Less(t, none, products/10)

	slices.SortFunc(averages, func(a, b float64) int { return cmp.Compare(b, a) })
	perfect := 0
	for _, a := range averages[:24] {
		if a == 5 {
			perfect++
		}
	}
	assert.LessOrEqual(t, perfect, 3, "a first page of the best rated shows few perfect 5.0s: %v", averages[:24])
	assert.Less(t, averages[len(averages)-1], 3.0, "some products are poorly rated")
	assert.Greater(t, averages[len(averages)/2], 4.0, "the typical product is well rated")
}
