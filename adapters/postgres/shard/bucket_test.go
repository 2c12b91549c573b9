package shard_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres/shard"
	"github.com/mercatohq/mercato/commerce"
)

func TestNewIDCarriesItsBucket(t *testing.T) {
	for _, b := range []int{0, 1, 31, 32, 511, 1023} {
		id, err := shard.NewID[commerce.OrderID](b)
		require.NoError(t, err)
		require.NoError(t, id.Validate(), "a bucket-carrying ID is an ordinary ID")
		got, err := shard.BucketOf(id, "id")
		require.NoError(t, err)
		require.Equal(t, b, got)
	}
	a, err := shard.NewID[commerce.OrderID](7)
	require.NoError(t, err)
	c, err := shard.NewID[commerce.OrderID](7)
	require.NoError(t, err)
	require.NotEqual(t, a, c, "IDs of one bucket stay unique")

	for _, b := range []int{-1, shard.Buckets} {
		_, err := shard.NewID[commerce.OrderID](b)
		require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "bucket %d", b)
	}
}

func TestBucketOfRandomIDsSpreadsOverEveryBucket(t *testing.T) {
	seen := map[int]int{}
	for range 20 * shard.Buckets {
		b, err := shard.BucketOf(commerce.NewID[commerce.CustomerID](), "id")
		require.NoError(t, err)
		require.True(t, b >= 0 && b < shard.Buckets)
		seen[b]++
	}
	// 20 per bucket on average: an empty bucket has odds of e^-20.
	require.Len(t, seen, shard.Buckets)
}

func TestBucketOfRefusesMalformedIDs(t *testing.T) {
	good := commerce.NewID[commerce.OrderID]()
	for _, bad := range []commerce.OrderID{"", "ord_", "ord_x", commerce.OrderID("pay" + string(good)[3:]),
		commerce.OrderID(string(good) + "0"), commerce.OrderID("ord_8" + string(good)[5:]),
		commerce.OrderID("ord_" + "0123456789abcdefghjkmnpqrs")} {
		_, err := shard.BucketOf(bad, "order_id")
		require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%q", bad)
		var ce *commerce.Error
		require.ErrorAs(t, err, &ce)
		require.Equal(t, "order_id", ce.Details["field"])
	}
}

func TestKeyBucketFollowsAnEmbeddedID(t *testing.T) {
	id, err := shard.NewID[commerce.OrderID](613)
	require.NoError(t, err)
	for _, key := range []string{"order:" + id.String() + ":payment", id.String(), "checkout-" + id.String(), "x" + id.String() + "-2"} {
		require.Equal(t, 613, shard.KeyBucket(key), key)
	}
	// A key without an ID hashes, stably.
	require.Equal(t, shard.KeyBucket("ada@example.com"), shard.KeyBucket("ada@example.com"))
	spread := map[int]bool{}
	for i := range 64 {
		spread[shard.KeyBucket("key-"+string(rune('a'+i%26))+string(rune('a'+i/26)))] = true
	}
	require.Greater(t, len(spread), 32, "plain keys spread over the buckets")
	// Text that only looks like part of an ID does not count.
	tooLong := "ord_" + string(id)[4:] + "Z"
	require.Equal(t, shard.KeyBucket(tooLong), shard.KeyBucket(tooLong))
}

func TestIDsMintForTheOwnersBucket(t *testing.T) {
	ids := shard.IDs{}
	c := ids.NewCustomerID("ada@example.com")
	b, err := shard.BucketOf(c, "id")
	require.NoError(t, err)
	require.Equal(t, shard.KeyBucket("ada@example.com"), b)
	for _, got := range []func() (int, error){
		func() (int, error) { return shard.BucketOf(ids.NewSessionID(c), "id") },
		func() (int, error) { return shard.BucketOf(ids.NewOrderID(c, commerce.NewID[commerce.CartID]()), "id") },
	} {
		g, err := got()
		require.NoError(t, err)
		require.Equal(t, b, g)
	}
	cart, err := shard.NewID[commerce.CartID](99)
	require.NoError(t, err)
	o := ids.NewOrderID("", cart)
	ob, err := shard.BucketOf(o, "id")
	require.NoError(t, err)
	require.Equal(t, 99, ob, "a guest order follows its cart")
	p := ids.NewPaymentID(o)
	pb, err := shard.BucketOf(p, "id")
	require.NoError(t, err)
	require.Equal(t, 99, pb)
	rb, err := shard.BucketOf(ids.NewRefundID(p), "id")
	require.NoError(t, err)
	require.Equal(t, 99, rb)
	require.NoError(t, ids.NewOrderID("garbage", cart).Validate(), "a malformed owner still gets a valid ID")
}
