package main

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/gateway"
)

// edgeClientIP is the address the edge checks call from: a client of its
// own, whose allowances the rest of the test has not spent. The whole of
// 127.0.0.0/8 is loopback on Linux.
const edgeClientIP = "127.0.0.2"

// testEdge checks the gateways at the edge of a running topology, as a
// hostile or unlucky client meets them: the login limit holds across both
// gateways, bad input is a 4xx, and a service that is down is a 503 with
// Retry-After, never a hang or a 500. No answer carries an address or
// SQL. It kills the inventory service, so it runs last.
func testEdge(t *testing.T, tp *topology) {
	t.Run("LoginLimitAcrossGateways", func(t *testing.T) { testLoginLimitAcrossGateways(t, tp) })
	t.Run("BadInput", func(t *testing.T) { testBadInputAtTheEdge(t, tp) })
	t.Run("ServiceDown", func(t *testing.T) { testServiceDownAtTheEdge(t, tp) })
}

// edgeClient is a client of gateway i calling from edgeClientIP.
func (tp *topology) edgeClient(t *testing.T, i int) *apiClient {
	t.Helper()
	c := tp.client(i)
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(edgeClientIP)}, Timeout: 10 * time.Second}
	tr := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 4}
	t.Cleanup(tr.CloseIdleConnections)
	// Within the gateway's own request timeout and a margin: an answer
	// later than that is a hang.
	// Redirects are the client's to follow (the program's mux sends one
	// for a path with dot segments), not this test's.
	c.http = &http.Client{
		Transport:     tr,
		Timeout:       gateway.DefaultRequestTimeout + 15*time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c
}

// testLoginLimitAcrossGateways spends one client address's login
// allowance alternating between the two gateways: the limit is counted in
// Redis, so the gateways together allow what one would. The limiter
// earns an attempt back every Period/Rate while the test runs, so the
// count allowed is at least the burst and at most the burst plus what
// was earned back during the run; the rest are 429 with Retry-After.
//
// The logins carry a password longer than the user service takes, which
// it refuses with 400 before any hashing, and spell the path in several
// ways, each of which the gateway counts as the login route.
func testLoginLimitAcrossGateways(t *testing.T, tp *topology) {
	lim := gateway.DefaultSensitiveLimit()
	interval := lim.Period / time.Duration(lim.Rate)
	clients := []*apiClient{tp.edgeClient(t, 0), tp.edgeClient(t, 1)}
	paths := []string{"/store/auth/login", "/store/auth/%6Cogin", "/store/auth/%6c%6f%67%69%6e", "/%73tore/%61uth/login"}
	body := map[string]string{"email": "mallory@example.com", "password": strings.Repeat("p", customer.MaxPasswordLength+1)}

	// Three refusals are enough to see the limit hold; an attempt earned
	// back between them is allowed, and counted below.
	const wantRefused = 3
	var allowed, refused, attempts int
	start := time.Now()
	deadline := start.Add(waitTimeout)
	for refused < wantRefused {
		require.False(t, time.Now().After(deadline), "%d logins allowed and %d refused within %s", allowed, refused, waitTimeout)
		r, err := clients[attempts%2].do(http.MethodPost, paths[attempts%len(paths)], body)
		require.NoError(t, err, "login %d", attempts)
		assertNoLeak(t, tp, r)
		switch r.status {
		case http.StatusBadRequest:
			allowed++
			assert.Equal(t, "invalid_argument", r.code(), "%s", r.body)
		case http.StatusTooManyRequests:
			refused++
			assert.Equal(t, "resource_exhausted", r.code())
			secs, err := strconv.Atoi(r.header.Get("Retry-After"))
			assert.NoError(t, err, "Retry-After %q", r.header.Get("Retry-After"))
			assert.Positive(t, secs, "Retry-After")
		default:
			t.Fatalf("login %d through gateway %d: %d %s", attempts, attempts%2, r.status, r.body)
		}
		attempts++
		if attempts == lim.Burst {
			require.Equal(t, lim.Burst, allowed, "the first %d logins of a new client, within its burst", lim.Burst)
		}
	}
	elapsed := time.Since(start)
	earned := int(elapsed / interval)
	t.Logf("%d logins over two gateways in %s: %d allowed (burst %d, %d earned back), %d refused", attempts, elapsed.Round(time.Millisecond), allowed, lim.Burst, earned, refused)
	assert.GreaterOrEqual(t, allowed, lim.Burst)
	assert.LessOrEqual(t, allowed, lim.Burst+earned, "allowed more than the burst and what was earned back in %s", elapsed)
	assert.Less(t, allowed, attempts)
}

