package search

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// Index is the port to a search engine holding two indexes: the catalog
// (one Document per active product) and the reviews (one ReviewDocument
// per review). adapters/bleve implements it; searchtest proves an
// implementation.
//
// Writes are upserts keyed by ProductID or ReviewID and are idempotent. A
// write is searchable when it returns: a Search that starts after a write
// returned sees it. Writes of one call are applied together, but need not
// be atomic across a crash. All methods are safe for concurrent use. After
// Close every method returns CodeFailedPrecondition; Close itself is
// idempotent.
//
// The Index never validates queries: the Service hands it only
// normalised, valid requests.
type Index interface {
	// Index adds the documents to the catalog index, replacing those with
	// the same ProductID.
	Index(ctx context.Context, docs ...Document) error
	// Delete removes products from the catalog index. Unknown IDs are
	// ignored. Their reviews stay in the reviews index (see
	// Batch.DeleteReviewsOf) but can no longer produce a hit.
	Delete(ctx context.Context, ids ...commerce.ProductID) error
	// Batch applies a mixed set of writes in one go.
	Batch(ctx context.Context, b Batch) error
	// Search runs req. See Request and Response for the contract.
	Search(ctx context.Context, req Request) (Response, error)
	// Suggest completes the last word of req.Prefix with words of the
	// titles in the catalog index, the words typed before it narrowing
	// the titles considered, most frequent first.
	Suggest(ctx context.Context, req SuggestRequest) ([]Suggestion, error)
	// Close releases the indexes, flushing what is written to disk
	// within ctx's deadline.
	Close(ctx context.Context) error
}

// Batch is a set of writes to both indexes. Deletions are applied after
// the additions of the same Batch, so a product both added and deleted
// ends deleted.
type Batch struct {
	Products       []Document
	DeleteProducts []commerce.ProductID
	Reviews        []ReviewDocument
	// DeleteReviewsOf removes every review of these products from the
	// reviews index: a deleted product's reviews go with it.
	DeleteReviewsOf []commerce.ProductID
	// SkipUnchanged lets the Index leave out the products and reviews it
	// already holds exactly as given, so a write that changes nothing
	// costs a lookup rather than a new document: an event delivered
	// again, or a cold start that replays the events of a catalog the
	// index was just built from. An Index may write them anyway; what
	// a search finds is the same. Indexer sets it for what events
	// refresh; Reindex leaves it off, so a rebuild rewrites every
	// document, as after an upgrade that indexes documents differently.
	SkipUnchanged bool
}

// Empty reports whether b writes nothing.
func (b Batch) Empty() bool {
	return len(b.Products) == 0 && len(b.DeleteProducts) == 0 && len(b.Reviews) == 0 && len(b.DeleteReviewsOf) == 0
}

// Request is a validated query as the Service hands it to an Index.
//
// Query is normalised: Text trimmed, Currency resolved (empty only when
// the query neither filters, sorts nor facets by price), Sort and
// PageSize set, IDs and attribute values sorted and unique, Facets
// unique, Cursor empty.
//
// The Index matches Query.Text as the package doc describes, applies every
// filter, and orders hits by the Sort and then by ProductID. Each Match
// carries the hit's SortKey: opaque strings (any bytes) that place it in
// that order. When After is set (a SortKey the same Index returned for
// the same Query), only hits placed strictly after it are returned, so
// pages follow each other without a repeat or a gap, even while other
// products are indexed. A malformed After is CodeInvalidArgument.
type Request struct {
	Query Query
	// After is the SortKey of the last hit of the previous page, nil for
	// the first page.
	After []string
	// Limit is how many hits to return at most, at least 1.
	Limit int
	// PriceBuckets are the ascending bounds, in minor units of
	// Query.Currency, of the price facet's buckets: n bounds make n+1
	// buckets, the first open below, the last open above.
	PriceBuckets []int64
	// RatingBuckets are the minimum ratings, in hundredths, of the
	// rating facet's buckets, each counting the hits rated at least that.
	RatingBuckets []int64
}

// Response is what an Index found for a Request.
type Response struct {
	// Matches are the hits in order, at most Request.Limit.
	Matches []Match
	// Total counts every hit, After and Limit aside.
	Total int
	// Facets holds, per requested facet: for FacetBrand and
	// FacetCategory one FacetCount per value with hits (Value the ID,
	// Name the name, exact counts); for FacetPrice one per price bucket
	// and for FacetRating one per rating bucket, in the Request's order,
	// empty buckets included, with Value as FacetCount documents and only
	// Value and Count set.
	Facets map[string][]FacetCount
}

// Match is a Hit with its place in the order.
type Match struct {
	Hit
	SortKey []string
}

// SuggestRequest asks an Index for completions.
type SuggestRequest struct {
	// Prefix is the typed text, trimmed and non-empty.
	Prefix string
	// Limit is how many suggestions to return at most.
	Limit int
}
