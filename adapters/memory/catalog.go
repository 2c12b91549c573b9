package memory

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// CatalogStore is an in-memory catalog.Store. One lock guards it all,
// so every write, a batch included, is atomic and isolated.
type CatalogStore struct {
	opts *Options

	mu               sync.RWMutex
	brands           map[commerce.BrandID]catalog.Brand
	brandHandles     map[string]commerce.BrandID
	categories       map[commerce.CategoryID]catalog.Category
	categoryHandles  map[string]commerce.CategoryID
	products         map[commerce.ProductID]*catalog.Product
	productOrder     []commerce.ProductID // sorted, for keyset pages
	productHandles   map[string]commerce.ProductID
	skus             map[string]commerce.ProductID
	reviews          map[commerce.ProductID][]catalog.Review // by ID within a product
	reviewsCustomers map[catalogReviewKey]bool
}

type catalogReviewKey struct {
	product  commerce.ProductID
	customer commerce.CustomerID
}

var _ catalog.Store = (*CatalogStore)(nil)

// NewCatalogStore returns an empty catalog store. opts may be nil.
func NewCatalogStore(opts *Options) *CatalogStore {
	return &CatalogStore{
		opts:             opts,
		brands:           map[commerce.BrandID]catalog.Brand{},
		brandHandles:     map[string]commerce.BrandID{},
		categories:       map[commerce.CategoryID]catalog.Category{},
		categoryHandles:  map[string]commerce.CategoryID{},
		products:         map[commerce.ProductID]*catalog.Product{},
		productHandles:   map[string]commerce.ProductID{},
		skus:             map[string]commerce.ProductID{},
		reviews:          map[commerce.ProductID][]catalog.Review{},
		reviewsCustomers: map[catalogReviewKey]bool{},
	}
}

func catalogConflict(format string, args ...any) error {
	return commerce.Errorf(commerce.CodeConflict, "memory: "+format, args...)
}

func catalogNotFound(format string, args ...any) error {
	return commerce.Errorf(commerce.CodeNotFound, "memory: "+format, args...)
}

// CreateBrand implements catalog.Store.
func (s *CatalogStore) CreateBrand(_ context.Context, b catalog.Brand) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.brandHandles[b.Handle]; taken {
		return catalogConflict("brand handle %q is taken", b.Handle)
	}
	if _, taken := s.brands[b.ID]; taken {
		return catalogConflict("brand %s exists", b.ID)
	}
	s.brands[b.ID] = b
	s.brandHandles[b.Handle] = b.ID
	return nil
}

// GetBrand implements catalog.Store.
func (s *CatalogStore) GetBrand(_ context.Context, id commerce.BrandID) (catalog.Brand, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.brands[id]
	if !ok {
		return catalog.Brand{}, catalogNotFound("brand %s not found", id)
	}
	return b, nil
}

// ListBrands implements catalog.Store.
func (s *CatalogStore) ListBrands(_ context.Context, page commerce.PageRequest) (commerce.Page[catalog.Brand], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return catalogPage(page, catalogSorted(s.brands, func(b catalog.Brand) commerce.BrandID { return b.ID }),
		func(b catalog.Brand) string { return b.ID.String() }, func(b catalog.Brand) catalog.Brand { return b })
}

// CreateCategory implements catalog.Store.
func (s *CatalogStore) CreateCategory(_ context.Context, c catalog.Category) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.categoryHandles[c.Handle]; taken {
		return catalogConflict("category handle %q is taken", c.Handle)
	}
	if _, taken := s.categories[c.ID]; taken {
		return catalogConflict("category %s exists", c.ID)
	}
	if !c.ParentID.IsZero() {
		if _, ok := s.categories[c.ParentID]; !ok {
			return commerce.Errorf(commerce.CodeFailedPrecondition, "memory: parent category %s does not exist", c.ParentID)
		}
	}
	s.categories[c.ID] = c.Clone()
	s.categoryHandles[c.Handle] = c.ID
	return nil
}

