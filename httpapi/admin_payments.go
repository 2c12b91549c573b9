package httpapi

import (
	"context"
	"net/http"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// RefundRequest is the body of POST /admin/payments/{id}/refunds.
type RefundRequest struct {
	// Amount to give back, at most what is captured and not yet refunded.
	Amount commerce.Money `json:"amount"`
	Reason string         `json:"reason,omitempty"`
}

// maxRefundReason bounds a refund's reason, as the payment service does.
const maxRefundReason = 500

func (a *API) adminPaymentRoutes() {
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/payments/{id}", Tag: "admin payments", Auth: Admin,
		Summary: "A payment", Response: payment.Payment{},
		handle: reply(byID(a.svc.Payments.Get)),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/orders/{id}/payments", Tag: "admin payments", Auth: Admin,
		Summary: "An order's payments, oldest first", Response: List[payment.Payment]{},
		handle: reply(byID(func(ctx context.Context, id commerce.OrderID) (List[payment.Payment], error) {
			// An order without payments lists none; an unknown one is
			// 404 when the API can read orders.
			if a.opts.OrderReader != nil {
				if _, err := a.opts.OrderReader.Get(ctx, id); err != nil {
					return List[payment.Payment]{}, err
				}
			}
			ps, err := a.svc.Payments.GetByOrder(ctx, id)
			if err != nil {
				return List[payment.Payment]{}, err
			}
			return listOf(ps), nil
		})),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/payments/{id}/refunds", Tag: "admin payments", Auth: Admin,
		Summary: "A payment's refunds, oldest first", Response: List[payment.Refund]{},
		handle: reply(byID(func(ctx context.Context, id commerce.PaymentID) (List[payment.Refund], error) {
			rs, err := a.svc.Payments.Refunds(ctx, id)
			if err != nil {
				return List[payment.Refund]{}, err
			}
			return listOf(rs), nil
		})),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/payments/{id}/refunds", Tag: "admin payments", Auth: Admin,
		Summary: "Refund part or all of a captured payment (201); a repeat with the same Idempotency-Key answers the same refund (200) and refunds nothing more",
		Header:  "Idempotency-Key",
		Request: RefundRequest{}, Response: payment.Refund{}, Status: http.StatusCreated,
		handle: a.refundPayment,
	})
}

func (a *API) refundPayment(w http.ResponseWriter, r *http.Request, rt *Route) error {
	id, err := pathID[commerce.PaymentID](r, "id")
	if err != nil {
		return err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	// The amount is a pointer while decoding so that a missing one is
	// told apart, and named, rather than reported as a zero amount.
	var in struct {
		Amount *commerce.Money `json:"amount"`
		Reason string          `json:"reason,omitempty"`
	}
	if err := a.decodeJSON(w, r, &in); err != nil {
		return err
	}
	switch {
	case in.Amount == nil:
		return commerce.Errorf(commerce.CodeInvalidArgument, "amount is required").WithDetail("field", "amount")
	case !in.Amount.IsPositive():
		return commerce.Errorf(commerce.CodeInvalidArgument, "amount must be positive, got %s", *in.Amount).WithDetail("field", "amount")
	case len(in.Reason) > maxRefundReason:
		return commerce.Errorf(commerce.CodeInvalidArgument, "reason is longer than %d bytes", maxRefundReason).WithDetail("field", "reason")
	}
	// A refund already made with this key is a repeat: the payment
	// service answers it without refunding again, and so is the status.
	earlier, err := a.svc.Payments.Refunds(r.Context(), id)
	if err != nil {
		return err
	}
	status := rt.Status
	for _, rf := range earlier {
		if rf.IdempotencyKey == key {
			status = http.StatusOK
		}
	}
	rf, err := a.svc.Payments.Refund(r.Context(), payment.RefundInput{PaymentID: id, Amount: *in.Amount, Reason: in.Reason, IdempotencyKey: key})
	if err != nil {
		return err
	}
	writeJSON(w, status, rf)
	return nil
}
