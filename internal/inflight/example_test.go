package inflight_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/internal/inflight"
)

func ExampleGroup_Do() {
	var g inflight.Group[string]
	v, err, shared := g.Do(context.Background(), "checkout-42", func() (string, error) {
		return "ord_1", nil
	})
	fmt.Println(v, err, shared)
	// Output:
	// ord_1 <nil> false
}
