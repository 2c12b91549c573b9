package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/payment"
)

// orderPayment returns the one payment of order id, through the API.
func (s *shop) orderPayment(id commerce.OrderID) payment.Payment {
	s.t.Helper()
	r := s.admin(http.MethodGet, "/admin/orders/"+id.String()+"/payments", nil)
	require.Equal(s.t, http.StatusOK, r.status, "%s", r.body)
	var l httpapi.List[payment.Payment]
	r.json(s.t, &l)
	require.Len(s.t, l.Items, 1)
	return l.Items[0]
}

func TestAdminPayments(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 2500, 10)
	o := s.placeOrder("", "MUG-1")
	p := s.orderPayment(o.ID)
	assert.Equal(t, o.ID, p.OrderID)
	assert.Equal(t, payment.StatusCompleted, p.Status)
	assert.Equal(t, commerce.MustMoney(2500, "USD"), p.CapturedAmount)

	r := s.admin(http.MethodGet, "/admin/payments/"+p.ID.String(), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var got payment.Payment
	r.json(t, &got)
	assert.Equal(t, p.ID, got.ID)
	assert.NotEmpty(t, got.ProviderRef)

	refunds := "/admin/payments/" + p.ID.String() + "/refunds"
	r = s.admin(http.MethodGet, refunds, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.JSONEq(t, `{"items":[]}`, string(r.body))

	body := map[string]any{"amount": map[string]any{"amount": 1000, "currency": "USD"}, "reason": "scratched"}
	r = s.admin(http.MethodPost, refunds, body, "Idempotency-Key", "refund-1")
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	var rf payment.Refund
	r.json(t, &rf)
	assert.Equal(t, payment.RefundSucceeded, rf.Status)
	assert.Equal(t, commerce.MustMoney(1000, "USD"), rf.Amount)
	assert.Equal(t, "scratched", rf.Reason)

	// The same key: the same refund, answered 200, refunded once.
	r = s.admin(http.MethodPost, refunds, body, "Idempotency-Key", "refund-1")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var again payment.Refund
	r.json(t, &again)
	assert.Equal(t, rf.ID, again.ID)
	assert.Equal(t, 1, s.provider.Calls("refund"))

	r = s.admin(http.MethodGet, refunds, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var list httpapi.List[payment.Refund]
	r.json(t, &list)
	require.Len(t, list.Items, 1)
	assert.Equal(t, rf.ID, list.Items[0].ID)
	assert.Equal(t, commerce.MustMoney(1000, "USD"), s.orderPayment(o.ID).RefundedAmount)

	// More than is left: 409 with what is left.
	r = s.admin(http.MethodPost, refunds, map[string]any{"amount": map[string]any{"amount": 2000, "currency": "USD"}}, "Idempotency-Key", "refund-2")
	require.Equal(t, http.StatusConflict, r.status, "%s", r.body)
	e := errorBody(t, r)
	assert.Equal(t, commerce.CodeFailedPrecondition, e.Code)
	assert.Equal(t, "15.00 USD", e.Details["refundable"])

	// The same key for a different refund is a conflict.
	r = s.admin(http.MethodPost, refunds, map[string]any{"amount": map[string]any{"amount": 500, "currency": "USD"}}, "Idempotency-Key", "refund-1")
	assert.Equal(t, http.StatusConflict, r.status, "%s", r.body)
	assert.Equal(t, commerce.CodeConflict, errorBody(t, r).Code)
	assert.Equal(t, 1, s.provider.Calls("refund"))
}

func TestAdminRefundBadRequests(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 2500, 10)
	o := s.placeOrder("", "MUG-1")
	p := s.orderPayment(o.ID)
	refunds := "/admin/payments/" + p.ID.String() + "/refunds"
	usd := func(cents int64) map[string]any { return map[string]any{"amount": cents, "currency": "USD"} }

	cases := []struct {
		name   string
		path   string
		key    string
		body   any
		status int
		field  string
	}{
		{"key missing", refunds, "", map[string]any{"amount": usd(100)}, 400, "Idempotency-Key"},
		{"amount missing", refunds, "k1", map[string]any{"reason": "x"}, 400, "amount"},
		{"amount zero", refunds, "k2", map[string]any{"amount": usd(0)}, 400, "amount"},
		{"amount negative", refunds, "k3", map[string]any{"amount": usd(-5)}, 400, "amount"},
		{"amount as a number", refunds, "k4", map[string]any{"amount": 100}, 400, "amount"},
		{"amount in floats", refunds, "k5", map[string]any{"amount": map[string]any{"amount": 1.5, "currency": "USD"}}, 400, "amount"},
		{"another currency", refunds, "k6", map[string]any{"amount": map[string]any{"amount": 100, "currency": "EUR"}}, 400, ""},
		{"more than captured", refunds, "k7", map[string]any{"amount": usd(999999)}, 400, ""},
		{"unknown field", refunds, "k8", map[string]any{"amount": usd(100), "to": "me"}, 400, "to"},
		{"reason too long", refunds, "k9", map[string]any{"amount": usd(100), "reason": string(make([]byte, 501))}, 400, ""},
		{"unknown payment", "/admin/payments/" + commerce.NewID[commerce.PaymentID]().String() + "/refunds", "k10", map[string]any{"amount": usd(100)}, 404, ""},
		{"malformed payment", "/admin/payments/pay_x/refunds", "k11", map[string]any{"amount": usd(100)}, 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var headers []string
			if tc.key != "" {
				headers = []string{"Idempotency-Key", tc.key}
			}
			r := s.admin(http.MethodPost, tc.path, tc.body, headers...)
			require.Equal(t, tc.status, r.status, "%s", r.body)
			if tc.field != "" {
				assert.Equal(t, tc.field, errorBody(t, r).Details["field"], "%s", r.body)
			}
		})
	}
	assert.Equal(t, 0, s.provider.Calls("refund"))

	for _, path := range []string{
		"/admin/payments/" + commerce.NewID[commerce.PaymentID]().String(),
		"/admin/payments/" + commerce.NewID[commerce.PaymentID]().String() + "/refunds",
		"/admin/orders/" + commerce.NewID[commerce.OrderID]().String() + "/payments",
		"/admin/payments/nonsense",
	} {
		r := s.admin(http.MethodGet, path, nil)
		assert.Equal(t, http.StatusNotFound, r.status, "%s: %s", path, r.body)
	}
}
