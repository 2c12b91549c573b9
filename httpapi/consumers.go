package httpapi

import (
	"context"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/order"
)

// The routes of one service read a little of others: who a bearer token
// is, whose a cart is before it is checked out, a customer's email, that
// an order or a SKU exists. They read it through the narrow interfaces
// below, which the in-process services satisfy and a network client of a
// service in another process can too. Each defaults to the service of
// Services that has it, when that is given (see Options).

// Authenticator verifies a customer session token: the bearer token of
// the store API. *customer.Service is one.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (customer.Claims, error)
}

// CartReader reads a cart. The checkout route reads the cart it checks
// out to know whose it is before it takes a payment. *cart.Service is
// one.
type CartReader interface {
	Get(ctx context.Context, id commerce.CartID) (cart.Cart, error)
}

// CustomerReader reads a customer. The checkout route reads a signed-in
// buyer's email when the request gives none. *customer.Service is one.
type CustomerReader interface {
	Get(ctx context.Context, id commerce.CustomerID) (customer.Customer, error)
}

// OrderReader reads an order. The admin list of an order's payments
// reads the order to answer 404 for an unknown one. *order.Service is
// one.
type OrderReader interface {
	Get(ctx context.Context, id commerce.OrderID) (order.Order, error)
}

// SKUReader finds the variant of a SKU. The admin stock reads ask it
// whether a SKU without stock is one the catalog sells (its stock is
// zero) or no SKU at all (404). *catalog.Service is one.
type SKUReader interface {
	GetVariantBySKU(ctx context.Context, sku string) (catalog.Variant, catalog.Product, error)
}
