package main

import (
	"net/http"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/search"
)

// apiServices are the services whose public routes a process serves:
// the one service it runs.
type apiServices struct {
	Catalog   *catalog.Service
	Search    *search.Service
	Carts     *cart.Service
	Customers *customer.Service
	Orders    *order.Service
	Inventory *inventory.Service
	Payments  *payment.Service
}

// rpcServers are the services whose RPC a process serves, for the
// other services and the gateway.
type rpcServers struct {
	Catalog   *catalog.Service
	Carts     *cart.Service
	Customers *customer.Service
	Inventory *inventory.Service
	Payments  *payment.Service
}

// serve returns the handler of a service process: its RPC under the
// RPC's paths, its public routes everywhere else. The gateway reaches
// the public routes without the /api prefix it is mounted under.
func serve(p *process, api apiServices, rpc rpcServers) (http.Handler, error) {
	mux := http.NewServeMux()
	if err := mountRPC(mux, p, rpc); err != nil {
		return nil, err
	}
	public, err := publicAPI(p, api)
	if err != nil {
		return nil, err
	}
	mux.Handle("/", public)
	return mux, nil
}

// publicAPI is the public HTTP API of the service's routes only.
func publicAPI(p *process, svc apiServices) (http.Handler, error) {
	// SEAM(apisplit): httpapi.New over this process's services, with
	// TrustGatewayIdentity and the shared admin and guest-token keys.
	_ = svc
	return http.NotFoundHandler(), nil
}
