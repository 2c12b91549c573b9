package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// TestAdminMoveAndDeleteCategories: the admin moves a category under
// another, is refused a cycle, and cannot delete a category that still
// holds a product until the product is gone.
func TestAdminMoveAndDeleteCategories(t *testing.T) {
	s := newShop(t)
	home := s.category("Home", "")
	kitchen := s.category("Kitchen", home.ID)
	outdoor := s.category("Outdoor", "")
	p := s.product(catalog.ProductInput{Title: "Kettle", CategoryIDs: []commerce.CategoryID{kitchen.ID}})

	r := s.admin(http.MethodPost, "/admin/categories/"+kitchen.ID.String()+"/move", map[string]string{"parent_id": outdoor.ID.String()})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var moved catalog.Category
	r.json(t, &moved)
	assert.Equal(t, []commerce.CategoryID{outdoor.ID, kitchen.ID}, moved.Path)

	r = s.admin(http.MethodPost, "/admin/categories/"+outdoor.ID.String()+"/move", map[string]string{"parent_id": kitchen.ID.String()})
	assert.Equal(t, http.StatusConflict, r.status, "a cycle: %s", r.body)
	assert.Equal(t, "failed_precondition", r.errorCode(t))

	r = s.admin(http.MethodDelete, "/admin/categories/"+kitchen.ID.String(), nil)
	assert.Equal(t, http.StatusConflict, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), "still holds 1 products")
	r = s.admin(http.MethodDelete, "/admin/categories/"+outdoor.ID.String(), nil)
	assert.Equal(t, http.StatusConflict, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), "still has 1 subcategories")

	r = s.admin(http.MethodDelete, "/admin/products/"+p.ID.String(), nil)
	require.Equal(t, http.StatusNoContent, r.status, "%s", r.body)
	r = s.admin(http.MethodDelete, "/admin/categories/"+kitchen.ID.String(), nil)
	require.Equal(t, http.StatusNoContent, r.status, "%s", r.body)
	r = s.admin(http.MethodDelete, "/admin/categories/"+kitchen.ID.String(), nil)
	assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
}
