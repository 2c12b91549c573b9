package recommend

import (
	"context"
	"log/slog"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// Limits of the lists Service answers.
const (
	DefaultLimit = 10
	MaxLimit     = 50
)

// Reason says why a product was recommended.
type Reason string

// The reasons, one per list a recommendation can come from.
const (
	BoughtTogether    Reason = "bought_together"
	ForYou            Reason = "for_you"
	PopularInCategory Reason = "popular_in_category"
	Popular           Reason = "popular"
)

// Recommendation is a product to show, with why.
type Recommendation struct {
	Product catalog.Product `json:"product"`
	Score   float64         `json:"score"`
	Reason  Reason          `json:"reason"`
}

// Catalog is what Service reads of the catalog. *catalog.Service
// satisfies it.
type Catalog interface {
	GetProduct(ctx context.Context, id commerce.ProductID) (catalog.Product, error)
	Products
}

// Stock tells whether a SKU can be sold: units left, or untracked
// (inventory.Options.Untracked). *inventory.Service satisfies it.
type Stock interface {
	Availability(ctx context.Context, sku string) (inventory.Availability, error)
}

// Purchases lists the products a customer already bought, which are
// not recommended to them again. OrderPurchases adapts an order service.
type Purchases interface {
	Purchased(ctx context.Context, customer commerce.CustomerID) (map[commerce.ProductID]bool, error)
}

// Options configures a Service.
type Options struct {
	// Purchases, when set, removes what a customer bought from their
	// lists at once, before the next batch run knows of it.
	Purchases Purchases
	Logger    *slog.Logger
}

// Service answers recommendations from the current run of a Store,
// keeping only products that are active and in stock, and falling back
// to what is popular when the model has nothing to say: a product or a
// customer it never saw, or no run at all, gets the popular products of
// the category, then of the shop, then the catalog's own first products.
type Service struct {
	store   Store
	catalog Catalog
	stock   Stock
	opts    Options
}

// NewService returns a Service over store, checking products against
// cat and stock.
func NewService(store Store, cat Catalog, stock Stock, opts *Options) (*Service, error) {
	if store == nil || cat == nil || stock == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "recommend: NewService needs a store, a catalog and stock")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Service{store: store, catalog: cat, stock: stock, opts: o}, nil
}

// checkLimit validates the number of recommendations asked for.
func checkLimit(n int) error {
	if n < 1 || n > MaxLimit {
		return commerce.Errorf(commerce.CodeInvalidArgument, "limit %d must be between 1 and %d", n, MaxLimit).WithDetail("field", "limit")
	}
	return nil
}

// ForProduct returns up to n products to show beside product: bought
// together with it, then popular in its category, then popular. An
// unknown or unpublished product is NotFound; n outside 1..MaxLimit is
// InvalidArgument.
func (s *Service) ForProduct(ctx context.Context, product commerce.ProductID, n int) ([]Recommendation, error) {
	if err := checkLimit(n); err != nil {
		return nil, err
	}
	p, err := s.catalog.GetProduct(ctx, product)
	if err != nil {
		return nil, err
	}
	if p.Status == catalog.StatusDraft {
		return nil, commerce.Errorf(commerce.CodeNotFound, "no product %s", product)
	}
	c := s.collector(n, map[commerce.ProductID]bool{p.ID: true})
	sources := []source{{ListKey{ItemList, p.ID.String()}, BoughtTogether}}
	for _, cat := range p.CategoryIDs {
		sources = append(sources, source{ListKey{CategoryList, cat.String()}, PopularInCategory})
	}
	return c.fill(ctx, s, append(sources, source{ListKey{Kind: PopularList}, Popular}), p.CategoryIDs)
}