// testBadInputAtTheEdge sends what the gateway refuses itself.
func testBadInputAtTheEdge(t *testing.T, tp *topology) {
	c := tp.edgeClient(t, 1)

	for _, path := range []string{"/nope", "/store", "/internal/rpc", "/store/cartsx", "/store%2Fcarts"} {
		r, err := c.do(http.MethodGet, path, nil)
		require.NoError(t, err, path)
		assert.Equal(t, http.StatusNotFound, r.status, "%s: %s", path, r.body)
		assert.Equal(t, "not_found", r.code(), path)
		assertNoLeak(t, tp, r)
	}

	// A body over the gateway's 1 MiB: refused by its length, before any
	// service reads it.
	big := bytes.Repeat([]byte("x"), gateway.DefaultMaxBodyBytes+1)
	r, err := c.doRaw(http.MethodPost, "/store/carts", big, "Content-Type", "application/json")
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.status, "%s", r.body)
	assertNoLeak(t, tp, r)

	for _, auth := range []string{"Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer not-a-session-token", "Bearer " + strings.Repeat("x", 4096)} {
		r, err := c.do(http.MethodGet, "/store/customers/me", nil, "Authorization", auth)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, r.status, "Authorization %.20q: %s", auth, r.body)
		assert.Equal(t, "unauthenticated", r.code())
		assert.NotEmpty(t, r.header.Get("WWW-Authenticate"))
		assertNoLeak(t, tp, r)
	}
}

// testServiceDownAtTheEdge kills every inventory instance: until the
// supervisor has one running again, a request for the stock is a 503
// with Retry-After, answered at once; then the gateway sends requests to
// it again.
func testServiceDownAtTheEdge(t *testing.T, tp *topology) {
	admin := tp.edgeClient(t, 0)
	admin.token = tp.cfg.AdminKey
	const path = "/admin/inventory/TRAIL-42"
	admin.call(t, http.StatusOK, http.MethodGet, path, nil, nil)

	var killed []int
	for _, in := range tp.sup.instances {
		if in.Service == svcInventory {
			pid := in.Pid()
			require.NotZero(t, pid, "%s runs no process", in.Name())
			require.NoError(t, syscall.Kill(pid, syscall.SIGKILL), "kill %s", in.Name())
			killed = append(killed, pid)
		}
	}
	require.NotEmpty(t, killed)

	var down response
	pollUntil(t, "a 503 for the stock with inventory down", func() bool {
		r, err := admin.do(http.MethodGet, path, nil)
		require.NoError(t, err, "no answer with inventory down: a hang or a dropped connection")
		assertNoLeak(t, tp, r)
		require.Contains(t, []int{http.StatusOK, http.StatusServiceUnavailable}, r.status, "%s", r.body)
		if r.status == http.StatusServiceUnavailable {
			down = r
			return true
		}
		return false
	})
	assert.Equal(t, "unavailable", down.code())
	secs, err := strconv.Atoi(down.header.Get("Retry-After"))
	assert.NoError(t, err, "Retry-After %q", down.header.Get("Retry-After"))
	assert.Positive(t, secs)

	// The supervisor restarts inventory, and a health check lets the
	// gateway send it requests again; meanwhile every answer is 503.
	pollUntil(t, "the stock answered again", func() bool {
		r, err := admin.do(http.MethodGet, path, nil)
		require.NoError(t, err)
		assertNoLeak(t, tp, r)
		require.Contains(t, []int{http.StatusOK, http.StatusServiceUnavailable}, r.status, "%s", r.body)
		if r.status == http.StatusServiceUnavailable {
			assert.NotEmpty(t, r.header.Get("Retry-After"))
		}
		return r.status == http.StatusOK
	})
	for _, in := range tp.sup.instances {
		if in.Service == svcInventory {
			assert.NotContains(t, killed, in.Pid(), "%s was not restarted", in.Name())
		}
	}
}

// doRaw sends body as it is, with header pairs.
func (c *apiClient) doRaw(method, path string, body []byte, header ...string) (response, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return response{}, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: raw}, err
}

// pollUntil asks cond every pause, as a client retrying would, until it
// holds, failing the test after waitTimeout. The pause keeps one client
// address within the gateway's allowance.
func pollUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	const pause = 100 * time.Millisecond
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, waitTimeout)
		}
		time.Sleep(pause) // a client's pause before it asks again, not a wait for an outcome
	}
}

// assertNoLeak checks that an answer names no address of the topology
// and carries no SQL or cause of a failure.
func assertNoLeak(t *testing.T, tp *topology, r response) {
	t.Helper()
	body := strings.ToLower(string(r.body))
	needles := []string{"127.0.0.1", "localhost", "dial tcp", "connection refused", "sqlstate", "select ", "insert into", "update ", "delete from", "pgx", "postgres", "redis", "nats"}
	for _, in := range tp.sup.instances {
		_, port, _ := net.SplitHostPort(dialable(in.Addr))
		needles = append(needles, ":"+port)
	}
	for _, n := range needles {
		assert.NotContains(t, body, n, "an answer (%d) carries %q: %s", r.status, n, r.body)
	}
}
