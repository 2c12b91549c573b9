package bleve

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	blevesearch "github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// termFacetSize bounds the values a brand or category facet counts per
// shard: counts are exact while a facet has at most this many values.
const termFacetSize = 10_000

// priceFacetSize bounds the distinct prices the price facet counts per
// shard: its buckets are exact while a shard's hits have at most this
// many prices.
const priceFacetSize = 100_000

// Search implements search.Index.
//
// A text query first searches the reviews index (every word must be in
// one review) and takes the products of the best-matching reviews, up to
// Options.ReviewProducts, as one more way to match: those products join
// the catalog query's hits with a small fixed score, under all its
// filters, so total, facets and paging stay those of one catalog query.
func (x *Index) Search(ctx context.Context, r search.Request) (search.Response, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return search.Response{}, errClosed()
	}
	q := r.Query
	order := sortOrder(q)
	// The sort key handed out is the sort's values and then the query's
	// shape (see misspelt), which later pages reuse.
	var after, kept []string
	var shape string
	if q.Text != "" {
		_, kept = x.queryWords(q.Text)
	}
	if r.After != nil {
		n := len(r.After)
		if n != len(order)+1 || !validShape(r.After[n-1], len(kept)) {
			return search.Response{}, commerce.Errorf(commerce.CodeInvalidArgument, "bleve: the cursor does not fit the query").WithDetail("field", "cursor")
		}
		after, shape = r.After[:n-1], strings.TrimPrefix(r.After[n-1], shapePrefix)
	} else {
		shape = x.misspelt(kept)
	}

	var main query.Query
	filter := filterQuery(q)
	if q.Text != "" {
		reviewed, err := x.reviewedProducts(ctx, q.Text)
		if err != nil {
			return search.Response{}, err
		}
		match, score := x.textQuery(q.Text, shape, reviewed)
		must := []query.Query{match}
		if filter != nil {
			must = append(must, filter)
		}
		main = query.NewBooleanQuery(must, score, nil)
	} else if filter != nil {
		main = filter
	} else {
		main = constant(query.NewMatchAllQuery(), 0)
	}
	main = withPriceRange(main, q)

	req := blevesearch.NewSearchRequestOptions(main, r.Limit, 0, false)
	req.SortByCustom(order)
	if after != nil {
		req.SetSearchAfter(after)
	}
	req.Fields = []string{fieldDoc}
	for _, f := range q.Facets {
		switch f {
		case search.FacetBrand:
			req.AddFacet(f, blevesearch.NewFacetRequest(fieldBrandFacet, termFacetSize))
		case search.FacetCategory:
			req.AddFacet(f, blevesearch.NewFacetRequest(fieldCategoryFacet, termFacetSize))
		case search.FacetPrice:
			// Counted per price and summed into the buckets below: a
			// number's doc values would cost sixteen terms per hit.
			req.AddFacet(f, blevesearch.NewFacetRequest(fieldPriceValue+"."+string(q.Currency), priceFacetSize))
		case search.FacetRating:
			// Counted per rating value (at most 501 of them) and summed
			// into the buckets below.
			req.AddFacet(f, blevesearch.NewFacetRequest(fieldRatingValue, 1000))
		}
	}

	res, err := x.catalog.all.SearchInContext(ctx, req)
	if err == nil {
		err = statusError(res)
	}
	if err != nil {
		return search.Response{}, classify("search", err)
	}
	out := search.Response{Total: int(res.Total), Matches: make([]search.Match, 0, len(res.Hits))}
	for _, h := range res.Hits {
		m, err := toMatch(h, order, shape)
		if err != nil {
			return search.Response{}, classify("read hit", err)
		}
		out.Matches = append(out.Matches, m)
	}
	if q.Text != "" && len(out.Matches) > 0 {
		if err := x.highlight(ctx, q.Text, out.Matches); err != nil {
			return search.Response{}, err
		}
	}
	if len(q.Facets) > 0 {
		out.Facets = make(map[string][]search.FacetCount, len(q.Facets))
		for _, f := range q.Facets {
			out.Facets[f] = facetCounts(res.Facets[f])
			switch f {
			case search.FacetRating:
				out.Facets[f] = ratingBuckets(out.Facets[f], r.RatingBuckets)
			case search.FacetPrice:
				out.Facets[f] = priceBuckets(out.Facets[f], r.PriceBuckets)
			}
		}
	}
	return out, nil
}

