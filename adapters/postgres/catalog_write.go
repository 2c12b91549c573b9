package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// Column lists of the COPY-based batch insert.
var (
	productCopyColumns = []string{"id", "handle", "title", "description", "brand_id", "category_ids", "attributes",
		"images", "status", "rating_count", "rating_sum", "created_at", "updated_at"}
	variantCopyColumns = []string{"id", "product_id", "position", "sku", "options", "weight_grams"}
	priceCopyColumns   = []string{"variant_id", "currency", "amount", "compare_at"}
)

func nullableBrand(id commerce.BrandID) *string {
	if id.IsZero() {
		return nil
	}
	s := id.String()
	return &s
}

func categoryStrings(ids []commerce.CategoryID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// checkCategories fails with FailedPrecondition when a category of ids
// does not exist. It holds a share lock on the categories it finds until
// the writing transaction ends, so DeleteCategory, which locks the row
// for update, cannot delete one meanwhile.
func checkCategories(ctx context.Context, tx pgx.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM catalog_categories WHERE id = ANY($1::text[]) ORDER BY id FOR SHARE`, ids); err != nil {
		return err
	}
	var missing []string
	err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(x), '{}') FROM unnest($1::text[]) AS x
		WHERE NOT EXISTS (SELECT 1 FROM catalog_categories c WHERE c.id = x)`, ids).Scan(&missing)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "postgres: category %v does not exist", missing).WithDetail("category_ids", missing)
	}
	return nil
}

// variantRows returns the COPY rows of products' variants and prices.
func variantRows(products []catalog.Product) (variants, prices [][]any) {
	for _, p := range products {
		for pos, v := range p.Variants {
			variants = append(variants, []any{v.ID.String(), p.ID.String(), pos, v.SKU, nonNilMap(v.Options), v.WeightGrams})
			for _, m := range v.Prices {
				var compareAt *int64
				if c, ok := v.CompareAtPrice(m.Currency()); ok {
					a := c.Amount()
					compareAt = &a
				}
				prices = append(prices, []any{v.ID.String(), string(m.Currency()), m.Amount(), compareAt})
			}
		}
	}
	return variants, prices
}

// CreateProducts implements catalog.Store: one transaction, three COPYs
// (products, variants, prices) and the outbox writes.
func (s *CatalogStore) CreateProducts(ctx context.Context, products []catalog.Product, events []commerce.Envelope) error {
	if len(products) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		seen := map[string]bool{}
		var cats []string
		for _, p := range products {
			for _, c := range p.CategoryIDs {
				if !seen[c.String()] {
					seen[c.String()] = true
					cats = append(cats, c.String())
				}
			}
		}
		if err := checkCategories(ctx, tx, cats); err != nil {
			return err
		}
		rows := make([][]any, len(products))
		for i, p := range products {
			rows[i] = []any{p.ID.String(), p.Handle, p.Title, p.Description, nullableBrand(p.BrandID),
				categoryStrings(p.CategoryIDs), nonNilMap(p.Attributes), nonNilStrings(p.Images), string(p.Status),
				p.Rating.Count, p.Rating.Sum, p.CreatedAt, p.UpdatedAt}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"catalog_products"}, productCopyColumns, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		variants, prices := variantRows(products)
		if len(variants) > 0 {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"catalog_variants"}, variantCopyColumns, pgx.CopyFromRows(variants)); err != nil {
				return err
			}
		}
		if len(prices) > 0 {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"catalog_variant_prices"}, priceCopyColumns, pgx.CopyFromRows(prices)); err != nil {
				return err
			}
		}
		return s.opts.publish(ctx, tx, events)
	})
	return catalogConflict(err, "create products")
}