// ForCustomer returns up to n products for the customer: their own list,
// then popular ones, never what they bought. n outside 1..MaxLimit is
// InvalidArgument.
func (s *Service) ForCustomer(ctx context.Context, customer commerce.CustomerID, n int) ([]Recommendation, error) {
	if err := checkLimit(n); err != nil {
		return nil, err
	}
	exclude := map[commerce.ProductID]bool{}
	if s.opts.Purchases != nil && !customer.IsZero() {
		bought, err := s.opts.Purchases.Purchased(ctx, customer)
		if err != nil {
			return nil, err
		}
		// A copy: the collector marks what it has seen in it.
		for id, b := range bought {
			exclude[id] = b
		}
	}
	c := s.collector(n, exclude)
	return c.fill(ctx, s, []source{
		{ListKey{CustomerList, customer.String()}, ForYou},
		{ListKey{Kind: PopularList}, Popular},
	}, nil)
}

// source is a list to draw from and the reason its products get.
type source struct {
	key    ListKey
	reason Reason
}

// collector gathers recommendations from sources in turn until it has n.
type collector struct {
	n       int
	exclude map[commerce.ProductID]bool
	out     []Recommendation
}

func (s *Service) collector(n int, exclude map[commerce.ProductID]bool) *collector {
	return &collector{n: n, exclude: exclude, out: make([]Recommendation, 0, n)}
}

// overfetch is how many entries are read per wanted recommendation:
// some will be sold out, archived or bought already.
const overfetch = 3

// fill draws from sources, then from the catalog's active products of
// categories (or of the shop) when the model runs dry.
func (c *collector) fill(ctx context.Context, s *Service, sources []source, categories []commerce.CategoryID) ([]Recommendation, error) {
	for _, src := range sources {
		if len(c.out) == c.n {
			return c.out, nil
		}
		items, err := s.store.List(ctx, src.key, c.n*overfetch+5)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if len(c.out) == c.n {
				break
			}
			if err := c.offer(ctx, s, it.ProductID, it.Score, src.reason); err != nil {
				return nil, err
			}
		}
	}
	// The model knows too little (a new shop, an empty run): show the
	// catalog's own products rather than nothing.
	filters := []catalog.ProductFilter{{Status: catalog.StatusActive}}
	if len(categories) > 0 {
		filters = append([]catalog.ProductFilter{{Status: catalog.StatusActive, CategoryID: categories[0]}}, filters...)
	}
	for _, f := range filters {
		if len(c.out) == c.n {
			break
		}
		page, err := s.catalog.ListProducts(ctx, f, commerce.PageRequest{Limit: c.n*overfetch + 5})
		if err != nil {
			return nil, err
		}
		reason := Popular
		if !f.CategoryID.IsZero() {
			reason = PopularInCategory
		}
		for _, p := range page.Items {
			if len(c.out) == c.n {
				break
			}
			if err := c.add(ctx, s, p, 0, reason); err != nil {
				return nil, err
			}
		}
	}
	return c.out, nil
}

// offer adds product if it may be shown.
func (c *collector) offer(ctx context.Context, s *Service, id commerce.ProductID, score float64, reason Reason) error {
	if c.exclude[id] {
		return nil
	}
	p, err := s.catalog.GetProduct(ctx, id)
	switch {
	case commerce.Code(err) == commerce.CodeNotFound:
		c.exclude[id] = true // deleted since the run
		return nil
	case err != nil:
		return err
	}
	return c.add(ctx, s, p, score, reason)
}

// add appends p if it is active, in stock and not excluded.
func (c *collector) add(ctx context.Context, s *Service, p catalog.Product, score float64, reason Reason) error {
	if c.exclude[p.ID] || !p.Purchasable() {
		return nil
	}
	c.exclude[p.ID] = true
	inStock, err := s.inStock(ctx, p)
	if err != nil || !inStock {
		return err
	}
	c.out = append(c.out, Recommendation{Product: p, Score: score, Reason: reason})
	return nil
}

// inStock reports whether any variant of p can be sold.
func (s *Service) inStock(ctx context.Context, p catalog.Product) (bool, error) {
	for _, v := range p.Variants {
		a, err := s.stock.Availability(ctx, v.SKU)
		if err != nil {
			return false, err
		}
		if a.InStock() {
			return true, nil
		}
	}
	return false, nil
}
