package httpapi

import (
	"net/http"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// MoveCategoryRequest is the body of POST /admin/categories/{id}/move.
type MoveCategoryRequest struct {
	// ParentID is the new parent; empty makes the category a root.
	ParentID commerce.CategoryID `json:"parent_id,omitempty"`
}

// adminCategoryRoutes move and delete categories.
func (a *API) adminCategoryRoutes() {
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/categories/{id}/move", Tag: "admin catalog", Auth: Admin,
		Summary: "Move a category, with everything below it, under parent_id (or to the root when it is empty); its products are re-indexed. A move under the category itself or below it is refused",
		Request: MoveCategoryRequest{}, Response: catalog.Category{},
		handle: withID("id", func(id commerce.CategoryID) handler {
			return replyWith(a, func(r *http.Request, in MoveCategoryRequest) (catalog.Category, error) {
				return a.svc.Catalog.MoveCategory(r.Context(), id, in.ParentID)
			})
		}),
	})
	a.add(Route{
		Method: http.MethodDelete, Path: "/admin/categories/{id}", Tag: "admin catalog", Auth: Admin,
		Summary: "Delete a category that has no subcategories and holds no products; otherwise the answer says which",
		handle: withID("id", func(id commerce.CategoryID) handler {
			return noContent(func(r *http.Request) error { return a.svc.Catalog.DeleteCategory(r.Context(), id) })
		}),
	})
}
