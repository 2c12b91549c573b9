package mongodb

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// DefaultLease is how long a write may take between its first and its
// last step before recovery treats it as abandoned by a crashed process.
const DefaultLease = time.Minute

// The collections of a catalog database.
const (
	brandsCollection     = "catalog_brands"
	categoriesCollection = "catalog_categories"
	productsCollection   = "catalog_products"
	skusCollection       = "catalog_skus"
	reviewsCollection    = "catalog_reviews"
	batchesCollection    = "catalog_batches"
	locksCollection      = "catalog_locks"
	hintsCollection      = "catalog_outbox_hints"
)

// Options configures a CatalogStore. A nil *Options is the zero value.
type Options struct {
	// Lease bounds how long one write may take from its first to its last
	// document before recovery (Relay) undoes or finishes it, and before a
	// SKU claim left by a crashed write may be taken by another product.
	// It must exceed the longest pause a live writer can suffer. Default
	// DefaultLease.
	Lease time.Duration
	// Clock tells the time of claims and batches. Default the system clock.
	Clock commerce.Clock
	// DiscardEvents drops the events of every change instead of writing
	// them to the outbox: only for hosts that consume none.
	DiscardEvents bool
}

// CatalogStore is a catalog.Store on a MongoDB database. See the package
// documentation for the document layout and how it stays consistent
// without multi-document transactions.
type CatalogStore struct {
	db         *mongo.Database
	brands     *mongo.Collection
	categories *mongo.Collection
	products   *mongo.Collection
	skus       *mongo.Collection
	reviews    *mongo.Collection
	batches    *mongo.Collection
	locks      *mongo.Collection
	hints      *mongo.Collection
	lease      time.Duration
	clock      commerce.Clock
	discard    bool

	// crashAfter, set by tests, stops a write after the named step as a
	// crash would, returning errCrash.
	crashAfter string
}

var _ catalog.Store = (*CatalogStore)(nil)

// NewCatalogStore returns a catalog store on db, whose indexes
// EnsureIndexes has created. opts may be nil.
func NewCatalogStore(db *mongo.Database, opts *Options) (*CatalogStore, error) {
	if db == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "mongodb: NewCatalogStore needs a database")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Lease < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "mongodb: Lease must not be negative, got %v", o.Lease)
	}
	if o.Lease == 0 {
		o.Lease = DefaultLease
	}
	if o.Clock == nil {
		o.Clock = commerce.SystemClock{}
	}
	return &CatalogStore{
		db:         db,
		brands:     db.Collection(brandsCollection),
		categories: db.Collection(categoriesCollection),
		products:   db.Collection(productsCollection),
		skus:       db.Collection(skusCollection),
		reviews:    db.Collection(reviewsCollection),
		batches:    db.Collection(batchesCollection),
		locks:      db.Collection(locksCollection),
		hints:      db.Collection(hintsCollection),
		lease:      o.Lease,
		clock:      o.Clock,
		discard:    o.DiscardEvents,
	}, nil
}

// EnsureIndexes creates the indexes the store relies on, and is a no-op
// for those that exist: unique brand, category and product handles, one
// review per customer and product, and the lookups by SKU, category path,
// brand, status and pending outbox. Run it once at start-up, before the
// store takes writes: uniqueness is only enforced once it has run.
func (s *CatalogStore) EnsureIndexes(ctx context.Context) error {
	unique := options.Index().SetUnique(true)
	for _, ix := range []struct {
		c      *mongo.Collection
		models []mongo.IndexModel
	}{
		{s.brands, []mongo.IndexModel{{Keys: bson.D{{Key: "handle", Value: 1}}, Options: unique}}},
		{s.categories, []mongo.IndexModel{
			{Keys: bson.D{{Key: "handle", Value: 1}}, Options: unique},
			{Keys: bson.D{{Key: "path", Value: 1}}},
		}},
		{s.products, []mongo.IndexModel{
			{Keys: bson.D{{Key: "handle", Value: 1}}, Options: unique},
			{Keys: bson.D{{Key: "skus", Value: 1}}},
			{Keys: bson.D{{Key: "category_ids", Value: 1}}},
			{Keys: bson.D{{Key: "brand_id", Value: 1}}},
			{Keys: bson.D{{Key: "state", Value: 1}, {Key: "_id", Value: 1}}},
			{Keys: bson.D{{Key: "batch", Value: 1}}},
		}},
		{s.skus, []mongo.IndexModel{{Keys: bson.D{{Key: "product", Value: 1}}}}},
		{s.reviews, []mongo.IndexModel{
			{Keys: bson.D{{Key: "product_id", Value: 1}, {Key: "customer_id", Value: 1}}, Options: unique},
			{Keys: bson.D{{Key: "product_id", Value: 1}, {Key: "_id", Value: 1}}},
			{Keys: bson.D{{Key: "counted", Value: 1}}},
		}},
	} {
		if _, err := ix.c.Indexes().CreateMany(ctx, ix.models); err != nil {
			return classify(err, "create indexes of "+ix.c.Name())
		}
	}
	return nil
}

// now is the store's time cut to the microsecond, as products keep it.
func (s *CatalogStore) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// crashed reports, in tests, that the write must stop after step.
func (s *CatalogStore) crashed(step string) error {
	if s.crashAfter == step {
		return errCrash
	}
	return nil
}
