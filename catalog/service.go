package catalog

import (
	"context"
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Options configures a Service. A nil *Options means the defaults.
type Options struct {
	// Clock stamps products, reviews and events. Default: commerce.SystemClock.
	Clock commerce.Clock
}

// Service is the catalog's API: it validates every input, applies the
// rules and publishes the events, persisting through a Store. It is safe
// for concurrent use.
type Service struct {
	store Store
	clock commerce.Clock
}

// NewService returns a Service over store. opts may be nil.
func NewService(store Store, opts *Options) (*Service, error) {
	if store == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "catalog: NewService needs a store")
	}
	s := &Service{store: store, clock: commerce.SystemClock{}}
	if opts != nil && opts.Clock != nil {
		s.clock = opts.Clock
	}
	return s, nil
}

// CreateBrand creates a brand. A taken handle is CodeConflict.
func (s *Service) CreateBrand(ctx context.Context, in BrandInput) (Brand, error) {
	if err := checkText("name", in.Name, true, MaxTitleLength, false); err != nil {
		return Brand{}, err
	}
	handle, err := resolveHandle("handle", in.Handle, in.Name)
	if err != nil {
		return Brand{}, err
	}
	b := Brand{ID: commerce.NewID[commerce.BrandID](), Name: in.Name, Handle: handle, CreatedAt: s.now()}
	if err := s.store.CreateBrand(ctx, b); err != nil {
		return Brand{}, err
	}
	return b, nil
}

// GetBrand returns the brand with id.
func (s *Service) GetBrand(ctx context.Context, id commerce.BrandID) (Brand, error) {
	if err := id.Validate(); err != nil {
		return Brand{}, invalid("brand_id", "brand id: %w", err)
	}
	return s.store.GetBrand(ctx, id)
}

// ListBrands pages through brands in ID order.
func (s *Service) ListBrands(ctx context.Context, page commerce.PageRequest) (commerce.Page[Brand], error) {
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[Brand]{}, err
	}
	return s.store.ListBrands(ctx, page)
}

// CreateCategory creates a category, under in.ParentID when set. A taken
// handle is CodeConflict; a parent that does not exist is
// CodeFailedPrecondition. Categories are created under an existing
// parent, and MoveCategory refuses cycles, so the categories form a tree.
func (s *Service) CreateCategory(ctx context.Context, in CategoryInput) (Category, error) {
	if err := checkText("name", in.Name, true, MaxTitleLength, false); err != nil {
		return Category{}, err
	}
	handle, err := resolveHandle("handle", in.Handle, in.Name)
	if err != nil {
		return Category{}, err
	}
	c := Category{ID: commerce.NewID[commerce.CategoryID](), Name: in.Name, Handle: handle, ParentID: in.ParentID, CreatedAt: s.now()}
	if !in.ParentID.IsZero() {
		if err := in.ParentID.Validate(); err != nil {
			return Category{}, invalid("parent_id", "parent id: %w", err)
		}
		parent, err := s.store.GetCategory(ctx, in.ParentID)
		if commerce.Code(err) == commerce.CodeNotFound {
			return Category{}, commerce.Errorf(commerce.CodeFailedPrecondition, "catalog: parent category %s does not exist", in.ParentID).
				WithDetail("field", "parent_id")
		}
		if err != nil {
			return Category{}, err
		}
		c.Path = slices.Clone(parent.Path)
	}
	c.Path = append(c.Path, c.ID)
	if err := s.store.CreateCategory(ctx, c); err != nil {
		return Category{}, err
	}
	return c, nil
}

// GetCategory returns the category with id.
func (s *Service) GetCategory(ctx context.Context, id commerce.CategoryID) (Category, error) {
	if err := id.Validate(); err != nil {
		return Category{}, invalid("category_id", "category id: %w", err)
	}
	return s.store.GetCategory(ctx, id)
}

// ListCategories pages through categories in ID order; each carries its
// path, from which a client rebuilds the tree.
func (s *Service) ListCategories(ctx context.Context, page commerce.PageRequest) (commerce.Page[Category], error) {
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[Category]{}, err
	}
	return s.store.ListCategories(ctx, page)
}

