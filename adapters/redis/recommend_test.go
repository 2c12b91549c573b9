package redis_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/recommend"
	"github.com/mercatohq/mercato/recommend/recommendtest"
)

func TestActivityLog(t *testing.T) {
	recommendtest.RunLog(t, func(t *testing.T) recommend.Log {
		env := testenv.Redis(t)
		log, err := redis.NewActivityLog(env.Client, &redis.ActivityLogOptions{Prefix: env.Prefix})
		require.NoError(t, err)
		return log
	})
}

func TestRecommendationStore(t *testing.T) {
	recommendtest.RunStore(t, func(t *testing.T) recommend.Store {
		env := testenv.Redis(t)
		store, err := redis.NewRecommendationStore(env.Client, &redis.RecommendationOptions{Prefix: env.Prefix})
		require.NoError(t, err)
		return store
	})
}
