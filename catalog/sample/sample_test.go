package sample_test

import (
	"context"
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
