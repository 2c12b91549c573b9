package postgres

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// CatalogStore is a catalog.Store on PostgreSQL (tables catalog_*, see
// migrations/0001_catalog.sql). Products, variants and prices are
// written in one transaction with their events; handles and SKUs are
// unique by constraint; a review and the product's rating change in one
// transaction that locks the product row. Bulk creates use COPY.
type CatalogStore struct {
	pool *pgxpool.Pool
	opts *Options
}

var _ catalog.Store = (*CatalogStore)(nil)

// NewCatalogStore returns a catalog store on pool, whose schema Migrate
// has brought up to date. opts may be nil.
func NewCatalogStore(pool *pgxpool.Pool, opts *Options) (*CatalogStore, error) {
	if pool == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "postgres: NewCatalogStore needs a pool")
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return &CatalogStore{pool: pool, opts: opts}, nil
}

// catalogIDCursor is the keyset position of every ID-ordered catalog list.
type catalogIDCursor struct {
	After string `json:"after"`
}

// catalogPageStart normalises page and decodes its cursor.
func catalogPageStart(page commerce.PageRequest) (commerce.PageRequest, string, error) {
	page, err := page.Normalize()
	if err != nil {
		return page, "", err
	}
	var cur catalogIDCursor
	if page.Cursor != "" {
		if err := commerce.DecodeCursor(page.Cursor, &cur); err != nil {
			return page, "", err
		}
	}
	return page, cur.After, nil
}

// catalogPageEnd trims items fetched with one extra row to detect a next
// page, and sets the cursor.
func catalogPageEnd[T any](items []T, limit int, key func(T) string) (commerce.Page[T], error) {
	out := commerce.Page[T]{Items: items}
	if out.Items == nil {
		out.Items = []T{}
	}
	if len(items) > limit {
		out.Items = items[:limit]
		next, err := commerce.EncodeCursor(catalogIDCursor{After: key(out.Items[limit-1])})
		if err != nil {
			return commerce.Page[T]{}, err
		}
		out.NextCursor = next
	}
	return out, nil
}

// catalogConflict names what a unique violation was about. A named one
// says it in plain words and leaves the driver's error out of the chain:
// its text quotes the constraint and the values, and the plain words are
// all a client needs.
func catalogConflict(err error, doing string) error {
	classified := classify(err, doing)
	if commerce.Code(classified) != commerce.CodeConflict {
		return classified
	}
	what := map[string]string{
		"catalog_brands_handle_key":        "brand handle is taken",
		"catalog_categories_handle_key":    "category handle is taken",
		"catalog_products_handle_key":      "product handle is taken",
		"catalog_variants_sku_key":         "SKU is taken",
		"catalog_reviews_one_per_customer": "the customer already reviewed this product",
	}[constraintOf(err)]
	if what == "" {
		return classified
	}
	return commerce.Errorf(commerce.CodeConflict, "postgres: %s: %s", doing, what)
}

// CreateBrand implements catalog.Store.
func (s *CatalogStore) CreateBrand(ctx context.Context, b catalog.Brand) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO catalog_brands (id, name, handle, created_at) VALUES ($1, $2, $3, $4)`,
		b.ID.String(), b.Name, b.Handle, b.CreatedAt)
	return catalogConflict(err, "create brand")
}

// GetBrand implements catalog.Store.
func (s *CatalogStore) GetBrand(ctx context.Context, id commerce.BrandID) (catalog.Brand, error) {
	var b catalog.Brand
	err := s.pool.QueryRow(ctx, `SELECT id, name, handle, created_at FROM catalog_brands WHERE id = $1`, id.String()).
		Scan(&b.ID, &b.Name, &b.Handle, &b.CreatedAt)
	b.CreatedAt = b.CreatedAt.UTC()
	return b, classify(err, "get brand "+id.String())
}

// ListBrands implements catalog.Store.
func (s *CatalogStore) ListBrands(ctx context.Context, page commerce.PageRequest) (commerce.Page[catalog.Brand], error) {
	page, after, err := catalogPageStart(page)
	if err != nil {
		return commerce.Page[catalog.Brand]{}, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, name, handle, created_at FROM catalog_brands WHERE id > $1 ORDER BY id LIMIT $2`, after, page.Limit+1)
	if err != nil {
		return commerce.Page[catalog.Brand]{}, classify(err, "list brands")
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (catalog.Brand, error) {
		var b catalog.Brand
		err := r.Scan(&b.ID, &b.Name, &b.Handle, &b.CreatedAt)
		b.CreatedAt = b.CreatedAt.UTC()
		return b, err
	})
	if err != nil {
		return commerce.Page[catalog.Brand]{}, classify(err, "list brands")
	}
	return catalogPageEnd(items, page.Limit, func(b catalog.Brand) string { return b.ID.String() })
}