// statusError reports the failure of any shard: a partial result would
// page and count wrongly.
func statusError(res *blevesearch.SearchResult) error {
	if res.Status == nil || res.Status.Failed == 0 {
		return nil
	}
	for name, err := range res.Status.Errors {
		return fmt.Errorf("shard %s: %w", name, err)
	}
	return fmt.Errorf("%d shards failed", res.Status.Failed)
}

// shapePrefix marks the sort key's last element, the query's shape.
const shapePrefix = "shape:"

func validShape(s string, words int) bool {
	m, ok := strings.CutPrefix(s, shapePrefix)
	return ok && len(m) == words && strings.Trim(m, "01") == ""
}

func toMatch(h *bsearch.DocumentMatch, order bsearch.SortOrder, shape string) (search.Match, error) {
	raw, _ := h.Fields[fieldDoc].(string)
	var m search.Match
	if err := json.Unmarshal([]byte(raw), &m.Document); err != nil {
		return m, fmt.Errorf("document %s: %w", h.ID, err)
	}
	m.ProductID = m.Document.ProductID
	m.Score = h.Score
	m.SortKey = make([]string, len(order)+1)
	for i, s := range order {
		if _, ok := s.(*bsearch.SortScore); ok {
			m.SortKey[i] = strconv.FormatFloat(h.Score, 'g', -1, 64)
		} else {
			m.SortKey[i] = h.Sort[i]
		}
	}
	m.SortKey[len(order)] = shapePrefix + shape
	return m, nil
}

// highlight sets the highlights of matches. It looks the words up again
// in the highlighted fields of the page's hits alone: asking the main
// query for highlights would make every term searcher read the positions
// of every candidate, where only a page's worth are shown.
func (x *Index) highlight(ctx context.Context, text string, matches []search.Match) error {
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = string(m.ProductID)
	}
	var marks []query.Query
	words := x.words(text)
	for i, w := range words {
		marks = append(marks, matchField(fieldTitle, w), matchField(fieldDescription, w))
		if f := fuzziness(w); f > 0 && !x.known(w) {
			fq := query.NewFuzzyQuery(w)
			fq.SetField(fieldTitleRaw)
			fq.SetFuzziness(f)
			marks = append(marks, fq)
		}
		if i == len(words)-1 {
			pq := query.NewPrefixQuery(w)
			pq.SetField(fieldTitleRaw)
			marks = append(marks, pq)
		}
	}
	q := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), query.NewDisjunctionQuery(marks)})
	req := blevesearch.NewSearchRequestOptions(q, len(ids), 0, false)
	req.Highlight = blevesearch.NewHighlight()
	for _, f := range []string{fieldTitle, fieldTitleRaw, fieldDescription} {
		req.Highlight.AddField(f)
	}
	res, err := x.catalog.all.SearchInContext(ctx, req)
	if err == nil {
		err = statusError(res)
	}
	if err != nil {
		return classify("highlight", err)
	}
	byID := make(map[string]*bsearch.DocumentMatch, len(res.Hits))
	for _, h := range res.Hits {
		byID[h.ID] = h
	}
	for i := range matches {
		if h := byID[string(matches[i].ProductID)]; h != nil {
			matches[i].Highlights = highlights(h)
		}
	}
	return nil
}

// highlights picks a hit's fragments. The highlighter returns a field's
// opening words even when nothing in it matched: only fragments with a
// mark are highlights.
func highlights(h *bsearch.DocumentMatch) map[string][]string {
	marked := func(field string) []string {
		var out []string
		for _, f := range h.Fragments[field] {
			if strings.Contains(f, "<mark>") {
				out = append(out, f)
			}
		}
		return out
	}
	title := marked(fieldTitle)
	if len(title) == 0 {
		title = marked(fieldTitleRaw) // a misspelt or unfinished word
	}
	desc := marked(fieldDescription)
	if len(title) == 0 && len(desc) == 0 {
		return nil
	}
	out := map[string][]string{}
	if len(title) > 0 {
		out[fieldTitle] = title
	}
	if len(desc) > 0 {
		out[fieldDescription] = desc
	}
	return out
}

// facetCounts converts a bleve facet: terms "id\x1fname" to ID and name,
// numeric ranges to their names.
func facetCounts(fr *bsearch.FacetResult) []search.FacetCount {
	if fr == nil {
		return nil
	}
	var out []search.FacetCount
	if fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			id, name, _ := strings.Cut(t.Term, sep)
			out = append(out, search.FacetCount{Value: id, Name: name, Count: t.Count})
		}
	}
	for _, r := range fr.NumericRanges {
		out = append(out, search.FacetCount{Value: r.Name, Count: r.Count})
	}
	return out
}

