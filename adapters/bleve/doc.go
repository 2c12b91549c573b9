// Package bleve implements search.Index on bleve v2
// (github.com/blevesearch/bleve/v2): a products-catalog index and a
// products-reviews index, in memory or on disk (Options.Path), each
// optionally split into shards (Options.Shards) behind a bleve index
// alias that fans every query out to all shards and merges the hits,
// totals and facets.
//
// The catalog mapping analyses text in English (stemming, stop words)
// into one field where a query's words are found, keeps the title a
// second time as lower-cased words for misspelt (fuzzy) and unfinished
// (prefix) words and for suggestions, and indexes IDs, attributes, SKUs
// and the rating steps ("4 stars and up") as keywords. Sorts read one
// compact keyword per hit whose byte order is the sort order and which
// ends with the product ID; facets read keywords too (brand and category
// "id\x1fname", prices and ratings in decimal, summed into the requested
// buckets); a price range is checked on the hits the rest of the query
// lets through. bleve's numbers are avoided: their doc values hold
// sixteen prefix-coded terms each, which a sort or facet decodes for
// every hit, and their ranges walk dozens of posting lists.
//
// Relevance scores are fixed weights of what matched, not TF-IDF (see
// package search), so bleve's SearchAfter gives exact keyset pages,
// through an alias as well: each shard applies the key and the alias
// merges the shards' pages in sort order. A word no product has is taken
// for a misspelling and also matched by edit distance; which words were,
// on a query's first page, travels in the sort key, so a word appearing
// in the index between pages does not change the query under them. Facet counts across shards are
// exact while a shard's hits have at most 10,000 brands or categories and
// 100,000 distinct prices.
//
// Writes go in one bleve batch per shard and are searchable when they
// return. Compact merges an on-disk index's segments after a bulk load.
//
// The benchmarks index 100,000 catalog/sample products on disk once per
// process (MERCATO_BENCH_PRODUCTS=10000 makes a quick run):
//
//	go test -run '^$' -bench . -benchmem ./adapters/bleve
package bleve
