package gateway

import (
	"context"
	"net/http"

	"github.com/mercatohq/mercato/commerce"
)

// Close drains the gateway: from the first call on, new requests are
// answered 503 with Retry-After and "Connection: close" (a load balancer
// sends them to another gateway), health checks stop, and Close waits
// for the requests in flight to finish until ctx ends, when it returns
// Unavailable. Call it after http.Server.Shutdown has stopped accepting
// connections, or instead of it when the gateway is mounted in a larger
// server. It is idempotent: a second call waits again.
func (g *Gateway) Close(ctx context.Context) error {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.stopHealth()

	drained := make(chan struct{})
	go func() {
		g.inFlight.Wait()
		<-g.healthDone
		close(drained)
	}()
	select {
	case <-drained:
	case <-ctx.Done():
		return commerce.Errorf(commerce.CodeUnavailable, "gateway: drain: requests still in flight: %w", ctx.Err())
	}
	if t, ok := g.transport.(interface{ CloseIdleConnections() }); ok && g.cfg.Transport == nil {
		t.CloseIdleConnections()
	}
	return nil
}

// compile-time check that a Gateway is a handler.
var _ http.Handler = (*Gateway)(nil)
