package mongodb_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/mercatohq/mercato/adapters/mongodb"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/sample"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/benchload"
	"github.com/mercatohq/mercato/internal/testenv"
)

// benchCatalogSize is how many generated products the read benchmarks
// run against (FerretDB on SQLite loads far slower than PostgreSQL, so
// far fewer than the PostgreSQL benchmark's 100,000).
const benchCatalogSize = 1_000

// BenchmarkCatalog loads generated products with Import once, then
// measures product get, a list page and further imports on FerretDB:
//
//	go test ./adapters/mongodb -run '^$' -bench Catalog -benchtime 50x
func BenchmarkCatalog(b *testing.B) {
	ctx := context.Background()
	uri := testenv.FerretDB(b)
	store := newStore(b, uri, &mongodb.Options{DiscardEvents: true})
	svc, err := catalog.NewService(store, nil)
	if err != nil {
		b.Fatal(err)
	}
	gen := sample.New(2026)
	tax, err := gen.CreateTaxonomy(ctx, svc)
	if err != nil {
		b.Fatal(err)
	}
	began := time.Now()
	res, err := svc.Import(ctx, gen.Products(tax, benchCatalogSize), nil)
	if err != nil || res.Failed > 0 {
		b.Fatalf("load: %v %+v", err, res.Errors)
	}
	loadRate := float64(res.Done) / time.Since(began).Seconds()
	var ids []string
	var cursor string
	for {
		page, err := svc.ListProducts(ctx, catalog.ProductFilter{}, commerce.PageRequest{Limit: 200, Cursor: cursor})
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range page.Items {
			ids = append(ids, p.ID.String())
		}
		if !page.HasMore() {
			break
		}
		cursor = page.NextCursor
	}
	r := rand.New(rand.NewPCG(1, 2))

	b.Run("Load", func(b *testing.B) { b.ReportMetric(loadRate, "products/s") })
	b.Run("GetProduct", func(b *testing.B) {
		benchLatency(b, func() error {
			_, err := svc.GetProduct(ctx, commerce.ProductID(ids[r.IntN(len(ids))]))
			return err
		})
	})
	b.Run("ListCategory50/Electronics", func(b *testing.B) {
		cat, _ := tax.CategoryByName("Electronics")
		var cursor string
		benchLatency(b, func() error {
			page, err := svc.ListProducts(ctx, catalog.ProductFilter{CategoryID: cat.ID}, commerce.PageRequest{Limit: 50, Cursor: cursor})
			cursor = page.NextCursor // walk the category page by page
			return err
		})
	})
	next := benchCatalogSize
	b.Run("Import", func(b *testing.B) { benchImport(b, svc, gen, tax, &next) })
	b.Run("ImportWithOutbox", func(b *testing.B) {
		outStore, err := mongodb.NewCatalogStore(testenv.MongoDatabase(b, uri), nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := outStore.EnsureIndexes(ctx); err != nil {
			b.Fatal(err)
		}
		// The taxonomy lives in the first database; copy it so references hold.
		copyTaxonomy(b, outStore, tax)
		outSvc, err := catalog.NewService(outStore, nil)
		if err != nil {
			b.Fatal(err)
		}
		benchImport(b, outSvc, gen, tax, &next)
	})
}

// copyTaxonomy writes tax's brands and categories into to.
func copyTaxonomy(b *testing.B, to *mongodb.CatalogStore, tax *sample.Taxonomy) {
	ctx := context.Background()
	for _, br := range tax.Brands {
		if err := to.CreateBrand(ctx, br); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range tax.Categories { // parents first
		if err := to.CreateCategory(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

func benchLatency(b *testing.B, call func() error) {
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		latencies = append(latencies, time.Since(t0))
	}
	b.StopTimer()
	benchload.ReportLatencies(b, latencies)
}

// benchImport imports b.N generated products numbered from *next on and
// reports products/s.
func benchImport(b *testing.B, svc *catalog.Service, gen *sample.Generator, tax *sample.Taxonomy, next *int) {
	from := *next
	*next += b.N
	products := func(yield func(catalog.ProductInput, error) bool) {
		for i := from; i < from+b.N; i++ {
			if !yield(gen.Product(tax, i), nil) {
				return
			}
		}
	}
	b.ResetTimer()
	began := time.Now()
	res, err := svc.Import(context.Background(), products, nil)
	if err != nil || res.Failed > 0 {
		b.Fatalf("import: %v %+v", err, res.Errors)
	}
	b.ReportMetric(float64(res.Done)/time.Since(began).Seconds(), "products/s")
}
