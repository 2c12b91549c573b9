package customer_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
)

// A guest checks out, registers later with the same e-mail, keeps its ID,
// and logs in.
func Example() {
	ctx := context.Background()
	svc, err := customer.NewService(memory.NewCustomerStore(&memory.Options{Events: commerce.DiscardEvents{}}), &customer.Options{
		Keys: map[string][]byte{"2025-01": []byte("a secret of at least thirty-two bytes!")},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	guest, _ := svc.EnsureGuest(ctx, "Ada@Example.com")
	fmt.Println(guest.Email, guest.Guest)

	ada, err := svc.Register(ctx, customer.RegisterInput{Email: "ada@example.com", Password: "correct horse battery", Name: "Ada"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ada.ID == guest.ID, ada.Guest)

	_, err = svc.Login(ctx, "ada@example.com", "wrong password")
	fmt.Println(commerce.Code(err))

	session, err := svc.Login(ctx, "ada@example.com", "correct horse battery")
	if err != nil {
		fmt.Println(err)
		return
	}
	claims, err := svc.Authenticate(ctx, session.Token)
	fmt.Println(claims.CustomerID == ada.ID, err)

	_ = svc.Logout(ctx, session.Token)
	_, err = svc.Authenticate(ctx, session.Token)
	fmt.Println(commerce.Code(err))
	// Output:
	// ada@example.com true
	// true false
	// unauthenticated
	// true <nil>
	// unauthenticated
}
