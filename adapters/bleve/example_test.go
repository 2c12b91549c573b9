package bleve_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/mercatohq/mercato/adapters/bleve"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// An on-disk index in four shards: products and their reviews are routed
// by product ID, and a query fans out to all four. A product is found
// through what its reviews say.
func ExampleNew() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "mercato-search-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	idx, err := bleve.New(&bleve.Options{Path: dir, Shards: 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer idx.Close(ctx)

	radio := search.Document{
		ProductID: commerce.NewID[commerce.ProductID](), Title: "Pocket Radio", InStock: true,
		CreatedAt: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	err = idx.Batch(ctx, search.Batch{
		Products: []search.Document{radio},
		Reviews: []search.ReviewDocument{{
			ReviewID: commerce.NewID[commerce.ReviewID](), ProductID: radio.ProductID,
			Text: "Tiny, and the battery life is great", Rating: 5,
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	svc, _ := search.NewService(idx, nil)
	res, err := svc.Search(ctx, search.Query{Text: "battery life"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Total, res.Hits[0].Document.Title)
	// Output: 1 Pocket Radio
}
