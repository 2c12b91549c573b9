package shard_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// storedOrder is a valid order for customer (a guest when zero) created at
// at with status.
func storedOrder(customer commerce.CustomerID, at time.Time, status order.Status) order.Order {
	usd := commerce.Currency("USD")
	price := commerce.MustMoney(1250, usd)
	zero := commerce.Zero(usd)
	addr := commerce.Address{Name: "Ada Lovelace", Line1: "12 St James's Square", City: "London", PostalCode: "SW1Y 4JH", Country: "GB"}
	return order.Order{
		ID: commerce.NewID[commerce.OrderID](), CustomerID: customer, Email: "ada@example.com",
		CartID: commerce.NewID[commerce.CartID](), Currency: usd,
		Lines:           []order.Line{{SKU: "MUG", Title: "Mug", Quantity: 1, UnitPrice: price, Total: price}},
		Totals:          order.Totals{Subtotal: price, Discount: zero, Shipping: zero, Tax: zero, Total: price},
		ShippingAddress: addr, BillingAddress: addr, Status: status,
		ReservationID: commerce.NewID[commerce.ReservationID](), PaymentMethod: "pm_card_visa",
		Capture: order.CaptureAtCheckout, IdempotencyKey: "key-" + commerce.NewID[commerce.OrderID]().String(),
		CreatedAt: at, UpdatedAt: at, Version: 1,
		History: []order.Transition{{To: status, Actor: order.ActorSystem, Reason: "checkout", At: at}},
	}
}

// Lists across shards page exactly: following NextCursor page by page
// with any limit yields the brute-force list (every order, newest first,
// ties broken by ID), each order once, for every filter.
func TestListAcrossShardsMatchesBruteForce(t *testing.T) {
	r := newRouter(t, 4, nil)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	statuses := []order.Status{order.StatusPending, order.StatusConfirmed, order.StatusShipped}
	var all []order.Order
	for range 90 {
		// Few distinct times, so many orders tie on created_at.
		at := base.Add(time.Duration(rng.IntN(12)) * time.Second)
		var customer commerce.CustomerID
		if rng.IntN(4) > 0 {
			customer = commerce.NewID[commerce.CustomerID]()
		}
		o, created, err := r.Orders().Create(ctx, storedOrder(customer, at, statuses[rng.IntN(len(statuses))]), func(order.Order) []commerce.Envelope { return nil })
		require.NoError(t, err)
		require.True(t, created)
		all = append(all, o)
	}
	numbers := map[int64]bool{}
	for _, o := range all {
		require.False(t, numbers[o.Number], "order numbers are unique across shards")
		numbers[o.Number] = true
	}
	slices.SortFunc(all, func(a, b order.Order) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(string(b.ID), string(a.ID))
	})
	for _, f := range []order.ListFilter{{}, {Status: order.StatusConfirmed}, {Status: order.StatusShipped}} {
		var want []commerce.OrderID
		for _, o := range all {
			if f.Status == "" || o.Status == f.Status {
				want = append(want, o.ID)
			}
		}
		for _, limit := range []int{1, 3, 7, 50, 200} {
			t.Run(fmt.Sprintf("%s/%d", f.Status, limit), func(t *testing.T) {
				var got []commerce.OrderID
				page := commerce.PageRequest{Limit: limit}
				for range len(all) + 2 {
					p, err := r.Orders().List(ctx, f, page)
					require.NoError(t, err)
					require.LessOrEqual(t, len(p.Items), limit)
					for _, o := range p.Items {
						got = append(got, o.ID)
					}
					if !p.HasMore() {
						break
					}
					page.Cursor = p.NextCursor
				}
				require.Equal(t, want, got)
			})
		}
	}
	_, err := r.Orders().List(ctx, order.ListFilter{}, commerce.PageRequest{Cursor: "garbage!"})
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))

	// Recovery's scan merges too: the oldest unsettled first.
	late, err := r.Orders().Unsettled(ctx, base.Add(time.Hour), 10)
	require.NoError(t, err)
	oldest := slices.Clone(all)
	slices.SortFunc(oldest, func(a, b order.Order) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	var wantLate, gotLate []commerce.OrderID
	for _, o := range oldest[:10] {
		wantLate = append(wantLate, o.ID)
	}
	for _, o := range late {
		gotLate = append(gotLate, o.ID)
	}
	require.Equal(t, wantLate, gotLate)
}