// buildProduct validates in and returns the new product it describes,
// with fresh IDs and timestamps.
func (s *Service) buildProduct(in ProductInput) (Product, error) {
	handle, err := resolveHandle("handle", in.Handle, in.Title)
	if err != nil && in.Handle == "" && checkText("title", in.Title, true, MaxTitleLength, false) != nil {
		// An empty title is the real problem; report it rather than the
		// handle that could not be derived from it.
		return Product{}, checkText("title", in.Title, true, MaxTitleLength, false)
	}
	if err != nil {
		return Product{}, err
	}
	now := s.now()
	p := Product{
		ID:          commerce.NewID[commerce.ProductID](),
		Handle:      handle,
		Title:       in.Title,
		Description: in.Description,
		BrandID:     in.BrandID,
		CategoryIDs: slices.Clone(in.CategoryIDs),
		Attributes:  cloneNonEmpty(in.Attributes),
		Images:      slices.Clone(in.Images),
		Status:      in.Status,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	if p.Status == "" {
		p.Status = StatusDraft
	}
	if len(in.Variants) > MaxVariants {
		return Product{}, invalid("variants", "a product has at most %d variants, got %d", MaxVariants, len(in.Variants))
	}
	p.Variants = make([]Variant, 0, len(in.Variants))
	for i, vi := range in.Variants {
		v, err := buildVariant(indexed("variants", i), vi)
		if err != nil {
			return Product{}, err
		}
		v.ID = commerce.NewID[commerce.VariantID]()
		v.ProductID = p.ID
		p.Variants = append(p.Variants, v)
	}
	if err := checkProduct(&p); err != nil {
		return Product{}, err
	}
	return p, nil
}

// CreateProduct creates a product with its variants, all or nothing. A
// taken handle or SKU is CodeConflict; an unknown brand or category
// CodeFailedPrecondition. It publishes product.created.
func (s *Service) CreateProduct(ctx context.Context, in ProductInput) (Product, error) {
	p, err := s.buildProduct(in)
	if err != nil {
		return Product{}, err
	}
	ev := commerce.NewEnvelope(p.ID.String(), p.CreatedAt, ProductCreated{Product: p.Clone()})
	if err := s.store.CreateProducts(ctx, []Product{p}, []commerce.Envelope{ev}); err != nil {
		return Product{}, err
	}
	return p, nil
}

// GetProduct returns the product with id, variants included.
func (s *Service) GetProduct(ctx context.Context, id commerce.ProductID) (Product, error) {
	if err := id.Validate(); err != nil {
		return Product{}, invalid("product_id", "product id: %w", err)
	}
	return s.store.GetProduct(ctx, id)
}

// GetProductByHandle returns the product with handle.
func (s *Service) GetProductByHandle(ctx context.Context, handle string) (Product, error) {
	if err := checkHandle("handle", handle); err != nil {
		return Product{}, err
	}
	return s.store.GetProductByHandle(ctx, handle)
}

// GetVariantBySKU returns the variant with sku and the product it belongs
// to.
func (s *Service) GetVariantBySKU(ctx context.Context, sku string) (Variant, Product, error) {
	if !ValidSKU(sku) {
		return Variant{}, Product{}, invalid("sku", "SKU %q is malformed", truncate(sku))
	}
	p, err := s.store.GetProductBySKU(ctx, sku)
	if err != nil {
		return Variant{}, Product{}, err
	}
	v, ok := p.VariantBySKU(sku)
	if !ok {
		return Variant{}, Product{}, commerce.Errorf(commerce.CodeInternal, "catalog: store returned product %s for SKU %s without that variant", p.ID, sku)
	}
	return v, p, nil
}

// ListProducts pages through the products matching filter in ID order.
// A category filter includes the categories below it.
func (s *Service) ListProducts(ctx context.Context, filter ProductFilter, page commerce.PageRequest) (commerce.Page[Product], error) {
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[Product]{}, err
	}
	if !filter.CategoryID.IsZero() {
		if err := filter.CategoryID.Validate(); err != nil {
			return commerce.Page[Product]{}, invalid("category_id", "category id: %w", err)
		}
	}
	if !filter.BrandID.IsZero() {
		if err := filter.BrandID.Validate(); err != nil {
			return commerce.Page[Product]{}, invalid("brand_id", "brand id: %w", err)
		}
	}
	if filter.Status != "" && !filter.Status.Valid() {
		return commerce.Page[Product]{}, invalid("status", "status %q is not draft, active or archived", truncate(string(filter.Status)))
	}
	return s.store.ListProducts(ctx, filter, page)
}

// UpdateProduct applies patch to the product with id and returns the
// result. It publishes product.archived when the status becomes archived,
// product.updated otherwise.
func (s *Service) UpdateProduct(ctx context.Context, id commerce.ProductID, patch ProductPatch) (Product, error) {
	if patch.Handle != nil {
		if err := checkHandle("handle", *patch.Handle); err != nil {
			return Product{}, err
		}
	}
	return s.update(ctx, id, func(p *Product) error {
		if patch.Handle != nil {
			p.Handle = *patch.Handle
		}
		if patch.Title != nil {
			p.Title = *patch.Title
		}
		if patch.Description != nil {
			p.Description = *patch.Description
		}
		if patch.BrandID != nil {
			p.BrandID = *patch.BrandID
		}
		if patch.CategoryIDs != nil {
			p.CategoryIDs = slices.Clone(*patch.CategoryIDs)
		}
		if patch.Attributes != nil {
			p.Attributes = cloneNonEmpty(*patch.Attributes)
		}
		if patch.Images != nil {
			p.Images = slices.Clone(*patch.Images)
		}
		if patch.Status != nil {
			p.Status = *patch.Status
		}
		return nil
	})
}

