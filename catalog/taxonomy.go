package catalog

import (
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Brand is a product's maker or label.
type Brand struct {
	ID        commerce.BrandID `json:"id"`
	Name      string           `json:"name"`
	Handle    string           `json:"handle"`
	CreatedAt time.Time        `json:"created_at"`
}

// Category is a node of the category tree. A product in a category is
// also found when listing any of its ancestors.
type Category struct {
	ID     commerce.CategoryID `json:"id"`
	Name   string              `json:"name"`
	Handle string              `json:"handle"`
	// ParentID is empty for a root category.
	ParentID commerce.CategoryID `json:"parent_id,omitempty"`
	// Path lists the category's ancestors from the root down, ending with
	// the category itself: a materialised path, so descendants are the
	// categories whose path starts with this one's.
	Path      []commerce.CategoryID `json:"path"`
	CreatedAt time.Time             `json:"created_at"`
}

// Clone returns a deep copy of c.
func (c Category) Clone() Category {
	c.Path = slices.Clone(c.Path)
	return c
}

// IsDescendantOf reports whether c is ancestor or lies below it.
func (c Category) IsDescendantOf(ancestor commerce.CategoryID) bool {
	return slices.Contains(c.Path, ancestor)
}