// UpdateProduct implements catalog.Store. The product row is locked FOR
// UPDATE for the length of the transaction, which serialises updates and
// reviews of one product.
func (s *CatalogStore) UpdateProduct(ctx context.Context, id commerce.ProductID, fn func(*catalog.Product) ([]commerce.Envelope, error)) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		stored, err := lockProduct(ctx, tx, id)
		if err != nil {
			return err
		}
		p := stored.Clone()
		events, err := fn(&p)
		if err != nil {
			return err
		}
		if len(events) == 0 && p.UpdatedAt.Equal(stored.UpdatedAt) {
			return nil // nothing changed
		}
		if err := checkCategories(ctx, tx, categoryStrings(p.CategoryIDs)); err != nil {
			return err
		}
		keep := make([]string, len(p.Variants))
		for i, v := range p.Variants {
			keep[i] = v.ID.String()
		}
		b := &pgx.Batch{}
		b.Queue(`UPDATE catalog_products SET handle = $2, title = $3, description = $4, brand_id = $5, category_ids = $6,
			attributes = $7, images = $8, status = $9, updated_at = $10 WHERE id = $1`,
			id.String(), p.Handle, p.Title, p.Description, nullableBrand(p.BrandID), categoryStrings(p.CategoryIDs),
			nonNilMap(p.Attributes), nonNilStrings(p.Images), string(p.Status), p.UpdatedAt)
		// Removed variants go first, so their SKUs are free for the rest.
		b.Queue(`DELETE FROM catalog_variants WHERE product_id = $1 AND NOT (id = ANY($2))`, id.String(), keep)
		b.Queue(`DELETE FROM catalog_variant_prices WHERE variant_id = ANY($1)`, keep)
		p.ID = id
		variants, prices := variantRows([]catalog.Product{p})
		for _, v := range variants {
			b.Queue(`INSERT INTO catalog_variants (id, product_id, position, sku, options, weight_grams) VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (id) DO UPDATE SET position = excluded.position, sku = excluded.sku,
					options = excluded.options, weight_grams = excluded.weight_grams
				WHERE catalog_variants.product_id = excluded.product_id`, v...)
		}
		for _, pr := range prices {
			b.Queue(`INSERT INTO catalog_variant_prices (variant_id, currency, amount, compare_at) VALUES ($1, $2, $3, $4)`, pr...)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		return s.opts.publish(ctx, tx, events)
	})
	return catalogConflict(err, "update product "+id.String())
}

// lockProduct locks the product row and then reads the product. Two
// statements, not one SELECT ... FOR UPDATE: in READ COMMITTED a locking
// read that waited re-checks the locked row but not its subqueries, so
// the variants would come from the snapshot taken before the wait and a
// concurrent update's variants would be lost. The second statement takes
// a fresh snapshot, after the lock.
func lockProduct(ctx context.Context, tx pgx.Tx, id commerce.ProductID) (catalog.Product, error) {
	var one int
	if err := tx.QueryRow(ctx, `SELECT 1 FROM catalog_products WHERE id = $1 FOR UPDATE`, id.String()).Scan(&one); err != nil {
		return catalog.Product{}, err
	}
	return scanProduct(tx.QueryRow(ctx, productSelect+` WHERE p.id = $1`, id.String()))
}

// DeleteProduct implements catalog.Store. Variants, prices and reviews go
// with the product (ON DELETE CASCADE).
func (s *CatalogStore) DeleteProduct(ctx context.Context, id commerce.ProductID, fn func(catalog.Product) ([]commerce.Envelope, error)) error {
	return inTx(ctx, s.pool, "delete product "+id.String(), func(tx pgx.Tx) error {
		p, err := lockProduct(ctx, tx, id)
		if err != nil {
			return err
		}
		events, err := fn(p)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM catalog_products WHERE id = $1`, id.String()); err != nil {
			return err
		}
		return s.opts.publish(ctx, tx, events)
	})
}

// AddReview implements catalog.Store. The rating update comes first: it
// locks the product row (or finds none), so concurrent reviews of one
// product queue there and each sees the previous one's count.
func (s *CatalogStore) AddReview(ctx context.Context, r catalog.Review, events func(catalog.Rating) []commerce.Envelope) (catalog.Rating, error) {
	var rating catalog.Rating
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE catalog_products SET rating_count = rating_count + 1, rating_sum = rating_sum + $2
			WHERE id = $1 RETURNING rating_count, rating_sum`, r.ProductID.String(), r.Rating).Scan(&rating.Count, &rating.Sum)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO catalog_reviews (id, product_id, customer_id, rating, title, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			r.ID.String(), r.ProductID.String(), r.CustomerID.String(), r.Rating, r.Title, r.Body, r.CreatedAt); err != nil {
			return err
		}
		return s.opts.publish(ctx, tx, events(rating))
	})
	if err != nil {
		return catalog.Rating{}, catalogConflict(err, "add review to product "+r.ProductID.String())
	}
	return rating, nil
}