// GetCategory implements catalog.Store.
func (s *CatalogStore) GetCategory(_ context.Context, id commerce.CategoryID) (catalog.Category, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.categories[id]
	if !ok {
		return catalog.Category{}, catalogNotFound("category %s not found", id)
	}
	return c.Clone(), nil
}

// ListCategories implements catalog.Store.
func (s *CatalogStore) ListCategories(_ context.Context, page commerce.PageRequest) (commerce.Page[catalog.Category], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return catalogPage(page, catalogSorted(s.categories, func(c catalog.Category) commerce.CategoryID { return c.ID }),
		func(c catalog.Category) string { return c.ID.String() }, catalog.Category.Clone)
}

// checkReferences reports a product's unknown brand or category. The
// caller holds the lock.
func (s *CatalogStore) checkReferences(p *catalog.Product) error {
	if !p.BrandID.IsZero() {
		if _, ok := s.brands[p.BrandID]; !ok {
			return commerce.Errorf(commerce.CodeFailedPrecondition, "memory: brand %s does not exist", p.BrandID)
		}
	}
	for _, id := range p.CategoryIDs {
		if _, ok := s.categories[id]; !ok {
			return commerce.Errorf(commerce.CodeFailedPrecondition, "memory: category %s does not exist", id)
		}
	}
	return nil
}

// CreateProducts implements catalog.Store.
func (s *CatalogStore) CreateProducts(ctx context.Context, products []catalog.Product, events []commerce.Envelope) error {
	return s.createProducts(ctx, products, events)
}

func (s *CatalogStore) createProducts(ctx context.Context, products []catalog.Product, events []commerce.Envelope) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Check the whole batch, against the store and against itself, before
	// writing any of it.
	handles := map[string]bool{}
	skus := map[string]bool{}
	for i := range products {
		p := &products[i]
		if _, taken := s.products[p.ID]; taken {
			return catalogConflict("product %s exists", p.ID)
		}
		if _, taken := s.productHandles[p.Handle]; taken || handles[p.Handle] {
			return catalogConflict("product handle %q is taken", p.Handle)
		}
		handles[p.Handle] = true
		for _, v := range p.Variants {
			if _, taken := s.skus[v.SKU]; taken || skus[v.SKU] {
				return catalogConflict("SKU %q is taken", v.SKU)
			}
			skus[v.SKU] = true
		}
		if err := s.checkReferences(p); err != nil {
			return err
		}
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		return err
	}
	for i := range products {
		p := products[i].Clone()
		s.products[p.ID] = &p
		s.productHandles[p.Handle] = p.ID
		for _, v := range p.Variants {
			s.skus[v.SKU] = p.ID
		}
		s.insertOrder(p.ID)
	}
	return nil
}

func (s *CatalogStore) insertOrder(id commerce.ProductID) {
	// IDs are time-ordered, so the new one almost always goes at the end.
	if n := len(s.productOrder); n == 0 || s.productOrder[n-1] < id {
		s.productOrder = append(s.productOrder, id)
		return
	}
	i, _ := slices.BinarySearch(s.productOrder, id)
	s.productOrder = slices.Insert(s.productOrder, i, id)
}

// GetProduct implements catalog.Store.
func (s *CatalogStore) GetProduct(_ context.Context, id commerce.ProductID) (catalog.Product, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.products[id]
	if !ok {
		return catalog.Product{}, catalogNotFound("product %s not found", id)
	}
	return p.Clone(), nil
}

// GetProductByHandle implements catalog.Store.
func (s *CatalogStore) GetProductByHandle(_ context.Context, handle string) (catalog.Product, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.productHandles[handle]
	if !ok {
		return catalog.Product{}, catalogNotFound("no product with handle %q", handle)
	}
	return s.products[id].Clone(), nil
}

// GetProductBySKU implements catalog.Store.
func (s *CatalogStore) GetProductBySKU(_ context.Context, sku string) (catalog.Product, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.skus[sku]
	if !ok {
		return catalog.Product{}, catalogNotFound("no variant with SKU %q", sku)
	}
	return s.products[id].Clone(), nil
}

type catalogProductCursor struct {
	After commerce.ProductID `json:"after"`
}

