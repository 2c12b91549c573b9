package commerce_test

import (
	"fmt"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// A cart that expires after a week, tested without waiting a week.
func ExampleTestClock() {
	clock := commerce.NewTestClock(time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC))
	expiresAt := clock.Now().Add(7 * 24 * time.Hour)
	expired := func(c commerce.Clock) bool { return !c.Now().Before(expiresAt) }

	fmt.Println(expired(clock))
	clock.Advance(7 * 24 * time.Hour)
	fmt.Println(expired(clock), clock.Now().Format(time.RFC3339))
	// Output:
	// false
	// true 2025-01-08T09:00:00Z
}
