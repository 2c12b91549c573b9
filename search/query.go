package search

import (
	"github.com/mercatohq/mercato/commerce"
)

// Sort orders the hits of a Query.
type Sort string

// The sorts. Every sort ends with the product ID as a tie-break, so the
// order is total and paging never repeats or skips a hit.
const (
	// SortRelevance puts the best text matches first, then the better
	// rated (see the package doc for how matches are scored). It is the
	// default; with no text it lists the best rated first.
	SortRelevance Sort = "relevance"
	// SortPriceAsc lists the cheapest first, by the price in the query's
	// currency; products without a price in it come last.
	SortPriceAsc Sort = "price_asc"
	// SortPriceDesc lists the dearest first; products without a price in
	// the query's currency come last.
	SortPriceDesc Sort = "price_desc"
	// SortRating lists the best rated first, then the most reviewed.
	SortRating Sort = "rating"
	// SortNewest lists the most recently created first.
	SortNewest Sort = "newest"
)

func (s Sort) valid() bool {
	switch s {
	case SortRelevance, SortPriceAsc, SortPriceDesc, SortRating, SortNewest:
		return true
	}
	return false
}

// The facets a Query may ask for by name.
const (
	// FacetBrand counts hits per brand: Value is the brand ID, Name its
	// name.
	FacetBrand = "brand"
	// FacetCategory counts hits per category, each category counting the
	// hits of the categories below it too: Value is the category ID, Name
	// its name.
	FacetCategory = "category"
	// FacetPrice counts hits per price bucket in the query's currency
	// (see Options.PriceFacetBounds), every bucket listed, empty ones
	// included, cheapest first.
	FacetPrice = "price"
	// FacetRating counts hits rated at least 4, 3, 2 and 1 stars (the
	// buckets overlap, as on every shop's sidebar).
	FacetRating = "rating"
)

// ratingBuckets returns the minimum ratings, in hundredths of a star, of
// the rating facet's buckets.
func ratingBuckets() []int64 { return []int64{400, 300, 200, 100} }

// MaxFilterValues bounds the values of one filter (categories, brands,
// the values of one attribute), and the attributes of a query.
const MaxFilterValues = 100

// MaxTextLength bounds Query.Text in bytes.
const MaxTextLength = 256

// Query asks the catalog index for products. The zero Query lists every
// product, best rated first, 20 at a time. Every filter narrows the hits,
// and facets count the hits with every filter applied.
type Query struct {
	// Text is what the shopper typed. Every word must match somewhere in
	// the product's title, brand, categories, attribute values or
	// description (stemmed), or be a misspelling or, for the last word,
	// the start of a title word; or the text is a SKU; or the product's
	// reviews hold every word. Title matches rank first. Empty lists
	// everything.
	Text string `json:"text,omitempty"`
	// CategoryIDs keeps products in any of these categories or below.
	CategoryIDs []commerce.CategoryID `json:"category_ids,omitempty"`
	// BrandIDs keeps products of any of these brands.
	BrandIDs []commerce.BrandID `json:"brand_ids,omitempty"`
	// Currency is the currency of the price filter, the price sorts and
	// the price facet. Empty uses Options.Currency.
	Currency commerce.Currency `json:"currency,omitempty"`
	// PriceMin and PriceMax keep products whose price in Currency lies
	// between them, both included. Either may be nil; both must be in
	// Currency.
	PriceMin *commerce.Money `json:"price_min,omitempty"`
	PriceMax *commerce.Money `json:"price_max,omitempty"`
	// MinRating keeps products whose average rating is at least this
	// many hundredths of a star (450 is 4.5 stars), 0 to 500, the unit of
	// catalog.Rating.AverageHundredths and of the rating facet's values.
	MinRating int64 `json:"min_rating,omitempty"`
	// InStockOnly keeps products with a variant in stock.
	InStockOnly bool `json:"in_stock_only,omitempty"`
	// Attributes keeps products whose attribute has one of the listed
	// values, for every listed attribute: {"material": {"linen",
	// "wool"}, "fit": {"slim"}} is (linen OR wool) AND slim. Values match
	// exactly.
	Attributes map[string][]string `json:"attributes,omitempty"`
	// Sort orders the hits. Empty is SortRelevance.
	Sort Sort `json:"sort,omitempty"`
	// PageSize is the number of hits per page: 0 is
	// Options.DefaultPageSize, more than Options.MaxPageSize is
	// InvalidArgument.
	PageSize int `json:"page_size,omitempty"`
	// Cursor is the NextCursor of the previous page of the same query,
	// empty for the first page. A cursor of another query or sort is
	// InvalidArgument.
	Cursor string `json:"cursor,omitempty"`
	// Facets names the facets to count: FacetBrand, FacetCategory,
	// FacetPrice, FacetRating.
	Facets []string `json:"facets,omitempty"`
}

// Result is one page of hits.
type Result struct {
	Hits []Hit `json:"hits"`
	// Total counts every hit of the query, on all pages.
	Total int `json:"total"`
	// Facets holds the counts of each requested facet, by name.
	Facets map[string][]FacetCount `json:"facets,omitempty"`
	// NextCursor continues with the next page; empty on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// Hit is one product found.
type Hit struct {
	ProductID commerce.ProductID `json:"product_id"`
	// Score is the hit's relevance to the query's text: a sum of fixed
	// weights of what matched, comparable within one query only. Zero
	// without text.
	Score float64 `json:"score"`
	// Highlights holds, per field ("title", "description"), fragments of
	// the field with the matched words marked <mark>like this</mark>,
	// the rest of the text HTML-escaped.
	Highlights map[string][]string `json:"highlights,omitempty"`
	Document   Document            `json:"document"`
}

// FacetCount is one value or bucket of a facet.
type FacetCount struct {
	// Value identifies the bucket: a brand or category ID; a rating
	// bucket's minimum in hundredths of a star ("400"); a price bucket as
	// "min-max" in minor units, min included and max excluded, either end
	// empty when open ("-1000", "1000-2500", "10000-").
	Value string `json:"value"`
	// Name is the brand's or category's name, or the bucket's label
	// ("4+ stars", "10.00 USD to 25.00 USD").
	Name  string `json:"name"`
	Count int    `json:"count"`
	// Min and Max bound a price bucket (Min <= price < Max); nil when the
	// bucket is open on that side, and for other facets.
	Min *commerce.Money `json:"min,omitempty"`
	Max *commerce.Money `json:"max,omitempty"`
}

// Suggestion is one completion of a search box's text.
type Suggestion struct {
	// Text is the typed text with its last word completed to a word of
	// some product title.
	Text string `json:"text"`
	// Count is how many products' titles hold the completed word (and the
	// words typed before it).
	Count int `json:"count"`
}
