// Package mongodb implements catalog.Store on MongoDB through the official
// driver, go.mongodb.org/mongo-driver/v2. It is tested against FerretDB
// v1.24 (SQLite backend), a MongoDB-wire-compatible server, and uses only
// what both FerretDB v1 and MongoDB provide.
//
// # Documents
//
// A product is one document of catalog_products, its variants and their
// prices embedded, its SKUs repeated in a flat "skus" array for lookups.
// Brands, categories (with their materialised path) and reviews have
// collections of their own. [CatalogStore.EnsureIndexes] creates the
// indexes: unique brand, category and product handles, one review per
// customer and product, and the lookups by SKU, category path, brand,
// state and product. The store does not implement the optional
// catalog.CategoryEditor: moving or deleting a category is
// FailedPrecondition, since rewriting a subtree's paths together with its
// products' would need the multi-document atomicity described below.
// Times are kept as microseconds since the epoch, the
// precision the catalog keeps (a BSON date has milliseconds only).
//
// # Consistency without transactions
//
// FerretDB v1 has no multi-document transactions and no change streams;
// it cannot enforce a unique index element by element over an array; and
// it applies an update as a read followed by a write, so two concurrent
// updates of one document may interleave and one be lost (MongoDB itself
// has none of these gaps). The store therefore relies on one atomic step
// only, the insert of a document whose key is taken, refused by a unique
// index:
//
//   - SKU claims (catalog_skus, _id = SKU) make SKUs unique across
//     products. A write claims its new SKUs before it writes the product
//     and releases dropped ones after; a claim its product does not list
//     (left by a crashed write) is taken over once older than the lease.
//   - A lease lock per product (catalog_locks, _id = product ID)
//     serialises every read-modify-write of the product: updates,
//     deletes, reviews and the relay's removal of published events. A
//     crashed holder's lock expires after the lease.
//   - A batch of products is inserted pending under a commit record
//     (catalog_batches), committed by one update of that record, then made
//     live; reads see pending products as absent. Recovery makes a
//     committed batch live and undoes any other.
//   - A review is inserted uncounted, then the product's rating, the
//     events and the review's ID in the product's counting list are
//     written by one update of the product (the commit point), then the
//     review is marked counted. Recovery keeps a review its product counted
//     and deletes any other.
//
// Options.Lease (default one minute) must exceed the longest pause of a
// live writer: recovery treats a write older than it as abandoned.
//
// # Events
//
// The events of a change are written into the changed product's "outbox"
// array by the same single-document write as the change, so they exist if
// and only if the change does. A deleted product becomes a tombstone
// holding its events. After its commit each write adds a hint naming the
// product to catalog_outbox_hints. [Relay] polls the hints (and, every
// Lease/2, every product, for events whose hint a crash prevented),
// publishes each product's events in the order they were written, and only
// then removes them: a crash between the change and the publish loses
// nothing, and delivery is at least once. The relay also runs
// [CatalogStore.Recover].
//
// # Performance on FerretDB
//
// FerretDB v1 on SQLite runs only a filter on _id alone as an index
// lookup; any other filter (a handle, a SKU, a category, a page after a
// cursor) reads and decodes the whole collection. Point reads by ID and
// every locked update therefore filter on _id alone. Lists and lookups by
// handle or SKU use the indexes on MongoDB and scan on FerretDB.
//
// # Errors
//
// Failures carry a commerce error code: a taken key is Conflict, a
// missing document NotFound, a lost connection or an ended context
// Unavailable, anything else Internal. The store does not retry, except
// that a write whose product changed under it starts over.
package mongodb
