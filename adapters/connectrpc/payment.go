package connectrpc

import (
	"context"
	"net/http"

	"connectrpc.com/connect"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// PaymentServiceName is the Connect service the payment procedures live
// under.
const PaymentServiceName = "mercato.payment.v1.PaymentService"

// PaymentService is what NewPaymentServer serves: payments as the order
// service charges, voids and refunds them. *payment.Service satisfies it.
type PaymentService interface {
	Authorize(ctx context.Context, in payment.AuthorizeInput) (payment.Payment, error)
	Capture(ctx context.Context, id commerce.PaymentID, amount commerce.Money) (payment.Payment, error)
	Cancel(ctx context.Context, id commerce.PaymentID) (payment.Payment, error)
	Refund(ctx context.Context, in payment.RefundInput) (payment.Refund, error)
	Reconcile(ctx context.Context, id commerce.PaymentID) (payment.Payment, error)
	GetByIdempotencyKey(ctx context.Context, key string) (payment.Payment, error)
	GetByOrder(ctx context.Context, orderID commerce.OrderID) ([]payment.Payment, error)
	Refunds(ctx context.Context, id commerce.PaymentID) ([]payment.Refund, error)
}

var _ PaymentService = (*payment.Service)(nil)

type paymentIDRequest struct {
	ID commerce.PaymentID `json:"id"`
}

type captureRequest struct {
	ID commerce.PaymentID `json:"id"`
	// Amount is nil for the zero Money (capture it all), which has no
	// JSON form.
	Amount *commerce.Money `json:"amount,omitempty"`
}

type keyRequest struct {
	Key string `json:"key"`
}

type orderIDRequest struct {
	OrderID commerce.OrderID `json:"order_id"`
}

// NewPaymentServer returns the path to mount and the handler serving
// payments over Connect:
//
//	mux.Handle(connectrpc.NewPaymentServer(payments, nil))
func NewPaymentServer(payments PaymentService, opts *ServerOptions) (string, http.Handler) {
	s := newServer(PaymentServiceName, opts)
	handle(s, "Authorize", func(ctx context.Context, in *payment.AuthorizeInput, h http.Header) (payment.Payment, error) {
		if err := idempotencyKey(h, in.IdempotencyKey); err != nil {
			return payment.Payment{}, err
		}
		return payments.Authorize(ctx, *in)
	})
	handle(s, "Capture", func(ctx context.Context, r *captureRequest, h http.Header) (payment.Payment, error) {
		if err := idempotencyKey(h, r.ID.String()); err != nil {
			return payment.Payment{}, err
		}
		var amount commerce.Money
		if r.Amount != nil {
			amount = *r.Amount
		}
		return payments.Capture(ctx, r.ID, amount)
	})
	handle(s, "Cancel", func(ctx context.Context, r *paymentIDRequest, h http.Header) (payment.Payment, error) {
		if err := idempotencyKey(h, r.ID.String()); err != nil {
			return payment.Payment{}, err
		}
		return payments.Cancel(ctx, r.ID)
	})
	handle(s, "Refund", func(ctx context.Context, in *payment.RefundInput, h http.Header) (payment.Refund, error) {
		if err := idempotencyKey(h, in.IdempotencyKey); err != nil {
			return payment.Refund{}, err
		}
		return payments.Refund(ctx, *in)
	})
	handle(s, "Reconcile", func(ctx context.Context, r *paymentIDRequest, h http.Header) (payment.Payment, error) {
		if err := idempotencyKey(h, r.ID.String()); err != nil {
			return payment.Payment{}, err
		}
		return payments.Reconcile(ctx, r.ID)
	})
	handle(s, "GetByIdempotencyKey", func(ctx context.Context, r *keyRequest, _ http.Header) (payment.Payment, error) {
		return payments.GetByIdempotencyKey(ctx, r.Key)
	})
	handle(s, "GetByOrder", func(ctx context.Context, r *orderIDRequest, _ http.Header) ([]payment.Payment, error) {
		return payments.GetByOrder(ctx, r.OrderID)
	})
	handle(s, "Refunds", func(ctx context.Context, r *paymentIDRequest, _ http.Header) ([]payment.Refund, error) {
		return payments.Refunds(ctx, r.ID)
	})
	return s.handler()
}

// PaymentClient calls a payment server. Its methods are those of
// *payment.Service, so it satisfies the ports declared on them
// (order.Payments). It is safe for concurrent use.
//
// Which calls are retried while the server is unavailable, and why:
// Authorize when it carries an idempotency key (the service makes at most
// one payment and one charge per key, so a repeat returns the first
// payment); Refund likewise by its key; Capture (a repeat with the same
// amount returns the payment unchanged), Cancel (a repeat returns the
// voided payment) and Reconcile (it settles the payment to what the
// provider recorded, the same however often it runs), each keyed by the
// payment ID; and the reads. An Authorize or Refund without a key runs
// once: a second run could charge or refund twice.
type PaymentClient struct {
	authorize  endpoint[payment.AuthorizeInput, payment.Payment]
	capture    endpoint[captureRequest, payment.Payment]
	cancel     endpoint[paymentIDRequest, payment.Payment]
	refund     endpoint[payment.RefundInput, payment.Refund]
	reconcile  endpoint[paymentIDRequest, payment.Payment]
	byKey      endpoint[keyRequest, payment.Payment]
	byOrder    endpoint[orderIDRequest, []payment.Payment]
	refundList endpoint[paymentIDRequest, []payment.Refund]
}

// NewPaymentClient returns a client of the payment server at baseURL; see
// NewCartClient for the arguments.
func NewPaymentClient(httpClient connect.HTTPClient, baseURL string, opts *ClientOptions) (*PaymentClient, error) {
	c, err := newClient(httpClient, baseURL, PaymentServiceName, opts)
	if err != nil {
		return nil, err
	}
	return &PaymentClient{
		authorize:  newEndpoint[payment.AuthorizeInput, payment.Payment](c, "Authorize"),
		capture:    newEndpoint[captureRequest, payment.Payment](c, "Capture"),
		cancel:     newEndpoint[paymentIDRequest, payment.Payment](c, "Cancel"),
		refund:     newEndpoint[payment.RefundInput, payment.Refund](c, "Refund"),
		reconcile:  newEndpoint[paymentIDRequest, payment.Payment](c, "Reconcile"),
		byKey:      newEndpoint[keyRequest, payment.Payment](c, "GetByIdempotencyKey"),
		byOrder:    newEndpoint[orderIDRequest, []payment.Payment](c, "GetByOrder"),
		refundList: newEndpoint[paymentIDRequest, []payment.Refund](c, "Refunds"),
	}, nil
}

// keyed says whether a write with key may be retried.
func keyed(key string) idempotence { return idempotence(key != "") }

// Authorize authorizes (and with CaptureNow captures) in.Amount. A
// decline returns the failed payment with a PaymentDeclined error.
func (c *PaymentClient) Authorize(ctx context.Context, in payment.AuthorizeInput) (payment.Payment, error) {
	p, err := c.authorize.call(ctx, &in, in.IdempotencyKey, keyed(in.IdempotencyKey))
	return p, err
}

// Capture captures amount of an authorized payment, or all of it for the
// zero Money.
func (c *PaymentClient) Capture(ctx context.Context, id commerce.PaymentID, amount commerce.Money) (payment.Payment, error) {
	r := captureRequest{ID: id}
	if amount != (commerce.Money{}) {
		r.Amount = &amount
	}
	return c.capture.call(ctx, &r, id.String(), idempotent)
}

// Cancel voids an authorized payment.
func (c *PaymentClient) Cancel(ctx context.Context, id commerce.PaymentID) (payment.Payment, error) {
	return c.cancel.call(ctx, &paymentIDRequest{ID: id}, id.String(), idempotent)
}

// Refund refunds in.Amount of a captured payment.
func (c *PaymentClient) Refund(ctx context.Context, in payment.RefundInput) (payment.Refund, error) {
	return c.refund.call(ctx, &in, in.IdempotencyKey, keyed(in.IdempotencyKey))
}

// Reconcile settles a payment whose authorization is in flight.
func (c *PaymentClient) Reconcile(ctx context.Context, id commerce.PaymentID) (payment.Payment, error) {
	return c.reconcile.call(ctx, &paymentIDRequest{ID: id}, id.String(), idempotent)
}

// GetByIdempotencyKey returns the payment Authorize created with key.
func (c *PaymentClient) GetByIdempotencyKey(ctx context.Context, key string) (payment.Payment, error) {
	return c.byKey.call(ctx, &keyRequest{Key: key}, "", idempotent)
}

// GetByOrder returns the order's payments, oldest first.
func (c *PaymentClient) GetByOrder(ctx context.Context, orderID commerce.OrderID) ([]payment.Payment, error) {
	return c.byOrder.call(ctx, &orderIDRequest{OrderID: orderID}, "", idempotent)
}

// Refunds returns the payment's refunds, oldest first.
func (c *PaymentClient) Refunds(ctx context.Context, id commerce.PaymentID) ([]payment.Refund, error) {
	return c.refundList.call(ctx, &paymentIDRequest{ID: id}, "", idempotent)
}
