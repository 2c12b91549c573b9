package bleve_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mercatohq/mercato/adapters/bleve"
	"github.com/mercatohq/mercato/catalog/sample"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/benchload"
	"github.com/mercatohq/mercato/search"
	"github.com/mercatohq/mercato/search/searchtest"
)

// benchProducts is how many sample products the benchmarks index:
// MERCATO_BENCH_PRODUCTS, default 100,000 (set it lower for a quick run).
// The index is built once per process, or, with MERCATO_BENCH_INDEX set
// to a directory, kept there and reused by later runs (see keptBench).
func benchProducts(b *testing.B) int {
	if s := os.Getenv("MERCATO_BENCH_PRODUCTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 100 {
			b.Fatalf("MERCATO_BENCH_PRODUCTS=%q: want a number of at least 100", s)
		}
		return n
	}
	return 100_000
}

// benchEnv is an on-disk index of the sample corpus, built once per
// process and shard count because building 100,000 products takes a
// while. It keeps the corpus's taxonomy, not its documents: those would
// stay on the heap beside the index, and every garbage collection during
// the queries measured would mark them.
type benchEnv struct {
	taxonomy *sample.Taxonomy
	products int
	index    *bleve.Index
	svc      *search.Service
	dir      string
	// temporary is a dir of this process's own, removed at its end.
	temporary bool
	build     time.Duration
}

// benchEnvs holds the built environments by shard count.
type benchEnvs struct {
	mu   sync.Mutex
	envs map[int]*benchEnv
}

var benches = &benchEnvs{envs: map[int]*benchEnv{}}

func loadBench(b *testing.B, shards int) *benchEnv {
	benches.mu.Lock()
	defer benches.mu.Unlock()
	if e := benches.envs[shards]; e != nil {
		return e
	}
	if kept := os.Getenv("MERCATO_BENCH_INDEX"); kept != "" {
		e, err := keptBench(kept, benchProducts(b), shards)
		if err != nil {
			b.Fatal(err)
		}
		benches.envs[shards] = e
		return e
	}
	ctx := context.Background()
	corpus, err := searchtest.NewCorpusOf(benchProducts(b))
	if err != nil {
		b.Fatal(err)
	}
	e := &benchEnv{taxonomy: corpus.Taxonomy, products: len(corpus.Docs)}
	if e.dir, err = os.MkdirTemp("", "mercato-bleve-bench-"); err != nil {
		b.Fatal(err)
	}
	e.temporary = true
	if e.index, err = bleve.New(&bleve.Options{Path: e.dir, Shards: shards}); err != nil {
		b.Fatal(err)
	}
	benches.envs[shards] = e
	if err := e.load(ctx, corpus); err != nil {
		b.Fatal(err)
	}
	return e
}

// load indexes corpus into e's index and compacts it.
func (e *benchEnv) load(ctx context.Context, corpus *searchtest.Corpus) error {
	began := time.Now()
	if err := corpus.Load(ctx, e.index); err != nil {
		return err
	}
	e.build = time.Since(began)
	// Queries are measured on a settled index, not against the merges
	// that follow a bulk load.
	if err := e.index.Compact(ctx); err != nil {
		return err
	}
	var err error
	e.svc, err = search.NewService(e.index, &search.Options{Currency: "USD"})
	return err
}

// keptBench opens the index of products products in shards shards kept
// under dir by an earlier run, building it there the first time, with
// the taxonomy its products refer to beside it (the sample's IDs are
// new on every run). Comparing two builds of this package on one index
// then costs a build of the index once, not once per run. A kept index
// reports no build time.
func keptBench(dir string, products, shards int) (*benchEnv, error) {
	ctx := context.Background()
	path := filepath.Join(dir, fmt.Sprintf("products=%d,shards=%d", products, shards))
	e := &benchEnv{dir: path}
	taxonomyFile := filepath.Join(path, "taxonomy.json")
	raw, err := os.ReadFile(taxonomyFile)
	if err == nil {
		var kept struct {
			Taxonomy *sample.Taxonomy
			Products int
		}
		if err := json.Unmarshal(raw, &kept); err != nil {
			return nil, fmt.Errorf("%s: %w", taxonomyFile, err)
		}
		e.taxonomy, e.products = kept.Taxonomy, kept.Products
		if e.index, err = bleve.New(&bleve.Options{Path: path, Shards: shards}); err != nil {
			return nil, err
		}
		if err := e.index.Compact(ctx); err != nil { // reads the columns
			return nil, err
		}
		e.svc, err = search.NewService(e.index, &search.Options{Currency: "USD"})
		return e, err
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	// A directory without the taxonomy is a build that did not finish.
	if err := os.RemoveAll(path); err != nil {
		return nil, err
	}
	corpus, err := searchtest.NewCorpusOf(products)
	if err != nil {
		return nil, err
	}
	e.taxonomy, e.products = corpus.Taxonomy, len(corpus.Docs)
	if e.index, err = bleve.New(&bleve.Options{Path: path, Shards: shards}); err != nil {
		return nil, err
	}
	if err := e.load(ctx, corpus); err != nil {
		return nil, err
	}
	if raw, err = json.Marshal(map[string]any{"Taxonomy": e.taxonomy, "Products": e.products}); err != nil {
		return nil, err
	}
	return e, os.WriteFile(taxonomyFile, raw, 0o644)
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, e := range benches.envs {
		_ = e.index.Close(context.Background())
		if e.temporary {
			_ = os.RemoveAll(e.dir)
		}
	}
	os.Exit(code)
}

// rssBytes reads the process's resident set size from /proc/self/status.
func rssBytes() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}

