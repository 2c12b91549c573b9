// Package sample generates a realistic, deterministic product catalog:
// a category tree, a few dozen brands, products with titles such as
// "Acme Pro Wireless Headphones X200", descriptions, attributes, variants
// with unique SKUs and prices in USD and EUR, and customer reviews with
// text a search engine can match ("great battery life").
//
// The same seed always yields the same catalog, byte for byte, so
// benchmarks compare like with like and the demo shop looks the same on
// every start. Products are generated one at a time by an iterator, so a
// 100,000-product catalog streams into catalog.Service.Import without
// ever being held in memory.
//
// Typical use:
//
//	gen := sample.New(42)
//	tax, err := gen.CreateTaxonomy(ctx, svc)        // brands and categories
//	res, err := svc.Import(ctx, gen.Products(tax, 100_000), nil)
//	for in := range gen.Reviews(productID, 5) { svc.AddReview(ctx, in) }
package sample
