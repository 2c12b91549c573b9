package main

import (
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
	"github.com/mercatohq/mercato/search"
)

const (
	// hitsPerPage is the page size of the product grid.
	hitsPerPage = 24
	// maxBrandFacets is how many brands the sidebar lists.
	maxBrandFacets = 12
	// reviewsShown is how many reviews a product page lists.
	reviewsShown = 20
)

// browseParams are the search page's query parameters: the filters, the
// sort and the page.
type browseParams struct {
	Q        string
	Category string
	Brands   []string
	Min, Max string // prices in major units of shopCurrency: "25", "99.99"
	Rating   int    // whole stars, 1-4: "4 stars and up"
	InStock  bool
	Sort     string
	Cursor   string
}

func parseBrowseParams(v url.Values) browseParams {
	p := browseParams{
		Q: strings.TrimSpace(v.Get("q")), Category: v.Get("category"),
		Min: strings.TrimSpace(v.Get("min")), Max: strings.TrimSpace(v.Get("max")),
		InStock: v.Get("instock") != "", Sort: v.Get("sort"), Cursor: v.Get("cursor"),
	}
	for _, b := range v["brand"] {
		if b != "" && !slices.Contains(p.Brands, b) {
			p.Brands = append(p.Brands, b)
		}
	}
	if n, err := strconv.Atoi(v.Get("rating")); err == nil && n >= 1 && n <= 4 {
		p.Rating = n
	}
	return p
}

// href is the URL of the first page of p.
func (p browseParams) href() string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", p.Q)
	set("category", p.Category)
	for _, b := range p.Brands {
		v.Add("brand", b)
	}
	set("min", p.Min)
	set("max", p.Max)
	if p.Rating > 0 {
		v.Set("rating", strconv.Itoa(p.Rating))
	}
	if p.InStock {
		v.Set("instock", "1")
	}
	set("sort", p.Sort)
	set("cursor", p.Cursor)
	if len(v) == 0 {
		return "/"
	}
	return "/search?" + v.Encode()
}

// with returns the first page of p changed by f.
func (p browseParams) with(f func(*browseParams)) string {
	q := p
	q.Brands = slices.Clone(p.Brands)
	q.Cursor = ""
	f(&q)
	return q.href()
}

// query is the search.Query of p. Filters that do not parse are left out
// and reported in the returned notices.
func (p browseParams) query() (search.Query, []string) {
	q := search.Query{
		Text: p.Q, Currency: shopCurrency, PageSize: hitsPerPage, Cursor: p.Cursor,
		InStockOnly: p.InStock, MinRating: int64(p.Rating) * 100, Sort: search.Sort(p.Sort),
		Facets: []string{search.FacetCategory, search.FacetBrand, search.FacetPrice, search.FacetRating},
	}
	var notices []string
	if p.Category != "" {
		if id, err := commerce.ParseID[commerce.CategoryID](p.Category); err == nil {
			q.CategoryIDs = []commerce.CategoryID{id}
		} else {
			notices = append(notices, "Unknown category ignored.")
		}
	}
	for _, b := range p.Brands {
		if id, err := commerce.ParseID[commerce.BrandID](b); err == nil {
			q.BrandIDs = append(q.BrandIDs, id)
		}
	}
	for _, bound := range []struct {
		text string
		dst  **commerce.Money
	}{{p.Min, &q.PriceMin}, {p.Max, &q.PriceMax}} {
		if bound.text == "" {
			continue
		}
		m, err := commerce.ParseMoney(bound.text, shopCurrency)
		if err != nil || m.IsNegative() {
			notices = append(notices, "Price "+strconv.Quote(bound.text)+" ignored: type an amount such as 25 or 19.99.")
			continue
		}
		*bound.dst = &m
	}
	if !slices.Contains(sortChoices(), search.Sort(p.Sort)) {
		q.Sort = ""
	}
	return q, notices
}

