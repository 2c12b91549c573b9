package bleve

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mercatohq/mercato/search"
	"github.com/mercatohq/mercato/search/searchtest"
)

func TestDebugCost(t *testing.T) {
	if os.Getenv("DBG") == "" {
		t.Skip()
	}
	ctx := context.Background()
	c, _ := searchtest.NewCorpusOf(100000)
	x, _ := New(&Options{Path: t.TempDir()})
	c.Load(ctx, x)
	x.Compact(ctx)
	q := search.Query{Text: "wireless headphones", Sort: search.SortRelevance}
	timeIt := func(name string, qq query.Query, sortIt bool) {
		var best time.Duration = time.Hour
		var total uint64
		for range 20 {
			req := blevesearch.NewSearchRequestOptions(qq, 21, 0, false)
			if sortIt {
				req.SortByCustom(sortOrder(q))
			}
			s := time.Now()
			res, err := x.catalog.all.SearchInContext(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			total = res.Total
			best = min(best, time.Since(s))
		}
		fmt.Printf("%-30s total=%6d best=%v\n", name, total, best)
	}
	audio, _ := c.Taxonomy.CategoryByName("Audio")
	fq := search.Query{CategoryIDs: nil, MinRating: 300, InStockOnly: true, Sort: search.SortPriceAsc, Currency: "USD"}
	fq.CategoryIDs = append(fq.CategoryIDs, audio.ID)
	timeIt("category", term(fieldCategoryIDs, string(audio.ID)), false)
	r := search.Query{MinRating: 300}
	timeIt("rating", filterQuery(r), false)
	timeIt("instock", filterQuery(search.Query{InStockOnly: true}), false)
	timeIt("filters", filterQuery(fq), false)
	q = fq
	timeIt("filters sorted by price", filterQuery(fq), true)
	q = search.Query{Text: "wireless headphones", Sort: search.SortRelevance}
	words := []string{"wireless", "headphones"}
	timeIt("full", x.textQuery(q.Text, nil), true)
	timeIt("full unsorted", x.textQuery(q.Text, nil), false)
	for _, w := range words {
		for _, f := range []string{fieldTitle, fieldFacts, fieldDescription} {
			timeIt(w+" match "+f, match(f, w), false)
		}
		timeIt(w+" term raw", term(fieldTitleRaw, w), false)
		fq := query.NewFuzzyQuery(w)
		fq.SetField(fieldTitleRaw)
		fq.SetFuzziness(fuzziness(w))
		timeIt(w+" fuzzy", fq, false)
		pq := query.NewPrefixQuery(w)
		pq.SetField(fieldTitleRaw)
		timeIt(w+" prefix", pq, false)
	}
	timeIt("match all sorted", query.NewMatchAllQuery(), true)
}
