package searchtest

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

func testTitleOutranksDescription(t *testing.T, f *fixture) {
	for _, text := range []string{"quokka", "Quokka espresso", "QUOKKA"} {
		hits := f.all(search.Query{Text: text})
		title, desc := f.rank(hits, quokkaTitle), f.rank(hits, quokkaDescription)
		require.Equal(t, 0, title, "%q: the title match comes first", text)
		require.Greater(t, desc, title, "%q: the description match is found, after the title match", text)
		require.Greater(t, hits[title].Score, hits[desc].Score, "%q", text)
	}
}

func testTypos(t *testing.T, f *fixture) {
	for _, text := range []string{"iphnoe", "iphone", "iPhone 15", "ipone"} {
		hits := f.all(search.Query{Text: text})
		require.Equal(t, 0, f.rank(hits, iphone), "%q finds the iPhone first", text)
	}
	hits := f.all(search.Query{Text: "qokka"})
	require.NotEqual(t, -1, f.rank(hits, quokkaTitle), "a letter left out")
}

func testWords(t *testing.T, f *fixture) {
	// Stemming: the plural finds the singular.
	hits := f.all(search.Query{Text: "grinders"})
	require.NotEqual(t, -1, f.rank(hits, quokkaTitle))
	require.NotEqual(t, -1, f.rank(hits, quokkaDescription))
	// The last word may be unfinished.
	hits = f.all(search.Query{Text: "quokk"})
	require.Equal(t, 0, f.rank(hits, quokkaTitle))
	// A SKU finds its product first.
	d := f.c.Docs[17]
	hits = f.search(search.Query{Text: strings.ToLower(d.SKUs[0])}).Hits
	require.NotEmpty(t, hits)
	require.Equal(t, d.ProductID, hits[0].ProductID)
	// Every word must match somewhere: here a brand and a category.
	headphones, _ := f.c.Taxonomy.CategoryByName("Headphones")
	i := slices.IndexFunc(f.c.Docs, func(d search.Document) bool { return d.InCategory(headphones.ID) })
	d = f.c.Docs[i]
	hits = f.all(search.Query{Text: d.BrandName + " headphones"})
	require.Contains(t, ids(hits), d.ProductID)
	for _, h := range hits {
		text := strings.ToLower(h.Document.Title + " " + h.Document.Description)
		require.True(t, h.Document.InCategory(headphones.ID) || strings.Contains(text, "headphone"), "%s", h.Document.Title)
	}
	// Stop words alone neither match everything nor fail.
	_, err := f.svc.Search(f.ctx, search.Query{Text: "the"})
	require.NoError(t, err)
}

func testHighlights(t *testing.T, f *fixture) {
	hits := f.all(search.Query{Text: "quokka"})
	title := hits[f.rank(hits, quokkaTitle)]
	require.NotEmpty(t, title.Highlights["title"])
	require.Contains(t, title.Highlights["title"][0], "<mark>Quokka</mark>")
	desc := hits[f.rank(hits, quokkaDescription)]
	require.NotEmpty(t, desc.Highlights["description"])
	require.Contains(t, desc.Highlights["description"][0], "<mark>quokka</mark>")
	require.Empty(t, desc.Highlights["title"], "nothing matched in its title")
	require.Equal(t, f.c.named[quokkaTitle], title.Document, "a hit carries its document")

	none := f.search(search.Query{})
	for _, h := range none.Hits {
		require.Empty(t, h.Highlights, "no text, no highlights")
		require.Zero(t, h.Score)
	}
}

func testReviews(t *testing.T, f *fixture) {
	hits := f.all(search.Query{Text: "battery life"})
	ro := f.rank(hits, reviewedOnly)
	require.NotEqual(t, -1, ro, "found through its reviews")
	for _, h := range hits {
		if strings.Contains(h.Document.Description, "battery life") {
			require.Greater(t, h.Score, hits[ro].Score, "a product that says it itself ranks higher: %s", h.Document.Title)
		}
	}
	// Filters apply to the products found through reviews as well.
	kitchen, _ := f.c.Taxonomy.CategoryByName("Kitchen")
	phones, _ := f.c.Taxonomy.CategoryByName("Phones")
	hits = f.all(search.Query{Text: "battery life", CategoryIDs: []commerce.CategoryID{kitchen.ID}})
	require.NotEqual(t, -1, f.rank(hits, reviewedOnly))
	for _, h := range hits {
		require.True(t, h.Document.InCategory(kitchen.ID))
	}
	hits = f.all(search.Query{Text: "battery life", CategoryIDs: []commerce.CategoryID{phones.ID}})
	require.Equal(t, -1, f.rank(hits, reviewedOnly))
}
