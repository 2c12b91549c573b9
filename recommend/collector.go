package recommend

import (
	"context"
	"sort"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// Collector turns activity events into Log entries: views from
// recommend.product_viewed, adds to cart from cart.item_added and
// purchases from order.confirmed. A host subscribes its handlers to the
// bus, as it does notify's; the recommend package never touches a bus.
type Collector struct {
	log      Log
	handlers map[string]func(context.Context, commerce.Envelope) error
}

// NewCollector returns a Collector appending to log.
func NewCollector(log Log) (*Collector, error) {
	if log == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "recommend: NewCollector needs a log")
	}
	c := &Collector{log: log}
	c.handlers = map[string]func(context.Context, commerce.Envelope) error{
		ProductViewed{}.EventName():   c.viewed,
		cart.ItemAdded{}.EventName():  c.addedToCart,
		order.Confirmed{}.EventName(): c.purchased,
	}
	return c, nil
}

// RegisterCollectedEvents registers with r every event a Collector
// reads, so a bus can decode them.
func RegisterCollectedEvents(r *commerce.EventRegistry) {
	RegisterEvents(r)
	_ = commerce.RegisterEvent[cart.ItemAdded](r)
	_ = commerce.RegisterEvent[order.Confirmed](r)
}

// Events returns the names of the events the Collector reads, sorted: a
// host subscribes Handler(name) to each.
func (c *Collector) Events() []string {
	names := make([]string, 0, len(c.handlers))
	for n := range c.handlers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Handler returns the bus handler of event, false when the Collector does
// not read it. The handler is idempotent (the log deduplicates by the
// event's ID) and returns the log's error, so that the bus retries it.
func (c *Collector) Handler(event string) (func(ctx context.Context, env commerce.Envelope) error, bool) {
	h, ok := c.handlers[event]
	return h, ok
}

// payload returns env's payload as an E, whether the bus decoded it as
// the value or a pointer.
func payload[E commerce.Event](env commerce.Envelope) (E, error) {
	switch p := any(env.Payload).(type) {
	case E:
		return p, nil
	case *E:
		if p != nil {
			return *p, nil
		}
	}
	var zero E
	return zero, commerce.Errorf(commerce.CodeInvalidArgument, "recommend: event %s carries a %T, not a %T", env.Name, env.Payload, zero)
}

func (c *Collector) viewed(ctx context.Context, env commerce.Envelope) error {
	v, err := payload[ProductViewed](env)
	if err != nil {
		return err
	}
	return c.append(ctx, Activity{
		ID: env.ID.String(), Kind: Viewed, ProductID: v.ProductID,
		SessionID: v.SessionID, CustomerID: v.CustomerID, At: env.OccurredAt,
	})
}

func (c *Collector) addedToCart(ctx context.Context, env commerce.Envelope) error {
	e, err := payload[cart.ItemAdded](env)
	if err != nil {
		return err
	}
	// The cart is the guest's session: the order that checks it out
	// names the same cart, so a guest's adds and purchase meet.
	return c.append(ctx, Activity{
		ID: env.ID.String(), Kind: AddedToCart, ProductID: e.ProductID,
		SessionID: e.CartID.String(), CustomerID: e.CustomerID, At: env.OccurredAt,
	})
}

func (c *Collector) purchased(ctx context.Context, env commerce.Envelope) error {
	e, err := payload[order.Confirmed](env)
	if err != nil {
		return err
	}
	o := e.Order
	seen := make(map[commerce.ProductID]bool, len(o.Lines))
	acts := make([]Activity, 0, len(o.Lines))
	for _, l := range o.Lines {
		if seen[l.ProductID] || l.ProductID.IsZero() {
			continue
		}
		seen[l.ProductID] = true
		// One event, one activity per product: the ID joins both, so a
		// redelivery is deduplicated line by line. Only the customer and
		// cart IDs leave the order: never its email or addresses.
		acts = append(acts, Activity{
			ID: env.ID.String() + ":" + l.ProductID.String(), Kind: Purchased, ProductID: l.ProductID,
			SessionID: o.CartID.String(), CustomerID: o.CustomerID, At: env.OccurredAt,
		})
	}
	return c.append(ctx, acts...)
}

// append logs acts; an event that cannot become valid activity is
// poison, not worth a retry.
func (c *Collector) append(ctx context.Context, acts ...Activity) error {
	if len(acts) == 0 {
		return nil
	}
	for _, a := range acts {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	return c.log.Append(ctx, acts...)
}
