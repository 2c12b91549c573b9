package eventbus

import (
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// NewRegistry returns a registry holding every event Mercato's domain
// packages publish (catalog, customer, cart, inventory, payment and order),
// so a bus decodes whatever a store or service emits without the host
// having to remember each package's RegisterEvents. It is the default
// Options.Registry; a host with events of its own registers them on top:
//
//	reg := eventbus.NewRegistry()
//	err := commerce.RegisterEvent[MyEvent](reg)
func NewRegistry() *commerce.EventRegistry {
	r := commerce.NewEventRegistry()
	RegisterDomainEvents(r)
	return r
}

// RegisterDomainEvents registers every event of Mercato's domain packages
// with r. Registering is idempotent, so r may already hold some of them.
func RegisterDomainEvents(r *commerce.EventRegistry) {
	catalog.RegisterEvents(r)
	customer.RegisterEvents(r)
	cart.RegisterEvents(r)
	inventory.RegisterEvents(r)
	payment.RegisterEvents(r)
	order.RegisterEvents(r)
}
