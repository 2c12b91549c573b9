package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Sizes of the crash run.
const (
	crashCheckouts = 200
	crashWorkers   = 8
	// crashKillAfter is how many checkouts finish before the kills.
	crashKillAfter = 40
	crashStock     = 10000
)

// TestCheckoutsSurviveKilledInstances runs 200 guest checkouts through
// the gateway against two instances each of cart and order, and kills
// one of each with SIGKILL a fifth of the way in. A client whose
// checkout got no answer (the instance died under it: 503 or 504 from
// the gateway) retries with the same idempotency key, as the API asks.
// Every checkout ends confirmed; afterwards, audited in the services'
// own schemas: one order per cart, one charge per order and none
// without one, and exactly the units sold gone from stock.
func TestCheckoutsSurviveKilledInstances(t *testing.T) {
	tp := startTopology(t, func(c *Config) {
		c.Replicas[svcCart] = 2
		c.Replicas[svcOrder] = 2
		c.ClientRate = 10000 // one client address runs the whole test
	})
	const sku = "CRASH-1"
	tp.stockedProduct(t, "Crash Test Dummy", sku, 1500, crashStock)

	shopper := tp.client(0)
	carts := make([]cartRef, crashCheckouts)
	for i := range carts {
		carts[i] = shopper.newCart(t, sku, 1)
	}

	var (
		finished atomic.Int64
		kill     sync.Once
		mu       sync.Mutex
		outcomes = map[string]int{} // final status -> count
		retried  int
		failures []string
	)
	killOne := func(service string) {
		for _, in := range tp.sup.instances {
			if in.Service == service && in.Index == 1 {
				assert.NoError(t, syscall.Kill(in.Pid(), syscall.SIGKILL), "kill %s", in.Name())
			}
		}
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range crashWorkers {
		wg.Go(func() {
			for i := range jobs {
				status, tries, err := checkoutUntilAnswered(shopper, carts[i], fmt.Sprintf("crash-%d", i))
				mu.Lock()
				outcomes[status]++
				retried += tries - 1
				if err != nil {
					failures = append(failures, fmt.Sprintf("cart %d: %v", i, err))
				}
				mu.Unlock()
				if finished.Add(1) == crashKillAfter {
					kill.Do(func() { killOne(svcCart); killOne(svcOrder) })
				}
			}
		})
	}
	for i := range carts {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	t.Logf("outcomes %v, %d retries", outcomes, retried)
	require.Empty(t, failures)
	assert.Equal(t, map[string]int{"confirmed": crashCheckouts}, outcomes)

	// The audit, once the recovery workers have settled every order.
	ctx := context.Background()
	schema := func(s, table string) string { return pgx.Identifier{tp.cfg.SchemaPrefix + s, table}.Sanitize() }
	waitFor(t, "no order left pending", func() bool {
		var n int
		err := tp.db.QueryRow(ctx, "SELECT count(*) FROM "+schema(svcOrder, "order_orders")+" WHERE status IN ('pending','payment_pending')").Scan(&n)
		return err == nil && n == 0
	})
	perCart := map[string]int{}
	rows, err := tp.db.Query(ctx, "SELECT cart_id, id, status FROM "+schema(svcOrder, "order_orders"))
	require.NoError(t, err)
	orders := map[string]string{}
	for rows.Next() {
		var cartID, id, status string
		require.NoError(t, rows.Scan(&cartID, &id, &status))
		perCart[cartID]++
		orders[id] = status
	}
	require.NoError(t, rows.Err())
	for i, c := range carts {
		assert.Equal(t, 1, perCart[c.ID.String()], "orders of cart %d", i)
	}
	assert.Len(t, orders, crashCheckouts, "no order but the carts'")

	charged := map[string]int{}
	rows, err = tp.db.Query(ctx, "SELECT order_id FROM "+schema(svcPayment, "payment_payments")+" WHERE status IN ('authorized','captured','completed')")
	require.NoError(t, err)
	for rows.Next() {
		var orderID string
		require.NoError(t, rows.Scan(&orderID))
		charged[orderID]++
	}
	require.NoError(t, rows.Err())
	for id, n := range charged {
		assert.Equal(t, 1, n, "charges of order %s", id)
		assert.Equal(t, "confirmed", orders[id], "a charge for order %s, which is not confirmed", id)
	}
	assert.Len(t, charged, crashCheckouts, "one charge per order")

	var stock struct {
		OnHand   int `json:"on_hand"`
		Reserved int `json:"reserved"`
	}
	tp.admin(0).call(t, http.StatusOK, http.MethodGet, "/admin/inventory/"+sku, nil, &stock)
	assert.Equal(t, crashStock-crashCheckouts, stock.OnHand)
	assert.Zero(t, stock.Reserved)
}

// checkoutUntilAnswered checks cart c out under key, paying with
// pm_card_visa, and asks again with the same key while the answer is
// that the service could not finish (no connection, 5xx, 409 for a
// checkout of this key still in progress elsewhere). It returns the
// order's status (or the last HTTP status), the attempts made, and an
// error for an answer no client should get (500) or no answer in time.
func checkoutUntilAnswered(c *apiClient, cart cartRef, key string) (string, int, error) {
	deadline := time.Now().Add(waitTimeout)
	var last string
	for tries := 1; ; tries++ {
		r, err := c.do(http.MethodPost, "/store/carts/"+cart.ID.String()+"/checkout", checkoutBody("crash@example.com", "pm_card_visa"), cart.headers("Idempotency-Key", key)...)
		switch {
		case err != nil:
			last = err.Error()
		case r.status == http.StatusInternalServerError:
			return "500", tries, fmt.Errorf("500: %s", r.body)
		case r.status == http.StatusOK || r.status == http.StatusCreated:
			var o placedOrder
			if err := json.Unmarshal(r.body, &o); err != nil {
				return "", tries, err
			}
			return o.Status, tries, nil
		case r.status >= 500, r.status == http.StatusConflict && r.code() == "conflict":
			last = fmt.Sprintf("%d %s", r.status, r.body)
		default:
			return fmt.Sprint(r.status), tries, nil
		}
		if time.Now().After(deadline) {
			return "", tries, fmt.Errorf("no answer within %s; last %s", waitTimeout, last)
		}
		time.Sleep(100 * time.Millisecond) // a client's pause before it asks again
	}
}
