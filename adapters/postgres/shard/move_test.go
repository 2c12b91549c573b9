package shard_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres/shard"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// count returns the rows of table on pool that column names among ids.
func count(t testing.TB, pool *pgxpool.Pool, table, column string, ids []string) int {
	t.Helper()
	var n int
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT count(*) FROM `+table+` WHERE `+column+` = ANY($1)`, ids).Scan(&n))
	return n
}

// A bucket moves to another shard while 16 buyers check out, a quarter
// of them in that bucket, and a reader keeps reading one of its orders.
// Afterwards every order and payment is where the map says, exactly once,
// and the old shard holds none of the bucket's rows.
func TestMoveBucketUnderSixteenBuyers(t *testing.T) {
	const buyers, rounds, moved = 16, 6, 77
	pools := newPools(t, 2)
	s := newShop(t, pools, buyers*rounds+10)
	ctx := context.Background()
	from := s.router.ShardOf(moved)
	to := 1 - from

	ids := make([]commerce.CustomerID, buyers)
	for i := range ids {
		if i%4 == 0 {
			id, err := shard.NewID[commerce.CustomerID](moved)
			require.NoError(t, err)
			ids[i] = id
			continue
		}
		ids[i] = s.buyerOn(t, i%2, i)
	}
	// One order of the moving bucket exists before the move, for the
	// reader.
	first, err := s.checkout(ctx, t, ids[0], -1)
	require.NoError(t, err)

	type result struct {
		o   order.Order
		err error
	}
	results := make(chan result, buyers*rounds)
	startGun := make(chan struct{})
	halfway := make(chan struct{})
	var done atomic.Int32
	var wg sync.WaitGroup
	for i := range buyers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGun
			for n := range rounds {
				o, err := s.checkout(ctx, t, ids[i], n)
				results <- result{o, err}
				if done.Add(1) == buyers*rounds/2 {
					close(halfway)
				}
			}
		}()
	}
	// The reader: reads of the moving bucket keep answering.
	stopReading := make(chan struct{})
	readErrs := make(chan error, 1)
	var reads atomic.Int64
	go func() {
		defer close(readErrs)
		for {
			select {
			case <-stopReading:
				return
			default:
			}
			if _, err := s.Orders.Get(ctx, first.ID); err != nil {
				readErrs <- err
				return
			}
			if _, err := s.Payments.GetByOrder(ctx, first.ID); err != nil {
				readErrs <- err
				return
			}
			reads.Add(1)
		}
	}()

	close(startGun)
	<-halfway
	next, err := s.router.MoveBucket(ctx, moved, to)
	require.NoError(t, err)
	require.Equal(t, 2, next.Version)
	require.Equal(t, to, s.router.ShardOf(moved))
	wg.Wait()
	close(stopReading)
	require.NoError(t, <-readErrs, "reads keep answering through the move")
	require.Positive(t, reads.Load())
	close(results)

	var orderIDs, paymentIDs, movedOrders []string
	orderIDs = append(orderIDs, first.ID.String())
	movedOrders = append(movedOrders, first.ID.String())
	for r := range results {
		require.NoError(t, r.err)
		require.Equal(t, order.StatusConfirmed, r.o.Status)
		orderIDs = append(orderIDs, r.o.ID.String())
		if b, _ := shard.BucketOf(r.o.ID, "id"); b == moved {
			movedOrders = append(movedOrders, r.o.ID.String())
		}
	}
	require.Len(t, orderIDs, buyers*rounds+1)
	require.Len(t, movedOrders, buyers/4*rounds+1)
	for _, id := range orderIDs {
		o, err := s.Orders.Get(ctx, commerce.OrderID(id))
		require.NoError(t, err)
		require.Equal(t, order.StatusConfirmed, o.Status)
		ps, err := s.Payments.GetByOrder(ctx, o.ID)
		require.NoError(t, err)
		require.Len(t, ps, 1, "order %s has one payment", id)
		require.Contains(t, []payment.Status{payment.StatusCaptured, payment.StatusCompleted}, ps[0].Status)
		paymentIDs = append(paymentIDs, ps[0].ID.String())
	}
	// Exactly once across the shards, and the moved bucket only on its
	// new shard.
	require.Equal(t, len(orderIDs), count(t, pools[0], "order_orders", "id", orderIDs)+count(t, pools[1], "order_orders", "id", orderIDs))
	require.Equal(t, len(paymentIDs), count(t, pools[0], "payment_payments", "id", paymentIDs)+count(t, pools[1], "payment_payments", "id", paymentIDs))
	require.Zero(t, count(t, pools[from], "order_orders", "id", movedOrders))
	require.Len(t, movedOrders, count(t, pools[to], "order_orders", "id", movedOrders))
	require.Zero(t, count(t, pools[from], "order_lines", "order_id", movedOrders))

	mine, err := s.Orders.List(ctx, order.ListFilter{CustomerID: ids[0]}, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, mine.Items, rounds+1, "a moved customer's orders are read from the new shard")

	stored, ok, err := shard.LoadMap(ctx, pools)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, next, stored)

	again, err := s.router.MoveBucket(ctx, moved, to)
	require.NoError(t, err)
	require.Equal(t, next, again, "a bucket already there is no change")
	_, err = s.router.MoveBucket(ctx, shard.Buckets, 0)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = s.router.MoveBucket(ctx, 0, 2)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}