func sortChoices() []search.Sort {
	return []search.Sort{search.SortRelevance, search.SortPriceAsc, search.SortPriceDesc, search.SortRating, search.SortNewest}
}

// browsePage is the home and search page.
type browsePage struct {
	page
	Params  browseParams
	Total   int
	Hits    []hitView
	Facets  []facetView
	Active  []facetItem
	Sorts   []sortOption
	NextURL string
}

type hitView struct {
	Handle      string
	Title       template.HTML
	Brand       string
	Price       commerce.Money
	Rating      int64
	RatingCount int64
	InStock     bool
	Category    string
}

type facetView struct {
	Title string
	Items []facetItem
}

// facetItem is one link of the sidebar: a facet value with its count, or
// an active filter to remove.
type facetItem struct {
	Label  string
	Count  int
	Href   string
	Active bool
}

type sortOption struct {
	Value, Label string
	Selected     bool
}

// browse serves / and /search: the product grid for the query and
// filters in the URL, with facets counting the hits per category, brand,
// price band and rating.
func (w *web) browse(rw http.ResponseWriter, r *http.Request) {
	p := parseBrowseParams(r.URL.Query())
	q, notices := p.query()
	res, err := w.s.search.Search(r.Context(), q)
	if err != nil && p.Cursor != "" && commerce.Code(err) == commerce.CodeInvalidArgument {
		// A stale cursor (the filters changed under it): start over.
		p.Cursor, q.Cursor = "", ""
		res, err = w.s.search.Search(r.Context(), q)
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	title := "All products"
	if p.Q != "" {
		title = "Search: " + p.Q
	}
	bp := browsePage{page: w.page(r, title), Params: p, Total: res.Total}
	bp.Query = p.Q
	bp.Notice = strings.Join(notices, " ")
	for _, h := range res.Hits {
		bp.Hits = append(bp.Hits, hitOf(h))
	}
	if res.NextCursor != "" {
		next := p
		next.Cursor = res.NextCursor
		bp.NextURL = next.href()
	}
	for _, s := range sortChoices() {
		bp.Sorts = append(bp.Sorts, sortOption{Value: string(s), Label: sortLabel(s), Selected: string(s) == p.Sort || (p.Sort == "" && s == search.SortRelevance)})
	}
	bp.Facets, bp.Active = facetsOf(p, res.Facets)
	w.views.render(rw, r, http.StatusOK, "browse", bp)
}

func hitOf(h search.Hit) hitView {
	d := h.Document
	v := hitView{
		Handle: d.Handle, Title: template.HTML(template.HTMLEscapeString(d.Title)), Brand: d.BrandName,
		Rating: d.RatingHundredths, RatingCount: d.RatingCount, InStock: d.InStock,
	}
	// The index marks matches with <mark> in text it has HTML-escaped.
	if hl := h.Highlights["title"]; len(hl) > 0 {
		v.Title = template.HTML(hl[0])
	}
	v.Price, _ = d.Price(shopCurrency)
	if n := len(d.Categories); n > 0 {
		v.Category = d.Categories[n-1].Name
	}
	return v
}

func sortLabel(s search.Sort) string {
	switch s {
	case search.SortPriceAsc:
		return "Price: low to high"
	case search.SortPriceDesc:
		return "Price: high to low"
	case search.SortRating:
		return "Best rated"
	case search.SortNewest:
		return "Newest"
	}
	return "Best match"
}

// facetsOf turns the search facets into sidebar links, and lists the
// active filters with links removing each.
func facetsOf(p browseParams, facets map[string][]search.FacetCount) (views []facetView, active []facetItem) {
	names := map[string]string{}
	cats := facetView{Title: "Category"}
	for _, fc := range facets[search.FacetCategory] {
		names[fc.Value] = fc.Name
		if fc.Count == 0 {
			continue
		}
		cats.Items = append(cats.Items, facetItem{
			Label: fc.Name, Count: fc.Count, Active: fc.Value == p.Category,
			Href: p.with(func(q *browseParams) { q.Category = fc.Value }),
		})
	}
	brands := facetView{Title: "Brand"}
	for _, fc := range facets[search.FacetBrand] {
		names[fc.Value] = fc.Name
		on := slices.Contains(p.Brands, fc.Value)
		if fc.Count == 0 || (!on && len(brands.Items) >= maxBrandFacets) {
			continue
		}
		brands.Items = append(brands.Items, facetItem{
			Label: fc.Name, Count: fc.Count, Active: on,
			Href: p.with(func(q *browseParams) { q.Brands = toggle(q.Brands, fc.Value) }),
		})
	}
	prices := facetView{Title: "Price"}
	for _, fc := range facets[search.FacetPrice] {
		if fc.Count == 0 {
			continue
		}
		var lo, hi string
		if fc.Min != nil {
			lo = fc.Min.Decimal()
		}
		if fc.Max != nil {
			// Buckets exclude their upper bound, the price filter
			// includes it: stop one cent short.
			if top, err := fc.Max.Sub(commerce.MustMoney(1, fc.Max.Currency())); err == nil {
				hi = top.Decimal()
			}
		}
		prices.Items = append(prices.Items, facetItem{
			Label: priceBand(fc), Count: fc.Count, Active: lo == p.Min && hi == p.Max,
			Href: p.with(func(q *browseParams) { q.Min, q.Max = lo, hi }),
		})
	}
	ratings := facetView{Title: "Rating"}
	for _, fc := range facets[search.FacetRating] {
		hundredths, err := strconv.Atoi(fc.Value)
		if err != nil || fc.Count == 0 {
			continue
		}
		n := hundredths / 100
		ratings.Items = append(ratings.Items, facetItem{
			Label: stars(int64(hundredths)) + " & up", Count: fc.Count, Active: n == p.Rating,
			Href: p.with(func(q *browseParams) { q.Rating = n }),
		})
	}
	stock := facetView{Title: "Availability", Items: []facetItem{{
		Label: "In stock only", Active: p.InStock,
		Href: p.with(func(q *browseParams) { q.InStock = !q.InStock }),
	}}}
	views = []facetView{cats, brands, prices, ratings, stock}

	if p.Category != "" {
		active = append(active, facetItem{Label: "Category: " + nameOr(names, p.Category), Href: p.with(func(q *browseParams) { q.Category = "" })})
	}
	for _, b := range p.Brands {
		active = append(active, facetItem{Label: "Brand: " + nameOr(names, b), Href: p.with(func(q *browseParams) { q.Brands = toggle(q.Brands, b) })})
	}
	if p.Min != "" || p.Max != "" {
		active = append(active, facetItem{Label: "Price: " + rangeLabel(p.Min, p.Max), Href: p.with(func(q *browseParams) { q.Min, q.Max = "", "" })})
	}
	if p.Rating > 0 {
		active = append(active, facetItem{Label: "Rating: " + strconv.Itoa(p.Rating) + "+ stars", Href: p.with(func(q *browseParams) { q.Rating = 0 })})
	}
	if p.InStock {
		active = append(active, facetItem{Label: "In stock only", Href: p.with(func(q *browseParams) { q.InStock = false })})
	}
	return views, active
}

func toggle(list []string, v string) []string {
	if i := slices.Index(list, v); i >= 0 {
		return slices.Delete(list, i, i+1)
	}
	return append(list, v)
}

func nameOr(names map[string]string, id string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return id
}

func priceBand(fc search.FacetCount) string {
	switch {
	case fc.Min == nil && fc.Max != nil:
		return "Under " + formatMoney(*fc.Max)
	case fc.Max == nil && fc.Min != nil:
		return formatMoney(*fc.Min) + " and above"
	case fc.Min != nil && fc.Max != nil:
		return formatMoney(*fc.Min) + " to " + formatMoney(*fc.Max)
	}
	return fc.Name
}

func rangeLabel(lo, hi string) string {
	switch {
	case lo == "":
		return "up to $" + hi
	case hi == "":
		return "$" + lo + " and above"
	}
	return "$" + lo + " to $" + hi
}

// productPage is a product with its variants, stock and reviews.
type productPage struct {
	page
	Product    catalog.Product
	Brand      string
	Trail      []catalog.Category
	Attributes []attribute
	Variants   []variantView
	Reviews    []catalog.Review
	MoreReview bool
	// Recommended are the products shown beside it.
	Recommended []recommend.Recommendation
}

type attribute struct{ Name, Value string }

type variantView struct {
	SKU       string
	Options   string
	Price     commerce.Money
	CompareAt commerce.Money
	Available int
	// Untracked is a SKU the inventory sells without counting it
	// (inventory.Options.Untracked): in stock, with no units to show.
	Untracked bool
	// InStock tells whether the variant can be added to the cart.
	InStock bool
	// MaxQuantity is what one add may ask for: the units available (any
	// when untracked), at most a cart line's limit.
	MaxQuantity int
}

// product serves a product page: its variants with SKU, price and units
// available, each with an add-to-cart form, and its reviews. Only active
// products are shown.
func (w *web) product(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	handle := r.PathValue("handle")
	if catalog.Slugify(handle) != handle {
		w.fail(rw, r, commerce.Errorf(commerce.CodeNotFound, "no product %q", handle))
		return
	}
	p, err := w.s.catalog.GetProductByHandle(ctx, handle)
	if err == nil && p.Status != catalog.StatusActive {
		err = commerce.Errorf(commerce.CodeNotFound, "product %q is not on sale", handle)
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	pp := productPage{page: w.page(r, p.Title), Product: p}
	if !p.BrandID.IsZero() {
		if b, err := w.s.catalog.GetBrand(ctx, p.BrandID); err == nil {
			pp.Brand = b.Name
		}
	}
	if len(p.CategoryIDs) > 0 {
		if c, err := w.s.catalog.GetCategory(ctx, p.CategoryIDs[0]); err == nil {
			for _, id := range c.Path {
				if a, err := w.s.catalog.GetCategory(ctx, id); err == nil {
					pp.Trail = append(pp.Trail, a)
				}
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(p.Attributes)) {
		pp.Attributes = append(pp.Attributes, attribute{Name: k, Value: p.Attributes[k]})
	}
	for _, v := range p.Variants {
		vv := variantView{SKU: v.SKU, Options: optionsText(v.Options)}
		vv.Price, _ = v.Price(shopCurrency)
		vv.CompareAt, _ = v.CompareAtPrice(shopCurrency)
		a, err := w.s.stock.Availability(ctx, v.SKU)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		vv.Available, vv.Untracked, vv.InStock = a.Units, a.Untracked, a.InStock()
		vv.MaxQuantity = min(vv.Available, cart.DefaultMaxQuantityPerLine)
		if a.Untracked {
			vv.MaxQuantity = cart.DefaultMaxQuantityPerLine
		}
		pp.Variants = append(pp.Variants, vv)
	}
	reviews, err := w.s.catalog.ListReviews(ctx, p.ID, commerce.PageRequest{Limit: reviewsShown})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	pp.Reviews, pp.MoreReview = reviews.Items, reviews.HasMore()
	pp.Recommended = w.s.recs.forProduct(ctx, p.ID)
	w.s.recs.viewed(p.ID, visitorSession(r))
	w.views.render(rw, r, http.StatusOK, "product", pp)
}

// optionsText lists a variant's option values: "Black / 128 GB".
func optionsText(options map[string]string) string {
	keys := slices.Sorted(maps.Keys(options))
	values := make([]string, len(keys))
	for i, k := range keys {
		values[i] = options[k]
	}
	return strings.Join(values, " / ")
}
