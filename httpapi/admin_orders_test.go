package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// TestFullAPIFlow drives a whole order through the API: a customer fills
// a cart and checks out, the shop fulfils the order, the customer returns
// it and the shop refunds it.
func TestFullAPIFlow(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	s.sellable("TEE-1", 2000, 5)
	ada, token := s.customer("ada@example.com")

	c := s.newCart(token)
	s.addItem(c.ID, token, "MUG-1", 2)
	got := s.addItem(c.ID, token, "TEE-1", 1)
	assert.Equal(t, commerce.MustMoney(4500, "USD"), got.Totals.Subtotal)

	r := s.checkout(c.ID, token, "flow-1", checkoutBody("", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	o := orderOf(t, r)
	require.Equal(t, order.StatusConfirmed, o.Status)
	assert.Equal(t, ada.ID, o.CustomerID)

	r = s.do(http.MethodGet, "/store/orders/"+o.ID.String(), token, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, order.StatusConfirmed, orderOf(t, r).Status)
	assert.Equal(t, 8, s.available("MUG-1"))
	assert.Equal(t, 4, s.available("TEE-1"))

	path := "/admin/orders/" + o.ID.String()
	step := func(verb string, body any, want order.Status) order.Order {
		t.Helper()
		r := s.admin(http.MethodPost, path+"/"+verb, body)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", verb, r.body)
		got := orderOf(t, r)
		require.Equal(t, want, got.Status, verb)
		assert.Equal(t, order.ActorAdmin, got.History[len(got.History)-1].Actor)
		return got
	}
	step("process", nil, order.StatusProcessing)
	step("pack", map[string]string{"reason": "packed by Kim"}, order.StatusPacked)
	shipped := step("ship", map[string]string{"carrier": "DHL", "tracking_number": "JD0123", "tracking_url": "https://dhl.example/JD0123"}, order.StatusShipped)
	require.NotNil(t, shipped.Shipment)
	assert.Equal(t, order.Shipment{Carrier: "DHL", TrackingNumber: "JD0123", TrackingURL: "https://dhl.example/JD0123"}, *shipped.Shipment)
	step("in-transit", nil, order.StatusInTransit)
	step("out-for-delivery", nil, order.StatusOutForDelivery)
	step("deliver", nil, order.StatusDelivered)

	r = s.do(http.MethodPost, "/store/orders/"+o.ID.String()+"/return", token, map[string]string{"reason": "wrong colour"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, order.StatusReturnRequested, orderOf(t, r).Status)

	step("approve-return", nil, order.StatusReturnApproved)
	refunded := step("refund", map[string]string{"reason": "returned"}, order.StatusRefunded)
	assert.True(t, refunded.Settled)

	r = s.do(http.MethodGet, "/store/orders/"+o.ID.String(), token, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	final := orderOf(t, r)
	assert.Equal(t, order.StatusRefunded, final.Status)
	var trail []order.Status
	for _, h := range final.History {
		trail = append(trail, h.To)
	}
	assert.Equal(t, []order.Status{
		order.StatusPending, order.StatusPaymentPending, order.StatusConfirmed, order.StatusProcessing, order.StatusPacked,
		order.StatusShipped, order.StatusInTransit, order.StatusOutForDelivery, order.StatusDelivered,
		order.StatusReturnRequested, order.StatusReturnApproved, order.StatusRefunded,
	}, trail)

	r = s.admin(http.MethodGet, path+"/payments", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var pays httpapi.List[payment.Payment]
	r.json(t, &pays)
	require.Len(t, pays.Items, 1)
	assert.Equal(t, o.Totals.Total, pays.Items[0].CapturedAmount)
	assert.Equal(t, o.Totals.Total, pays.Items[0].RefundedAmount, "the whole charge is refunded")
	assert.Equal(t, 10, s.available("MUG-1"), "the units are restocked")
	assert.Equal(t, 5, s.available("TEE-1"))
	assert.Equal(t, 1, s.provider.Calls("authorize"))
	assert.Equal(t, 1, s.provider.Calls("refund"))

	s.events.WaitFor(t, eventWait, "order.refunded", 1)
	s.events.WaitFor(t, eventWait, "payment.refunded", 1)
}

func TestAdminTransitions(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 10)
	o := s.placeOrder("", "MUG-1")
	path := "/admin/orders/" + o.ID.String() + "/transitions"

	r := s.admin(http.MethodPost, path, map[string]string{"to": "processing", "reason": "picked"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got := orderOf(t, r)
	assert.Equal(t, order.StatusProcessing, got.Status)
	assert.Equal(t, "picked", got.History[len(got.History)-1].Reason)

	// The status the order has already: answered unchanged.
	r = s.admin(http.MethodPost, path, map[string]string{"to": "processing"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, got.Version, orderOf(t, r).Version)

	cases := []struct {
		name   string
		body   any
		status int
		code   commerce.ErrorCode
		field  string
	}{
		{"no arrow", map[string]string{"to": "delivered"}, 409, commerce.CodeFailedPrecondition, ""},
		{"checkout's own status", map[string]string{"to": "confirmed"}, 409, commerce.CodeFailedPrecondition, ""},
		{"unknown status", map[string]string{"to": "teleported"}, 400, commerce.CodeInvalidArgument, "to"},
		{"status missing", map[string]string{}, 400, commerce.CodeInvalidArgument, "to"},
		{"shipment without shipping", map[string]any{"to": "packed", "shipment": map[string]string{"carrier": "DHL"}}, 400, commerce.CodeInvalidArgument, "shipment"},
		{"shipment with unknown field", map[string]any{"to": "shipped", "shipment": map[string]string{"ship": "Titanic"}}, 400, commerce.CodeInvalidArgument, "ship"},
		{"javascript tracking URL", map[string]any{"to": "shipped", "shipment": map[string]string{"carrier": "DHL", "tracking_url": "javascript:alert(document.cookie)"}}, 400, commerce.CodeInvalidArgument, "tracking_url"},
		{"data tracking URL", map[string]any{"to": "shipped", "shipment": map[string]string{"tracking_url": "data:text/html,<script>alert(1)</script>"}}, 400, commerce.CodeInvalidArgument, "tracking_url"},
		{"relative tracking URL", map[string]any{"to": "shipped", "shipment": map[string]string{"tracking_url": "//evil.example/x"}}, 400, commerce.CodeInvalidArgument, "tracking_url"},
		{"reason with control characters", map[string]string{"to": "packed", "reason": "a\x00b"}, 400, commerce.CodeInvalidArgument, "reason"},
		{"no body", nil, 400, commerce.CodeInvalidArgument, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.admin(http.MethodPost, path, tc.body)
			require.Equal(t, tc.status, r.status, "%s", r.body)
			e := errorBody(t, r)
			assert.Equal(t, tc.code, e.Code)
			if tc.field != "" {
				assert.Equal(t, tc.field, e.Details["field"], "%s", r.body)
			}
			if tc.status == 409 {
				assert.Equal(t, "processing", e.Details["status"])
			}
		})
	}

	r = s.admin(http.MethodPost, path, map[string]string{"to": "packed"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r = s.admin(http.MethodPost, path, map[string]any{"to": "shipped", "shipment": map[string]string{"carrier": "UPS", "tracking_number": "1Z"}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got = orderOf(t, r)
	assert.Equal(t, order.StatusShipped, got.Status)
	require.NotNil(t, got.Shipment)
	assert.Equal(t, "UPS", got.Shipment.Carrier)

	r = s.admin(http.MethodPost, "/admin/orders/"+o.ID.String()+"/cancel", nil)
	assert.Equal(t, http.StatusConflict, r.status, "a shipped order cannot be cancelled: %s", r.body)

	r = s.admin(http.MethodPost, "/admin/orders/"+commerce.NewID[commerce.OrderID]().String()+"/pack", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
	r = s.admin(http.MethodPost, "/admin/orders/nonsense/pack", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
}

func TestAdminCancelsAndRequestsReturn(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 10)
	o := s.placeOrder("", "MUG-1")
	r := s.admin(http.MethodPost, "/admin/orders/"+o.ID.String()+"/cancel", map[string]string{"reason": "fraud check failed"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got := orderOf(t, r)
	assert.Equal(t, order.StatusCancelled, got.Status)
	assert.Equal(t, order.ActorAdmin, got.History[len(got.History)-1].Actor)
	assert.Equal(t, 10, s.available("MUG-1"))

	d := s.placeOrder("", "MUG-1")
	s.advance(d.ID, toDelivered...)
	r = s.admin(http.MethodPost, "/admin/orders/"+d.ID.String()+"/request-return", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, order.StatusReturnRequested, orderOf(t, r).Status)
}

func TestAdminListsOrders(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 50)
	ada, token := s.customer("ada@example.com")
	mine := s.placeOrder(token, "MUG-1")
	guest := s.placeOrder("", "MUG-1")
	s.advance(guest.ID, order.StatusProcessing)

	r := s.admin(http.MethodGet, "/admin/orders", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	l := ordersOf(t, r)
	require.Len(t, l.Items, 2)
	assert.Equal(t, guest.ID, l.Items[0].ID)

	r = s.admin(http.MethodGet, "/admin/orders?customer_id="+ada.ID.String(), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	l = ordersOf(t, r)
	require.Len(t, l.Items, 1)
	assert.Equal(t, mine.ID, l.Items[0].ID)

	r = s.admin(http.MethodGet, "/admin/orders?status=processing&limit=10", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	l = ordersOf(t, r)
	require.Len(t, l.Items, 1)
	assert.Equal(t, guest.ID, l.Items[0].ID)

	r = s.admin(http.MethodGet, "/admin/orders?limit=1", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	l = ordersOf(t, r)
	require.Len(t, l.Items, 1)
	require.NotEmpty(t, l.NextCursor)
	r = s.admin(http.MethodGet, "/admin/orders?limit=1&cursor="+l.NextCursor, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, mine.ID, ordersOf(t, r).Items[0].ID)

	for _, bad := range []struct{ query, field string }{
		{"customer_id=nobody", "customer_id"}, {"customer_id=" + mine.ID.String(), "customer_id"},
		{"status=lost", "status"}, {"limit=x", "limit"},
	} {
		r = s.admin(http.MethodGet, "/admin/orders?"+bad.query, nil)
		assert.Equal(t, http.StatusBadRequest, r.status, "%s: %s", bad.query, r.body)
		assert.Equal(t, bad.field, errorBody(t, r).Details["field"], bad.query)
	}

	r = s.admin(http.MethodGet, "/admin/orders/"+mine.ID.String(), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, mine.ID, orderOf(t, r).ID)
	r = s.admin(http.MethodGet, "/admin/orders/"+commerce.NewID[commerce.OrderID]().String(), nil)
	assert.Equal(t, http.StatusNotFound, r.status)
}

// TestAdminDisabledWithoutKey: an API without an admin key serves no
// admin route, whatever the caller sends.
func TestAdminDisabledWithoutKey(t *testing.T) {
	s := newShop(t)
	api, err := httpapi.New(s.svc, &httpapi.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	id := commerce.NewID[commerce.OrderID]().String()
	for _, path := range []string{"/admin/orders", "/admin/orders/" + id, "/admin/orders/" + id + "/payments"} {
		for _, token := range []string{"", adminKey, "anything"} {
			req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, path, nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			rec := httptest.NewRecorder()
			api.ServeHTTP(rec, req)
			assert.Equal(t, http.StatusForbidden, rec.Code, "%s with %q", path, token)
		}
	}
}
