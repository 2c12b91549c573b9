package sample

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// Generator produces a deterministic sample catalog from a seed. It is
// immutable and safe for concurrent use.
type Generator struct {
	seed  uint64
	vocab vocabulary
	tree  []categoryNode
}

// New returns a Generator for seed. Equal seeds give equal catalogs.
func New(seed uint64) *Generator {
	return &Generator{seed: seed, vocab: newVocabulary(), tree: tree()}
}

// Taxonomy is the brands and categories of a sample catalog as created in
// a store, which Products needs to reference them by ID.
type Taxonomy struct {
	// Brands are the 40 sample brands.
	Brands []catalog.Brand
	// Categories are every category of the tree, parents before children.
	Categories []catalog.Category
	leaves     []leaf
}

// leaf is a category products are filed under, with the kind of product
// sold there.
type leaf struct {
	id   commerce.CategoryID
	kind *kind
}

// CategoryByName returns the category with the given name, such as
// "Electronics" or "Headphones".
func (t *Taxonomy) CategoryByName(name string) (catalog.Category, bool) {
	for _, c := range t.Categories {
		if c.Name == name {
			return c, true
		}
	}
	return catalog.Category{}, false
}

// BrandByName returns the brand with the given name, such as "Acme".
func (t *Taxonomy) BrandByName(name string) (catalog.Brand, bool) {
	for _, b := range t.Brands {
		if b.Name == name {
			return b, true
		}
	}
	return catalog.Brand{}, false
}

// CreateTaxonomy creates the sample brands and category tree through svc:
// 40 brands and 20 categories in four top-level departments (Electronics,
// Apparel, Home, Sports), two or three levels deep.
func (g *Generator) CreateTaxonomy(ctx context.Context, svc *catalog.Service) (*Taxonomy, error) {
	tax := &Taxonomy{}
	for _, name := range g.vocab.brands {
		b, err := svc.CreateBrand(ctx, catalog.BrandInput{Name: name})
		if err != nil {
			return nil, fmt.Errorf("sample: create brand %s: %w", name, err)
		}
		tax.Brands = append(tax.Brands, b)
	}
	var walk func(nodes []categoryNode, parent commerce.CategoryID, prefix string) error
	walk = func(nodes []categoryNode, parent commerce.CategoryID, prefix string) error {
		for _, n := range nodes {
			handle := catalog.Slugify(prefix + " " + n.name)
			c, err := svc.CreateCategory(ctx, catalog.CategoryInput{Name: n.name, Handle: handle, ParentID: parent})
			if err != nil {
				return fmt.Errorf("sample: create category %s: %w", n.name, err)
			}
			tax.Categories = append(tax.Categories, c)
			if n.kind != nil {
				tax.leaves = append(tax.leaves, leaf{id: c.ID, kind: n.kind})
			}
			if err := walk(n.children, c.ID, prefix+" "+n.name); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(g.tree, "", ""); err != nil {
		return nil, err
	}
	return tax, nil
}

// Products yields products 0 to n-1 of the catalog (see Product), one at a
// time: nothing is held between iterations. The error is always nil; the
// signature fits catalog.Service.Import.
func (g *Generator) Products(tax *Taxonomy, n int) iter.Seq2[catalog.ProductInput, error] {
	return func(yield func(catalog.ProductInput, error) bool) {
		for i := range n {
			if !yield(g.Product(tax, i), nil) {
				return
			}
		}
	}
}

// Product returns product i of the catalog. Each product comes from its
// own random stream (the seed and i), so any product can be generated
// alone, in any order, with the same result. Handles and SKUs embed i,
// which makes them unique within one generated catalog.
//
// Roughly 90% of products are active, 7% drafts and 3% archived; each has
// one to six variants priced in USD and EUR, a fifth with compare-at
// prices.
func (g *Generator) Product(tax *Taxonomy, i int) catalog.ProductInput {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)))
	v := g.vocab
	lf := tax.leaves[r.IntN(len(tax.leaves))]
	k := lf.kind
	brandIndex := r.IntN(len(tax.Brands))
	brand := tax.Brands[brandIndex]
	noun := pick(r, k.nouns)
	model := string(v.modelChars[r.IntN(len(v.modelChars))]) + fmt.Sprint(100*(1+r.IntN(9)))
	title := fmt.Sprintf("%s %s %s %s", brand.Name, pick(r, v.adjectives), noun, model)

	attrs := make(map[string]string, len(k.attributes))
	for _, name := range slices.Sorted(maps.Keys(k.attributes)) {
		attrs[name] = pick(r, k.attributes[name])
	}
	categories := []commerce.CategoryID{lf.id}
	if r.IntN(10) == 0 {
		if other := tax.leaves[r.IntN(len(tax.leaves))].id; other != lf.id {
			categories = append(categories, other)
		}
	}
	status := catalog.StatusActive
	switch n := r.IntN(100); {
	case n < 3:
		status = catalog.StatusArchived
	case n < 10:
		status = catalog.StatusDraft
	}
	handle := fmt.Sprintf("%s-%d", catalog.Slugify(title), i)
	return catalog.ProductInput{
		Handle:      handle,
		Title:       title,
		Description: describe(r, title, k, attrs),
		BrandID:     brand.ID,
		CategoryIDs: categories,
		Attributes:  attrs,
		Images: []string{
			"https://images.example.com/products/" + handle + "/1.jpg",
			"https://images.example.com/products/" + handle + "/2.jpg",
		},
		Status:   status,
		Variants: variants(r, k, strings.ToUpper(brand.Handle[:3]), i),
	}
}

