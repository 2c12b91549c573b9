package main

import (
	"log/slog"

	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order"
)

// notifyGroup is the consumer group of the notification handlers.
const notifyGroup = "notify"

// ordersGroup is the consumer group of the order service's own handlers:
// refunds made in the payment provider's dashboard.
const ordersGroup = "orders"

// openNotifier returns the notify service over store, sending email
// through email. Customers are found through the customer service, and
// the order of an event that names only its ID (payment.failed) through
// the order service; order events carry their order.
func openNotifier(store notify.Store, email notify.Channel, customers *customer.Service, orders *order.Service, baseURL string, log *slog.Logger) (*notify.Service, error) {
	dir := notify.CustomerDirectory(customers)
	dir.Orders = notify.OrderDirectory(orders, dir)
	return notify.NewService(store, []notify.Channel{email}, dir, &notify.Options{
		ShopName: "Mercato demo shop", BaseURL: baseURL, Logger: log,
	})
}

// subscribeNotifier subscribes the handler of every event svc notifies
// about (order confirmed, shipped, delivered, cancelled, refunded; final
// payment failures; registrations and password resets) to bus.
func subscribeNotifier(svc *notify.Service, bus *eventbus.Bus) error {
	for _, name := range svc.Events() {
		h, _ := svc.Handler(name)
		if err := bus.Subscribe(notifyGroup, name, h); err != nil {
			return err
		}
	}
	return nil
}
