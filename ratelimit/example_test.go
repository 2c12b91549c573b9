package ratelimit_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mercatohq/mercato/ratelimit"
)

// Two failed logins an hour for an account: the third is refused.
func ExampleLocal() {
	l := ratelimit.NewLocal(nil)
	lim := ratelimit.PerPeriod(2, time.Hour)
	for range 3 {
		res, _ := l.Allow(context.Background(), "login:ada@example.com", lim)
		fmt.Println(res.Allowed)
	}
	// Output:
	// true
	// true
	// false
}
