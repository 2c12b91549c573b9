package ratelimit_test

import (
	"testing"

	"github.com/mercatohq/mercato/ratelimit"
	"github.com/mercatohq/mercato/ratelimit/ratelimittest"
)

func TestLocal(t *testing.T) {
	ratelimittest.Run(t, func(*testing.T) ratelimit.Limiter { return ratelimit.NewLocal(nil) })
}
