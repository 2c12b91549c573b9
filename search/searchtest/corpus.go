package searchtest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/sample"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// corpusSize is how many generated products the suite indexes: enough for
// every facet and filter to have many values, few enough to index in a
// second under the race detector.
const corpusSize = 800

// epoch is the creation time of the first generated product; each next
// one is a minute younger.
var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// Corpus is the suite's catalog as an index holds it: the active products
// of a sample catalog (sample.New(8) from catalog/sample) with their
// reviews, plus a few hand-made products the relevance tests name.
type Corpus struct {
	Docs    []search.Document
	Reviews []search.ReviewDocument
	// Taxonomy holds the sample brands and categories.
	Taxonomy *sample.Taxonomy
	byID     map[commerce.ProductID]search.Document
	named    map[string]search.Document
}

// The hand-made products.
const (
	// quokkaTitle has "quokka" in its title, quokkaDescription in its
	// description only: the title match must rank first.
	quokkaTitle       = "quokka-title"
	quokkaDescription = "quokka-description"
	// iphone is the "Fruitco iPhone 15 Pro": "iphnoe" must find it.
	iphone = "iphone"
	// reviewedOnly mentions "battery life" nowhere but in its reviews.
	reviewedOnly = "reviewed-only"
	// poundsOnly is priced in GBP only: it sorts after every product with
	// a price in another currency.
	poundsOnly = "pounds-only"
)

// NewCorpus returns the suite's corpus. The same content every time; the
// IDs are new.
func NewCorpus() (*Corpus, error) { return buildCorpus(corpusSize) }

// NewCorpusOf returns a corpus of the first n products of the sample
// catalog (the active ones, some 90%), with their reviews, for
// benchmarks.
func NewCorpusOf(n int) (*Corpus, error) { return buildCorpus(n) }

func buildCorpus(n int) (*Corpus, error) {
	ctx := context.Background()
	store := &taxonomyStore{categories: map[commerce.CategoryID]catalog.Category{}}
	svc, err := catalog.NewService(store, nil)
	if err != nil {
		return nil, err
	}
	gen := sample.New(8)
	tax, err := gen.CreateTaxonomy(ctx, svc)
	if err != nil {
		return nil, err
	}
	c := &Corpus{Taxonomy: tax, byID: map[commerce.ProductID]search.Document{}, named: map[string]search.Document{}}
	cats := map[commerce.CategoryID]catalog.Category{}
	for _, cat := range tax.Categories {
		cats[cat.ID] = cat
	}
	brands := map[commerce.BrandID]string{}
	for _, b := range tax.Brands {
		brands[b.ID] = b.Name
	}
	for i := range n {
		in := gen.Product(tax, i)
		if in.Status != catalog.StatusActive {
			continue
		}
		p := product(in, epoch.Add(time.Duration(i)*time.Minute))
		var reviews []search.ReviewDocument
		for _, r := range gen.Reviews(i, p.ID, i%4) {
			p.Rating = p.Rating.Add(r.Rating)
			reviews = append(reviews, search.ReviewDocument{
				ReviewID: commerce.NewID[commerce.ReviewID](), ProductID: p.ID, Text: r.Title + "\n" + r.Body, Rating: r.Rating,
			})
		}
		var refs []search.CategoryRef
		for _, id := range p.CategoryIDs {
			for _, a := range cats[id].Path {
				refs = append(refs, search.CategoryRef{ID: a, Name: cats[a].Name})
			}
		}
		c.add(search.NewDocument(p, brands[p.BrandID], refs, i%3 != 0), reviews...)
	}

	kitchen, _ := tax.CategoryByName("Kitchen")
	phones, _ := tax.CategoryByName("Phones")
	acme, _ := tax.BrandByName("Acme")
	usd := func(cents int64) []commerce.Money { return []commerce.Money{commerce.MustMoney(cents, "USD")} }
	hand := func(name, title, description string, prices []commerce.Money, cat catalog.Category, rating catalog.Rating) search.Document {
		d := search.Document{
			ProductID: commerce.NewID[commerce.ProductID](), Handle: name, Title: title, Description: description,
			BrandID: acme.ID, BrandName: acme.Name, Prices: prices, InStock: true,
			RatingHundredths: rating.AverageHundredths(), RatingCount: rating.Count,
			CreatedAt: epoch.Add(-time.Hour), Attributes: map[string]string{"material": "steel"},
		}
		for _, a := range cat.Path {
			d.Categories = append(d.Categories, search.CategoryRef{ID: a, Name: cats[a].Name})
		}
		for i := range d.Prices {
			d.SKUs = append(d.SKUs, fmt.Sprintf("HAND-%s-%d", name, i))
		}
		c.named[name] = d
		return d
	}
	c.add(hand(quokkaTitle, "Acme Quokka Espresso Grinder", "Steel burrs for an even grind.", usd(8999), kitchen, catalog.Rating{Count: 1, Sum: 3}))
	c.add(hand(quokkaDescription, "Acme Burr Grinder Deluxe", "Sits well beside a quokka espresso machine.", usd(7999), kitchen, catalog.Rating{Count: 1, Sum: 5}))
	c.add(hand(iphone, "Fruitco iPhone 15 Pro", "A phone with a titanium frame.", usd(99900), phones, catalog.Rating{}))
	ro := hand(reviewedOnly, "Acme Pocket Radio R100", "A small radio for the kitchen.", usd(4999), kitchen, catalog.Rating{Count: 2, Sum: 9})
	c.add(ro, search.ReviewDocument{ReviewID: commerce.NewID[commerce.ReviewID](), ProductID: ro.ProductID, Text: "Great battery life", Rating: 5},
		search.ReviewDocument{ReviewID: commerce.NewID[commerce.ReviewID](), ProductID: ro.ProductID, Text: "The battery life is amazing", Rating: 4})
	c.add(hand(poundsOnly, "Acme Tea Cosy", "Keeps a pot warm.", []commerce.Money{commerce.MustMoney(1500, "GBP")}, kitchen, catalog.Rating{Count: 1, Sum: 4}))
	return c, nil
}

