package mongodb

import (
	"context"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// idCursor is the keyset position of every ID-ordered list.
type idCursor struct {
	After string `json:"after"`
}

// pageStart normalises page and decodes its cursor.
func pageStart(page commerce.PageRequest) (commerce.PageRequest, string, error) {
	page, err := page.Normalize()
	if err != nil {
		return page, "", err
	}
	var cur idCursor
	if page.Cursor != "" {
		if err := commerce.DecodeCursor(page.Cursor, &cur); err != nil {
			return page, "", err
		}
	}
	return page, cur.After, nil
}

// pageEnd trims items fetched with one extra to detect a next page, and
// sets the cursor.
func pageEnd[T any](items []T, limit int, key func(T) string) (commerce.Page[T], error) {
	out := commerce.Page[T]{Items: items}
	if out.Items == nil {
		out.Items = []T{}
	}
	if len(items) > limit {
		out.Items = items[:limit]
		next, err := commerce.EncodeCursor(idCursor{After: key(out.Items[limit-1])})
		if err != nil {
			return commerce.Page[T]{}, err
		}
		out.NextCursor = next
	}
	return out, nil
}

// findPage reads up to limit+1 documents of c matching filter with _id
// after after, in _id order.
func findPage[D any](ctx context.Context, c *mongo.Collection, filter bson.D, after string, limit int, projection any) ([]D, error) {
	filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit + 1))
	if projection != nil {
		opts.SetProjection(projection)
	}
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	var out []D
	if err := cur.All(ctx, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// productReadProjection leaves out what only writers and the relay need.
var productReadProjection = bson.D{{Key: "outbox", Value: 0}, {Key: "counting", Value: 0}}

// CreateBrand implements catalog.Store.
func (s *CatalogStore) CreateBrand(ctx context.Context, b catalog.Brand) error {
	_, err := s.brands.InsertOne(ctx, brandDoc{ID: b.ID.String(), Name: b.Name, Handle: b.Handle, CreatedAt: micros(b.CreatedAt)})
	return conflict(err, "create brand", "brand handle is taken")
}

// GetBrand implements catalog.Store.
func (s *CatalogStore) GetBrand(ctx context.Context, id commerce.BrandID) (catalog.Brand, error) {
	var d brandDoc
	if err := s.brands.FindOne(ctx, bson.D{{Key: "_id", Value: id.String()}}).Decode(&d); err != nil {
		return catalog.Brand{}, classify(err, "get brand "+id.String())
	}
	return catalog.Brand{ID: commerce.BrandID(d.ID), Name: d.Name, Handle: d.Handle, CreatedAt: fromMicros(d.CreatedAt)}, nil
}

// ListBrands implements catalog.Store.
func (s *CatalogStore) ListBrands(ctx context.Context, page commerce.PageRequest) (commerce.Page[catalog.Brand], error) {
	page, after, err := pageStart(page)
	if err != nil {
		return commerce.Page[catalog.Brand]{}, err
	}
	docs, err := findPage[brandDoc](ctx, s.brands, bson.D{}, after, page.Limit, nil)
	if err != nil {
		return commerce.Page[catalog.Brand]{}, classify(err, "list brands")
	}
	items := make([]catalog.Brand, len(docs))
	for i, d := range docs {
		items[i] = catalog.Brand{ID: commerce.BrandID(d.ID), Name: d.Name, Handle: d.Handle, CreatedAt: fromMicros(d.CreatedAt)}
	}
	return pageEnd(items, page.Limit, func(b catalog.Brand) string { return b.ID.String() })
}

// CreateCategory implements catalog.Store. The parent is checked before
// the insert: categories are never deleted, so the check cannot go stale.
func (s *CatalogStore) CreateCategory(ctx context.Context, c catalog.Category) error {
	if !c.ParentID.IsZero() {
		if err := s.requireExists(ctx, s.categories, []string{c.ParentID.String()}, "parent category", "parent_id"); err != nil {
			return err
		}
	}
	d := categoryDoc{ID: c.ID.String(), Name: c.Name, Handle: c.Handle, ParentID: c.ParentID.String(), CreatedAt: micros(c.CreatedAt), Path: make([]string, len(c.Path))}
	for i, id := range c.Path {
		d.Path[i] = id.String()
	}
	_, err := s.categories.InsertOne(ctx, d)
	return conflict(err, "create category", "category handle is taken")
}

// requireExists fails with FailedPrecondition unless every ID in ids is a
// document of c.
func (s *CatalogStore) requireExists(ctx context.Context, c *mongo.Collection, ids []string, what, field string) error {
	if len(ids) == 0 {
		return nil
	}
	n, err := c.CountDocuments(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return classify(err, "check "+what)
	}
	if int(n) != len(ids) {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "mongodb: %s %v does not exist", what, ids).WithDetail("field", field)
	}
	return nil
}

