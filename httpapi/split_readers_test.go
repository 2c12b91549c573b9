package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/payment"
)

// productWithSKU is an active product with one variant, sku.
func productWithSKU(sku string) catalog.ProductInput {
	return catalog.ProductInput{
		Title: "Product " + sku, Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{{SKU: sku, Prices: []commerce.Money{commerce.MustMoney(1000, "USD")}}},
	}
}

// TestInventoryOnlyAPIReadsSKUs checks the admin stock reads of an
// inventory-only API tell a catalog SKU without stock (zero) from an
// unknown one only with a SKUReader.
func TestInventoryOnlyAPIReadsSKUs(t *testing.T) {
	s := newShop(t)
	blind := s.over(httpapi.Services{Inventory: s.svc.Inventory}, nil)
	r := blind.admin(http.MethodGet, "/admin/inventory/NEVER-STOCKED", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)

	_, err := s.svc.Catalog.CreateProduct(context.Background(), productWithSKU("NEVER-STOCKED"))
	require.NoError(t, err)
	r = blind.admin(http.MethodGet, "/admin/inventory/NEVER-STOCKED", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "no SKUReader: %s", r.body)

	seeing := s.over(httpapi.Services{Inventory: s.svc.Inventory}, func(o *httpapi.Options) { o.SKUReader = s.svc.Catalog })
	r = seeing.admin(http.MethodGet, "/admin/inventory/NEVER-STOCKED", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var st httpapi.SKUStock
	r.json(t, &st)
	assert.Zero(t, st.OnHand)
	r = seeing.admin(http.MethodGet, "/admin/inventory/NO-SUCH-SKU", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
}

// TestPaymentOnlyAPIReadsOrders checks the admin list of an order's
// payments answers 404 for an unknown order only with an OrderReader.
func TestPaymentOnlyAPIReadsOrders(t *testing.T) {
	s := newShop(t)
	unknown := "/admin/orders/ord_01J00000000000000000000000/payments"
	blind := s.over(httpapi.Services{Payments: s.svc.Payments}, nil)
	r := blind.admin(http.MethodGet, unknown, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var got httpapi.List[payment.Payment]
	r.json(t, &got)
	assert.Empty(t, got.Items)
	seeing := s.over(httpapi.Services{Payments: s.svc.Payments}, func(o *httpapi.Options) { o.OrderReader = s.svc.Orders })
	r = seeing.admin(http.MethodGet, unknown, nil)
	assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
}

func TestSetGatewayIdentity(t *testing.T) {
	h := http.Header{}
	h.Add(httpapi.GatewayCustomerHeader, "cus_forged")
	h.Add(httpapi.GatewaySessionHeader, "sess_forged")
	httpapi.SetGatewayIdentity(h, customer.Claims{})
	assert.Empty(t, h.Values(httpapi.GatewayCustomerHeader))
	assert.Empty(t, h.Values(httpapi.GatewaySessionHeader))

	h.Add(httpapi.GatewayCustomerHeader, "cus_forged")
	claims := customer.Claims{CustomerID: commerce.CustomerID("cus_01J00000000000000000000000"), SessionID: commerce.SessionID("sess_01J00000000000000000000000")}
	httpapi.SetGatewayIdentity(h, claims)
	assert.Equal(t, []string{claims.CustomerID.String()}, h.Values(httpapi.GatewayCustomerHeader))
	assert.Equal(t, []string{claims.SessionID.String()}, h.Values(httpapi.GatewaySessionHeader))
}
