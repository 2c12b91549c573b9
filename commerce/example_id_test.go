package commerce_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mercatohq/mercato/commerce"
)

func ExampleNewID() {
	id := commerce.NewID[commerce.OrderID]()

	// The ULID part is random; print only what is stable.
	fmt.Println(id.Prefix(), strings.HasPrefix(id.String(), "ord_"), id.Validate() == nil)
	// Output: ord true true
}

func ExampleParseID() {
	id, err := commerce.ParseID[commerce.OrderID]("ord_01JD3XQ5ZK8N6V0W2T4Y7R9B1C")
	fmt.Println(id, err)

	// A cart ID is not an order ID, even though both are well formed.
	_, err = commerce.ParseID[commerce.OrderID]("cart_01JD3XQ5ZK8N6V0W2T4Y7R9B1C")
	fmt.Println(commerce.Code(err))
	fmt.Println(err)
	// Output:
	// ord_01JD3XQ5ZK8N6V0W2T4Y7R9B1C <nil>
	// invalid_argument
	// invalid_argument: invalid ord id "cart_01JD3XQ5ZK8N6V0W2T4Y7R9B1C": want prefix "ord_"
}

func ExampleID_UnmarshalText() {
	var req struct {
		OrderID commerce.OrderID `json:"order_id"`
	}
	err := json.Unmarshal([]byte(`{"order_id": "ord_not-a-ulid"}`), &req)
	fmt.Println(commerce.Code(err))
	// Output: invalid_argument
}
