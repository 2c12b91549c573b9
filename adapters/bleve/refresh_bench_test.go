package bleve_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/mercatohq/mercato/adapters/bleve"
	"github.com/mercatohq/mercato/search"
	"github.com/mercatohq/mercato/search/searchtest"
)

// BenchmarkRefresh measures the write of one product as an event's
// refresh makes it, into an index holding the searchtest corpus:
//
//   - changed/skip-unchanged: a new title every time, so the lookup that
//     SkipUnchanged makes finds a difference and the document is written;
//   - changed/always: the same without SkipUnchanged, no lookup;
//   - unchanged/skip-unchanged: the document the index holds, left out;
//   - unchanged/always: the document the index holds, written again.
func BenchmarkRefresh(b *testing.B) {
	ctx := context.Background()
	corpus, err := searchtest.NewCorpus()
	if err != nil {
		b.Fatal(err)
	}
	idx, err := bleve.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer idx.Close(ctx)
	if err := idx.Index(ctx, corpus.Docs...); err != nil {
		b.Fatal(err)
	}
	doc := corpus.Docs[0]
	for _, c := range []struct {
		name         string
		change, skip bool
	}{
		{"changed/skip-unchanged", true, true},
		{"changed/always", true, false},
		{"unchanged/skip-unchanged", false, true},
		{"unchanged/always", false, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				d := doc
				if c.change {
					d.Title = doc.Title + " " + strconv.Itoa(i)
				}
				if err := idx.Batch(ctx, search.Batch{Products: []search.Document{d}, SkipUnchanged: c.skip}); err != nil {
					b.Fatal(err)
				}
			}
			// Leave the index holding doc for the next case.
			if err := idx.Index(ctx, doc); err != nil {
				b.Fatal(err)
			}
		})
	}
}
