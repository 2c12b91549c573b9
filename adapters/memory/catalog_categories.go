package memory

import (
	"context"
	"slices"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

var _ catalog.CategoryEditor = (*CatalogStore)(nil)

// MoveCategory implements catalog.CategoryEditor under the store's lock.
func (s *CatalogStore) MoveCategory(ctx context.Context, id, parentID commerce.CategoryID, check func(catalog.Category, *catalog.Category) error,
	events func([]catalog.Category, commerce.CategoryID) []commerce.Envelope) ([]catalog.Category, error) {
	moved, evs, err := s.moveCategory(id, parentID, check, events)
	if err != nil {
		return nil, err
	}
	return moved, publish(ctx, s.opts.publisher(), evs)
}

func (s *CatalogStore) moveCategory(id, parentID commerce.CategoryID, check func(catalog.Category, *catalog.Category) error,
	events func([]catalog.Category, commerce.CategoryID) []commerce.Envelope) ([]catalog.Category, []commerce.Envelope, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.categories[id]
	if !ok {
		return nil, nil, catalogNotFound("category %s not found", id)
	}
	var parent *catalog.Category
	var prefix []commerce.CategoryID
	if !parentID.IsZero() {
		p, ok := s.categories[parentID]
		if !ok {
			return nil, nil, commerce.Errorf(commerce.CodeFailedPrecondition, "memory: parent category %s does not exist", parentID).WithDetail("field", "parent_id")
		}
		p = p.Clone()
		parent, prefix = &p, p.Path
	}
	if err := check(c.Clone(), parent); err != nil {
		return nil, nil, err
	}
	depth := len(c.Path) - 1 // where id sits in its descendants' paths
	moved := []catalog.Category{}
	for _, d := range catalogSorted(s.categories, func(c catalog.Category) commerce.CategoryID { return c.ID }) {
		if len(d.Path) <= depth || d.Path[depth] != id {
			continue
		}
		d = d.Clone()
		d.Path = append(slices.Clone(prefix), d.Path[depth:]...)
		if d.ID == id {
			d.ParentID = parentID
			moved = append([]catalog.Category{d}, moved...)
		} else {
			moved = append(moved, d)
		}
	}
	for _, d := range moved {
		s.categories[d.ID] = d
	}
	out := make([]catalog.Category, len(moved))
	for i, d := range moved {
		out[i] = d.Clone()
	}
	return out, events(out, c.ParentID), nil
}

// DeleteCategory implements catalog.CategoryEditor under the store's lock.
func (s *CatalogStore) DeleteCategory(ctx context.Context, id commerce.CategoryID, events []commerce.Envelope) error {
	if err := s.deleteCategory(id); err != nil {
		return err
	}
	return publish(ctx, s.opts.publisher(), events)
}

func (s *CatalogStore) deleteCategory(id commerce.CategoryID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.categories[id]
	if !ok {
		return catalogNotFound("category %s not found", id)
	}
	children := 0
	for _, d := range s.categories {
		if d.ParentID == id {
			children++
		}
	}
	if children > 0 {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "category %s still has %d subcategories: move or delete them first", c.Handle, children).
			WithDetail("category_id", id.String()).WithDetail("subcategories", children)
	}
	products := 0
	for _, p := range s.products {
		if slices.Contains(p.CategoryIDs, id) {
			products++
		}
	}
	if products > 0 {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "category %s still holds %d products: move them to another category first", c.Handle, products).
			WithDetail("category_id", id.String()).WithDetail("products", products)
	}
	delete(s.categories, id)
	delete(s.categoryHandles, c.Handle)
	return nil
}
