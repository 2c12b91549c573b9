// Loadgen measures the demo shop over loopback HTTP: how long it takes to
// be ready, how much memory it holds, and the latency (p50, p90, p99,
// max) and throughput of search, add to cart and checkout.
//
// By default it builds the shop (go build ./examples/storefront), starts
// it on a free port with a fresh catalog, waits for GET /healthz to
// answer 200 and the shop's ready banner, reads its resident memory from
// /proc, restocks the SKUs it will buy, runs each scenario for -duration
// with -workers concurrent clients, and stops the shop with SIGINT:
//
//	go run ./examples/storefront/loadgen
//	go run ./examples/storefront/loadgen -via web -duration 10s -workers 16
//
// -via api drives the JSON API under /api (the default); -via web the
// HTML pages and their forms. -addr measures a shop already running
// instead (no startup or memory figures); it then needs the admin key in
// MERCATO_ADMIN_KEY to restock. -scenarios runs only the scenarios it
// names, the whole checkout (create a cart, add an item, check out,
// timed as one) among them:
//
//	go run ./examples/storefront/loadgen -addr 127.0.0.1:8080 -scenarios "checkout (whole)" -workers 16
//
// The shop it starts inherits the environment, so the MERCATO_* variables
// choose its backends; -markdown adds a markdown table of the results
// headed by the machine's CPU model, cores, memory, Go version and load
// average:
//
//	MERCATO_POSTGRES_DSN=postgres://postgres@127.0.0.1:5432/shop MERCATO_REDIS_ADDR=127.0.0.1:6379 \
//		go run ./examples/storefront/loadgen -markdown
//
// # The suite
//
// -suite runs the standard scenarios against three shops, one after
// another, each built, started fresh and stopped:
//
//   - embedded: the storefront with its defaults, everything in memory;
//   - PostgreSQL + Redis: the storefront with -postgres on a database the
//     suite creates for it (and drops with FORCE afterwards) and -redis
//     with -redis-prefix, a prefix of the run's whose keys are deleted
//     afterwards;
//   - services apart: examples/microservices on a fresh database, Redis
//     keys and NATS topics under a prefix of the run's (deleted
//     afterwards), through its gateway on a free port, the services on a
//     free block of ports, the gateway's per-client rate limit raised out
//     of the way.
//
// Against each it measures the startup (exec to /healthz 200 and the
// ready banner), search with one client, add to cart with 1 and 16, and a
// whole checkout (create a cart, add an item, check out, timed as one)
// with 1 and 16; then the resident memory of the shop's whole process
// tree after the load. With -in-process (the default) it then runs the
// repository's Go benchmarks of the same operations without HTTP (cart
// AddItem on memory and Redis, Checkout on memory and on PostgreSQL,
// search on bleve, the gateway's hop) through go test -bench. It prints
// markdown tables headed by the machine's description: startup and
// memory per shop, each scenario per shop, the cost of the hops (the
// shop on PostgreSQL + Redis against the services apart), and the
// in-process figures:
//
//	go run ./examples/storefront/loadgen -suite
//	go run ./examples/storefront/loadgen -suite -shops embedded -in-process=false -duration 2s
//
// It needs PostgreSQL (-postgres, a database URL on a server where it may
// create databases), Redis (-redis) and NATS with JetStream (-nats) on
// loopback by default. A shop that is not ready within -ready-timeout is
// reported with its last output lines, and the suite goes on with the
// next; every wait has a deadline.
//
// The load generator shares the machine with the shop, so on a small
// machine its own work is part of what is measured.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	var (
		o     options
		s     suiteOptions
		suite bool
		shops string
	)
	flag.StringVar(&o.bin, "bin", "", "storefront binary to start (default: build ./examples/storefront)")
	flag.StringVar(&o.addr, "addr", "", "measure the shop already running at this address instead of starting one")
	flag.StringVar(&o.via, "via", "api", "what to drive: api (the JSON API) or web (the HTML pages)")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "how long each scenario runs")
	flag.IntVar(&o.workers, "workers", 8, "concurrent clients")
	flag.IntVar(&o.products, "products", 300, "catalog size of the shop it starts")
	var only string
	flag.StringVar(&only, "scenarios", "", `comma-separated names of the scenarios to run, as printed (for example "checkout (whole)"); default: search, add to cart and checkout`)
	flag.BoolVar(&o.markdown, "markdown", false, "also print the results as a markdown table headed by the machine's description")
	flag.BoolVar(&suite, "suite", false, "run the standard scenarios against the embedded shop, the shop on PostgreSQL and Redis and the services apart, and print markdown tables")
	flag.StringVar(&shops, "shops", "embedded,postgres,services", "with -suite: the shops to run")
	flag.BoolVar(&s.inProcess, "in-process", true, "with -suite: also run the in-process Go benchmarks of the same operations")
	flag.DurationVar(&s.benchtime, "benchtime", time.Second, "with -suite: -benchtime of each in-process benchmark")
	flag.IntVar(&s.searchProducts, "search-products", 10_000, "with -suite: products in the in-process search benchmark's index")
	flag.DurationVar(&s.readyTimeout, "ready-timeout", 2*time.Minute, "with -suite: how long a shop may take to be ready")
	flag.StringVar(&s.postgres, "postgres", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "with -suite: PostgreSQL URL of a database on a server where the suite may create (and drop) its own")
	flag.StringVar(&s.redis, "redis", "127.0.0.1:6379", "with -suite: Redis address")
	flag.StringVar(&s.nats, "nats", "nats://127.0.0.1:4222", "with -suite: NATS server (JetStream enabled) of the services apart")
	flag.Parse()
	if o.via != "api" && o.via != "web" {
		fmt.Fprintln(os.Stderr, "loadgen: -via must be api or web")
		os.Exit(2)
	}
	for _, n := range strings.Split(only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			o.only = append(o.only, n)
		}
	}
	var err error
	if suite {
		s.duration, s.products = o.duration, o.products
		for _, k := range strings.Split(shops, ",") {
			if k = strings.TrimSpace(k); k != "" {
				s.shops = append(s.shops, k)
			}
		}
		// Ctrl+C ends the suite through its cleanup: shops stopped,
		// databases dropped.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err = runSuite(ctx, s, os.Stdout, os.Stdout)
		stop()
	} else {
		err = run(context.Background(), o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

type options struct {
	bin, addr, via string
	// only, when set, names the scenarios to run (their names as
	// printed, comma-separated); all of them otherwise.
	only     []string
	duration time.Duration
	workers  int
	products int
	markdown bool
}

func run(ctx context.Context, o options) error {
	adminKey := os.Getenv("MERCATO_ADMIN_KEY")
	base := "http://" + o.addr
	var child *process
	if o.addr == "" {
		if adminKey == "" {
			adminKey = randomHex(16)
		}
		var err error
		if child, base, err = startShop(ctx, o, adminKey); err != nil {
			return err
		}
		defer func() { _, _ = child.stop(stopGrace) }()
		fmt.Printf("startup: ready %s after exec (the shop reports ready in %s)\n", child.ready.Round(time.Millisecond), child.reported())
		fmt.Printf("memory after start: %s\n", memory(child))
	} else if adminKey == "" {
		return errors.New("-addr needs the shop's admin key in MERCATO_ADMIN_KEY")
	}

	c := newClient(base, adminKey, o.workers)
	skus, words, err := c.prepare(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("driving the %s with %d workers for %s per scenario; %d SKUs restocked, %d search words\n\n", o.via, o.workers, o.duration, len(skus), len(words))
	fmt.Printf("%-14s %9s %7s %9s %9s %9s %9s %9s\n", "scenario", "requests", "errors", "req/s", "p50", "p90", "p99", "max")
	var results []result
	run, err := pickScenarios(append(scenarios(c, o.via, skus, words), wholeCheckout(c, skus)), o.only)
	if err != nil {
		return err
	}
	for _, sc := range run {
		res := measure(ctx, o.workers, o.duration, sc)
		results = append(results, res)
		fmt.Println(res)
		if res.firstErr != nil {
			fmt.Printf("  first error: %v\n", res.firstErr)
		}
	}
	if child != nil {
		fmt.Printf("\nmemory after load: %s\n", memory(child))
		took, err := child.stop(stopGrace)
		if err != nil {
			return err
		}
		fmt.Printf("shutdown on SIGINT: %s\n", took.Round(time.Millisecond))
	}
	if o.markdown {
		fmt.Println()
		renderMarkdown(os.Stdout, describeMachine(), fmt.Sprintf("%s, %d workers, %s per scenario", o.via, o.workers, o.duration), results)
	}
	return nil
}

// startShop builds (unless -bin) and starts the shop on a free port, and
// waits for it to be ready.
func startShop(ctx context.Context, o options, adminKey string) (*process, string, error) {
	bin := o.bin
	if bin == "" {
		dir, err := os.MkdirTemp("", "storefront-loadgen")
		if err != nil {
			return nil, "", err
		}
		defer os.RemoveAll(dir) // the running binary keeps its inode
		if bin, err = buildBinary(ctx, storefrontPkg, dir); err != nil {
			return nil, "", err
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	p, err := startProcess(bin, []string{"-addr", addr, "-products", strconv.Itoa(o.products)}, append(os.Environ(), "MERCATO_ADMIN_KEY="+adminKey))
	if err != nil {
		return nil, "", err
	}
	base := "http://" + addr
	if _, err := p.waitReady(ctx, base+"/healthz", time.Minute); err != nil {
		_, _ = p.stop(stopGrace)
		return nil, "", fmt.Errorf("the shop %w; its last output:\n%s", err, strings.Join(p.out.tail(20), "\n"))
	}
	return p, base, nil
}

// Import paths of the programs the load generator builds.
const (
	storefrontPkg    = "github.com/mercatohq/mercato/examples/storefront"
	microservicesPkg = "github.com/mercatohq/mercato/examples/microservices"
)

// stopGrace is how long a shop has to stop on SIGINT before it is
// killed: the services' supervisor gives its children 40 s to drain.
const stopGrace = 45 * time.Second

// memory describes the resident memory of p and its children.
func memory(p *process) string {
	m, err := processTreeMemory(p.pid())
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return m.String()
}

// newClient makes a client of the shop at base for up to conns
// concurrent requests.
func newClient(base, adminKey string, conns int) *client {
	return &client{base: base, admin: adminKey, http: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: time.Minute},
		// Pages answer posts with 303; the measure is the post itself.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// client talks to the shop.
type client struct {
	base  string
	admin string
	http  *http.Client
}

// do sends a request and drains the answer; a status other than want is
// an error.
func (c *client) do(req *http.Request, want int, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode == want {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d, want %d: %.200s", req.Method, req.URL.Path, resp.StatusCode, want, body)
	}
	return nil
}

func (c *client) json(ctx context.Context, method, path string, body any, want int, out any, header ...string) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req, want, out)
}

func (c *client) form(ctx context.Context, jar http.CookieJar, path string, form url.Values, want int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.withJar(jar).do(req, want, nil)
}

func (c *client) page(ctx context.Context, jar http.CookieJar, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	return c.withJar(jar).do(req, http.StatusOK, nil)
}

// withJar returns a client sharing c's connections with its own cookies.
func (c *client) withJar(jar http.CookieJar) *client {
	h := *c.http
	h.Jar = jar
	return &client{base: c.base, admin: c.admin, http: &h}
}

type searchResult struct {
	Total int `json:"total"`
	Hits  []struct {
		Document struct {
			Title string   `json:"title"`
			SKUs  []string `json:"skus"`
		} `json:"document"`
	} `json:"hits"`
}

// prepare picks the SKUs to buy (in stock, priced) and the search words,
// and restocks the SKUs so that checkouts never run out.
func (c *client) prepare(ctx context.Context) (skus, words []string, err error) {
	var res searchResult
	if err := c.json(ctx, http.MethodGet, "/api/store/search?in_stock=true&page_size=100", nil, http.StatusOK, &res); err != nil {
		return nil, nil, fmt.Errorf("find products: %w", err)
	}
	seen := map[string]bool{}
	for _, h := range res.Hits {
		skus = append(skus, h.Document.SKUs...)
		for _, w := range strings.Fields(h.Document.Title) {
			w = strings.ToLower(w)
			if len(w) > 3 && !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
	}
	if len(skus) == 0 {
		return nil, nil, errors.New("the shop has no products in stock")
	}
	for _, sku := range skus {
		if err := c.json(ctx, http.MethodPut, "/api/admin/inventory/"+url.PathEscape(sku), map[string]any{"quantity": 1_000_000}, http.StatusOK, nil, "Authorization", "Bearer "+c.admin); err != nil {
			return nil, nil, fmt.Errorf("restock %s: %w", sku, err)
		}
	}
	return skus, words, nil
}

// prepareWithin is prepare retried until it succeeds or within has
// passed: a shop's search index fills from events, after the shop is up.
func (c *client) prepareWithin(ctx context.Context, within time.Duration) (skus, words []string, err error) {
	deadline := time.Now().Add(within)
	for {
		if skus, words, err = c.prepare(ctx); err == nil || time.Now().After(deadline) {
			return skus, words, err
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// scenario is one measured operation: each worker calls newWorker once,
// then calls the op it returns repeatedly; op returns the latency of the
// measured request (setup requests excluded).
type scenario struct {
	name      string
	newWorker func(ctx context.Context, r *mrand.Rand) (op func() (time.Duration, error), err error)
}

func scenarios(c *client, via string, skus, words []string) []scenario {
	pick := func(r *mrand.Rand, xs []string) string { return xs[r.IntN(len(xs))] }
	timed := func(f func() error) (time.Duration, error) {
		start := time.Now()
		err := f()
		return time.Since(start), err
	}
	if via == "web" {
		form := func(sku string) url.Values { return url.Values{"sku": {sku}, "quantity": {"1"}} }
		checkout := url.Values{"email": {"load@example.com"}, "payment_method": {"pm_card_visa"}}
		for k, v := range shippingAddress() {
			checkout.Set(k, v)
		}
		return []scenario{
			{"search (web)", func(ctx context.Context, r *mrand.Rand) (func() (time.Duration, error), error) {
				return func() (time.Duration, error) {
					return timed(func() error { return c.page(ctx, nil, "/search?q="+url.QueryEscape(pick(r, words))) })
				}, nil
			}},
			{"add to cart", func(ctx context.Context, r *mrand.Rand) (func() (time.Duration, error), error) {
				jar, _ := cookiejar.New(nil)
				n := 0
				return func() (time.Duration, error) {
					if n++; n%50 == 0 {
						jar, _ = cookiejar.New(nil) // a new cart before the line limits
					}
					return timed(func() error { return c.form(ctx, jar, "/cart/items", form(pick(r, skus)), http.StatusSeeOther) })
				}, nil
			}},
			{"checkout", func(ctx context.Context, r *mrand.Rand) (func() (time.Duration, error), error) {
				return func() (time.Duration, error) {
					jar, _ := cookiejar.New(nil)
					if err := c.form(ctx, jar, "/cart/items", form(pick(r, skus)), http.StatusSeeOther); err != nil {
						return 0, err
					}
					f := url.Values{}
					for k, v := range checkout {
						f[k] = v
					}
					f.Set("key", "load-"+randomHex(12))
					return timed(func() error { return c.form(ctx, jar, "/checkout", f, http.StatusSeeOther) })
				}, nil
			}},
		}
	}
	return []scenario{
		{"search (api)", func(ctx context.Context, r *mrand.Rand) (func() (time.Duration, error), error) {
			return func() (time.Duration, error) {
				return timed(func() error { return c.search(ctx, pick(r, words)) })
			}, nil
		}},
		{"add to cart", func(ctx context.Context, r *mrand.Rand) (func() (time.Duration, error), error) {
			gc, err := c.newCart(ctx)
			n := 0
			return func() (time.Duration, error) {
				if n++; n%50 == 0 {
					if gc, err = c.newCart(ctx); err != nil { // a new cart before the line limits
						return 0, err
					}
				}
				return timed(func() error { return c.addItem(ctx, gc, pick(r, skus)) })
			}, err
		}},
		{"checkout", func(ctx context.Context, r *mrand.Rand) (func() (time.Duration, error), error) {
			return func() (time.Duration, error) {
				gc, err := c.newCart(ctx)
				if err != nil {
					return 0, err
				}
				if err := c.addItem(ctx, gc, pick(r, skus)); err != nil {
					return 0, err
				}
				return timed(func() error { return c.checkout(ctx, gc) })
			}, nil
		}},
	}
}

// pickScenarios returns the scenarios named in only, in that order, or
// all but the last (the whole checkout, run by -suite or by name) when
// only is empty.
func pickScenarios(all []scenario, only []string) ([]scenario, error) {
	if len(only) == 0 {
		return all[:len(all)-1], nil
	}
	var out []scenario
	for _, n := range only {
		i := slices.IndexFunc(all, func(s scenario) bool { return s.name == n })
		if i < 0 {
			return nil, fmt.Errorf("-scenarios: no scenario %q", n)
		}
		out = append(out, all[i])
	}
	return out, nil
}

// wholeCheckout is a buyer's whole visit over the API, timed as one:
// create a cart, add an item, check out.
func wholeCheckout(c *client, skus []string) scenario {
	return scenario{"checkout (whole)", func(ctx context.Context, r *mrand.Rand) (func() (time.Duration, error), error) {
		return func() (time.Duration, error) {
			start := time.Now()
			gc, err := c.newCart(ctx)
			if err == nil {
				err = c.addItem(ctx, gc, skus[r.IntN(len(skus))])
			}
			if err == nil {
				err = c.checkout(ctx, gc)
			}
			return time.Since(start), err
		}, nil
	}}
}

// guestCart is a cart made over the API: it answers only requests that
// carry its token.
type guestCart struct {
	ID    string `json:"id"`
	Token string `json:"cart_token"`
}

func (c *client) newCart(ctx context.Context) (guestCart, error) {
	var cart guestCart
	err := c.json(ctx, http.MethodPost, "/api/store/carts", map[string]string{}, http.StatusCreated, &cart)
	return cart, err
}

func (c *client) addItem(ctx context.Context, gc guestCart, sku string) error {
	return c.json(ctx, http.MethodPost, "/api/store/carts/"+gc.ID+"/items", map[string]any{"sku": sku, "quantity": 1}, http.StatusOK, nil, cartTokenHeader, gc.Token)
}

func (c *client) checkout(ctx context.Context, gc guestCart) error {
	body := map[string]any{"email": "load@example.com", "payment_method": "pm_card_visa", "shipping_address": shippingAddress()}
	return c.json(ctx, http.MethodPost, "/api/store/carts/"+gc.ID+"/checkout", body, http.StatusCreated, nil, "Idempotency-Key", "load-"+randomHex(12), cartTokenHeader, gc.Token)
}

func (c *client) search(ctx context.Context, word string) error {
	q := url.Values{"q": {word}, "facets": {"brand,category,price,rating"}}
	return c.json(ctx, http.MethodGet, "/api/store/search?"+q.Encode(), nil, http.StatusOK, nil)
}

// shippingAddress is where the load generator's orders go.
func shippingAddress() map[string]string {
	return map[string]string{"name": "Load Tester", "line1": "1 Loopback Lane", "city": "Localhost", "postal_code": "12345", "country": "US"}
}

// cartTokenHeader carries a guest cart's token (httpapi.CartTokenHeader).
const cartTokenHeader = "X-Cart-Token"

// result is one scenario's measurements.
type result struct {
	name      string
	latencies []time.Duration
	errors    int
	firstErr  error
	elapsed   time.Duration
}

func (r result) String() string {
	c := r.columns()
	return fmt.Sprintf("%-14s %9s %7s %9s %9s %9s %9s %9s", c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7])
}

// quantile is the latency at quantile q (0 to 1), 0 without latencies.
func (r result) quantile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	l := slices.Sorted(slices.Values(r.latencies))
	return l[min(len(l)-1, int(q*float64(len(l))))]
}

// columns are the result's figures as printed: scenario, requests,
// errors, req/s, p50, p90, p99 and max.
func (r result) columns() []string {
	l := slices.Sorted(slices.Values(r.latencies))
	q := func(p float64) string {
		if len(l) == 0 {
			return "-"
		}
		return fmtDur(l[min(len(l)-1, int(p*float64(len(l))))])
	}
	rate := "-"
	if r.elapsed > 0 {
		rate = fmt.Sprintf("%.0f", float64(len(l))/r.elapsed.Seconds())
	}
	maxLat := "-"
	if len(l) > 0 {
		maxLat = fmtDur(l[len(l)-1])
	}
	return []string{r.name, strconv.Itoa(len(l)), strconv.Itoa(r.errors), rate, q(0.50), q(0.90), q(0.99), maxLat}
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	}
	return d.Round(100 * time.Microsecond).String()
}

// measure runs sc with workers concurrent workers for d.
func measure(ctx context.Context, workers int, d time.Duration, sc scenario) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu  sync.Mutex
		res = result{name: sc.name}
		wg  sync.WaitGroup
	)
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			r := mrand.New(mrand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			var lat []time.Duration
			var errs int
			var first error
			op, err := sc.newWorker(context.WithoutCancel(ctx), r)
			for err == nil && ctx.Err() == nil {
				var l time.Duration
				if l, err = op(); err != nil {
					errs++
					if first == nil {
						first = err
					}
					err = nil
					continue
				}
				lat = append(lat, l)
			}
			if err != nil {
				errs++
				first = err
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.errors += errs
			if res.firstErr == nil {
				res.firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
