package connectrpc_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/mercatohq/mercato/adapters/connectrpc"
	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// The inventory service serves its stock over Connect; another process
// reserves through a client with the same methods, and an out-of-stock
// error keeps its code across the wire.
func Example() {
	ctx := context.Background()
	stock, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := stock.SetStock(ctx, "MUG", "", 2, "delivery"); err != nil {
		fmt.Println(err)
		return
	}

	// In the inventory service.
	mux := http.NewServeMux()
	mux.Handle(connectrpc.NewInventoryServer(stock, nil))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// In the order service.
	client, err := connectrpc.NewInventoryClient(srv.Client(), srv.URL, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := client.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{{SKU: "MUG", Quantity: 2}}, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status)
	_, err = client.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{{SKU: "MUG", Quantity: 1}}, 0)
	fmt.Println(errors.Is(err, commerce.ErrOutOfStock), commerce.Code(err))
	// Output:
	// reserved
	// true out_of_stock
}