// priceBuckets sums counts per price into the buckets between bounds.
func priceBuckets(values []search.FacetCount, bounds []int64) []search.FacetCount {
	out := make([]search.FacetCount, len(bounds)+1)
	for i := range out {
		var lo, hi string
		if i > 0 {
			lo = strconv.FormatInt(bounds[i-1], 10)
		}
		if i < len(bounds) {
			hi = strconv.FormatInt(bounds[i], 10)
		}
		out[i].Value = lo + "-" + hi
	}
	for _, v := range values {
		n, err := strconv.ParseInt(v.Value, 10, 64)
		if err != nil {
			continue
		}
		i, _ := slices.BinarySearch(bounds, n+1) // the first bound above n
		out[i].Count += v.Count
	}
	return out
}

// ratingBuckets sums counts per rating value into buckets of a minimum
// rating each.
func ratingBuckets(values []search.FacetCount, buckets []int64) []search.FacetCount {
	out := make([]search.FacetCount, len(buckets))
	for i, b := range buckets {
		out[i].Value = strconv.FormatInt(b, 10)
		for _, v := range values {
			if n, err := strconv.ParseInt(v.Value, 10, 64); err == nil && n >= b {
				out[i].Count += v.Count
			}
		}
	}
	return out
}

// reviewedProducts returns the products whose reviews best match text,
// best first, at most Options.ReviewProducts.
func (x *Index) reviewedProducts(ctx context.Context, text string) ([]string, error) {
	if x.opts.ReviewProducts == 0 {
		return nil, nil
	}
	var words []query.Query
	for _, w := range x.words(text) {
		if !x.isStopWord(w) {
			words = append(words, matchField(fieldReviewText, w))
		}
	}
	if len(words) == 0 {
		return nil, nil
	}
	// A product has a few reviews: twice as many reviews as products
	// wanted usually yields enough distinct products.
	req := blevesearch.NewSearchRequestOptions(query.NewConjunctionQuery(words), 2*x.opts.ReviewProducts, 0, false)
	res, err := x.reviews.all.SearchInContext(ctx, req)
	if err == nil {
		err = statusError(res)
	}
	if err != nil {
		return nil, classify("search reviews", err)
	}
	seen := map[commerce.ProductID]bool{}
	var out []string
	for _, h := range res.Hits {
		p := productOfReview(h.ID)
		if !seen[p] {
			seen[p] = true
			out = append(out, string(p))
			if len(out) == x.opts.ReviewProducts {
				break
			}
		}
	}
	return out, nil
}

// Suggest implements search.Index: it counts, over the products whose
// titles hold every earlier word of the prefix and a word starting with
// the last, the title words starting with the last.
func (x *Index) Suggest(ctx context.Context, r search.SuggestRequest) ([]search.Suggestion, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return nil, errClosed()
	}
	words := x.words(r.Prefix)
	if len(words) == 0 {
		return []search.Suggestion{}, nil
	}
	last, before := words[len(words)-1], words[:len(words)-1]
	pq := query.NewPrefixQuery(last)
	pq.SetField(fieldTitleRaw)
	qs := []query.Query{pq}
	for _, w := range before {
		qs = append(qs, term(fieldTitleRaw, w))
	}
	req := blevesearch.NewSearchRequestOptions(query.NewConjunctionQuery(qs), 0, 0, false)
	fr := blevesearch.NewFacetRequest(fieldTitleRaw, termFacetSize)
	fr.SetPrefixFilter(last)
	req.AddFacet("suggest", fr)
	res, err := x.catalog.all.SearchInContext(ctx, req)
	if err == nil {
		err = statusError(res)
	}
	if err != nil {
		return nil, classify("suggest", err)
	}
	out := []search.Suggestion{}
	lead := strings.Join(before, " ")
	if lead != "" {
		lead += " "
	}
	if f := res.Facets["suggest"]; f != nil && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			if slices.Contains(before, t.Term) {
				continue // "usb c" should not suggest "usb c usb"
			}
			out = append(out, search.Suggestion{Text: lead + t.Term, Count: t.Count})
		}
	}
	slices.SortFunc(out, func(a, b search.Suggestion) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Text, b.Text)
	})
	if len(out) > r.Limit {
		out = out[:r.Limit]
	}
	return out, nil
}
