package main

import (
	"context"
	"errors"
	"net/http"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/search"
)

// errRPCNotWired: SEAM(rpc) until adapters/connectrpc is wired.
var errRPCNotWired = errors.New("rpc clients not wired yet")

// mountRPC mounts the RPC servers of the services this process runs.
func mountRPC(mux *http.ServeMux, p *process, rpc rpcServers) error {
	// SEAM(rpc): the Connect handlers of adapters/connectrpc.
	_, _, _ = mux, p, rpc
	return nil
}

// stockClient reaches the inventory service.
func (p *process) stockClient(ctx context.Context) (search.StockSource, error) {
	return nil, errRPCNotWired
}

// catalogClient reaches the product service.
func (p *process) catalogClient(ctx context.Context) (cart.Pricer, error) {
	return nil, errRPCNotWired
}

// directoryClient finds customers and orders through the user and order
// services.
func (p *process) directoryClient(ctx context.Context) (notify.Directory, error) {
	return nil, errRPCNotWired
}
