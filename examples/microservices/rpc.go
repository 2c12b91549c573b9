package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/mercatohq/mercato/adapters/connectrpc"
)

// peerWait bounds how long a service waits at start for the services it
// calls to answer /healthz: they start at the same time.
const peerWait = 2 * time.Minute

// mountRPC mounts the RPC servers of the services this process runs,
// each under its Connect service's path.
func mountRPC(mux *http.ServeMux, p *process, rpc rpcServers) {
	opts := &connectrpc.ServerOptions{Logger: p.log}
	if rpc.Customers != nil {
		mux.Handle(connectrpc.NewCustomerServer(rpc.Customers, opts))
	}
	if rpc.Catalog != nil {
		mux.Handle(connectrpc.NewCatalogServer(rpc.Catalog, opts))
	}
	if rpc.Carts != nil {
		mux.Handle(connectrpc.NewCartServer(rpc.Carts, opts))
	}
	if rpc.Inventory != nil {
		mux.Handle(connectrpc.NewInventoryServer(rpc.Inventory, opts))
	}
	if rpc.Payments != nil {
		mux.Handle(connectrpc.NewPaymentServer(rpc.Payments, opts))
	}
	if rpc.OrderDirectory != nil {
		mux.Handle(connectrpc.NewOrderDirectoryServer(rpc.OrderDirectory, opts))
	}
}

// peer returns the HTTP client and base URL that reach every instance of
// service in turn. Nothing is dialled yet: the service may still be
// starting, and its clients retry while it is unavailable.
func (p *process) peer(service string) (*http.Client, string, *connectrpc.ClientOptions, error) {
	b, err := newBalancer(p.cfg.peerURLs(service))
	if err != nil {
		return nil, "", nil, err
	}
	// The host is the balancer's to choose; this one names the service in
	// errors.
	return b.client(), "http://" + service, &connectrpc.ClientOptions{Logger: p.log}, nil
}

// waitHealthy waits until one of urls answers /healthz with 200.
func waitHealthy(ctx context.Context, urls []string, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		for _, u := range urls {
			if healthy(ctx, client, u+"/healthz") {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no instance healthy within %s", within)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stockClient reaches the inventory service.
func (p *process) stockClient() (*connectrpc.InventoryClient, error) {
	hc, base, opts, err := p.peer(svcInventory)
	if err != nil {
		return nil, err
	}
	return connectrpc.NewInventoryClient(hc, base, opts)
}

// catalogClient reaches the product service.
func (p *process) catalogClient() (*connectrpc.CatalogClient, error) {
	hc, base, opts, err := p.peer(svcProduct)
	if err != nil {
		return nil, err
	}
	return connectrpc.NewCatalogClient(hc, base, opts)
}

// cartClient reaches the cart service.
func (p *process) cartClient() (*connectrpc.CartClient, error) {
	hc, base, opts, err := p.peer(svcCart)
	if err != nil {
		return nil, err
	}
	return connectrpc.NewCartClient(hc, base, opts)
}

// paymentClient reaches the payment service.
func (p *process) paymentClient() (*connectrpc.PaymentClient, error) {
	hc, base, opts, err := p.peer(svcPayment)
	if err != nil {
		return nil, err
	}
	return connectrpc.NewPaymentClient(hc, base, opts)
}

// customerClient reaches the user service.
func (p *process) customerClient() (*connectrpc.CustomerClient, error) {
	hc, base, opts, err := p.peer(svcUser)
	if err != nil {
		return nil, err
	}
	return connectrpc.NewCustomerClient(hc, base, opts)
}

// directoryClient finds customers through the user service and orders
// through the order service's directory: the notification service reads
// no other service's tables.
func (p *process) directoryClient() (connectrpc.Directory, error) {
	customers, err := p.customerClient()
	if err != nil {
		return connectrpc.Directory{}, err
	}
	hc, base, opts, err := p.peer(svcOrder)
	if err != nil {
		return connectrpc.Directory{}, err
	}
	orders, err := connectrpc.NewOrderDirectoryClient(hc, base, opts)
	if err != nil {
		return connectrpc.Directory{}, err
	}
	return connectrpc.Directory{Customers: customers, Orders: orders}, nil
}
