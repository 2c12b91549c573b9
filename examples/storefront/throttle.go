package main

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// throttleLimits bound failed attempts: at most Failures within Window
// per client address, after which the address waits for the window to
// end.
type throttleLimits struct {
	Failures int
	Window   time.Duration
}

// defaultAdminThrottle lets an admin mistype the key a few times and an
// attacker try a handful of keys per address every five minutes, where
// an unthrottled API took hundreds a second.
var defaultAdminThrottle = throttleLimits{Failures: 10, Window: 5 * time.Minute}

func (l throttleLimits) orDefault() throttleLimits {
	if l.Failures <= 0 {
		l.Failures = defaultAdminThrottle.Failures
	}
	if l.Window <= 0 {
		l.Window = defaultAdminThrottle.Window
	}
	return l
}

// maxThrottled bounds the addresses a throttle remembers, so that a
// spray of addresses cannot grow it without end.
const maxThrottled = 10000

// throttle counts failed attempts per client address in fixed windows
// that start at an address's first failure. It is safe for concurrent
// use.
type throttle struct {
	limits throttleLimits
	now    func() time.Time

	mu     sync.Mutex
	byAddr map[string]*failures
}

type failures struct {
	count int
	until time.Time // end of the window
}

func newThrottle(l throttleLimits, now func() time.Time) *throttle {
	return &throttle{limits: l.orDefault(), now: now, byAddr: map[string]*failures{}}
}

// blocked reports whether addr has used up its failures, and if so how
// long until it may try again.
func (t *throttle) blocked(addr string) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.byAddr[addr]
	if !ok {
		return 0, false
	}
	now := t.now()
	if !now.Before(f.until) {
		delete(t.byAddr, addr)
		return 0, false
	}
	if f.count < t.limits.Failures {
		return 0, false
	}
	return f.until.Sub(now), true
}

// fail records a failed attempt from addr.
func (t *throttle) fail(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	f, ok := t.byAddr[addr]
	if !ok || !now.Before(f.until) {
		if len(t.byAddr) >= maxThrottled {
			t.prune(now)
		}
		f = &failures{until: now.Add(t.limits.Window)}
		t.byAddr[addr] = f
	}
	f.count++
}

// succeed forgets addr's failures: an admin who mistyped, then got it
// right, starts afresh.
func (t *throttle) succeed(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.byAddr, addr)
}

// prune drops ended windows and, should that not be enough, arbitrary
// entries until there is room. Callers hold mu.
func (t *throttle) prune(now time.Time) {
	for a, f := range t.byAddr {
		if !now.Before(f.until) {
			delete(t.byAddr, a)
		}
	}
	for a := range t.byAddr {
		if len(t.byAddr) < maxThrottled {
			break
		}
		delete(t.byAddr, a)
	}
}

// clientAddr is the address a request came from: the peer's IP. Headers
// such as X-Forwarded-For are not trusted, since the demo shop runs with
// no proxy in front of it.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// retryAfterSeconds is d as the whole seconds of a Retry-After header,
// at least 1.
func retryAfterSeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}
