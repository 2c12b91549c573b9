package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/mercatohq/mercato/gateway"
	"github.com/mercatohq/mercato/ratelimit"
)

// A gateway in front of a cart service with two instances: requests
// under /store/carts reach one of them, anything else is 404, and Close
// drains.
func Example() {
	cart := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == gateway.DefaultHealthPath {
				return // healthy
			}
			fmt.Fprintf(w, "cart %s, customer %q", r.URL.Path, r.Header.Get(gateway.CustomerHeader))
		}))
	}
	a, b := cart("a"), cart("b")
	defer a.Close()
	defer b.Close()

	g, err := gateway.New(gateway.Config{
		Services: map[string][]string{gateway.ServiceCart: {a.URL, b.URL}},
		Routes:   []gateway.Route{{Prefix: "/store/carts", Service: gateway.ServiceCart}},
		Limiter:  ratelimit.NewLocal(nil), // adapters/redis.RateLimiter across gateway instances
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	edge := httptest.NewServer(g)
	defer edge.Close()

	for _, path := range []string{"/store/carts/cart_1", "/store/orders"} {
		resp, err := http.Get(edge.URL + path)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			_ = json.Unmarshal(body, &e)
			fmt.Println(resp.StatusCode, e.Error.Code+":", e.Error.Message)
			continue
		}
		fmt.Println(resp.StatusCode, string(body))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println("drained:", g.Close(ctx) == nil)
	// Output:
	// 200 cart /store/carts/cart_1, customer ""
	// 404 not_found: no route for this path
	// drained: true
}
