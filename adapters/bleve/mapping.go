package bleve

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// The fields of a catalog document.
const (
	fieldTitle         = "title"           // English: stemmed words, phrases, highlights
	fieldTitleRaw      = "title_raw"       // lower-cased words: exact, fuzzy and prefix matches, suggestions
	fieldDescription   = "description"     // English
	fieldAllText       = "all_text"        // English: title, facts and description, where words are found
	fieldBrandID       = "brand_id"        // keyword filter
	fieldBrandFacet    = "brand_facet"     // keyword "id\x1fname", counted by the brand facet
	fieldCategoryIDs   = "category_ids"    // keyword filter, ancestors included
	fieldCategoryFacet = "category_facet"  // keyword "id\x1fname"
	fieldAttrs         = "attrs"           // keyword "name\x1fvalue" filter
	fieldSKUs          = "skus"            // lower-cased keyword
	fieldRating        = "rating"          // number, hundredths of a star: the rating filter
	fieldRatingAtLeast = "rating_at_least" // keywords: every multiple of ratingStep the rating reaches
	fieldInStock       = "in_stock"        // boolean
	fieldKeyRating     = "key_rating"      // keyword with doc values: rating and rating count, see sortKeys
	fieldKeyNewest     = "key_newest"      // keyword with doc values: creation time
	fieldPriceValue    = "price_value"     // object: one keyword per currency with doc values, the amount in decimal, "price_value.USD"
	fieldDoc           = "doc"             // stored only: the search.Document as JSON
	fieldPID           = "pid"             // keyword with doc values: the product ID, every sort's tie-break
)

// The fields of a review document.
const (
	fieldReviewText    = "text"       // English
	fieldReviewProduct = "product_id" // keyword
	fieldReviewDigest  = "digest"     // stored only: reviewDigest of the text
)

// ratingStep is the grid, in hundredths of a star, of the
// rating_at_least keywords: 50 gives "4.5 stars and up" one posting list.
const ratingStep = 50

// sep joins the parts of a keyword that holds two values. It cannot occur
// in IDs and is a control character no name or attribute contains in
// practice.
const sep = "\x1f"

// Analyzers defined by the mappings.
const (
	analyzerWords        = "mercato_words"         // unicode words, lower-cased, no stop words removed
	analyzerLowerKeyword = "mercato_lower_keyword" // the whole value, lower-cased
)

func addAnalyzers(im *mapping.IndexMappingImpl) error {
	if err := im.AddCustomAnalyzer(analyzerWords, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name},
	}); err != nil {
		return err
	}
	return im.AddCustomAnalyzer(analyzerLowerKeyword, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []any{lowercase.Name},
	})
}

// catalogMapping maps catalog documents. Only what a query, a sort, a
// facet, a highlight or the hit's document needs is indexed, stored or
// kept as doc values: nothing goes into the composite _all field.
func catalogMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	if err := addAnalyzers(im); err != nil {
		return nil, err
	}
	// Prices arrive as "price_value.<currency>" keywords for whatever
	// currencies products are priced in: dynamic, with doc values (read
	// into the columns the price filter, facet and sorts use), not
	// stored.
	im.IndexDynamic, im.StoreDynamic, im.DocValuesDynamic = true, false, true
	im.DefaultAnalyzer = analyzerWords

	doc := mapping.NewDocumentStaticMapping()
	text := func(analyzer string, store, vectors, docValues bool) *mapping.FieldMapping {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store, f.IncludeTermVectors, f.DocValues, f.IncludeInAll = store, vectors, docValues, false
		return f
	}
	kw := func(docValues bool) *mapping.FieldMapping { return text(keyword.Name, false, false, docValues) }
	// A number's doc values hold all sixteen of its prefix-coded terms:
	// numbers are for range filters only, the columns are read from
	// compact keywords.
	num := func() *mapping.FieldMapping {
		f := mapping.NewNumericFieldMapping()
		f.Store, f.IncludeInAll, f.DocValues = false, false, false
		return f
	}
	doc.AddFieldMappingsAt(fieldTitle, text(en.AnalyzerName, true, true, false))
	doc.AddFieldMappingsAt(fieldTitleRaw, text(analyzerWords, true, true, true))
	doc.AddFieldMappingsAt(fieldDescription, text(en.AnalyzerName, true, true, false))
	doc.AddFieldMappingsAt(fieldAllText, text(en.AnalyzerName, false, false, false))
	doc.AddFieldMappingsAt(fieldBrandID, kw(false))
	doc.AddFieldMappingsAt(fieldBrandFacet, kw(true))
	doc.AddFieldMappingsAt(fieldCategoryIDs, kw(false))
	doc.AddFieldMappingsAt(fieldCategoryFacet, kw(true))
	doc.AddFieldMappingsAt(fieldAttrs, kw(false))
	doc.AddFieldMappingsAt(fieldPID, kw(true))
	doc.AddFieldMappingsAt(fieldSKUs, text(analyzerLowerKeyword, false, false, false))
	doc.AddFieldMappingsAt(fieldRating, num())
	doc.AddFieldMappingsAt(fieldRatingAtLeast, kw(false))
	doc.AddFieldMappingsAt(fieldKeyRating, kw(true))
	doc.AddFieldMappingsAt(fieldKeyNewest, kw(true))
	inStock := mapping.NewBooleanFieldMapping()
	inStock.Store, inStock.DocValues, inStock.IncludeInAll = false, false, false
	doc.AddFieldMappingsAt(fieldInStock, inStock)
	stored := mapping.NewTextFieldMapping()
	stored.Index, stored.Store, stored.IncludeTermVectors, stored.DocValues, stored.IncludeInAll = false, true, false, false, false
	doc.AddFieldMappingsAt(fieldDoc, stored)
	prices := mapping.NewDocumentMapping() // dynamic keywords
	prices.DefaultAnalyzer = keyword.Name
	doc.AddSubDocumentMapping(fieldPriceValue, prices)

	im.DefaultMapping = doc
	return im, nil
}

// reviewMapping maps review documents.
func reviewMapping() (*mapping.IndexMappingImpl, error) {
	im := mapping.NewIndexMapping()
	if err := addAnalyzers(im); err != nil {
		return nil, err
	}
	im.IndexDynamic, im.StoreDynamic, im.DocValuesDynamic = false, false, false
	doc := mapping.NewDocumentStaticMapping()
	t := mapping.NewTextFieldMapping()
	t.Analyzer = en.AnalyzerName
	t.Store, t.IncludeTermVectors, t.DocValues, t.IncludeInAll = false, false, false, false
	doc.AddFieldMappingsAt(fieldReviewText, t)
	p := mapping.NewKeywordFieldMapping()
	p.Store, p.IncludeTermVectors, p.DocValues, p.IncludeInAll = false, false, false, false
	doc.AddFieldMappingsAt(fieldReviewProduct, p)
	digest := mapping.NewTextFieldMapping()
	digest.Index, digest.Store, digest.IncludeTermVectors, digest.DocValues, digest.IncludeInAll = false, true, false, false, false
	doc.AddFieldMappingsAt(fieldReviewDigest, digest)
	im.DefaultMapping = doc
	return im, nil
}