// ListProducts implements catalog.Store.
func (s *CatalogStore) ListProducts(_ context.Context, filter catalog.ProductFilter, page commerce.PageRequest) (commerce.Page[catalog.Product], error) {
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[catalog.Product]{}, err
	}
	var cur catalogProductCursor
	if page.Cursor != "" {
		if err := commerce.DecodeCursor(page.Cursor, &cur); err != nil {
			return commerce.Page[catalog.Product]{}, err
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	start := 0
	if cur.After != "" {
		start, _ = slices.BinarySearch(s.productOrder, cur.After)
		if start < len(s.productOrder) && s.productOrder[start] == cur.After {
			start++
		}
	}
	var out commerce.Page[catalog.Product]
	out.Items = []catalog.Product{}
	for _, id := range s.productOrder[start:] {
		p := s.products[id]
		if !s.matches(p, filter) {
			continue
		}
		if len(out.Items) == page.Limit {
			next, err := commerce.EncodeCursor(catalogProductCursor{After: out.Items[len(out.Items)-1].ID})
			if err != nil {
				return commerce.Page[catalog.Product]{}, err
			}
			out.NextCursor = next
			break
		}
		out.Items = append(out.Items, p.Clone())
	}
	return out, nil
}

func (s *CatalogStore) matches(p *catalog.Product, f catalog.ProductFilter) bool {
	if f.Status != "" && p.Status != f.Status {
		return false
	}
	if !f.BrandID.IsZero() && p.BrandID != f.BrandID {
		return false
	}
	if f.CategoryID.IsZero() {
		return true
	}
	for _, id := range p.CategoryIDs {
		if c, ok := s.categories[id]; ok && c.IsDescendantOf(f.CategoryID) {
			return true
		}
	}
	return false
}

// UpdateProduct implements catalog.Store.
func (s *CatalogStore) UpdateProduct(ctx context.Context, id commerce.ProductID, fn func(*catalog.Product) ([]commerce.Envelope, error)) error {
	return s.updateProduct(ctx, id, fn)
}

func (s *CatalogStore) updateProduct(ctx context.Context, id commerce.ProductID, fn func(*catalog.Product) ([]commerce.Envelope, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.products[id]
	if !ok {
		return catalogNotFound("product %s not found", id)
	}
	p := stored.Clone()
	events, err := fn(&p)
	if err != nil {
		return err
	}
	p.ID, p.CreatedAt, p.Rating = stored.ID, stored.CreatedAt, stored.Rating
	if owner, taken := s.productHandles[p.Handle]; taken && owner != id {
		return catalogConflict("product handle %q is taken", p.Handle)
	}
	for _, v := range p.Variants {
		if owner, taken := s.skus[v.SKU]; taken && owner != id {
			return catalogConflict("SKU %q is taken", v.SKU)
		}
	}
	if err := s.checkReferences(&p); err != nil {
		return err
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		return err
	}
	delete(s.productHandles, stored.Handle)
	for _, v := range stored.Variants {
		delete(s.skus, v.SKU)
	}
	s.productHandles[p.Handle] = id
	for i := range p.Variants {
		p.Variants[i].ProductID = id
		s.skus[p.Variants[i].SKU] = id
	}
	s.products[id] = &p
	return nil
}

// DeleteProduct implements catalog.Store.
func (s *CatalogStore) DeleteProduct(ctx context.Context, id commerce.ProductID, fn func(catalog.Product) ([]commerce.Envelope, error)) error {
	return s.deleteProduct(ctx, id, fn)
}

func (s *CatalogStore) deleteProduct(ctx context.Context, id commerce.ProductID, fn func(catalog.Product) ([]commerce.Envelope, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.products[id]
	if !ok {
		return catalogNotFound("product %s not found", id)
	}
	events, err := fn(stored.Clone())
	if err != nil {
		return err
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		return err
	}
	delete(s.products, id)
	delete(s.productHandles, stored.Handle)
	for _, v := range stored.Variants {
		delete(s.skus, v.SKU)
	}
	for _, r := range s.reviews[id] {
		delete(s.reviewsCustomers, catalogReviewKey{id, r.CustomerID})
	}
	delete(s.reviews, id)
	if i, found := slices.BinarySearch(s.productOrder, id); found {
		s.productOrder = slices.Delete(s.productOrder, i, i+1)
	}
	return nil
}

// LookupSKUs implements catalog.Store.
func (s *CatalogStore) LookupSKUs(_ context.Context, currency commerce.Currency, skus []string) (map[string]catalog.SKULookup, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make(map[string]catalog.SKULookup, len(skus))
	for _, sku := range skus {
		id, ok := s.skus[sku]
		if !ok {
			continue
		}
		p := s.products[id]
		v, _ := p.VariantBySKU(sku)
		price, has := v.Price(currency)
		out[sku] = catalog.SKULookup{
			SKU: sku, ProductID: p.ID, VariantID: v.ID, ProductTitle: p.Title,
			Options: v.Clone().Options, Status: p.Status, Price: price, HasPrice: has,
		}
	}
	return out, nil
}

// AddReview implements catalog.Store.
func (s *CatalogStore) AddReview(ctx context.Context, r catalog.Review, events func(catalog.Rating) []commerce.Envelope) (catalog.Rating, error) {
	return s.addReview(ctx, r, events)
}

func (s *CatalogStore) addReview(ctx context.Context, r catalog.Review, events func(catalog.Rating) []commerce.Envelope) (catalog.Rating, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.products[r.ProductID]
	if !ok {
		return catalog.Rating{}, catalogNotFound("product %s not found", r.ProductID)
	}
	key := catalogReviewKey{r.ProductID, r.CustomerID}
	if s.reviewsCustomers[key] {
		return catalog.Rating{}, catalogConflict("customer %s already reviewed product %s", r.CustomerID, r.ProductID)
	}
	rating := p.Rating.Add(r.Rating)
	if err := publish(ctx, s.opts.publisher(), events(rating)); err != nil {
		return catalog.Rating{}, err
	}
	p.Rating = rating
	s.reviewsCustomers[key] = true
	list := s.reviews[r.ProductID]
	i, _ := slices.BinarySearchFunc(list, r.ID, func(x catalog.Review, id commerce.ReviewID) int { return cmp.Compare(x.ID, id) })
	s.reviews[r.ProductID] = slices.Insert(list, i, r)
	return rating, nil
}

// ListReviews implements catalog.Store.
func (s *CatalogStore) ListReviews(_ context.Context, productID commerce.ProductID, page commerce.PageRequest) (commerce.Page[catalog.Review], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return catalogPage(page, s.reviews[productID], func(r catalog.Review) string { return r.ID.String() },
		func(r catalog.Review) catalog.Review { return r })
}

// catalogIDCursor is the keyset position of the ID-ordered lists.
type catalogIDCursor struct {
	After string `json:"after"`
}

// catalogPage returns one page of items, which are sorted by key.
func catalogPage[T any](page commerce.PageRequest, items []T, key func(T) string, clone func(T) T) (commerce.Page[T], error) {
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[T]{}, err
	}
	var cur catalogIDCursor
	if page.Cursor != "" {
		if err := commerce.DecodeCursor(page.Cursor, &cur); err != nil {
			return commerce.Page[T]{}, err
		}
	}
	start, _ := slices.BinarySearchFunc(items, cur.After, func(x T, after string) int { return cmp.Compare(key(x), after) })
	if start < len(items) && cur.After != "" && key(items[start]) == cur.After {
		start++
	}
	out := commerce.Page[T]{Items: []T{}}
	for _, x := range items[start:] {
		if len(out.Items) == page.Limit {
			out.NextCursor, err = commerce.EncodeCursor(catalogIDCursor{After: key(out.Items[len(out.Items)-1])})
			if err != nil {
				return commerce.Page[T]{}, err
			}
			break
		}
		out.Items = append(out.Items, clone(x))
	}
	return out, nil
}

func catalogSorted[K cmp.Ordered, V any](m map[K]V, key func(V) K) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b V) int { return cmp.Compare(key(a), key(b)) })
	return out
}
