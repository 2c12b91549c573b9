package search_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mercatohq/mercato/adapters/bleve"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// A shopper's misspelt query finds the product, with its title
// highlighted, and a price facet in the query's currency.
func Example() {
	ctx := context.Background()
	idx, err := bleve.New(nil) // in memory
	if err != nil {
		fmt.Println(err)
		return
	}
	defer idx.Close(ctx)
	day := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	doc := func(title string, cents int64) search.Document {
		return search.Document{
			ProductID: commerce.NewID[commerce.ProductID](), Title: title, InStock: true, CreatedAt: day,
			Prices: []commerce.Money{commerce.MustMoney(cents, "USD")},
		}
	}
	if err := idx.Index(ctx, doc("Fruitco iPhone 15", 79900), doc("Leather Phone Case", 2999), doc("Wireless Charger", 3999)); err != nil {
		fmt.Println(err)
		return
	}
	svc, err := search.NewService(idx, &search.Options{
		Currency:         "USD",
		PriceFacetBounds: map[commerce.Currency][]int64{"USD": {5000, 50000}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := svc.Search(ctx, search.Query{Text: "iphnoe", Facets: []string{search.FacetPrice}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range res.Hits {
		fmt.Println(h.Document.Title, h.Highlights["title"])
	}
	for _, b := range res.Facets[search.FacetPrice] {
		fmt.Println(b.Name, b.Count)
	}

	_, err = svc.Search(ctx, search.Query{PageSize: 500})
	fmt.Println(commerce.Code(err))
	// Output:
	// Fruitco iPhone 15 [Fruitco <mark>iPhone</mark> 15]
	// under 50.00 USD 0
	// 50.00 USD to 500.00 USD 0
	// 500.00 USD and above 1
	// invalid_argument
}

// Pages follow each other through the cursor until it is empty.
func ExampleService_Search_paging() {
	ctx := context.Background()
	idx, _ := bleve.New(nil)
	defer idx.Close(ctx)
	for i := range 5 {
		_ = idx.Index(ctx, search.Document{
			ProductID: commerce.NewID[commerce.ProductID](), Title: fmt.Sprintf("Mug %d", i),
			Prices:    []commerce.Money{commerce.MustMoney(int64(500+i*100), "EUR")},
			CreatedAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		})
	}
	svc, _ := search.NewService(idx, nil)
	q := search.Query{Text: "mug", Currency: "EUR", Sort: search.SortPriceDesc, PageSize: 2}
	for {
		res, err := svc.Search(ctx, q)
		if err != nil {
			fmt.Println(err)
			return
		}
		var page []string
		for _, h := range res.Hits {
			p, _ := h.Document.Price("EUR")
			page = append(page, fmt.Sprint(h.Document.Title, " ", p))
		}
		fmt.Println(strings.Join(page, "; "))
		if res.NextCursor == "" {
			break
		}
		q.Cursor = res.NextCursor
	}
	// Output:
	// Mug 4 9.00 EUR; Mug 3 8.00 EUR
	// Mug 2 7.00 EUR; Mug 1 6.00 EUR
	// Mug 0 5.00 EUR
}
