package bleve

import (
	"log/slog"

	"github.com/mercatohq/mercato/commerce"
)

// Defaults of Options.
const (
	// DefaultReviewProducts is how many products a text query takes from
	// the reviews index at most.
	DefaultReviewProducts = 200
	// DefaultShards is how many shards a new index is split into when
	// Options.Shards is zero. Two shards search a broad word's hits on
	// two cores at once, and each shard's smaller collections shorten
	// the tail on one core too.
	DefaultShards = 2
	// MaxShards bounds Options.Shards.
	MaxShards = 64
)

// Options configures an Index. A nil *Options, or a zero field, takes the
// documented default.
type Options struct {
	// Path is the directory holding the indexes. An index already there
	// is reopened, with the shard count it was created with (a Shards
	// other than zero or that count is FailedPrecondition). Empty makes a temporary index: new,
	// in a private directory under os.TempDir that Close removes, its
	// writes not waiting for the disk. It lives on disk rather than in
	// memory alone because the engine merges segments only there: a
	// purely in-memory index would keep one segment per write batch.
	Path string
	// Shards splits each index into this many shards, a product and its
	// reviews routed to one of them by a hash of its ID, under an index
	// alias that fans every query out to all shards and merges the
	// results. Zero takes the count of the index already at Path, or
	// DefaultShards for a new one.
	Shards int
	// ReviewProducts is how many products, best review matches first, a
	// text query takes from the reviews index. Default
	// DefaultReviewProducts.
	ReviewProducts int
	// Logger receives what the index cannot report to a caller. Default
	// slog.Default().
	Logger *slog.Logger
}

func (o *Options) resolved() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Shards < 0 || r.Shards > MaxShards {
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "bleve: shards must be between 1 and %d, got %d", MaxShards, r.Shards).WithDetail("field", "shards")
	}
	switch {
	case r.ReviewProducts == 0:
		r.ReviewProducts = DefaultReviewProducts
	case r.ReviewProducts < 0:
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "bleve: review products must not be negative, got %d", r.ReviewProducts).WithDetail("field", "review_products")
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	return r, nil
}
