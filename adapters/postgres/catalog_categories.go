package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

var _ catalog.CategoryEditor = (*CatalogStore)(nil)

// categoryMoveLock is the transaction-scoped advisory lock every move
// takes, so moves are serialised and each sees the tree the previous one
// left: two concurrent moves cannot build a cycle between them.
const categoryMoveLock int64 = 0x6d657263_6174 // "mercat"

// MoveCategory implements catalog.CategoryEditor in one transaction: the
// move lock, the reads, one UPDATE rewriting the subtree's paths by
// their prefix, and the events.
func (s *CatalogStore) MoveCategory(ctx context.Context, id, parentID commerce.CategoryID, check func(catalog.Category, *catalog.Category) error,
	events func([]catalog.Category, commerce.CategoryID) []commerce.Envelope) ([]catalog.Category, error) {
	var moved []catalog.Category
	err := inTx(ctx, s.pool, "move category "+id.String(), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, categoryMoveLock); err != nil {
			return err
		}
		c, err := scanCategory(tx.QueryRow(ctx, `SELECT `+categoryColumns+` FROM catalog_categories WHERE id = $1`, id.String()))
		if errors.Is(err, pgx.ErrNoRows) {
			return commerce.Errorf(commerce.CodeNotFound, "postgres: category %s not found", id)
		}
		if err != nil {
			return err
		}
		var parent *catalog.Category
		var prefix []commerce.CategoryID
		if !parentID.IsZero() {
			p, err := scanCategory(tx.QueryRow(ctx, `SELECT `+categoryColumns+` FROM catalog_categories WHERE id = $1`, parentID.String()))
			if errors.Is(err, pgx.ErrNoRows) {
				return commerce.Errorf(commerce.CodeFailedPrecondition, "postgres: parent category %s does not exist", parentID).WithDetail("field", "parent_id")
			}
			if err != nil {
				return err
			}
			parent, prefix = &p, p.Path
		}
		if err := check(c.Clone(), parent); err != nil {
			return err
		}
		oldPath := categoryPath(c.Path)
		newPath := categoryPath(append(append([]commerce.CategoryID(nil), prefix...), id))
		var newParent *string
		if !parentID.IsZero() {
			p := parentID.String()
			newParent = &p
		}
		rows, err := tx.Query(ctx, `UPDATE catalog_categories
			SET path = $2 || substr(path, length($1) + 1),
			    parent_id = CASE WHEN id = $3 THEN $4 ELSE parent_id END
			WHERE starts_with(path, $1)
			RETURNING `+categoryColumns, oldPath, newPath, id.String(), newParent)
		if err != nil {
			return err
		}
		all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (catalog.Category, error) { return scanCategory(r) })
		if err != nil {
			return err
		}
		moved = moved[:0]
		for _, d := range all {
			if d.ID == id {
				moved = append([]catalog.Category{d}, moved...)
			} else {
				moved = append(moved, d)
			}
		}
		return s.opts.publish(ctx, tx, events(moved, c.ParentID))
	})
	if err != nil {
		return nil, err
	}
	return moved, nil
}

// DeleteCategory implements catalog.CategoryEditor. It locks the
// category's row first: a product write naming the category holds a
// share lock on it (checkCategories), so the counts below see every
// product committed before, and a product written after finds the
// category gone.
func (s *CatalogStore) DeleteCategory(ctx context.Context, id commerce.CategoryID, events []commerce.Envelope) error {
	return inTx(ctx, s.pool, "delete category "+id.String(), func(tx pgx.Tx) error {
		var handle string
		err := tx.QueryRow(ctx, `SELECT handle FROM catalog_categories WHERE id = $1 FOR UPDATE`, id.String()).Scan(&handle)
		if errors.Is(err, pgx.ErrNoRows) {
			return commerce.Errorf(commerce.CodeNotFound, "postgres: category %s not found", id)
		}
		if err != nil {
			return err
		}
		var children, products int
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM catalog_categories WHERE parent_id = $1),
			(SELECT count(*) FROM catalog_products WHERE category_ids @> ARRAY[$1]::text[])`, id.String()).Scan(&children, &products); err != nil {
			return err
		}
		if children > 0 {
			return commerce.Errorf(commerce.CodeFailedPrecondition, "category %s still has %d subcategories: move or delete them first", handle, children).
				WithDetail("category_id", id.String()).WithDetail("subcategories", children)
		}
		if products > 0 {
			return commerce.Errorf(commerce.CodeFailedPrecondition, "category %s still holds %d products: move them to another category first", handle, products).
				WithDetail("category_id", id.String()).WithDetail("products", products)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM catalog_categories WHERE id = $1`, id.String()); err != nil {
			return err
		}
		return s.opts.publish(ctx, tx, events)
	})
}
