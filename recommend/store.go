package recommend

import (
	"context"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// ListKind says what a precomputed list is for.
type ListKind string

// The kinds of lists a run writes.
const (
	// ItemList is "bought together" for the product ListKey.ID.
	ItemList ListKind = "item"
	// CustomerList is "for you" for the customer ListKey.ID.
	CustomerList ListKind = "customer"
	// CategoryList is the most popular products of the category
	// ListKey.ID.
	CategoryList ListKind = "category"
	// PopularList is the most popular products of the shop; its ID is
	// empty.
	PopularList ListKind = "popular"
)

// ListKey names one precomputed list of a run.
type ListKey struct {
	Kind ListKind
	ID   string
}

// String is the key as stores spell it: "item:prod_01…", "popular:".
func (k ListKey) String() string { return string(k.Kind) + ":" + k.ID }

// Scored is a product in a precomputed list: higher scores first.
type Scored struct {
	ProductID commerce.ProductID `json:"product_id"`
	Score     float64            `json:"score"`
}

// RunInfo describes the run readers currently see.
type RunInfo struct {
	// ID is empty when no run was ever committed (or the last one
	// expired).
	ID          string
	CommittedAt time.Time
}

// Store holds the precomputed lists readers serve, a whole run at a
// time: a Batch writes a new run beside the current one and commits it
// in one atomic step, so a reader sees every list of the old run or
// every list of the new one, never a run half-written, and never a list
// mixing two runs.
//
// Implementations are safe for concurrent use.
type Store interface {
	// Begin starts a run. Its lists are invisible to List until Commit.
	Begin(ctx context.Context) (RunWriter, error)
	// List returns up to n entries of the current run's list key, best
	// first (equal scores in product ID order). A list the run lacks,
	// or no run at all, is an empty result, not an error. n <= 0 is
	// InvalidArgument.
	List(ctx context.Context, key ListKey, n int) ([]Scored, error)
	// Current describes the run List reads.
	Current(ctx context.Context) (RunInfo, error)
}

// RunWriter writes one run. It is used by one goroutine.
type RunWriter interface {
	// ID is the run's ID, unique per Begin.
	ID() string
	// Put sets the run's list key to items (in any order; the store
	// ranks them by score). Putting a key twice replaces it. After
	// Commit or Abort, Put is FailedPrecondition.
	Put(ctx context.Context, key ListKey, items []Scored) error
	// Commit makes the run the current one, atomically, and lets the
	// previous run's lists expire. Committing twice is FailedPrecondition.
	Commit(ctx context.Context) error
	// Abort discards the run; after Commit it does nothing.
	Abort(ctx context.Context) error
}

// CompareScored orders a list best first: higher scores, then product IDs
// ascending. Stores rank lists with it.
func CompareScored(a, b Scored) int {
	switch {
	case a.Score > b.Score:
		return -1
	case a.Score < b.Score:
		return 1
	}
	return strings.Compare(string(a.ProductID), string(b.ProductID))
}
