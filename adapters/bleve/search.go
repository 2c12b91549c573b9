package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	blevesearch "github.com/blevesearch/bleve/v2"
	bdocument "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// termFacetSize bounds the values the suggestions count per shard.
const termFacetSize = 10_000

// Search implements search.Index.
//
// A text query first searches the reviews index (every word must be in
// one review) and takes the products of the best-matching reviews, up to
// Options.ReviewProducts, as one more way to match: those products join
// the catalog query's hits with a small fixed score, under all its
// filters, so total, facets and paging stay those of one catalog query.
//
// bleve finds the hits and scores them; the rest is done here, on every
// shard at once (see collect): the price filter, the total, the facets
// and the page, a heap of the best hits after the cursor, from columns
// kept in memory. Only the page's hits are read from the stored fields
// and highlighted.
func (x *Index) Search(ctx context.Context, r search.Request) (search.Response, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return search.Response{}, errClosed()
	}
	q := r.Query
	p := &plan{sort: q.Sort, currency: q.Currency, limit: r.Limit}
	// The sort key handed out is the hit's rank and then the query's
	// shape (see misspelt), which later pages reuse.
	var kept []string
	var shape string
	if q.Text != "" {
		_, kept = x.queryWords(q.Text)
	}
	if r.After != nil {
		after, s, ok := parseAfter(r.After, len(kept))
		if !ok {
			return search.Response{}, commerce.Errorf(commerce.CodeInvalidArgument, "bleve: the cursor does not fit the query").WithDetail("field", "cursor")
		}
		p.after, shape = &after, s
	} else {
		shape = x.misspelt(kept)
	}
	if q.PriceMin != nil || q.PriceMax != nil {
		p.filterPrice, p.lo, p.hi = true, 0, math.MaxInt64
		if q.PriceMin != nil {
			p.lo = q.PriceMin.Amount()
		}
		if q.PriceMax != nil {
			p.hi = q.PriceMax.Amount()
		}
	}
	for _, f := range q.Facets {
		switch f {
		case search.FacetBrand:
			p.brands = true
		case search.FacetCategory:
			p.categories = true
		case search.FacetPrice:
			p.priceFacet, p.priceBounds = true, r.PriceBuckets
		case search.FacetRating:
			p.ratingFacet = true
		}
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
		main = flat(query.NewMatchAllQuery(), 0)
	}

	found, err := x.collectAll(ctx, main, p)
	defer func() {
		for _, f := range found {
			if f != nil {
				_ = f.snap.Close()
			}
		}
	}()
	if err != nil {
		return search.Response{}, classify("search", err)
	}
	var page []hit
	out := search.Response{}
	for shard, f := range found {
		out.Total += f.total
		for _, h := range f.hits {
			h.shard = shard
			page = append(page, h)
		}
	}
	slices.SortFunc(page, func(a, b hit) int { return a.rank.compare(b.rank) })
	page = page[:min(len(page), r.Limit)]
	out.Matches = make([]search.Match, 0, len(page))
	var texts []*bdocument.Document
	for _, h := range page {
		d, text, err := readHit(found[h.shard].snap, h, q.Text != "")
		if err != nil {
			return search.Response{}, classify("read hit", err)
		}
		out.Matches = append(out.Matches, search.Match{
			Hit:     search.Hit{ProductID: d.ProductID, Score: h.score, Document: d},
			SortKey: sortKey(h.rank, shape),
		})
		texts = append(texts, text)
	}
	if q.Text != "" && len(out.Matches) > 0 {
		if err := x.highlight(ctx, q.Text, found, page, texts, out.Matches); err != nil {
			return search.Response{}, err
		}
	}
	if len(q.Facets) > 0 {
		out.Facets = facets(q.Facets, found, r)
	}
	return out, nil
}

// collectAll runs collect on every shard, concurrently when there are
// several. Each collected result holds its shard's snapshot open: the
// caller closes them.
func (x *Index) collectAll(ctx context.Context, q query.Query, p *plan) ([]*collected, error) {
	found := make([]*collected, len(x.catalog.shards))
	errs := make([]error, len(found))
	run := func(shard int) {
		adv, err := x.catalog.shards[shard].Advanced()
		if err != nil {
			errs[shard] = err
			return
		}
		r, err := adv.Reader()
		if err != nil {
			errs[shard] = err
			return
		}
		snap, ok := r.(*scorch.IndexSnapshot)
		if !ok {
			_ = r.Close()
			errs[shard] = fmt.Errorf("shard %d is not a scorch index", shard)
			return
		}
		f, err := x.collect(ctx, shard, snap, q, p)
		if err != nil {
			_ = snap.Close()
			errs[shard] = fmt.Errorf("shard %d: %w", shard, err)
			return
		}
		found[shard] = f
	}
	if len(found) == 1 {
		run(0)
	} else {
		var wg sync.WaitGroup
		for shard := range found {
			wg.Go(func() { run(shard) })
		}
		wg.Wait()
	}
	return found, errors.Join(errs...)
}

