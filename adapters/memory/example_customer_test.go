package memory_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/customer"
)

// The customer service over the in-memory store; events go to the host's
// publisher (here a recorder).
func ExampleNewCustomerStore() {
	ctx := context.Background()
	events := commercetest.NewRecorder()
	store := memory.NewCustomerStore(&memory.Options{Events: events})
	svc, err := customer.NewService(store, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := svc.Register(ctx, customer.RegisterInput{Email: "Grace@Example.com", Password: "correct horse battery", Name: "Grace"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := svc.RequestPasswordReset(ctx, c.Email); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Email)
	fmt.Println(events.Names())
	// Output:
	// grace@example.com
	// [customer.registered customer.password_reset_requested]
}
