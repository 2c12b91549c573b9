package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/mercatohq/mercato/adapters/connectrpc"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// peerWait bounds how long a service waits at start for the services it
// calls to answer /healthz: they start at the same time.
const peerWait = 2 * time.Minute

// mountRPC mounts the RPC servers of the services this process runs,
// each under its Connect service's path.
func mountRPC(mux *http.ServeMux, p *process, rpc rpcServers) error {
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
	return nil
}

// peer returns the HTTP client and base URL that reach every instance of
// service, in turn, and waits until one of them answers /healthz.
func (p *process) peer(ctx context.Context, service string) (*http.Client, string, *connectrpc.ClientOptions, error) {
	b, err := newBalancer(p.cfg.peerURLs(service))
	if err != nil {
		return nil, "", nil, err
	}
	if err := waitHealthy(ctx, p.cfg.peerURLs(service), peerWait); err != nil {
		return nil, "", nil, fmt.Errorf("the %s service: %w", service, err)
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
func (p *process) stockClient(ctx context.Context) (*connectrpc.InventoryClient, error) {
	hc, base, opts, err := p.peer(ctx, svcInventory)
	if err != nil {
		return nil, err
	}
	return connectrpc.NewInventoryClient(hc, base, opts)
}

// catalogClient reaches the product service.
func (p *process) catalogClient(ctx context.Context) (*connectrpc.CatalogClient, error) {
	hc, base, opts, err := p.peer(ctx, svcProduct)
	if err != nil {
		return nil, err
	}
	return connectrpc.NewCatalogClient(hc, base, opts)
}

// cartClient reaches the cart service.
func (p *process) cartClient(ctx context.Context) (*connectrpc.CartClient, error) {
	hc, base, opts, err := p.peer(ctx, svcCart)
	if err != nil {
		return nil, err
	}
	return connectrpc.NewCartClient(hc, base, opts)
}

// paymentClient reaches the payment service.
func (p *process) paymentClient(ctx context.Context) (*connectrpc.PaymentClient, error) {
	hc, base, opts, err := p.peer(ctx, svcPayment)
	if err != nil {
		return nil, err
	}
	return connectrpc.NewPaymentClient(hc, base, opts)
}

// customerClient reaches the user service.
func (p *process) customerClient(ctx context.Context) (*connectrpc.CustomerClient, error) {
	hc, base, opts, err := p.peer(ctx, svcUser)
	if err != nil {
		return nil, err
	}
	return connectrpc.NewCustomerClient(hc, base, opts)
}

// directoryClient finds customers through the user service.
// SEAM(rpc): orders through the order service's directory.
func (p *process) directoryClient(ctx context.Context) (notify.Directory, error) {
	customers, err := p.customerClient(ctx)
	if err != nil {
		return nil, err
	}
	return customerDirectory{customers}, nil
}

// customerDirectory finds customers only; events that name only an
// order are skipped.
type customerDirectory struct{ notify.CustomerLookup }

func (customerDirectory) OrderRecipient(context.Context, commerce.OrderID) (notify.Recipient, error) {
	return notify.Recipient{}, notify.ErrNoOrderDirectory
}

// connectrpcCustomerClient is a client of the user service over b,
// without waiting for it: the gateway starts whatever is up.
func connectrpcCustomerClient(b *balancer, p *process) (*connectrpc.CustomerClient, error) {
	return connectrpc.NewCustomerClient(b.client(), "http://"+svcUser, &connectrpc.ClientOptions{Logger: p.log})
}
