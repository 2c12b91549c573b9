package connectrpc_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/mercatohq/mercato/adapters/connectrpc"
	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/notify"
)

// orderBook stands in for the order service's notify.OrderDirectory(orders,
// customers): one order, placed by one customer.
type orderBook struct {
	id        commerce.OrderID
	customers notify.CustomerLookup
	customer  commerce.CustomerID
}

func (b orderBook) OrderRecipient(ctx context.Context, id commerce.OrderID) (notify.Recipient, error) {
	if id != b.id {
		return notify.Recipient{}, commerce.Errorf(commerce.CodeNotFound, "order %s not found", id)
	}
	return b.customers.CustomerRecipient(ctx, b.customer)
}

func (b orderBook) OrderSummary(_ context.Context, id commerce.OrderID) (notify.OrderSummary, error) {
	if id != b.id {
		return notify.OrderSummary{}, commerce.Errorf(commerce.CodeNotFound, "order %s not found", id)
	}
	// Every amount carries its currency, zero ones too: Money without one
	// does not encode.
	total, zero := commerce.MustMoney(2400, "USD"), commerce.Zero("USD")
	return notify.OrderSummary{ID: id, Number: "1042", Subtotal: total, Shipping: zero, Tax: zero, Discount: zero, Total: total}, nil
}

// The notification service runs apart: its directory asks the customer
// service for customers and the order service for orders, so an event
// that names only an order (payment.failed) still reaches its customer.
func ExampleDirectory() {
	ctx := context.Background()
	customers, err := customer.NewService(memory.NewCustomerStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	grace, err := customers.Register(ctx, customer.RegisterInput{Email: "grace@example.com", Password: "correct horse battery", Name: "Grace"})
	if err != nil {
		fmt.Println(err)
		return
	}

	// In the customer service.
	userMux := http.NewServeMux()
	userMux.Handle(connectrpc.NewCustomerServer(customers, nil))
	userSrv := httptest.NewServer(userMux)
	defer userSrv.Close()

	// In the order service, which finds an order's customer through the
	// customer service too.
	orderCustomers, err := connectrpc.NewCustomerClient(userSrv.Client(), userSrv.URL, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	orderID := commerce.NewID[commerce.OrderID]()
	orderMux := http.NewServeMux()
	orderMux.Handle(connectrpc.NewOrderDirectoryServer(orderBook{id: orderID, customers: orderCustomers, customer: grace.ID}, nil))
	orderSrv := httptest.NewServer(orderMux)
	defer orderSrv.Close()

	// In the notification service.
	customerClient, err := connectrpc.NewCustomerClient(userSrv.Client(), userSrv.URL, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	orderClient, err := connectrpc.NewOrderDirectoryClient(orderSrv.Client(), orderSrv.URL, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir := connectrpc.Directory{Customers: customerClient, Orders: orderClient} // hand it to notify.NewService

	r, err := dir.OrderRecipient(ctx, orderID)
	if err != nil {
		fmt.Println(err)
		return
	}
	summary, err := dir.OrderSummary(ctx, orderID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Name, r.Email, "about order", summary.Ref())
	_, err = dir.OrderRecipient(ctx, commerce.NewID[commerce.OrderID]())
	fmt.Println(commerce.Code(err))
	// Output:
	// Grace grace@example.com about order 1042
	// not_found
}
