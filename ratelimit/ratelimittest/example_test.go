package ratelimittest_test

import (
	"testing"

	"github.com/mercatohq/mercato/ratelimit"
	"github.com/mercatohq/mercato/ratelimit/ratelimittest"
)

// A limiter proves itself with a few lines in its _test.go file, here the
// in-memory one's.
func ExampleRun() {
	_ = func(t *testing.T) { // func TestLocal(t *testing.T)
		ratelimittest.Run(t, func(*testing.T) ratelimit.Limiter { return ratelimit.NewLocal(nil) })
	}
	// Output:
}
