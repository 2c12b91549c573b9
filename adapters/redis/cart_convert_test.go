package redis_test

import (
	"context"
	"sync/atomic"
	"testing"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
)

// commandCount is a go-redis hook that counts the commands a client
// sends, a pipeline's one by one.
type commandCount struct{ n atomic.Int64 }

func (c *commandCount) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (c *commandCount) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		c.n.Add(1)
		return next(ctx, cmd)
	}
}

func (c *commandCount) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error {
		c.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}

var _ goredis.Hook = (*commandCount)(nil)

// Checkout converts a cart it has just priced: MarkConverted reads the
// cart once and writes it from what it read, two commands; converting it
// again to the same order only reads it.
func TestCartMarkConvertedReadsOnce(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	var count commandCount
	env.Client.AddHook(&count)
	store, err := redis.NewCartStore(env.Client, &redis.CartOptions{Prefix: env.Prefix})
	require.NoError(t, err)
	svc, err := cart.NewService(store, pricer{}, nil)
	require.NoError(t, err)
	c, err := svc.Create(ctx, cart.CreateInput{Currency: "USD"})
	require.NoError(t, err)
	c, err = svc.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG", Quantity: 1})
	require.NoError(t, err)
	orderID := commerce.NewID[commerce.OrderID]()

	before := count.n.Load()
	converted, err := svc.MarkConverted(ctx, c.ID, orderID, c.Version)
	require.NoError(t, err)
	assert.Equal(t, cart.StatusConverted, converted.Status)
	assert.EqualValues(t, 2, count.n.Load()-before, "one read, one write")

	before = count.n.Load()
	again, err := svc.MarkConverted(ctx, c.ID, orderID, c.Version)
	require.NoError(t, err)
	assert.Equal(t, converted.Version, again.Version)
	assert.EqualValues(t, 1, count.n.Load()-before, "a repeat only reads")
}
