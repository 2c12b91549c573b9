package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/order"
)

// ordersOf decodes a page of orders.
func ordersOf(t testing.TB, r reply) httpapi.List[order.Order] {
	t.Helper()
	var l httpapi.List[order.Order]
	r.json(t, &l)
	return l
}

// advance moves order id through the statuses, as the admin, directly
// on the service.
func (s *shop) advance(id commerce.OrderID, to ...order.Status) order.Order {
	s.t.Helper()
	var o order.Order
	for _, st := range to {
		var err error
		o, err = s.svc.Orders.Transition(context.Background(), order.TransitionInput{OrderID: id, To: st})
		require.NoError(s.t, err, "to %s", st)
	}
	return o
}

// toDelivered are the moves from Confirmed to Delivered.
var toDelivered = []order.Status{
	order.StatusProcessing, order.StatusPacked, order.StatusShipped,
	order.StatusInTransit, order.StatusOutForDelivery, order.StatusDelivered,
}

func TestMyOrders(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 50)
	ada, adaToken := s.customer("ada@example.com")
	_, bobToken := s.customer("bob@example.com")
	first := s.placeOrder(adaToken, "MUG-1")
	second := s.placeOrder(adaToken, "MUG-1")
	s.placeOrder(bobToken, "MUG-1")
	s.placeOrder("", "MUG-1")
	s.advance(first.ID, order.StatusProcessing)

	r := s.do(http.MethodGet, "/store/orders", adaToken, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	l := ordersOf(t, r)
	require.Len(t, l.Items, 2, "only the caller's orders")
	assert.Equal(t, second.ID, l.Items[0].ID, "newest first")
	assert.Equal(t, first.ID, l.Items[1].ID)
	for _, o := range l.Items {
		assert.Equal(t, ada.ID, o.CustomerID)
	}
	assert.Empty(t, l.NextCursor)

	r = s.do(http.MethodGet, "/store/orders?limit=1", adaToken, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	l = ordersOf(t, r)
	require.Len(t, l.Items, 1)
	assert.Equal(t, second.ID, l.Items[0].ID)
	require.NotEmpty(t, l.NextCursor)
	r = s.do(http.MethodGet, "/store/orders?limit=1&cursor="+l.NextCursor, adaToken, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	l = ordersOf(t, r)
	require.Len(t, l.Items, 1)
	assert.Equal(t, first.ID, l.Items[0].ID)

	r = s.do(http.MethodGet, "/store/orders?status=processing", adaToken, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	l = ordersOf(t, r)
	require.Len(t, l.Items, 1)
	assert.Equal(t, first.ID, l.Items[0].ID)

	_, carol := s.customer("carol@example.com")
	r = s.do(http.MethodGet, "/store/orders", carol, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.JSONEq(t, `{"items":[]}`, string(r.body), "no orders is an empty list")

	for _, bad := range []struct{ query, field string }{
		{"status=lost", "status"}, {"limit=many", "limit"}, {"limit=-1", "limit"},
	} {
		r = s.do(http.MethodGet, "/store/orders?"+bad.query, adaToken, nil)
		assert.Equal(t, http.StatusBadRequest, r.status, "%s: %s", bad.query, r.body)
		assert.Equal(t, bad.field, errorBody(t, r).Details["field"], bad.query)
	}
	r = s.do(http.MethodGet, "/store/orders?cursor=garbage", adaToken, nil)
	assert.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)

	r = s.do(http.MethodGet, "/store/orders", "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status)
}

func TestCustomerCancelsOrder(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 10)
	ada, token := s.customer("ada@example.com")
	o := s.placeOrder(token, "MUG-1")
	assert.Equal(t, 9, s.available("MUG-1"))

	r := s.do(http.MethodPost, "/store/orders/"+o.ID.String()+"/cancel", token, map[string]string{"reason": "changed my mind"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got := orderOf(t, r)
	assert.Equal(t, order.StatusCancelled, got.Status)
	assert.True(t, got.Settled)
	last := got.History[len(got.History)-1]
	assert.Equal(t, order.CustomerActor(ada.ID), last.Actor)
	assert.Equal(t, "changed my mind", last.Reason)
	assert.Equal(t, 10, s.available("MUG-1"), "the stock is given back")
	pays, err := s.svc.Payments.GetByOrder(context.Background(), o.ID)
	require.NoError(t, err)
	require.Len(t, pays, 1)
	assert.Equal(t, o.Totals.Total, pays[0].RefundedAmount, "the charge is refunded")

	// Cancelling again answers the cancelled order; the body is optional.
	r = s.do(http.MethodPost, "/store/orders/"+o.ID.String()+"/cancel", token, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, order.StatusCancelled, orderOf(t, r).Status)
	assert.Equal(t, 1, s.provider.Calls("refund"))

	// A shipped order cannot be cancelled.
	shipped := s.placeOrder(token, "MUG-1")
	s.advance(shipped.ID, order.StatusProcessing, order.StatusPacked, order.StatusShipped)
	r = s.do(http.MethodPost, "/store/orders/"+shipped.ID.String()+"/cancel", token, nil)
	require.Equal(t, http.StatusConflict, r.status, "%s", r.body)
	e := errorBody(t, r)
	assert.Equal(t, commerce.CodeFailedPrecondition, e.Code)
	assert.Equal(t, "shipped", e.Details["status"])

	r = s.do(http.MethodPost, "/store/orders/"+o.ID.String()+"/cancel", token, `{"reason":7}`)
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "reason", errorBody(t, r).Details["field"])
}

func TestGuestCancelsOrder(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 10)
	o := s.placeOrder("", "MUG-1")
	r := s.do(http.MethodPost, "/store/orders/"+o.ID.String()+"/cancel", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got := orderOf(t, r)
	assert.Equal(t, order.StatusCancelled, got.Status)
	assert.Equal(t, "guest", got.History[len(got.History)-1].Actor)
}

func TestReturnRequest(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 10)
	ada, token := s.customer("ada@example.com")
	o := s.placeOrder(token, "MUG-1")

	r := s.do(http.MethodPost, "/store/orders/"+o.ID.String()+"/return", token, nil)
	require.Equal(t, http.StatusConflict, r.status, "an undelivered order cannot be returned: %s", r.body)
	assert.Equal(t, "confirmed", errorBody(t, r).Details["status"])

	s.advance(o.ID, toDelivered...)
	r = s.do(http.MethodPost, "/store/orders/"+o.ID.String()+"/return", token, map[string]string{"reason": "too small"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got := orderOf(t, r)
	assert.Equal(t, order.StatusReturnRequested, got.Status)
	last := got.History[len(got.History)-1]
	assert.Equal(t, order.CustomerActor(ada.ID), last.Actor)
	assert.Equal(t, "too small", last.Reason)

	// Asking again changes nothing.
	r = s.do(http.MethodPost, "/store/orders/"+o.ID.String()+"/return", token, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, got.Version, orderOf(t, r).Version)

	guest := s.placeOrder("", "MUG-1")
	s.advance(guest.ID, toDelivered...)
	r = s.do(http.MethodPost, "/store/orders/"+guest.ID.String()+"/return", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got = orderOf(t, r)
	assert.Equal(t, order.StatusReturnRequested, got.Status)
	assert.Equal(t, "guest", got.History[len(got.History)-1].Actor)
	s.events.WaitFor(t, eventWait, "order.return_requested", 2)
}

func TestOrderNotFound(t *testing.T) {
	s := newShop(t)
	for _, path := range []string{
		"/store/orders/" + commerce.NewID[commerce.OrderID]().String(),
		"/store/orders/ord_garbage",
		"/store/orders/" + commerce.NewID[commerce.CartID]().String(),
	} {
		r := s.do(http.MethodGet, path, "", nil)
		assert.Equal(t, http.StatusNotFound, r.status, "%s: %s", path, r.body)
		assert.Equal(t, "not_found", r.errorCode(t))
	}
}
