package redis

import (
	"context"

	"github.com/go-redis/redis_rate/v10"
	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/ratelimit"
)

// DefaultRateLimitPrefix starts the keys of a RateLimiter.
const DefaultRateLimitPrefix = "ratelimit:"

// RateLimiter is a ratelimit.Limiter in Redis, on go-redis/redis_rate
// (GCRA in one Lua script, so each Allow is atomic on the server), so that
// every instance of a shop shares one count per key. Keys are
// "rate:" + prefix + key (redis_rate adds "rate:") and expire once their
// allowance is whole again. It is safe for concurrent use.
type RateLimiter struct {
	limiter *redis_rate.Limiter
	prefix  string
}

// NewRateLimiter returns a RateLimiter over client whose keys start with
// prefix; "" means DefaultRateLimitPrefix.
func NewRateLimiter(client goredis.UniversalClient, prefix string) (*RateLimiter, error) {
	if client == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: NewRateLimiter needs a client")
	}
	if prefix == "" {
		prefix = DefaultRateLimitPrefix
	}
	return &RateLimiter{limiter: redis_rate.NewLimiter(client), prefix: prefix}, nil
}

// Allow implements ratelimit.Limiter.
func (l *RateLimiter) Allow(ctx context.Context, key string, lim ratelimit.Limit) (ratelimit.Result, error) {
	if err := lim.Validate(); err != nil {
		return ratelimit.Result{}, err
	}
	res, err := l.limiter.Allow(ctx, l.prefix+key, redis_rate.Limit{Rate: lim.Rate, Burst: lim.Burst, Period: lim.Period})
	if err != nil {
		return ratelimit.Result{}, classify(err, "rate limit")
	}
	out := ratelimit.Result{Allowed: res.Allowed > 0, Remaining: res.Remaining}
	if !out.Allowed && res.RetryAfter > 0 {
		out.RetryAfter = res.RetryAfter
	}
	return out, nil
}

// Reset implements ratelimit.Limiter.
func (l *RateLimiter) Reset(ctx context.Context, key string) error {
	return classify(l.limiter.Reset(ctx, l.prefix+key), "reset rate limit")
}