// heapBytes returns the bytes of live heap objects after a collection:
// what the indexes keep in memory, the mapped segment files aside.
func heapBytes() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc)
}

// BenchmarkIndexing measures indexing throughput into a fresh on-disk
// index, 1,000 sample products per Index call, and reports how long the
// shared 100,000-product index took to build.
func BenchmarkIndexing(b *testing.B) {
	e := loadBench(b, 1)
	ctx := context.Background()
	corpus, err := searchtest.NewCorpusOf(benchProducts(b))
	if err != nil {
		b.Fatal(err)
	}
	idx, err := bleve.New(&bleve.Options{Path: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close(ctx)
	const batch = 1000
	docs := corpus.Docs
	b.ResetTimer()
	began := time.Now()
	for i := 0; b.Loop(); i++ {
		from := (i * batch) % len(docs)
		if err := idx.Index(ctx, docs[from:min(from+batch, len(docs))]...); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(began)
	b.StopTimer()
	b.ReportMetric(float64(b.N*batch)/elapsed.Seconds(), "docs/s")
	if e.build > 0 {
		b.ReportMetric(float64(e.products)/e.build.Seconds(), "build-docs/s")
	}
}

// BenchmarkSearch measures queries over the 100,000-product on-disk
// index through search.Service, in one shard and in two (the default; a
// query then runs on both cores): p50/p99 latency, queries/s, the index's size on
// disk and the process's RSS.
func BenchmarkSearch(b *testing.B) {
	for _, shards := range []int{1, 2} {
		b.Run(fmt.Sprintf("shards=%d", shards), func(b *testing.B) { benchSearch(b, loadBench(b, shards)) })
	}
}

func benchSearch(b *testing.B, e *benchEnv) {
	tax := e.taxonomy
	cat := func(name string) commerce.CategoryID { c, _ := tax.CategoryByName(name); return c.ID }
	brand := func(name string) commerce.BrandID { br, _ := tax.BrandByName(name); return br.ID }
	money := func(a int64) *commerce.Money { m := commerce.MustMoney(a, "USD"); return &m }
	words := []string{"wireless headphones", "leather boots", "espresso", "battery life", "laptop", "iphnoe", "yoga mat", "acme pro", "rain jacket", "smart speaker"}
	allFacets := []string{search.FacetBrand, search.FacetCategory, search.FacetPrice, search.FacetRating}
	cases := map[string]func(i int) search.Query{
		"text": func(i int) search.Query { return search.Query{Text: words[i%len(words)]} },
		"text+4filters+facets": func(i int) search.Query {
			return search.Query{
				Text:        words[i%len(words)],
				CategoryIDs: []commerce.CategoryID{[]commerce.CategoryID{cat("Electronics"), cat("Apparel"), cat("Home"), cat("Sports")}[i%4]},
				BrandIDs:    []commerce.BrandID{brand("Acme"), brand("Nova"), brand("Zenith"), brand("Orbit"), brand("Cedar")},
				PriceMin:    money(2000), PriceMax: money(50000),
				InStockOnly: true,
				Facets:      allFacets,
			}
		},
		// Broad words with every facet and each sort: the facets and the
		// sort keys then cover thousands of hits.
		"text+facets+sort": func(i int) search.Query {
			return search.Query{
				Text:   words[i%len(words)],
				Sort:   []search.Sort{search.SortRelevance, search.SortPriceAsc, search.SortRating, search.SortNewest, search.SortPriceDesc}[i%5],
				Facets: allFacets,
			}
		},
		"filters-by-price": func(i int) search.Query {
			return search.Query{
				CategoryIDs: []commerce.CategoryID{[]commerce.CategoryID{cat("Audio"), cat("Shoes"), cat("Kitchen"), cat("Fitness")}[i%4]},
				MinRating:   300, InStockOnly: true, Sort: search.SortPriceAsc,
			}
		},
	}
	for _, name := range []string{"text", "text+4filters+facets", "text+facets+sort", "filters-by-price"} {
		mk := cases[name]
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			var latencies []time.Duration
			began := time.Now()
			for i := 0; b.Loop(); i++ {
				start := time.Now()
				if _, err := e.svc.Search(ctx, mk(i)); err != nil {
					b.Fatal(err)
				}
				latencies = append(latencies, time.Since(start))
			}
			elapsed := time.Since(began)
			b.StopTimer()
			size, err := e.index.SizeOnDisk()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(latencies))/elapsed.Seconds(), "queries/s")
			benchload.ReportLatencies(b, latencies)
			b.ReportMetric(float64(size), "index-bytes")
			b.ReportMetric(rssBytes(), "rss-bytes")
			b.ReportMetric(heapBytes(), "heap-bytes")
			b.ReportMetric(float64(e.products), "products")
		})
	}
}
