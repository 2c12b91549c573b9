package connectrpc

import (
	"context"
	"net/http"

	"connectrpc.com/connect"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// CartServiceName is the Connect service the cart procedures live under.
const CartServiceName = "mercato.cart.v1.CartService"

// CartService is what NewCartServer serves: the carts as the order
// service reads and converts them. *cart.Service satisfies it.
type CartService interface {
	Get(ctx context.Context, id commerce.CartID) (cart.Cart, error)
	PriceItems(ctx context.Context, c cart.Cart) (cart.Totals, error)
	MarkConverted(ctx context.Context, id commerce.CartID, orderID commerce.OrderID, version int64) (cart.Cart, error)
}

var _ CartService = (*cart.Service)(nil)

type cartIDRequest struct {
	ID commerce.CartID `json:"id"`
}

type markConvertedRequest struct {
	ID      commerce.CartID  `json:"id"`
	OrderID commerce.OrderID `json:"order_id"`
	Version int64            `json:"version"`
}

// NewCartServer returns the path to mount and the handler serving carts
// over Connect:
//
//	mux.Handle(connectrpc.NewCartServer(carts, nil))
func NewCartServer(carts CartService, opts *ServerOptions) (string, http.Handler) {
	s := newServer(CartServiceName, opts)
	handle(s, "Get", func(ctx context.Context, r *cartIDRequest, _ http.Header) (cart.Cart, error) {
		return carts.Get(ctx, r.ID)
	})
	handle(s, "PriceItems", func(ctx context.Context, c *cart.Cart, _ http.Header) (cart.Totals, error) {
		return carts.PriceItems(ctx, *c)
	})
	handle(s, "MarkConverted", func(ctx context.Context, r *markConvertedRequest, h http.Header) (cart.Cart, error) {
		if err := idempotencyKey(h, r.OrderID.String()); err != nil {
			return cart.Cart{}, err
		}
		return carts.MarkConverted(ctx, r.ID, r.OrderID, r.Version)
	})
	return s.handler()
}

// CartClient calls a cart server. Its methods are those of *cart.Service,
// so it satisfies the ports declared on them (order.Carts). It is safe for
// concurrent use.
type CartClient struct {
	get           endpoint[cartIDRequest, cart.Cart]
	priceItems    endpoint[cart.Cart, cart.Totals]
	markConverted endpoint[markConvertedRequest, cart.Cart]
}

// NewCartClient returns a client of the cart server at baseURL (the root
// the server's path is mounted under, e.g. "http://cart:3003"), calling
// through httpClient (nil means http.DefaultClient). A base URL that is
// not an absolute http(s) URL is InvalidArgument.
func NewCartClient(httpClient connect.HTTPClient, baseURL string, opts *ClientOptions) (*CartClient, error) {
	c, err := newClient(httpClient, baseURL, CartServiceName, opts)
	if err != nil {
		return nil, err
	}
	return &CartClient{
		get:           newEndpoint[cartIDRequest, cart.Cart](c, "Get"),
		priceItems:    newEndpoint[cart.Cart, cart.Totals](c, "PriceItems"),
		markConverted: newEndpoint[markConvertedRequest, cart.Cart](c, "MarkConverted"),
	}, nil
}

// Get returns the cart with id. A read: retried while the server is
// unavailable.
func (c *CartClient) Get(ctx context.Context, id commerce.CartID) (cart.Cart, error) {
	return c.get.call(ctx, &cartIDRequest{ID: id}, "", idempotent)
}

// PriceItems prices cart as given. A read: retried while the server is
// unavailable.
func (c *CartClient) PriceItems(ctx context.Context, cr cart.Cart) (cart.Totals, error) {
	return c.priceItems.call(ctx, &cr, "", idempotent)
}

// MarkConverted records that the cart became order orderID. Idempotent:
// converting the cart to the same order again succeeds whatever the
// version, so it is retried while the server is unavailable; the order ID
// is its idempotency key. A cart written since it was priced is an error
// wrapping cart.ErrChanged, as in process.
func (c *CartClient) MarkConverted(ctx context.Context, id commerce.CartID, orderID commerce.OrderID, version int64) (cart.Cart, error) {
	return c.markConverted.call(ctx, &markConvertedRequest{ID: id, OrderID: orderID, Version: version}, orderID.String(), idempotent)
}
