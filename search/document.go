package search

import (
	"slices"
	"sort"
	"time"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// Document is what the catalog index holds for one active product: the
// product's searchable text and everything a filter, a facet or a sort
// needs, denormalised so a query never reads the catalog.
type Document struct {
	ProductID   commerce.ProductID `json:"product_id"`
	Handle      string             `json:"handle"`
	Title       string             `json:"title"`
	Description string             `json:"description,omitempty"`
	BrandID     commerce.BrandID   `json:"brand_id,omitempty"`
	BrandName   string             `json:"brand_name,omitempty"`
	// Categories are the product's categories and every ancestor of
	// them, each once, ancestors before descendants: a filter on a
	// category then finds the products of all categories below it.
	Categories []CategoryRef `json:"categories,omitempty"`
	// Attributes are the product's attributes, filterable by exact value.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Prices holds, for each currency any variant is priced in, the
	// lowest variant price: the "from" price a listing shows and the one
	// price filters and sorts use. Sorted by currency.
	Prices []commerce.Money `json:"prices,omitempty"`
	// RatingHundredths is the average rating in hundredths of a star
	// (catalog.Rating.AverageHundredths), 0 without reviews.
	RatingHundredths int64 `json:"rating_hundredths"`
	RatingCount      int64 `json:"rating_count"`
	// InStock is true when any variant has units available.
	InStock bool `json:"in_stock"`
	// SKUs are the variants' SKUs; a query for a SKU finds its product.
	SKUs []string `json:"skus,omitempty"`
	// Image is the product's main image URL, for result lists.
	Image     string    `json:"image,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// CategoryRef names one category of a Document.
type CategoryRef struct {
	ID   commerce.CategoryID `json:"id"`
	Name string              `json:"name"`
}

// Price returns the document's price in currency c.
func (d Document) Price(c commerce.Currency) (commerce.Money, bool) {
	for _, m := range d.Prices {
		if m.Currency() == c {
			return m, true
		}
	}
	return commerce.Money{}, false
}

// InCategory reports whether the product is in category id or below it.
func (d Document) InCategory(id commerce.CategoryID) bool {
	return slices.ContainsFunc(d.Categories, func(c CategoryRef) bool { return c.ID == id })
}

// NewDocument builds the Document of product p. brandName is the name of
// p's brand; categories are p's categories with all their ancestors (in
// any order, duplicates allowed); inStock tells whether any variant has
// units available. Prices are the lowest variant price per currency.
func NewDocument(p catalog.Product, brandName string, categories []CategoryRef, inStock bool) Document {
	d := Document{
		ProductID:        p.ID,
		Handle:           p.Handle,
		Title:            p.Title,
		Description:      p.Description,
		BrandID:          p.BrandID,
		BrandName:        brandName,
		RatingHundredths: p.Rating.AverageHundredths(),
		RatingCount:      p.Rating.Count,
		InStock:          inStock,
		CreatedAt:        p.CreatedAt,
	}
	if len(p.Attributes) > 0 {
		d.Attributes = make(map[string]string, len(p.Attributes))
		for k, v := range p.Attributes {
			d.Attributes[k] = v
		}
	}
	if len(p.Images) > 0 {
		d.Image = p.Images[0]
	}
	seen := map[commerce.CategoryID]bool{}
	for _, c := range categories {
		if !seen[c.ID] {
			seen[c.ID] = true
			d.Categories = append(d.Categories, c)
		}
	}
	lowest := map[commerce.Currency]commerce.Money{}
	for _, v := range p.Variants {
		d.SKUs = append(d.SKUs, v.SKU)
		for _, m := range v.Prices {
			if cur, ok := lowest[m.Currency()]; !ok || m.Amount() < cur.Amount() {
				lowest[m.Currency()] = m
			}
		}
	}
	for _, m := range lowest {
		d.Prices = append(d.Prices, m)
	}
	sort.Slice(d.Prices, func(i, j int) bool { return d.Prices[i].Currency() < d.Prices[j].Currency() })
	return d
}

// ReviewDocument is what the reviews index holds for one review: enough
// to find products through what their buyers wrote.
type ReviewDocument struct {
	ReviewID  commerce.ReviewID  `json:"review_id"`
	ProductID commerce.ProductID `json:"product_id"`
	// Text is the review's title and body.
	Text string `json:"text"`
	// Rating is the review's stars, 1 to 5.
	Rating int `json:"rating"`
}

// NewReviewDocument builds the ReviewDocument of r.
func NewReviewDocument(r catalog.Review) ReviewDocument {
	text := r.Title
	if r.Body != "" {
		if text != "" {
			text += "\n"
		}
		text += r.Body
	}
	return ReviewDocument{ReviewID: r.ID, ProductID: r.ProductID, Text: text, Rating: r.Rating}
}
