package catalog

import (
	"context"
	"errors"
	"slices"

	"github.com/mercatohq/mercato/commerce"
)

// CategoryEditor is the Store capability of moving and deleting
// categories; the memory and PostgreSQL stores have it. Service.
// MoveCategory and DeleteCategory are FailedPrecondition over a store
// without it.
type CategoryEditor interface {
	// MoveCategory makes parentID (empty: none, a root) the parent of
	// category id, rewriting the Path of id and of every category below
	// it, atomically with the events events returns for the moved
	// categories as stored (id first). Moves are serialised with one
	// another, so concurrent moves leave a tree: check is called inside
	// that lock with the category and the new parent as they are then
	// (parent nil for a root) and refuses a cycle with an error, which is
	// returned as is and writes nothing. A missing category is NotFound, a
	// missing parent FailedPrecondition. It returns the moved categories.
	MoveCategory(ctx context.Context, id, parentID commerce.CategoryID, check func(c Category, parent *Category) error,
		events func(moved []Category, previousParent commerce.CategoryID) []commerce.Envelope) ([]Category, error)
	// DeleteCategory deletes category id with events, unless a category
	// is below it or a product is in it: then it is FailedPrecondition
	// and nothing changes. The check and the delete are atomic with
	// writes of products naming the category. A missing category is
	// NotFound.
	DeleteCategory(ctx context.Context, id commerce.CategoryID, events []commerce.Envelope) error
}

// CategoryMoved is published when a category, with everything below it,
// moves under another parent (category.moved). Categories lists the
// moved categories with their new paths, the moved one first; the
// products in them are found in every ancestor of their new place, so a
// search index re-indexes them.
type CategoryMoved struct {
	CategoryID       commerce.CategoryID `json:"category_id"`
	PreviousParentID commerce.CategoryID `json:"previous_parent_id,omitempty"`
	ParentID         commerce.CategoryID `json:"parent_id,omitempty"`
	Categories       []Category          `json:"categories"`
}

// EventName returns "category.moved".
func (CategoryMoved) EventName() string { return "category.moved" }

// CategoryDeleted is published when a category is deleted
// (category.deleted).
type CategoryDeleted struct {
	CategoryID commerce.CategoryID `json:"category_id"`
	Handle     string              `json:"handle"`
}

// EventName returns "category.deleted".
func (CategoryDeleted) EventName() string { return "category.deleted" }

// MoveCategory moves category id, with its subtree, under parentID, or
// to the root when parentID is empty, and publishes category.moved, which
// the search indexer follows to re-index the subtree's products. Moving a
// category under itself or under one of its descendants is
// FailedPrecondition (the tree would get a cycle), checked under the
// store's lock so concurrent moves cannot build one either. Moving it
// where it is returns it unchanged. A missing category is NotFound, a
// missing parent FailedPrecondition.
func (s *Service) MoveCategory(ctx context.Context, id, parentID commerce.CategoryID) (Category, error) {
	if err := id.Validate(); err != nil {
		return Category{}, invalid("category_id", "category id: %w", err)
	}
	if !parentID.IsZero() {
		if err := parentID.Validate(); err != nil {
			return Category{}, invalid("parent_id", "parent id: %w", err)
		}
	}
	ed, err := s.categoryEditor()
	if err != nil {
		return Category{}, err
	}
	var same *Category
	moved, err := ed.MoveCategory(ctx, id, parentID, func(c Category, parent *Category) error {
		if c.ParentID == parentID {
			same = &c
			return errCategoryUnchanged
		}
		if parent != nil && slices.Contains(parent.Path, c.ID) {
			return commerce.Errorf(commerce.CodeFailedPrecondition, "catalog: category %s cannot move under %s, which lies below it", c.ID, parent.ID).
				WithDetail("field", "parent_id")
		}
		return nil
	}, func(moved []Category, previousParent commerce.CategoryID) []commerce.Envelope {
		c := moved[0]
		cats := make([]Category, len(moved))
		for i, m := range moved {
			cats[i] = m.Clone()
		}
		return []commerce.Envelope{commerce.NewEnvelope(c.ID.String(), s.now(),
			CategoryMoved{CategoryID: c.ID, PreviousParentID: previousParent, ParentID: c.ParentID, Categories: cats})}
	})
	if same != nil && errors.Is(err, errCategoryUnchanged) {
		return *same, nil
	}
	if err != nil {
		return Category{}, err
	}
	return moved[0], nil
}

// errCategoryUnchanged ends a move to where the category is.
var errCategoryUnchanged = errors.New("catalog: category unchanged")

// DeleteCategory deletes category id and publishes category.deleted. A
// category with categories below it or products in it is
// FailedPrecondition saying so; move or delete those first. A missing
// category is NotFound.
func (s *Service) DeleteCategory(ctx context.Context, id commerce.CategoryID) error {
	if err := id.Validate(); err != nil {
		return invalid("category_id", "category id: %w", err)
	}
	ed, err := s.categoryEditor()
	if err != nil {
		return err
	}
	c, err := s.store.GetCategory(ctx, id)
	if err != nil {
		return err
	}
	return ed.DeleteCategory(ctx, id, []commerce.Envelope{commerce.NewEnvelope(id.String(), s.now(), CategoryDeleted{CategoryID: id, Handle: c.Handle})})
}

func (s *Service) categoryEditor() (CategoryEditor, error) {
	ed, ok := s.store.(CategoryEditor)
	if !ok {
		return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "catalog: this store cannot move or delete categories")
	}
	return ed, nil
}
