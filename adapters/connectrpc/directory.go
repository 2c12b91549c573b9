package connectrpc

import (
	"context"
	"net/http"

	"connectrpc.com/connect"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// OrderDirectoryServiceName is the Connect service the order directory's
// procedures live under.
const OrderDirectoryServiceName = "mercato.order.v1.OrderDirectoryService"

// OrderDirectory is what NewOrderDirectoryServer serves: whom to notify
// about an order and what messages show of it. The order service serves
// notify.OrderDirectory(orders, customers), which satisfies it.
type OrderDirectory interface {
	notify.OrderLookup
	notify.OrderSummarizer
}

var _ OrderDirectory = (*notify.OrderDir)(nil)

type orderRefRequest struct {
	ID commerce.OrderID `json:"id"`
}

// NewOrderDirectoryServer returns the path to mount and the handler
// serving dir over Connect:
//
//	mux.Handle(connectrpc.NewOrderDirectoryServer(notify.OrderDirectory(orders, customers), nil))
func NewOrderDirectoryServer(dir OrderDirectory, opts *ServerOptions) (string, http.Handler) {
	s := newServer(OrderDirectoryServiceName, opts)
	handle(s, "OrderRecipient", func(ctx context.Context, r *orderRefRequest, _ http.Header) (notify.Recipient, error) {
		return dir.OrderRecipient(ctx, r.ID)
	})
	handle(s, "OrderSummary", func(ctx context.Context, r *orderRefRequest, _ http.Header) (notify.OrderSummary, error) {
		return dir.OrderSummary(ctx, r.ID)
	})
	return s.handler()
}

// OrderDirectoryClient calls an order directory server; it is a
// notify.OrderLookup and a notify.OrderSummarizer. Every call is a read,
// retried while the server is unavailable. It is safe for concurrent use.
type OrderDirectoryClient struct {
	recipient endpoint[orderRefRequest, notify.Recipient]
	summary   endpoint[orderRefRequest, notify.OrderSummary]
}

var _ OrderDirectory = (*OrderDirectoryClient)(nil)

// NewOrderDirectoryClient returns a client of the order directory server
// at baseURL; see NewCartClient for the arguments.
func NewOrderDirectoryClient(httpClient connect.HTTPClient, baseURL string, opts *ClientOptions) (*OrderDirectoryClient, error) {
	c, err := newClient(httpClient, baseURL, OrderDirectoryServiceName, opts)
	if err != nil {
		return nil, err
	}
	return &OrderDirectoryClient{
		recipient: newEndpoint[orderRefRequest, notify.Recipient](c, "OrderRecipient"),
		summary:   newEndpoint[orderRefRequest, notify.OrderSummary](c, "OrderSummary"),
	}, nil
}

// OrderRecipient returns whom to notify about the order with id.
func (c *OrderDirectoryClient) OrderRecipient(ctx context.Context, id commerce.OrderID) (notify.Recipient, error) {
	return c.recipient.call(ctx, &orderRefRequest{ID: id}, "", idempotent)
}

// OrderSummary returns what messages show of the order with id.
func (c *OrderDirectoryClient) OrderSummary(ctx context.Context, id commerce.OrderID) (notify.OrderSummary, error) {
	return c.summary.call(ctx, &orderRefRequest{ID: id}, "", idempotent)
}

// Directory is the notify.Directory of a notification service that runs
// apart: customers from the customer service, orders from the order
// service's directory. Without Orders, order-keyed lookups return an
// error wrapping notify.ErrNoOrderDirectory, as notify.CustomerDir does.
type Directory struct {
	Customers notify.CustomerLookup
	Orders    OrderDirectory
}

var (
	_ notify.Directory       = Directory{}
	_ notify.OrderSummarizer = Directory{}
)

// CustomerRecipient implements notify.Directory through Customers.
func (d Directory) CustomerRecipient(ctx context.Context, id commerce.CustomerID) (notify.Recipient, error) {
	if d.Customers == nil {
		return notify.Recipient{}, commerce.Errorf(commerce.CodeFailedPrecondition, "connectrpc: the directory has no customer service")
	}
	return d.Customers.CustomerRecipient(ctx, id)
}

// OrderRecipient implements notify.Directory through Orders.
func (d Directory) OrderRecipient(ctx context.Context, id commerce.OrderID) (notify.Recipient, error) {
	if d.Orders == nil {
		return notify.Recipient{}, commerce.Errorf(commerce.CodeFailedPrecondition, "%w", notify.ErrNoOrderDirectory)
	}
	return d.Orders.OrderRecipient(ctx, id)
}

// OrderSummary implements notify.OrderSummarizer through Orders.
func (d Directory) OrderSummary(ctx context.Context, id commerce.OrderID) (notify.OrderSummary, error) {
	if d.Orders == nil {
		return notify.OrderSummary{}, commerce.Errorf(commerce.CodeFailedPrecondition, "%w", notify.ErrNoOrderDirectory)
	}
	return d.Orders.OrderSummary(ctx, id)
}
