package main

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/internal/testenv"
)

// TestDeleteRedisKeys deletes every key under the prefix, more than one
// batch of them, and nothing else; an empty prefix is refused.
func TestDeleteRedisKeys(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	run, other := env.Key("run")+":", env.Key("other")+":"
	pipe := env.Client.Pipeline()
	for i := range 1200 {
		pipe.Set(ctx, run+"cart:"+randomHex(8), i, 0)
	}
	pipe.Set(ctx, other+"cart:1", 1, 0)
	pipe.Set(ctx, env.Key("runner"), 1, 0)
	_, err := pipe.Exec(ctx)
	require.NoError(t, err)

	require.NoError(t, deleteRedisKeys(ctx, env.Client.Options().Addr, run))
	left, err := env.Client.Keys(ctx, env.Prefix+"*").Result()
	require.NoError(t, err)
	slices.Sort(left)
	require.Equal(t, []string{env.Key("other", "cart", "1"), env.Key("runner")}, left)
	require.Error(t, deleteRedisKeys(ctx, env.Client.Options().Addr, ""))
}

// TestShopsOnRedisUseTheRunPrefix: every shop the suite starts on Redis
// keeps its keys under the run's prefix, which the suite deletes after
// the run.
func TestShopsOnRedisUseTheRunPrefix(t *testing.T) {
	o := suiteOptions{products: 10, redis: "127.0.0.1:6379", nats: "nats://127.0.0.1:4222"}
	b := shopBackends{dsn: "postgres://example/db", prefix: "mercato_bench_test"}
	onRedis := 0
	for _, kind := range shopKinds() {
		args, err := kind.args(o, "127.0.0.1:8080", b)
		require.NoError(t, err, kind.key)
		require.Equal(t, slices.Contains(args, "-redis"), kind.redis, "%s: runs on Redis", kind.key)
		if !kind.redis {
			continue
		}
		onRedis++
		i := slices.Index(args, "-redis-prefix")
		require.GreaterOrEqual(t, i, 0, "%s: %v", kind.key, args)
		require.Equal(t, b.prefix+":", args[i+1], kind.key)
	}
	require.Equal(t, 2, onRedis, "the shop in one process and the services apart")
}
