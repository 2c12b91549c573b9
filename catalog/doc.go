// Package catalog is Mercato's product catalog: products and their
// variants (the SKUs a cart holds), brands, a category tree, prices per
// currency, and customer reviews with the product's rating kept in step.
//
// A [Service] carries every rule (validation, status changes, events) and
// persists through a [Store], implemented in memory by
// adapters/memory and in PostgreSQL by adapters/postgres. The PostgreSQL
// store keeps the free-form parts (attributes, variant options) in JSONB
// columns beside relational ones, so that a product, its variants, its
// prices and its rating change together in one ACID transaction and SKUs
// and handles are unique by constraint rather than by convention.
//
// # Money and ratings
//
// Prices are [commerce.Money]: integer minor units, one price per currency
// per variant, with an optional compare-at ("was") price. A product's
// rating is stored as a count and a sum of whole stars, never as a float,
// so that concurrent reviews add up exactly; [Rating.Average] derives the
// display value.
//
// # Events
//
// Every change publishes its events with the change (see [RegisterEvents]):
// product.created, product.updated, product.archived, product.deleted,
// variant.price_changed and review.created. Product events carry the whole
// product as committed, so a search indexer can reindex from the event
// alone.
//
// # Bulk import
//
// [Service.Import] streams products from an iterator in batches, holding
// one batch at a time, so a 100,000-product feed loads in constant memory.
// [DecodeProductsJSON] reads such a feed from newline-delimited JSON, and
// the catalog/sample package generates a realistic one.
package catalog
