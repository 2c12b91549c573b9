package connectrpc

import (
	"context"
	"net/http"

	"connectrpc.com/connect"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/notify"
)

// CustomerServiceName is the Connect service the customer procedures live
// under.
const CustomerServiceName = "mercato.customer.v1.CustomerService"

// CustomerService is what NewCustomerServer serves: token verification
// for the edge and customers for the notification service.
// *customer.Service satisfies it.
type CustomerService interface {
	Authenticate(ctx context.Context, token string) (customer.Claims, error)
	Get(ctx context.Context, id commerce.CustomerID) (customer.Customer, error)
}

var _ CustomerService = (*customer.Service)(nil)

type tokenRequest struct {
	Token string `json:"token"`
}

type customerIDRequest struct {
	ID commerce.CustomerID `json:"id"`
}

// NewCustomerServer returns the path to mount and the handler serving
// customers over Connect:
//
//	mux.Handle(connectrpc.NewCustomerServer(customers, nil))
func NewCustomerServer(customers CustomerService, opts *ServerOptions) (string, http.Handler) {
	s := newServer(CustomerServiceName, opts)
	handle(s, "Authenticate", func(ctx context.Context, r *tokenRequest, _ http.Header) (customer.Claims, error) {
		return customers.Authenticate(ctx, r.Token)
	})
	handle(s, "Get", func(ctx context.Context, r *customerIDRequest, _ http.Header) (customer.Customer, error) {
		return customers.Get(ctx, r.ID)
	})
	return s.handler()
}

// CustomerClient calls a customer server. Authenticate and Get have the
// signatures of *customer.Service's; CustomerRecipient makes it a
// notify.CustomerLookup. Every call is a read, retried while the server is
// unavailable. It is safe for concurrent use.
type CustomerClient struct {
	authenticate endpoint[tokenRequest, customer.Claims]
	get          endpoint[customerIDRequest, customer.Customer]
}

var _ notify.CustomerLookup = (*CustomerClient)(nil)

// NewCustomerClient returns a client of the customer server at baseURL;
// see NewCartClient for the arguments.
func NewCustomerClient(httpClient connect.HTTPClient, baseURL string, opts *ClientOptions) (*CustomerClient, error) {
	c, err := newClient(httpClient, baseURL, CustomerServiceName, opts)
	if err != nil {
		return nil, err
	}
	return &CustomerClient{
		authenticate: newEndpoint[tokenRequest, customer.Claims](c, "Authenticate"),
		get:          newEndpoint[customerIDRequest, customer.Customer](c, "Get"),
	}, nil
}

// Authenticate verifies a session token and returns its claims; a bad,
// expired or revoked token is Unauthenticated. The token travels in the
// request body, never in a URL.
func (c *CustomerClient) Authenticate(ctx context.Context, token string) (customer.Claims, error) {
	return c.authenticate.call(ctx, &tokenRequest{Token: token}, "", idempotent)
}

// Get returns the customer with id (never their password hash).
func (c *CustomerClient) Get(ctx context.Context, id commerce.CustomerID) (customer.Customer, error) {
	return c.get.call(ctx, &customerIDRequest{ID: id}, "", idempotent)
}

// CustomerRecipient returns the customer with id as notify sees them.
func (c *CustomerClient) CustomerRecipient(ctx context.Context, id commerce.CustomerID) (notify.Recipient, error) {
	cu, err := c.Get(ctx, id)
	if err != nil {
		return notify.Recipient{}, err
	}
	return notify.RecipientOf(cu), nil
}