// ArchiveProduct withdraws the product from sale and publishes
// product.archived. Archiving an archived product is a no-op that
// publishes nothing.
func (s *Service) ArchiveProduct(ctx context.Context, id commerce.ProductID) (Product, error) {
	archived := StatusArchived
	return s.UpdateProduct(ctx, id, ProductPatch{Status: &archived})
}

// DeleteProduct deletes the product with its variants and reviews and
// publishes product.deleted. Prefer ArchiveProduct for anything that was
// ever sold.
func (s *Service) DeleteProduct(ctx context.Context, id commerce.ProductID) error {
	if err := id.Validate(); err != nil {
		return invalid("product_id", "product id: %w", err)
	}
	return s.store.DeleteProduct(ctx, id, func(p Product) ([]commerce.Envelope, error) {
		skus := make([]string, len(p.Variants))
		for i, v := range p.Variants {
			skus[i] = v.SKU
		}
		ev := ProductDeleted{ProductID: p.ID, Handle: p.Handle, SKUs: skus}
		return []commerce.Envelope{commerce.NewEnvelope(p.ID.String(), s.now(), ev)}, nil
	})
}

// AddVariant adds a variant to a product. A taken SKU is CodeConflict. It
// publishes product.updated and variant.price_changed.
func (s *Service) AddVariant(ctx context.Context, productID commerce.ProductID, in VariantInput) (Variant, error) {
	v, err := buildVariant("variant", in)
	if err != nil {
		return Variant{}, err
	}
	v.ID = commerce.NewID[commerce.VariantID]()
	v.ProductID = productID
	_, err = s.update(ctx, productID, func(p *Product) error {
		p.Variants = append(p.Variants, v.Clone())
		return nil
	})
	if err != nil {
		return Variant{}, err
	}
	return v, nil
}

// UpdateVariant replaces the SKU, options, prices and weight of a
// product's variant. It publishes product.updated, and
// variant.price_changed when the prices changed.
func (s *Service) UpdateVariant(ctx context.Context, productID commerce.ProductID, variantID commerce.VariantID, in VariantInput) (Variant, error) {
	v, err := buildVariant("variant", in)
	if err != nil {
		return Variant{}, err
	}
	v.ID = variantID
	v.ProductID = productID
	_, err = s.update(ctx, productID, func(p *Product) error {
		i := slices.IndexFunc(p.Variants, func(x Variant) bool { return x.ID == variantID })
		if i < 0 {
			return variantNotFound(productID, variantID)
		}
		p.Variants[i] = v.Clone()
		return nil
	})
	if err != nil {
		return Variant{}, err
	}
	return v, nil
}

// DeleteVariant removes a variant from a product. An active product keeps
// at least one variant (CodeFailedPrecondition). It publishes
// product.updated and variant.price_changed (the prices are gone).
func (s *Service) DeleteVariant(ctx context.Context, productID commerce.ProductID, variantID commerce.VariantID) error {
	_, err := s.update(ctx, productID, func(p *Product) error {
		i := slices.IndexFunc(p.Variants, func(x Variant) bool { return x.ID == variantID })
		if i < 0 {
			return variantNotFound(productID, variantID)
		}
		p.Variants = slices.Delete(p.Variants, i, i+1)
		return nil
	})
	return err
}

func variantNotFound(p commerce.ProductID, v commerce.VariantID) error {
	return commerce.Errorf(commerce.CodeNotFound, "catalog: product %s has no variant %s", p, v).WithDetail("field", "variant_id")
}

// update runs mutate on the stored product inside the store's
// transaction, validates the result and builds the events.
func (s *Service) update(ctx context.Context, id commerce.ProductID, mutate func(*Product) error) (Product, error) {
	if err := id.Validate(); err != nil {
		return Product{}, invalid("product_id", "product id: %w", err)
	}
	var result Product
	err := s.store.UpdateProduct(ctx, id, func(p *Product) ([]commerce.Envelope, error) {
		before := p.Clone()
		if err := mutate(p); err != nil {
			return nil, err
		}
		if err := checkProduct(p); err != nil {
			return nil, err
		}
		if productsEqual(before, *p) {
			result = p.Clone()
			return nil, nil
		}
		now := s.now()
		p.UpdatedAt = now
		result = p.Clone()
		aggregate := p.ID.String()
		var events []commerce.Envelope
		if p.Status == StatusArchived && before.Status != StatusArchived {
			events = append(events, commerce.NewEnvelope(aggregate, now, ProductArchived{Product: p.Clone()}))
		} else {
			events = append(events, commerce.NewEnvelope(aggregate, now, ProductUpdated{Product: p.Clone(), PreviousStatus: before.Status}))
		}
		for _, ev := range priceChanges(before, *p) {
			events = append(events, commerce.NewEnvelope(aggregate, now, ev))
		}
		return events, nil
	})
	if err != nil {
		return Product{}, err
	}
	return result, nil
}

// now is the clock's time cut to microseconds, the precision PostgreSQL
// keeps, so a product read back equals the one returned on write.
func (s *Service) now() time.Time { return s.clock.Now().Truncate(time.Microsecond) }