// GetCategory implements catalog.Store.
func (s *CatalogStore) GetCategory(ctx context.Context, id commerce.CategoryID) (catalog.Category, error) {
	var d categoryDoc
	if err := s.categories.FindOne(ctx, bson.D{{Key: "_id", Value: id.String()}}).Decode(&d); err != nil {
		return catalog.Category{}, classify(err, "get category "+id.String())
	}
	return d.category(), nil
}

// ListCategories implements catalog.Store.
func (s *CatalogStore) ListCategories(ctx context.Context, page commerce.PageRequest) (commerce.Page[catalog.Category], error) {
	page, after, err := pageStart(page)
	if err != nil {
		return commerce.Page[catalog.Category]{}, err
	}
	docs, err := findPage[categoryDoc](ctx, s.categories, bson.D{}, after, page.Limit, nil)
	if err != nil {
		return commerce.Page[catalog.Category]{}, classify(err, "list categories")
	}
	items := make([]catalog.Category, len(docs))
	for i, d := range docs {
		items[i] = d.category()
	}
	return pageEnd(items, page.Limit, func(c catalog.Category) string { return c.ID.String() })
}

// getProduct reads the live product matching filter.
func (s *CatalogStore) getProduct(ctx context.Context, filter bson.D, doing string) (catalog.Product, error) {
	filter = append(filter, bson.E{Key: "state", Value: stateLive})
	var d productDoc
	err := s.products.FindOne(ctx, filter, options.FindOne().SetProjection(productReadProjection)).Decode(&d)
	if err != nil {
		return catalog.Product{}, classify(err, doing)
	}
	return d.product()
}

// GetProduct implements catalog.Store.
func (s *CatalogStore) GetProduct(ctx context.Context, id commerce.ProductID) (catalog.Product, error) {
	d, err := s.liveProduct(ctx, id.String(), productReadProjection)
	if err != nil {
		return catalog.Product{}, classify(err, "get product "+id.String())
	}
	return d.product()
}

// liveProduct reads the product with id by its _id alone, the one lookup
// FerretDB v1 on SQLite does not answer with a scan, and checks its state
// here. A product not live is mongo.ErrNoDocuments.
func (s *CatalogStore) liveProduct(ctx context.Context, id string, projection any) (productDoc, error) {
	opts := options.FindOne()
	if projection != nil {
		opts.SetProjection(projection)
	}
	var d productDoc
	if err := s.products.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, opts).Decode(&d); err != nil {
		return productDoc{}, err
	}
	if d.State != stateLive {
		return productDoc{}, mongo.ErrNoDocuments
	}
	return d, nil
}

// GetProductByHandle implements catalog.Store.
func (s *CatalogStore) GetProductByHandle(ctx context.Context, handle string) (catalog.Product, error) {
	return s.getProduct(ctx, bson.D{{Key: "handle", Value: handle}}, "get product by handle "+strconv.Quote(handle))
}

// GetProductBySKU implements catalog.Store.
func (s *CatalogStore) GetProductBySKU(ctx context.Context, sku string) (catalog.Product, error) {
	return s.getProduct(ctx, bson.D{{Key: "skus", Value: sku}}, "get product by SKU "+strconv.Quote(sku))
}

