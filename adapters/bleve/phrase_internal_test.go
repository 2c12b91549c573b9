package bleve

import (
	"context"
	"testing"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/stretchr/testify/require"
)

// phrase matches what bleve's MatchPhraseQuery matches: words in order,
// stop words keeping their place, repeated words, one word, only stop
// words, words no title has.
func TestPhraseMatchesMatchPhrase(t *testing.T) {
	ctx := context.Background()
	x, c := newCorpusIndex(t)
	require.NoError(t, x.Index(ctx, c.Docs...))

	ids := func(q query.Query) map[string]bool {
		req := blevesearch.NewSearchRequestOptions(q, 10_000, 0, false)
		res, err := x.catalog.all.SearchInContext(ctx, req)
		require.NoError(t, err)
		out := map[string]bool{}
		for _, h := range res.Hits {
			out[h.ID] = true
		}
		return out
	}
	texts := []string{"battery life", "wireless headphones", "rain jacket", "jacket rain", "the", "laptop",
		"iphone 15 pro", "pro max", "yoga mat for", "mat for yoga", "headphones with", "cover for the laptop",
		"pro pro", "zzz qqq", "smart speaker", "noise cancelling headphones"}
	for _, d := range c.Docs[:40] { // titles themselves, and their last words
		texts = append(texts, d.Title)
		if ws := x.words(d.Title); len(ws) > 2 {
			texts = append(texts, ws[len(ws)-2]+" "+ws[len(ws)-1])
		}
	}
	matched := 0
	for _, text := range texts {
		want := query.NewMatchPhraseQuery(text)
		want.SetField(fieldTitle)
		w := ids(want)
		matched += len(w)
		require.Equal(t, w, ids(phrase(fieldTitle, text)), "phrase %q", text)
	}
	require.Positive(t, matched, "some phrases match")
}
