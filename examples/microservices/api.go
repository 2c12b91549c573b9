package main

import (
	"net/http"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/search"
)

// apiServices are the services whose public routes a process serves —
// the one service it runs — and the readers of other services' data
// those routes need, reached by RPC.
type apiServices struct {
	Catalog   *catalog.Service
	Search    *search.Service
	Carts     *cart.Service
	Customers *customer.Service
	Orders    *order.Service
	Inventory *inventory.Service
	Payments  *payment.Service

	// cartReader: whose cart a checkout is for (the order service).
	cartReader httpapi.CartReader
	// customerReader: a signed-in buyer's email (the order service).
	customerReader httpapi.CustomerReader
	// skuReader: whether a SKU without stock is the catalog's (the
	// inventory service).
	skuReader httpapi.SKUReader
}

// rpcServers are the services whose RPC a process serves, for the
// other services and the gateway.
type rpcServers struct {
	Catalog   *catalog.Service
	Carts     *cart.Service
	Customers *customer.Service
	Inventory *inventory.Service
	Payments  *payment.Service
	// OrderDirectory tells the notification service whom to write to
	// about an order.
	OrderDirectory *notify.OrderDir
}

// serve returns the handler of a service process: its RPC under the
// RPC's paths, its public routes everywhere else. The gateway reaches
// the public routes without the /api prefix it is mounted under.
func serve(p *process, api apiServices, rpc rpcServers) (http.Handler, error) {
	mux := http.NewServeMux()
	mountRPC(mux, p, rpc)
	public, err := publicAPI(p, api)
	if err != nil {
		return nil, err
	}
	mux.Handle("/", public)
	return mux, nil
}

// publicAPI is the public HTTP API of the service's own routes. It takes
// the customer from the identity headers the gateway sets once it has
// verified the token: the services listen on loopback, behind it.
func publicAPI(p *process, svc apiServices) (http.Handler, error) {
	services := httpapi.Services{
		Catalog: svc.Catalog, Search: svc.Search, Carts: svc.Carts, Customers: svc.Customers,
		Orders: svc.Orders, Inventory: svc.Inventory, Payments: svc.Payments,
	}
	if services == (httpapi.Services{}) {
		return http.NotFoundHandler(), nil // the notification service has no public route
	}
	return httpapi.New(services, &httpapi.Options{
		AdminKey:             p.cfg.AdminKey,
		Logger:               p.log,
		GuestTokenKey:        []byte(p.cfg.GuestTokenKey),
		TrustGatewayIdentity: true,
		CartReader:           svc.cartReader,
		CustomerReader:       svc.customerReader,
		SKUReader:            svc.skuReader,
	})
}
