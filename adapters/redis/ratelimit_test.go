package redis_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/ratelimit"
	"github.com/mercatohq/mercato/ratelimit/ratelimittest"
)

func TestRateLimiter(t *testing.T) {
	ratelimittest.Run(t, func(t *testing.T) ratelimit.Limiter {
		env := testenv.Redis(t)
		l, err := redis.NewRateLimiter(env.Client, env.Prefix)
		require.NoError(t, err)
		return l
	})
}
