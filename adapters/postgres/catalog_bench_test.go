package postgres_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/sample"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/benchload"
)

// benchCatalogSize is how many generated products the read benchmarks
// run against.
const benchCatalogSize = 100_000

// BenchmarkCatalog loads 100,000 generated products with Import once, then
// measures reads against them (p50/p99 per call) and further imports
// (products/s):
//
//	go test ./adapters/postgres -run '^$' -bench Catalog -benchtime 2000x
func BenchmarkCatalog(b *testing.B) {
	ctx := context.Background()
	pool := newPool(b)
	store, err := postgres.NewCatalogStore(pool, &postgres.Options{Outbox: postgres.DiscardEvents{}})
	if err != nil {
		b.Fatal(err)
	}
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
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	ids := benchStrings(b, pool, `SELECT id FROM catalog_products`)
	skus := benchStrings(b, pool, `SELECT sku FROM catalog_variants`)
	r := rand.New(rand.NewPCG(1, 2))

	b.Run("Load100k", func(b *testing.B) {
		// The initial load, measured once above; reported here.
		b.ReportMetric(loadRate, "products/s")
	})
	b.Run("GetProduct", func(b *testing.B) {
		benchLatency(b, func() error {
			_, err := svc.GetProduct(ctx, commerce.ProductID(ids[r.IntN(len(ids))]))
			return err
		})
	})
	b.Run("GetVariantBySKU", func(b *testing.B) {
		benchLatency(b, func() error {
			_, _, err := svc.GetVariantBySKU(ctx, skus[r.IntN(len(skus))])
			return err
		})
	})
	b.Run("PriceSKUs10", func(b *testing.B) {
		benchLatency(b, func() error {
			pick := make([]string, 10)
			for i := range pick {
				pick[i] = skus[r.IntN(len(skus))]
			}
			_, err := svc.PriceSKUs(ctx, "USD", pick...)
			return err
		})
	})
	for _, name := range []string{"Electronics", "Audio", "Headphones"} {
		cat, _ := tax.CategoryByName(name)
		b.Run("ListCategoryBrand50/"+name, func(b *testing.B) {
			benchLatency(b, func() error {
				brand := tax.Brands[r.IntN(len(tax.Brands))]
				_, err := svc.ListProducts(ctx, catalog.ProductFilter{CategoryID: cat.ID, BrandID: brand.ID}, commerce.PageRequest{Limit: 50})
				return err
			})
		})
	}
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
		// Every product.created goes through the transactional outbox, as
		// in production.
		outStore, err := postgres.NewCatalogStore(pool, &postgres.Options{Outbox: outboxTo(b, pool, commerce.DiscardEvents{}, catalog.RegisterEvents)})
		if err != nil {
			b.Fatal(err)
		}
		outSvc, err := catalog.NewService(outStore, nil)
		if err != nil {
			b.Fatal(err)
		}
		benchImport(b, outSvc, gen, tax, &next)
	})
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

func benchStrings(b *testing.B, pool interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, query string) []string {
	rows, err := pool.Query(context.Background(), query)
	if err != nil {
		b.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// benchImport imports b.N generated products numbered from *next on and
// reports products/s; *next moves past them so handles stay unique.
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
