// Package bleve implements search.Index on bleve v2
// (github.com/blevesearch/bleve/v2): a products-catalog index and a
// products-reviews index, on disk (Options.Path) or temporary, each
// split into shards (Options.Shards, two unless set) that every query
// searches at once, merging the hits, totals and facets.
//
// The catalog mapping analyses text in English (stemming, stop words)
// into one field where a query's words are found, keeps the title a
// second time as lower-cased words for misspelt (fuzzy) and unfinished
// (prefix) words and for suggestions, and indexes IDs, attributes, SKUs
// and the rating steps ("4 stars and up") as keywords.
//
// bleve finds a query's hits and scores them; the index does the rest
// itself, on every shard at once: the price filter, the total, the
// facets and the page, a heap of the best hits after the cursor. It reads
// what they need (product ID, brand, categories, prices, rating, rating
// count, creation time) from columns: arrays per index segment, decoded
// once from the segment's doc values the first time a query meets it,
// and dropped when merges retire the segment. A segment never changes
// once written (an update writes a new document and marks the old one
// deleted), so its columns need no upkeep and stay exact under every
// write. A hit then costs a few array reads, where bleve's collector
// would decompress and decode doc values per field for every hit, which
// made broad words slow. Only the page's hits are read from the stored
// fields and highlighted. The columns take some 100 bytes per document.
// The first query after a background merge reads the merged segment's
// columns; Compact reads them before it returns.
//
// Relevance scores are fixed weights of what matched, not TF-IDF (see
// package search), so keyset pages are exact, over shards as well: each
// shard skips the hits up to the key and the shards' pages merge in sort
// order. A word no product has is taken
// for a misspelling and also matched by edit distance; which words were,
// on a query's first page, travels in the sort key, so a word appearing
// in the index between pages does not change the query under them. Facet
// counts are exact.
//
// Writes go in one bleve batch per shard and are searchable when they
// return. bleve merges segments in the background; Compact merges them at
// once, after a bulk load. A Batch with SkipUnchanged leaves out each
// product whose stored JSON is the same bytes as the new one's (every
// field is made from that document alone) and each review whose stored
// digest of its text is the same: replayed events then cost a lookup
// each, where a write would obsolete a document and make a segment for
// the merger to rewrite.
//
// The benchmarks index 100,000 catalog/sample products on disk once per
// process (MERCATO_BENCH_PRODUCTS=10000 makes a quick run), or once in
// all with MERCATO_BENCH_INDEX set to a directory to keep the index in:
//
//	go test -run '^$' -bench . -benchmem ./adapters/bleve
package bleve