// facets sums the shards' counts into the facets asked for: brands and
// categories by value, prices into the request's buckets, ratings into
// buckets of a minimum each.
func facets(names []string, found []*collected, r search.Request) map[string][]search.FacetCount {
	out := make(map[string][]search.FacetCount, len(names))
	byValue := func(get func(*collected) map[string]int) []search.FacetCount {
		sum := map[string]int{}
		for _, f := range found {
			for v, n := range get(f) {
				sum[v] += n
			}
		}
		counts := make([]search.FacetCount, 0, len(sum))
		for v, n := range sum {
			id, name, _ := strings.Cut(v, sep)
			counts = append(counts, search.FacetCount{Value: id, Name: name, Count: n})
		}
		return counts
	}
	for _, name := range names {
		switch name {
		case search.FacetBrand:
			out[name] = byValue(func(f *collected) map[string]int { return f.brands })
		case search.FacetCategory:
			out[name] = byValue(func(f *collected) map[string]int { return f.categories })
		case search.FacetPrice:
			bounds := r.PriceBuckets
			counts := make([]search.FacetCount, len(bounds)+1)
			for i := range counts {
				var lo, hi string
				if i > 0 {
					lo = strconv.FormatInt(bounds[i-1], 10)
				}
				if i < len(bounds) {
					hi = strconv.FormatInt(bounds[i], 10)
				}
				counts[i].Value = lo + "-" + hi
				for _, f := range found {
					counts[i].Count += f.prices[i]
				}
			}
			out[name] = counts
		case search.FacetRating:
			counts := make([]search.FacetCount, len(r.RatingBuckets))
			for i, b := range r.RatingBuckets {
				counts[i].Value = strconv.FormatInt(b, 10)
				for _, f := range found {
					for rating := max(b, 0); rating < int64(len(f.ratings)); rating++ {
						counts[i].Count += f.ratings[rating]
					}
				}
			}
			out[name] = counts
		}
	}
	return out
}

func unmarshalDocument(raw []byte, d *search.Document) error { return json.Unmarshal(raw, d) }

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

// highlightFields are the fields highlights are taken from.
var highlightFields = []string{fieldTitle, fieldTitleRaw, fieldDescription}

// highlight sets the highlights of matches, the page's hits, each read
// from shard found[page[i].shard] with its highlighted fields' values in
// texts[i]. It looks the words up again in those fields of the page's
// hits alone, on the snapshots the page was found in: asking the main
// query for highlights would make every term searcher read the positions
// of every candidate, where only a page's worth are shown. The fragments
// are those bleve's search request with highlighting makes.
func (x *Index) highlight(ctx context.Context, text string, found []*collected, page []hit, texts []*bdocument.Document, matches []search.Match) error {
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
	highlighter, err := blevesearch.Config.Cache.HighlighterNamed(blevesearch.Config.DefaultHighlighter)
	if err != nil {
		return classify("highlight", err)
	}
	for shard, f := range found {
		byNum := map[uint64]int{} // the page's hits of this shard by document number
		var ids []string
		for i, h := range page {
			if h.shard == shard {
				byNum[h.num] = i
				ids = append(ids, h.pid)
			}
		}
		if len(ids) == 0 {
			continue
		}
		q := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), query.NewDisjunctionQuery(marks)})
		err := eachMatch(ctx, x.catalog.mapping, f.snap, q, func(d *bsearch.DocumentMatch) {
			i, ok := byNum[d.IndexInternalID.Value()]
			if !ok {
				return
			}
			d.Complete(nil) // the term vectors as the highlighter reads them
			for _, field := range highlightFields {
				highlighter.BestFragmentsInField(d, texts[i], field, 1)
			}
			matches[i].Highlights = highlights(d)
		})
		if err != nil {
			return classify("highlight", err)
		}
	}
	return nil
}

// eachMatch runs q on snap with term vectors and hands each match to
// use, which must not keep it.
func eachMatch(ctx context.Context, m mapping.IndexMapping, snap *scorch.IndexSnapshot, q query.Query, use func(*bsearch.DocumentMatch)) error {
	s, err := q.Searcher(ctx, snap, m, bsearch.SearcherOptions{IncludeTermVectors: true})
	if err != nil {
		return err
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: snap}
	for {
		d, err := s.Next(sctx)
		if err != nil || d == nil {
			return err
		}
		use(d)
		sctx.DocumentMatchPool.Put(d)
	}
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

// reviewedProducts returns the products whose reviews best match text,
// best first, at most Options.ReviewProducts. Answers are kept until the
// reviews index is next written (see reviewCache).
func (x *Index) reviewedProducts(ctx context.Context, text string) ([]string, error) {
	if x.opts.ReviewProducts == 0 {
		return nil, nil
	}
	var words []query.Query
	var key strings.Builder
	for _, w := range x.words(text) {
		if !x.isStopWord(w) {
			words = append(words, matchField(fieldReviewText, w))
			key.WriteString(w)
			key.WriteByte(0)
		}
	}
	if len(words) == 0 {
		return nil, nil
	}
	gen := x.reviewed.generation()
	if out, ok := x.reviewed.get(key.String()); ok {
		return out, nil
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
	x.reviewed.put(gen, key.String(), out)
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