func (c *Corpus) add(d search.Document, reviews ...search.ReviewDocument) {
	c.Docs = append(c.Docs, d)
	c.Reviews = append(c.Reviews, reviews...)
	c.byID[d.ProductID] = d
}

// Load writes the whole corpus to idx, in batches.
func (c *Corpus) Load(ctx context.Context, idx search.Index) error {
	const batch = 200
	for i := 0; i < len(c.Docs); i += batch {
		if err := idx.Index(ctx, c.Docs[i:min(i+batch, len(c.Docs))]...); err != nil {
			return err
		}
	}
	return idx.Batch(ctx, search.Batch{Reviews: c.Reviews})
}

// product turns a sample product into the catalog product it would be
// once created.
func product(in catalog.ProductInput, created time.Time) catalog.Product {
	p := catalog.Product{
		ID: commerce.NewID[commerce.ProductID](), Handle: in.Handle, Title: in.Title, Description: in.Description,
		BrandID: in.BrandID, CategoryIDs: in.CategoryIDs, Attributes: in.Attributes, Images: in.Images,
		Status: in.Status, CreatedAt: created, UpdatedAt: created,
	}
	for _, v := range in.Variants {
		p.Variants = append(p.Variants, catalog.Variant{
			ID: commerce.NewID[commerce.VariantID](), ProductID: p.ID, SKU: v.SKU, Options: v.Options,
			Prices: v.Prices, CompareAt: v.CompareAt, WeightGrams: v.WeightGrams,
		})
	}
	return p
}

// taxonomyStore is just enough of a catalog.Store for
// sample.CreateTaxonomy, which creates brands and categories only; the
// suite needs no adapter to build its corpus.
type taxonomyStore struct {
	catalog.Store
	mu         sync.Mutex
	categories map[commerce.CategoryID]catalog.Category
}

func (s *taxonomyStore) CreateBrand(context.Context, catalog.Brand) error { return nil }

func (s *taxonomyStore) CreateCategory(_ context.Context, c catalog.Category) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.categories[c.ID] = c
	return nil
}

func (s *taxonomyStore) GetCategory(_ context.Context, id commerce.CategoryID) (catalog.Category, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.categories[id]
	if !ok {
		return catalog.Category{}, commerce.Errorf(commerce.CodeNotFound, "no category %s", id)
	}
	return c, nil
}