func describe(r *rand.Rand, title string, k *kind, attrs map[string]string) string {
	f := shuffled(r, k.features)
	var b strings.Builder
	fmt.Fprintf(&b, "The %s brings %s and %s.", title, f[0], f[1])
	if m, ok := attrs["material"]; ok {
		fmt.Fprintf(&b, " Made from %s, it is built to last.", m)
	}
	fmt.Fprintf(&b, " Customers love %s.", f[2])
	return b.String()
}

// variants combines one to three values of the kind's first axis with
// one or two of its second, at most six variants.
func variants(r *rand.Rand, k *kind, brandCode string, i int) []catalog.VariantInput {
	combos := []map[string]string{{}}
	for n, ax := range k.axes {
		count := 1 + r.IntN(3)
		if n > 0 {
			count = 1 + r.IntN(2)
		}
		values := shuffled(r, ax.values)[:min(count, len(ax.values))]
		var next []map[string]string
		for _, c := range combos {
			for _, val := range values {
				m := maps.Clone(c)
				m[ax.name] = val
				next = append(next, m)
			}
		}
		combos = next
	}
	base := k.minCents + r.Int64N(k.maxCents-k.minCents+1)
	withCompareAt := r.IntN(5) == 0
	out := make([]catalog.VariantInput, 0, len(combos))
	for vi, opts := range combos {
		usd := base
		// Bigger storage or memory costs more: 10% per step.
		for _, ax := range k.axes {
			if ax.name == "storage" || ax.name == "memory" {
				usd += usd * int64(slices.Index(ax.values, opts[ax.name])) / 10
			}
		}
		usd = charm(usd)
		eur := charm(usd * 92 / 100)
		in := catalog.VariantInput{
			SKU:         fmt.Sprintf("%s-%06d-%02d", brandCode, i, vi),
			Options:     opts,
			Prices:      []commerce.Money{commerce.MustMoney(usd, "USD"), commerce.MustMoney(eur, "EUR")},
			WeightGrams: k.weightGram + r.Int64N(k.weightGram/4+1),
		}
		if withCompareAt {
			in.CompareAt = []commerce.Money{commerce.MustMoney(charm(usd*125/100), "USD"), commerce.MustMoney(charm(eur*125/100), "EUR")}
		}
		out = append(out, in)
	}
	return out
}

