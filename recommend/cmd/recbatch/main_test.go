package main

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/recommend"
)

// TestRunCommitsARunFromTheRedisLog runs the command over a log in Redis
// and reads the lists it committed.
func TestRunCommitsARunFromTheRedisLog(t *testing.T) {
	env := testenv.Redis(t)
	ctx := context.Background()
	log, err := redis.NewActivityLog(env.Client, &redis.ActivityLogOptions{Prefix: env.Prefix + "log:"})
	require.NoError(t, err)
	a, b := commerce.NewID[commerce.ProductID](), commerce.NewID[commerce.ProductID]()
	now := time.Now()
	require.NoError(t, log.Append(ctx,
		recommend.Activity{ID: "1", Kind: recommend.Viewed, ProductID: a, SessionID: "s1", At: now},
		recommend.Activity{ID: "2", Kind: recommend.Purchased, ProductID: b, SessionID: "s1", At: now.Add(time.Minute)},
	))
	var out bytes.Buffer
	url := "redis://" + env.Client.Options().Addr + "/" + strconv.Itoa(env.Client.Options().DB)
	require.NoError(t, run(ctx, []string{"-redis", url, "-log-prefix", env.Prefix + "log:", "-rec-prefix", env.Prefix + "rec:"}, &out))
	assert.Contains(t, out.String(), "2 activities")

	store, err := redis.NewRecommendationStore(env.Client, &redis.RecommendationOptions{Prefix: env.Prefix + "rec:"})
	require.NoError(t, err)
	got, err := store.List(ctx, recommend.ListKey{Kind: recommend.ItemList, ID: a.String()}, 10)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, b, got[0].ProductID)
}

func TestRunOnGeneratedShoppers(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-generate", "300"}, &out))
	assert.Contains(t, out.String(), "peak heap")
}
