package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// TestPartialReturnsAPI: a customer returns some units of a delivered
// order through the store API, the shop approves and refunds the return
// through the admin API, and a second return takes the rest, never more.
func TestPartialReturnsAPI(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	_, token := s.customer("ada@example.com")
	id := s.cartWith(token, "MUG-1", 3)
	r := s.checkout(id, token, "key-"+id.String(), checkoutBody("", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	o := s.advance(orderOf(t, r).ID, toDelivered...)

	returns := "/store/orders/" + o.ID.String() + "/returns"
	r = s.do(http.MethodPost, returns, token, map[string]any{"lines": []map[string]any{{"sku": "MUG-1", "quantity": 2}}, "reason": "too many"})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	got := orderOf(t, r)
	require.Len(t, got.Returns, 1)
	assert.Equal(t, order.StatusDelivered, got.Status)
	assert.Equal(t, order.ReturnStatusRequested, got.Returns[0].Status)
	assert.Equal(t, commerce.MustMoney(2500, "USD"), got.Returns[0].Refund.Total)
	assert.Equal(t, order.CustomerActor(got.CustomerID), got.Returns[0].Actor)

	r = s.do(http.MethodPost, returns, token, map[string]any{"lines": []map[string]any{{"sku": "MUG-1", "quantity": 2}}})
	assert.Equal(t, http.StatusConflict, r.status, "only one unit is left to return: %s", r.body)
	r = s.do(http.MethodPost, returns, token, map[string]any{"lines": []map[string]any{{"sku": "MUG-1", "quantity": 0}}})
	assert.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), "lines[0].quantity")
	r = s.do(http.MethodPost, returns, "", map[string]any{"lines": []map[string]any{{"sku": "MUG-1", "quantity": 1}}})
	assert.Equal(t, http.StatusNotFound, r.status, "another's order is not found: %s", r.body)

	admin := "/admin/orders/" + o.ID.String() + "/returns/1/"
	r = s.admin(http.MethodPost, admin+"refund", nil)
	assert.Equal(t, http.StatusConflict, r.status, "not approved yet: %s", r.body)
	r = s.admin(http.MethodPost, admin+"approve", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, order.ReturnStatusApproved, orderOf(t, r).Returns[0].Status)
	r = s.admin(http.MethodPost, admin+"refund", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, order.ReturnStatusRefunded, orderOf(t, r).Returns[0].Status)
	p := s.orderPayment(o.ID)
	assert.Equal(t, commerce.MustMoney(2500, "USD"), p.RefundedAmount)

	r = s.admin(http.MethodPost, "/admin/orders/"+o.ID.String()+"/returns", map[string]any{"lines": []map[string]any{{"sku": "MUG-1", "quantity": 1}}})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Len(t, orderOf(t, r).Returns, 2)
	r = s.admin(http.MethodPost, "/admin/orders/"+o.ID.String()+"/returns/x/approve", nil)
	assert.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	r = s.admin(http.MethodPost, "/admin/orders/"+o.ID.String()+"/returns/9/approve", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
}
