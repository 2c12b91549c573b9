package commerce_test

import (
	"fmt"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// OrderConfirmed is a domain event: a plain struct with a stable name.
type OrderConfirmed struct {
	OrderID string `json:"order_id"`
}

func (OrderConfirmed) EventName() string { return "order.confirmed" }

func ExampleNewEnvelope() {
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	env := commerce.NewEnvelope("ord_01", at, OrderConfirmed{OrderID: "ord_01"})
	fmt.Println(env.Name, env.AggregateID, env.Version, env.OccurredAt.Format(time.RFC3339))
	fmt.Println(env.Validate() == nil)
	// Output:
	// order.confirmed ord_01 1 2026-11-26T09:30:00Z
	// true
}

func ExampleEventRegistry() {
	registry := commerce.NewEventRegistry()
	if err := commerce.RegisterEvent[OrderConfirmed](registry); err != nil {
		panic(err)
	}
	event, err := registry.Decode("order.confirmed", []byte(`{"order_id":"ord_42"}`))
	fmt.Printf("%#v %v\n", event, err)
	_, err = registry.Decode("order.vanished", []byte(`{}`))
	fmt.Println(commerce.Code(err))
	// Output:
	// commerce_test.OrderConfirmed{OrderID:"ord_42"} <nil>
	// invalid_argument
}