func categoryPath(ids []commerce.CategoryID) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(id.String())
		b.WriteByte('/')
	}
	return b.String()
}

func parseCategoryPath(s string) []commerce.CategoryID {
	parts := strings.Split(strings.TrimSuffix(s, "/"), "/")
	out := make([]commerce.CategoryID, len(parts))
	for i, p := range parts {
		out[i] = commerce.CategoryID(p)
	}
	return out
}

// CreateCategory implements catalog.Store.
func (s *CatalogStore) CreateCategory(ctx context.Context, c catalog.Category) error {
	var parent *string
	if !c.ParentID.IsZero() {
		p := c.ParentID.String()
		parent = &p
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO catalog_categories (id, name, handle, parent_id, path, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.ID.String(), c.Name, c.Handle, parent, categoryPath(c.Path), c.CreatedAt)
	return catalogConflict(err, "create category")
}

const categoryColumns = `id, name, handle, coalesce(parent_id, ''), path, created_at`

func scanCategory(r pgx.Row) (catalog.Category, error) {
	var c catalog.Category
	var path string
	err := r.Scan(&c.ID, &c.Name, &c.Handle, &c.ParentID, &path, &c.CreatedAt)
	c.Path = parseCategoryPath(path)
	c.CreatedAt = c.CreatedAt.UTC()
	return c, err
}

// GetCategory implements catalog.Store.
func (s *CatalogStore) GetCategory(ctx context.Context, id commerce.CategoryID) (catalog.Category, error) {
	c, err := scanCategory(s.pool.QueryRow(ctx, `SELECT `+categoryColumns+` FROM catalog_categories WHERE id = $1`, id.String()))
	return c, classify(err, "get category "+id.String())
}

// ListCategories implements catalog.Store.
func (s *CatalogStore) ListCategories(ctx context.Context, page commerce.PageRequest) (commerce.Page[catalog.Category], error) {
	page, after, err := catalogPageStart(page)
	if err != nil {
		return commerce.Page[catalog.Category]{}, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+categoryColumns+` FROM catalog_categories WHERE id > $1 ORDER BY id LIMIT $2`, after, page.Limit+1)
	if err != nil {
		return commerce.Page[catalog.Category]{}, classify(err, "list categories")
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (catalog.Category, error) { return scanCategory(r) })
	if err != nil {
		return commerce.Page[catalog.Category]{}, classify(err, "list categories")
	}
	return catalogPageEnd(items, page.Limit, func(c catalog.Category) string { return c.ID.String() })
}

// productSelect reads a product with its variants and their prices as one
// row: the variants arrive as a JSON array, so any product query is one
// round trip.
const productSelect = `SELECT p.id, p.handle, p.title, p.description, coalesce(p.brand_id, ''), p.category_ids,
	p.attributes, p.images, p.status, p.rating_count, p.rating_sum, p.created_at, p.updated_at,
	(SELECT coalesce(jsonb_agg(jsonb_build_object(
			'id', v.id, 'sku', v.sku, 'options', v.options, 'weight_grams', v.weight_grams,
			'prices', (SELECT coalesce(jsonb_agg(jsonb_build_array(pr.currency, pr.amount, pr.compare_at) ORDER BY pr.currency), '[]')
				FROM catalog_variant_prices pr WHERE pr.variant_id = v.id)
		) ORDER BY v.position), '[]')
	FROM catalog_variants v WHERE v.product_id = p.id)
FROM catalog_products p`

// variantJSON is a variant as productSelect aggregates it; each price is
// [currency, amount, compare_at or null].
type variantJSON struct {
	ID          commerce.VariantID   `json:"id"`
	SKU         string               `json:"sku"`
	Options     map[string]string    `json:"options"`
	WeightGrams int64                `json:"weight_grams"`
	Prices      [][3]json.RawMessage `json:"prices"`
}

func scanProduct(r pgx.Row) (catalog.Product, error) {
	var (
		p        catalog.Product
		cats     []string
		variants []byte
	)
	err := r.Scan(&p.ID, &p.Handle, &p.Title, &p.Description, &p.BrandID, &cats, &p.Attributes, &p.Images,
		&p.Status, &p.Rating.Count, &p.Rating.Sum, &p.CreatedAt, &p.UpdatedAt, &variants)
	if err != nil {
		return catalog.Product{}, err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if len(cats) > 0 {
		p.CategoryIDs = make([]commerce.CategoryID, len(cats))
		for i, c := range cats {
			p.CategoryIDs[i] = commerce.CategoryID(c)
		}
	}
	if len(p.Attributes) == 0 {
		p.Attributes = nil
	}
	if len(p.Images) == 0 {
		p.Images = nil
	}
	var vs []variantJSON
	if err := json.Unmarshal(variants, &vs); err != nil {
		return catalog.Product{}, commerce.Errorf(commerce.CodeInternal, "postgres: decode variants of %s: %w", p.ID, err)
	}
	p.Variants = make([]catalog.Variant, len(vs))
	for i, v := range vs {
		out := catalog.Variant{ID: v.ID, ProductID: p.ID, SKU: v.SKU, WeightGrams: v.WeightGrams}
		if len(v.Options) > 0 {
			out.Options = v.Options
		}
		for _, pr := range v.Prices {
			var (
				cur       commerce.Currency
				amount    int64
				compareAt *int64
			)
			if err := errorsJoin(json.Unmarshal(pr[0], &cur), json.Unmarshal(pr[1], &amount), json.Unmarshal(pr[2], &compareAt)); err != nil {
				return catalog.Product{}, commerce.Errorf(commerce.CodeInternal, "postgres: decode a price of %s: %w", v.SKU, err)
			}
			m, err := commerce.NewMoney(amount, cur)
			if err != nil {
				return catalog.Product{}, commerce.Errorf(commerce.CodeInternal, "postgres: price of %s: %w", v.SKU, err)
			}
			out.Prices = append(out.Prices, m)
			if compareAt != nil {
				c, _ := commerce.NewMoney(*compareAt, cur)
				out.CompareAt = append(out.CompareAt, c)
			}
		}
		p.Variants[i] = out
	}
	return p, nil
}

func errorsJoin(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// GetProduct implements catalog.Store.
func (s *CatalogStore) GetProduct(ctx context.Context, id commerce.ProductID) (catalog.Product, error) {
	p, err := scanProduct(s.pool.QueryRow(ctx, productSelect+` WHERE p.id = $1`, id.String()))
	return p, classify(err, "get product "+id.String())
}

// GetProductByHandle implements catalog.Store.
func (s *CatalogStore) GetProductByHandle(ctx context.Context, handle string) (catalog.Product, error) {
	p, err := scanProduct(s.pool.QueryRow(ctx, productSelect+` WHERE p.handle = $1`, handle))
	return p, classify(err, "get product by handle "+strconv.Quote(handle))
}

// GetProductBySKU implements catalog.Store.
func (s *CatalogStore) GetProductBySKU(ctx context.Context, sku string) (catalog.Product, error) {
	p, err := scanProduct(s.pool.QueryRow(ctx, productSelect+` WHERE p.id = (SELECT product_id FROM catalog_variants WHERE sku = $1)`, sku))
	return p, classify(err, "get product by SKU "+strconv.Quote(sku))
}

// ListProducts implements catalog.Store. The WHERE clause is assembled
// from constant fragments, one per filter in use, so each combination gets
// a plan that uses its index; every value is a bind parameter.
func (s *CatalogStore) ListProducts(ctx context.Context, filter catalog.ProductFilter, page commerce.PageRequest) (commerce.Page[catalog.Product], error) {
	page, after, err := catalogPageStart(page)
	if err != nil {
		return commerce.Page[catalog.Product]{}, err
	}
	args := []any{after}
	where := []string{`p.id > $1`}
	if !filter.BrandID.IsZero() {
		args = append(args, filter.BrandID.String())
		where = append(where, `p.brand_id = $`+strconv.Itoa(len(args)))
	}
	if filter.Status != "" {
		args = append(args, string(filter.Status))
		where = append(where, `p.status = $`+strconv.Itoa(len(args)))
	}
	if !filter.CategoryID.IsZero() {
		args = append(args, filter.CategoryID.String())
		where = append(where, `p.category_ids && ARRAY(SELECT d.id FROM catalog_categories d
			WHERE starts_with(d.path, (SELECT c.path FROM catalog_categories c WHERE c.id = $`+strconv.Itoa(len(args))+`)))`)
	}
	args = append(args, page.Limit+1)
	query := productSelect + ` WHERE ` + strings.Join(where, ` AND `) + ` ORDER BY p.id LIMIT $` + strconv.Itoa(len(args))
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return commerce.Page[catalog.Product]{}, classify(err, "list products")
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (catalog.Product, error) { return scanProduct(r) })
	if err != nil {
		return commerce.Page[catalog.Product]{}, classify(err, "list products")
	}
	return catalogPageEnd(items, page.Limit, func(p catalog.Product) string { return p.ID.String() })
}

// LookupSKUs implements catalog.Store in one query.
func (s *CatalogStore) LookupSKUs(ctx context.Context, currency commerce.Currency, skus []string) (map[string]catalog.SKULookup, error) {
	rows, err := s.pool.Query(ctx, `SELECT v.sku, v.product_id, v.id, p.title, v.options, p.status, pr.amount
		FROM catalog_variants v
		JOIN catalog_products p ON p.id = v.product_id
		LEFT JOIN catalog_variant_prices pr ON pr.variant_id = v.id AND pr.currency = $1
		WHERE v.sku = ANY($2)`, string(currency), skus)
	if err != nil {
		return nil, classify(err, "look up SKUs")
	}
	out := make(map[string]catalog.SKULookup, len(skus))
	for rows.Next() {
		var (
			l      catalog.SKULookup
			amount *int64
		)
		if err := rows.Scan(&l.SKU, &l.ProductID, &l.VariantID, &l.ProductTitle, &l.Options, &l.Status, &amount); err != nil {
			rows.Close()
			return nil, classify(err, "look up SKUs")
		}
		if amount != nil {
			m, err := commerce.NewMoney(*amount, currency)
			if err != nil {
				rows.Close()
				return nil, err
			}
			l.Price, l.HasPrice = m, true
		}
		out[l.SKU] = l
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "look up SKUs")
	}
	return out, nil
}

// ListReviews implements catalog.Store.
func (s *CatalogStore) ListReviews(ctx context.Context, productID commerce.ProductID, page commerce.PageRequest) (commerce.Page[catalog.Review], error) {
	page, after, err := catalogPageStart(page)
	if err != nil {
		return commerce.Page[catalog.Review]{}, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, product_id, customer_id, rating, title, body, created_at
		FROM catalog_reviews WHERE product_id = $1 AND id > $2 ORDER BY id LIMIT $3`, productID.String(), after, page.Limit+1)
	if err != nil {
		return commerce.Page[catalog.Review]{}, classify(err, "list reviews")
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (catalog.Review, error) {
		var rv catalog.Review
		var created time.Time
		err := r.Scan(&rv.ID, &rv.ProductID, &rv.CustomerID, &rv.Rating, &rv.Title, &rv.Body, &created)
		rv.CreatedAt = created.UTC()
		return rv, err
	})
	if err != nil {
		return commerce.Page[catalog.Review]{}, classify(err, "list reviews")
	}
	return catalogPageEnd(items, page.Limit, func(r catalog.Review) string { return r.ID.String() })
}
