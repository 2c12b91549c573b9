package main

import (
	"context"
	"net/http"
)

// wireGateway runs the edge: the public API under /api/, routed by path
// to the services' instances.
func wireGateway(ctx context.Context, p *process) (http.Handler, error) {
	// SEAM(gateway): gateway.New over cfg.peerURLs of every service,
	// Redis rate limits, the user service's Authenticate client.
	_, _ = ctx, p
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "the gateway is not wired yet", http.StatusServiceUnavailable)
	})
	return mux, nil
}
