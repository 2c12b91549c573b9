package main

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"

	"golang.org/x/sync/errgroup"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/sample"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// seedValue is the sample generator's seed: the demo catalog is the same
// on every start.
const seedValue = 42

// seedReport says what seeding did.
type seedReport struct {
	// Skipped is true when the catalog already had products (a database
	// seeded by an earlier start): nothing was added.
	Skipped  bool
	Products int
	SKUs     int
	Reviews  int
}

func (r seedReport) String() string {
	if r.Skipped {
		return "catalog already stocked, not seeded"
	}
	return fmt.Sprintf("seeded %d products, %d SKUs in stock, %d reviews", r.Products, r.SKUs, r.Reviews)
}

// seedCatalog fills an empty catalog with n generated products (see
// catalog/sample), puts stock on the variants of the active ones and adds
// their reviews. Each product's image is the picture the shop draws for
// it under baseURL, none from elsewhere. Everything is deterministic: the
// same n gives the same shop.
func seedCatalog(ctx context.Context, products *catalog.Service, stock *inventory.Service, n int, baseURL string) (seedReport, error) {
	var rep seedReport
	if n <= 0 {
		return rep, nil
	}
	existing, err := products.ListProducts(ctx, catalog.ProductFilter{}, commerce.PageRequest{Limit: 1})
	if err != nil {
		return rep, err
	}
	if len(existing.Items) > 0 {
		rep.Skipped = true
		return rep, nil
	}
	gen := sample.New(seedValue)
	tax, err := gen.CreateTaxonomy(ctx, products)
	if err != nil {
		return rep, err
	}
	res, err := products.Import(ctx, withPictures(gen.Products(tax, n), baseURL), nil)
	if err != nil {
		return rep, err
	}
	if res.Failed > 0 {
		return rep, fmt.Errorf("seed: %d generated products were refused, the first: %v", res.Failed, res.Errors[0].Err)
	}
	rep.Products = res.Done

	// Import does not return IDs; the generator's handles find them.
	byHandle := make(map[string]catalog.Product, n)
	for page := (commerce.PageRequest{Limit: commerce.MaxPageLimit}); ; {
		p, err := products.ListProducts(ctx, catalog.ProductFilter{Status: catalog.StatusActive}, page)
		if err != nil {
			return rep, err
		}
		for _, prod := range p.Items {
			byHandle[prod.Handle] = prod
		}
		if !p.HasMore() {
			break
		}
		page.Cursor = p.NextCursor
	}
	// Each product's stock and reviews are its own: seedWorkers products
	// at a time, since every review is a transaction of its own and the
	// time goes in waiting for their commits.
	counts := make([]seedReport, n)
	stockAndReview := func(ctx context.Context, i int) error {
		p, ok := byHandle[gen.Product(tax, i).Handle]
		if !ok {
			return nil // a draft or archived product: not on sale
		}
		r := rand.New(rand.NewPCG(seedValue, uint64(i)))
		for _, v := range p.Variants {
			units := stockLevel(r)
			if units == 0 {
				continue // no level at all: sold out
			}
			if _, err := stock.SetStock(ctx, v.SKU, "", units, "demo seed"); err != nil {
				return fmt.Errorf("demo catalog: stock of %s: %w", v.SKU, err)
			}
			counts[i].SKUs++
		}
		for _, in := range gen.Reviews(i, p.ID, gen.ReviewCount(i)) {
			if _, err := products.AddReview(ctx, in); err != nil {
				return fmt.Errorf("demo catalog: review of %s: %w", p.Handle, err)
			}
			counts[i].Reviews++
		}
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(seedWorkers)
	for i := range n {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err // another product failed: stop here
			}
			return stockAndReview(gctx, i)
		})
	}
	err = g.Wait()
	for _, c := range counts {
		rep.SKUs += c.SKUs
		rep.Reviews += c.Reviews
	}
	return rep, err
}

// seedWorkers is how many products seedCatalog stocks and reviews at once.
const seedWorkers = 8

// stockLevel draws a variant's units on hand: about one in twelve sold
// out and one in ten running low, so the stock filter and low-stock
// events have something to show.
func stockLevel(r *rand.Rand) int {
	switch n := r.IntN(100); {
	case n < 8:
		return 0
	case n < 18:
		return 1 + r.IntN(5)
	default:
		return 20 + r.IntN(180)
	}
}

// withPictures gives each product of seq the shop's own picture as its
// only image.
func withPictures(seq iter.Seq2[catalog.ProductInput, error], baseURL string) iter.Seq2[catalog.ProductInput, error] {
	return func(yield func(catalog.ProductInput, error) bool) {
		for in, err := range seq {
			in.Images = []string{pictureURL(baseURL, in.Handle)}
			if !yield(in, err) {
				return
			}
		}
	}
}