// ListProducts implements catalog.Store. A category filter first reads
// the IDs of the category and its descendants (those whose path holds
// it), then matches products in any of them.
func (s *CatalogStore) ListProducts(ctx context.Context, filter catalog.ProductFilter, page commerce.PageRequest) (commerce.Page[catalog.Product], error) {
	page, after, err := pageStart(page)
	if err != nil {
		return commerce.Page[catalog.Product]{}, err
	}
	q := bson.D{{Key: "state", Value: stateLive}}
	if !filter.BrandID.IsZero() {
		q = append(q, bson.E{Key: "brand_id", Value: filter.BrandID.String()})
	}
	if filter.Status != "" {
		q = append(q, bson.E{Key: "status", Value: string(filter.Status)})
	}
	if !filter.CategoryID.IsZero() {
		ids, err := s.descendants(ctx, filter.CategoryID)
		if err != nil {
			return commerce.Page[catalog.Product]{}, err
		}
		if len(ids) == 0 {
			return commerce.Page[catalog.Product]{Items: []catalog.Product{}}, nil
		}
		q = append(q, bson.E{Key: "category_ids", Value: bson.D{{Key: "$in", Value: ids}}})
	}
	docs, err := findPage[productDoc](ctx, s.products, q, after, page.Limit, productReadProjection)
	if err != nil {
		return commerce.Page[catalog.Product]{}, classify(err, "list products")
	}
	items := make([]catalog.Product, len(docs))
	for i, d := range docs {
		if items[i], err = d.product(); err != nil {
			return commerce.Page[catalog.Product]{}, err
		}
	}
	return pageEnd(items, page.Limit, func(p catalog.Product) string { return p.ID.String() })
}

// descendants returns the IDs of category id and every category below it.
func (s *CatalogStore) descendants(ctx context.Context, id commerce.CategoryID) ([]string, error) {
	cur, err := s.categories.Find(ctx, bson.D{{Key: "path", Value: id.String()}}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, classify(err, "list categories below "+id.String())
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, classify(err, "list categories below "+id.String())
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}

// LookupSKUs implements catalog.Store in one query.
func (s *CatalogStore) LookupSKUs(ctx context.Context, currency commerce.Currency, skus []string) (map[string]catalog.SKULookup, error) {
	out := make(map[string]catalog.SKULookup, len(skus))
	if len(skus) == 0 {
		return out, nil
	}
	cur, err := s.products.Find(ctx, bson.D{{Key: "skus", Value: bson.D{{Key: "$in", Value: skus}}}, {Key: "state", Value: stateLive}},
		options.Find().SetProjection(productReadProjection))
	if err != nil {
		return nil, classify(err, "look up SKUs")
	}
	var docs []productDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, classify(err, "look up SKUs")
	}
	wanted := make(map[string]bool, len(skus))
	for _, sku := range skus {
		wanted[sku] = true
	}
	for _, d := range docs {
		p, err := d.product()
		if err != nil {
			return nil, err
		}
		for _, v := range p.Variants {
			if !wanted[v.SKU] {
				continue
			}
			l := catalog.SKULookup{SKU: v.SKU, ProductID: p.ID, VariantID: v.ID, ProductTitle: p.Title, Options: v.Options, Status: p.Status}
			l.Price, l.HasPrice = v.Price(currency)
			out[v.SKU] = l
		}
	}
	return out, nil
}

// ListReviews implements catalog.Store. Reviews not yet counted in their
// product's rating are not listed.
func (s *CatalogStore) ListReviews(ctx context.Context, productID commerce.ProductID, page commerce.PageRequest) (commerce.Page[catalog.Review], error) {
	page, after, err := pageStart(page)
	if err != nil {
		return commerce.Page[catalog.Review]{}, err
	}
	docs, err := findPage[reviewDoc](ctx, s.reviews, bson.D{{Key: "product_id", Value: productID.String()}, {Key: "counted", Value: true}}, after, page.Limit, nil)
	if err != nil {
		return commerce.Page[catalog.Review]{}, classify(err, "list reviews")
	}
	items := make([]catalog.Review, len(docs))
	for i, d := range docs {
		items[i] = d.review()
	}
	return pageEnd(items, page.Limit, func(r catalog.Review) string { return r.ID.String() })
}