// charm rounds cents to the price just under the next whole unit: 1234 to
// 1299, 1200 to 1299, 1299 to 1299.
func charm(cents int64) int64 {
	return cents/100*100 + 99
}

// ReviewCount returns how many reviews product i of the catalog has, as
// drawn for a shop: about one product in seventeen has none yet, the
// others from five to a few dozen, most fewer than fifteen. Averages over
// fewer reviews swing too far to look real (a single 5 is a perfect 5.0).
func (g *Generator) ReviewCount(i int) int {
	r := rand.New(rand.NewPCG(g.seed^0x5851f42d4c957f2d, uint64(i)))
	if r.IntN(100) < 6 {
		return 0
	}
	return 6 + r.IntN(1+r.IntN(30))
}

// starWeights are the weights, per mille, of each star (index 1 to 5) in
// the ratings of a product everybody likes and of one many regret buying;
// each product's ratings mix the two by its quality.
func starWeights() (great, poor [6]int) {
	return [6]int{1: 40, 2: 20, 3: 60, 4: 260, 5: 620}, [6]int{1: 320, 2: 130, 3: 140, 4: 150, 5: 260}
}

// Reviews returns n reviews of product i of the catalog, stored under
// productID, each by a different customer. Ratings spread the way real
// ones do: J-shaped, mostly fives and fours, a few threes and twos, and
// more ones than twos, since the disappointed write too. Each product has
// its own quality, most of them good, so averages differ from product to
// product. The text mentions things shoppers search for ("great battery
// life", "the sizing runs small").
func (g *Generator) Reviews(i int, productID commerce.ProductID, n int) []catalog.ReviewInput {
	// A stream apart from the product's own, so adding reviews does not
	// change products.
	r := rand.New(rand.NewPCG(g.seed^0x9e3779b97f4a7c15, uint64(i)))
	v := g.vocab
	// Quality 0-100, skewed high: the product of two uniform draws is
	// mostly small.
	quality := 100 - r.IntN(101)*r.IntN(101)/100
	great, poor := starWeights()
	var weights [6]int
	total := 0
	for s := 1; s <= 5; s++ {
		weights[s] = (great[s]*quality + poor[s]*(100-quality)) / 100
		total += weights[s]
	}
	out := make([]catalog.ReviewInput, 0, n)
	for range n {
		stars, x := 1, r.IntN(total)
		for ; stars < 5 && x >= weights[stars]; stars++ {
			x -= weights[stars]
		}
		var body string
		p, c := pick(r, v.praise), pick(r, v.complaints)
		switch {
		case stars >= 4:
			body = fmt.Sprintf("%s, and %s.", capitalise(p), pick(r, v.praise))
		case stars == 3:
			body = fmt.Sprintf("%s, but %s.", capitalise(p), c)
		default:
			body = fmt.Sprintf("%s. Sadly %s.", capitalise(c), pick(r, v.complaints))
		}
		out = append(out, catalog.ReviewInput{
			ProductID:  productID,
			CustomerID: customerID(r),
			Rating:     stars,
			Title:      pick(r, v.reviewTitles[stars]),
			Body:       body,
		})
	}
	return out
}

// customerID returns a well-formed, random-looking customer ID drawn from
// r, so generated reviews are reproducible.
func customerID(r *rand.Rand) commerce.CustomerID {
	const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var b [26]byte
	b[0] = '0' // keeps the 130-bit text within ULID's 128 bits
	for j := 1; j < len(b); j++ {
		b[j] = crockford[r.IntN(len(crockford))]
	}
	return commerce.CustomerID("cus_" + string(b[:]))
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func shuffled[T any](r *rand.Rand, xs []T) []T {
	out := slices.Clone(xs)
	r.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
