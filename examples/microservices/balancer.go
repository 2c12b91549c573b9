package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// balancer is the transport of the RPC clients: each call goes to the
// next instance of the service in turn, and a call that could not
// connect (the instance is down: nothing was sent) goes at once to the
// next one. Any other failure is the client's to judge: it retries
// idempotent calls that were Unavailable, and the retry goes to the next
// instance too.
type balancer struct {
	instances []*url.URL
	next      atomic.Uint64
	transport http.RoundTripper
}

// newBalancer balances over the base URLs of a service's instances.
func newBalancer(urls []string) (*balancer, error) {
	b := &balancer{transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
	}}
	for _, s := range urls {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("instance URL %q: %w", s, err)
		}
		b.instances = append(b.instances, u)
	}
	if len(b.instances) == 0 {
		return nil, errors.New("no instance to balance over")
	}
	return b, nil
}

// client is an *http.Client over the balancer. Calls are bounded by
// their contexts (the RPC clients propagate the caller's deadline).
func (b *balancer) client() *http.Client { return &http.Client{Transport: b} }

// RoundTrip implements http.RoundTripper.
func (b *balancer) RoundTrip(req *http.Request) (*http.Response, error) {
	// The body is read once, so that a call refused by one instance can
	// be sent whole to the next. RPC messages are small.
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	start := b.next.Add(1)
	var err error
	for i := range b.instances {
		in := b.instances[(start+uint64(i))%uint64(len(b.instances))]
		r := req.Clone(req.Context())
		r.URL.Scheme, r.URL.Host, r.Host = in.Scheme, in.Host, in.Host
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			r.ContentLength = int64(len(body))
		}
		var resp *http.Response
		resp, err = b.transport.RoundTrip(r)
		if err == nil {
			return resp, nil
		}
		if !refused(err) || req.Context().Err() != nil {
			return nil, err
		}
	}
	return nil, err
}

// refused reports whether err is a failure to connect, before anything
// was sent.
func refused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
