package connectrpc

import (
	"context"
	"net/http"
	"time"

	"connectrpc.com/connect"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// InventoryServiceName is the Connect service the stock procedures live
// under.
const InventoryServiceName = "mercato.inventory.v1.InventoryService"

// InventoryService is what NewInventoryServer serves: reservations as the
// order service holds and settles them (the methods of order.Stock).
// *inventory.Service satisfies it, and AvailabilitySource too.
type InventoryService interface {
	Reserve(ctx context.Context, id commerce.ReservationID, lines []inventory.Line, ttl time.Duration) (inventory.Reservation, error)
	Deduct(ctx context.Context, id commerce.ReservationID) error
	Release(ctx context.Context, id commerce.ReservationID) error
	Restock(ctx context.Context, id commerce.ReservationID) error
	Get(ctx context.Context, id commerce.ReservationID) (inventory.Reservation, error)
}

// AvailabilitySource is an optional capability of an InventoryService:
// what may be sold of a SKU, units left or untracked, as the search
// indexer and recommendations read it. A server over a service without
// it answers Available Unimplemented.
type AvailabilitySource interface {
	Availability(ctx context.Context, sku string) (inventory.Availability, error)
}

var (
	_ InventoryService   = (*inventory.Service)(nil)
	_ AvailabilitySource = (*inventory.Service)(nil)
)

type reserveRequest struct {
	ID    commerce.ReservationID `json:"id"`
	Lines []inventory.Line       `json:"lines"`
	// TTL is in nanoseconds, as encoding/json writes a time.Duration.
	TTL time.Duration `json:"ttl"`
}

type reservationIDRequest struct {
	ID commerce.ReservationID `json:"id"`
}

type skuRequest struct {
	SKU string `json:"sku"`
}

type availableResponse struct {
	Available int `json:"available"`
	// Untracked is inventory.Availability.Untracked; a server that does
	// not know it leaves it out, which reads as tracked.
	Untracked bool `json:"untracked,omitempty"`
}

// empty is the response of a procedure that returns only an error.
type empty struct{}

// NewInventoryServer returns the path to mount and the handler serving
// stock over Connect:
//
//	mux.Handle(connectrpc.NewInventoryServer(stock, nil))
func NewInventoryServer(stock InventoryService, opts *ServerOptions) (string, http.Handler) {
	s := newServer(InventoryServiceName, opts)
	handle(s, "Reserve", func(ctx context.Context, r *reserveRequest, h http.Header) (inventory.Reservation, error) {
		if err := idempotencyKey(h, r.ID.String()); err != nil {
			return inventory.Reservation{}, err
		}
		return stock.Reserve(ctx, r.ID, r.Lines, r.TTL)
	})
	settle := func(method string, fn func(context.Context, commerce.ReservationID) error) {
		handle(s, method, func(ctx context.Context, r *reservationIDRequest, h http.Header) (empty, error) {
			if err := idempotencyKey(h, r.ID.String()); err != nil {
				return empty{}, err
			}
			return empty{}, fn(ctx, r.ID)
		})
	}
	settle("Deduct", stock.Deduct)
	settle("Release", stock.Release)
	settle("Restock", stock.Restock)
	handle(s, "Get", func(ctx context.Context, r *reservationIDRequest, _ http.Header) (inventory.Reservation, error) {
		return stock.Get(ctx, r.ID)
	})
	if avail, ok := stock.(AvailabilitySource); ok {
		handle(s, "Available", func(ctx context.Context, r *skuRequest, _ http.Header) (availableResponse, error) {
			a, err := avail.Availability(ctx, r.SKU)
			return availableResponse{Available: a.Units, Untracked: a.Untracked}, err
		})
	}
	return s.handler()
}

// InventoryClient calls an inventory server. Its methods are those of
// *inventory.Service, so it satisfies the ports declared on them
// (order.Stock, search.StockSource, recommend.Stock). It is safe for
// concurrent use.
//
// Every call is idempotent and so retried while the server is
// unavailable: reads trivially; Reserve because a repeat with the same
// reservation ID and lines returns the reservation as it is instead of
// reserving twice; Deduct, Release and Restock because each succeeds,
// changing nothing, when repeated on the same reservation. The
// reservation ID is their idempotency key.
type InventoryClient struct {
	reserve   endpoint[reserveRequest, inventory.Reservation]
	deduct    endpoint[reservationIDRequest, empty]
	release   endpoint[reservationIDRequest, empty]
	restock   endpoint[reservationIDRequest, empty]
	get       endpoint[reservationIDRequest, inventory.Reservation]
	available endpoint[skuRequest, availableResponse]
}

// NewInventoryClient returns a client of the inventory server at baseURL;
// see NewCartClient for the arguments.
func NewInventoryClient(httpClient connect.HTTPClient, baseURL string, opts *ClientOptions) (*InventoryClient, error) {
	c, err := newClient(httpClient, baseURL, InventoryServiceName, opts)
	if err != nil {
		return nil, err
	}
	return &InventoryClient{
		reserve:   newEndpoint[reserveRequest, inventory.Reservation](c, "Reserve"),
		deduct:    newEndpoint[reservationIDRequest, empty](c, "Deduct"),
		release:   newEndpoint[reservationIDRequest, empty](c, "Release"),
		restock:   newEndpoint[reservationIDRequest, empty](c, "Restock"),
		get:       newEndpoint[reservationIDRequest, inventory.Reservation](c, "Get"),
		available: newEndpoint[skuRequest, availableResponse](c, "Available"),
	}, nil
}

// Reserve reserves every line or none under id, for ttl (0: the server's
// default). A shortage is an error for which errors.Is(err,
// commerce.ErrOutOfStock) holds, with the server's details.
func (c *InventoryClient) Reserve(ctx context.Context, id commerce.ReservationID, lines []inventory.Line, ttl time.Duration) (inventory.Reservation, error) {
	return c.reserve.call(ctx, &reserveRequest{ID: id, Lines: lines, TTL: ttl}, id.String(), idempotent)
}

// Deduct takes the reservation's units out of stock.
func (c *InventoryClient) Deduct(ctx context.Context, id commerce.ReservationID) error {
	_, err := c.deduct.call(ctx, &reservationIDRequest{ID: id}, id.String(), idempotent)
	return err
}

// Release gives the reservation's units back.
func (c *InventoryClient) Release(ctx context.Context, id commerce.ReservationID) error {
	_, err := c.release.call(ctx, &reservationIDRequest{ID: id}, id.String(), idempotent)
	return err
}

// Restock puts a deducted reservation's units back on hand.
func (c *InventoryClient) Restock(ctx context.Context, id commerce.ReservationID) error {
	_, err := c.restock.call(ctx, &reservationIDRequest{ID: id}, id.String(), idempotent)
	return err
}

// Get returns the reservation with id.
func (c *InventoryClient) Get(ctx context.Context, id commerce.ReservationID) (inventory.Reservation, error) {
	return c.get.call(ctx, &reservationIDRequest{ID: id}, "", idempotent)
}

// Available returns how many units of sku can be reserved now; an
// untracked SKU has 0 (see Availability).
func (c *InventoryClient) Available(ctx context.Context, sku string) (int, error) {
	res, err := c.available.call(ctx, &skuRequest{SKU: sku}, "", idempotent)
	return res.Available, err
}

// Availability returns what may be sold of sku now: units left, or that
// the server sells it untracked.
func (c *InventoryClient) Availability(ctx context.Context, sku string) (inventory.Availability, error) {
	res, err := c.available.call(ctx, &skuRequest{SKU: sku}, "", idempotent)
	if err != nil {
		return inventory.Availability{}, err
	}
	return inventory.Availability{SKU: sku, Units: res.Available, Untracked: res.Untracked}, nil
}
