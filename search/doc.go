// Package search is Mercato's product search: a query model with text,
// filters, facets, sorts and keyset pages; the [Index] port a search
// engine implements (adapters/bleve on bleve v2, proven by searchtest);
// the [Service] that validates queries and keeps cursors; and the
// [Indexer] that keeps an index in step with the catalog and the stock.
//
// # Two indexes
//
// The products-catalog index holds one [Document] per active product:
// its title, description, brand and categories (with every ancestor, so
// a category finds the products below it), attributes, lowest price per
// currency, rating, in-stock flag and SKUs. The products-reviews index
// holds one [ReviewDocument] per review. Drafts and archived products are
// not in the catalog index.
//
// # Text
//
// Every word of [Query.Text] must match the product somewhere: its title,
// brand, categories, attribute values or description (English stemming:
// "headphone" finds "Headphones"), a title word within a small edit
// distance when no product has the word as typed ("iphnoe" finds
// "iPhone"), the start of a title word for the last word (a search box
// typing "headph"), or the whole text is a SKU. A text query also
// searches the reviews index: the products whose reviews hold every word
// ("battery life"), best matches first and bounded in number, are hits
// too, with a small fixed score and under every filter, so the total, the
// facets and the pages stay those of one catalog query.
//
// Scores are sums of fixed weights of what matched (the title weighs
// most, then the brand, categories, attributes and description alike,
// then reviews; the phrase in the title adds a bonus), never TF-IDF: a
// product's score for a query does not move when other products are
// indexed, which is what keeps relevance paging exact.
//
// # Pages
//
// Pages are keyset pages: a [Result.NextCursor] holds the sort key of the
// page's last hit (every sort ends with the product ID, so keys are
// unique) and a fingerprint of the query. The next page starts strictly
// after that key, so paging through a result returns each hit once and
// none missing, even while other products are written; a product written
// meanwhile appears if it sorts after the cursor. A cursor of another
// query or sort is refused. One exception: when more products' reviews
// match the text than an index takes from its reviews index, reviews
// written meanwhile can change which of those products are taken.
//
// # Keeping the index fresh
//
// An [Indexer] follows, through the handlers a host subscribes on its bus
// ([Indexer.Events], [Indexer.Handler]), product.created, product.updated, product.archived, product.deleted,
// variant.price_changed and review.created from the catalog, and
// inventory.out_of_stock and inventory.back_in_stock from the stock. For
// each it reads the product back from the catalog and writes what it
// reads, so handlers are idempotent and order-independent; a write is
// searchable as soon as the Index returns. [Indexer.Reindex] rebuilds the
// whole index from the catalog in batches, reporting progress.
package search
