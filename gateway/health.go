package gateway

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// runHealthChecks checks every instance each interval until ctx ends.
func (g *Gateway) runHealthChecks(ctx context.Context) {
	defer close(g.healthDone)
	t := time.NewTicker(g.cfg.HealthInterval)
	defer t.Stop()
	for {
		g.CheckHealth(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CheckHealth checks every instance of every service once, now, with a
// GET of Config.HealthPath: a 2xx answer within Config.HealthTimeout
// admits the instance (again), anything else ejects it. The gateway does
// this every Config.HealthInterval by itself; CheckHealth is for a host
// that wants an answer sooner, such as after starting an instance.
func (g *Gateway) CheckHealth(ctx context.Context) {
	var wg sync.WaitGroup
	for _, p := range g.pools {
		for _, in := range p.instances {
			wg.Go(func() { g.checkInstance(ctx, in) })
		}
	}
	wg.Wait()
}

func (g *Gateway) checkInstance(ctx context.Context, in *instance) {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.HealthTimeout)
	defer cancel()
	ok := g.probe(ctx, in)
	if ctx.Err() != nil && !ok && g.closing() {
		return // stopped by Close, not a verdict on the instance
	}
	if ok {
		in.failures.Store(0)
		if in.healthy.CompareAndSwap(false, true) {
			g.log.Info("gateway: instance admitted", "service", in.service, "instance", in.url.Host)
		}
		return
	}
	if in.healthy.CompareAndSwap(true, false) {
		g.log.Warn("gateway: instance ejected: health check failed", "service", in.service, "instance", in.url.Host)
	}
}

// probe reports whether in answers its health path with a 2xx.
func (g *Gateway) probe(ctx context.Context, in *instance) bool {
	u := *in.url
	u.Path = singleJoin(u.Path, g.cfg.HealthPath)
	u.RawPath = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return false
	}
	resp, err := g.health.Do(req)
	if err != nil {
		return false
	}
	defer func() { _ = resp.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10)) // so the connection is reused
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}

// singleJoin joins a base path and a path with exactly one slash.
func singleJoin(a, b string) string {
	switch {
	case a == "" || a == "/":
		return b
	case a[len(a)-1] == '/' && len(b) > 0 && b[0] == '/':
		return a + b[1:]
	case a[len(a)-1] != '/' && (len(b) == 0 || b[0] != '/'):
		return a + "/" + b
	}
	return a + b
}
