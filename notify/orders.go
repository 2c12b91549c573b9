package notify

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// CustomerLookup finds a customer as a recipient; see
// Directory.CustomerRecipient. *CustomerDir implements it.
type CustomerLookup interface {
	CustomerRecipient(ctx context.Context, id commerce.CustomerID) (Recipient, error)
}

// OrderDir is an OrderLookup over the order service: it reads the order
// and resolves its recipient the way the order events' bindings do (see
// OrderDirectory). It lets order-keyed events that carry only an order ID,
// such as payment.failed, reach the customer. It is safe for concurrent
// use.
type OrderDir struct {
	orders    *order.Service
	customers CustomerLookup
}

var _ OrderLookup = (*OrderDir)(nil)

// OrderDirectory returns an OrderLookup that reads orders from orders
// and finds the customer of a customer's order through customers, which
// may be nil (then every order is treated as a guest's). A host wires it
// into its Directory:
//
//	dir := notify.CustomerDirectory(customers)
//	dir.Orders = notify.OrderDirectory(orders, dir)
//
// The recipient of an order is
//   - for a customer's order, the customer with their name, phone and
//     preferences (email and/or SMS), reached by email at the address the
//     order was placed with, which the order keeps for its messages;
//   - for a guest's order, or a customer the lookup no longer finds, a
//     guest recipient at the order's address: email only.
func OrderDirectory(orders *order.Service, customers CustomerLookup) *OrderDir {
	return &OrderDir{orders: orders, customers: customers}
}

// OrderRecipient implements OrderLookup. A missing order is NotFound (the
// Service then skips the event); without an order service it returns
// ErrNoOrderDirectory.
func (d *OrderDir) OrderRecipient(ctx context.Context, id commerce.OrderID) (Recipient, error) {
	if d == nil || d.orders == nil {
		return Recipient{}, commerce.Errorf(commerce.CodeFailedPrecondition, "%w", ErrNoOrderDirectory)
	}
	o, err := d.orders.Get(ctx, id)
	if err != nil {
		return Recipient{}, err
	}
	if o.Status == order.StatusCancelled {
		// A checkout whose payment failed is cancelled, and its
		// order.cancelled message already tells the customer why; a
		// payment.failed message asking them to pay would be wrong.
		return Recipient{}, commerce.Errorf(commerce.CodeNotFound, "notify: order %s is cancelled: order.cancelled tells its customer", id)
	}
	r, err := recipientOfOrder(ctx, d.customers, o)
	if errors.Is(err, ErrSkip) {
		return Recipient{}, commerce.Errorf(commerce.CodeNotFound, "notify: order %s has no address to notify", id)
	}
	return r, err
}

// OrderSummary implements OrderSummarizer: the order as messages show it.
// A missing order is NotFound; without an order service it returns
// ErrNoOrderDirectory.
func (d *OrderDir) OrderSummary(ctx context.Context, id commerce.OrderID) (OrderSummary, error) {
	if d == nil || d.orders == nil {
		return OrderSummary{}, commerce.Errorf(commerce.CodeFailedPrecondition, "%w", ErrNoOrderDirectory)
	}
	o, err := d.orders.Get(ctx, id)
	if err != nil {
		return OrderSummary{}, err
	}
	return orderSummary(o), nil
}

var _ OrderSummarizer = (*OrderDir)(nil)

// recipientOfOrder resolves whom to notify about o: see OrderDirectory.
// It returns ErrSkip when the order has no address at all.
func recipientOfOrder(ctx context.Context, customers CustomerLookup, o order.Order) (Recipient, error) {
	name := o.BillingAddress.Name
	if name == "" {
		name = o.ShippingAddress.Name
	}
	if o.Guest() {
		if o.Email == "" {
			return Recipient{}, ErrSkip
		}
		return GuestRecipient(o.Email, name), nil
	}
	r, err := customerRecipient(ctx, customers, o.CustomerID, o.Email, name)
	if err != nil {
		return Recipient{}, err
	}
	// The order keeps the address its messages go to, which the customer
	// chose at checkout and may differ from their account's.
	if o.Email != "" {
		r.Email = o.Email
	}
	return r, nil
}

// orderRequest is the Request about the order c carries, to the order's
// recipient, with data for the templates.
func orderRequest(ctx context.Context, dir Directory, c order.Change, data any) (Request, error) {
	r, err := recipientOfOrder(ctx, dir, c.Order)
	if err != nil {
		return Request{}, err
	}
	return Request{Recipient: r, OrderID: c.Order.ID, Data: data}, nil
}

// orderSummary maps an order snapshot to what messages show of it.
func orderSummary(o order.Order) OrderSummary {
	s := OrderSummary{
		ID:       o.ID,
		PlacedAt: o.CreatedAt,
		Subtotal: o.Totals.Subtotal,
		Shipping: o.Totals.Shipping,
		Tax:      o.Totals.Tax,
		Discount: o.Totals.Discount,
		Total:    o.Totals.Total,
	}
	if o.Number > 0 {
		s.Number = strconv.FormatInt(o.Number, 10)
	}
	if len(o.Lines) > 0 {
		s.Lines = make([]OrderLine, len(o.Lines))
		for i, l := range o.Lines {
			s.Lines[i] = OrderLine{Name: l.Title, SKU: l.SKU, Quantity: l.Quantity, UnitPrice: l.UnitPrice, Total: l.Total}
		}
	}
	if o.ShippingAddress != (commerce.Address{}) {
		a := o.ShippingAddress
		s.ShippingAddress = &a
	}
	return s
}

func orderConfirmed(ctx context.Context, dir Directory, _ commerce.Envelope, e order.Confirmed) (Request, error) {
	return orderRequest(ctx, dir, e.Change, OrderConfirmedData{Order: orderSummary(e.Order)})
}

func orderShipped(ctx context.Context, dir Directory, _ commerce.Envelope, e order.Shipped) (Request, error) {
	data := OrderShippedData{Order: orderSummary(e.Order)}
	if sh := e.Order.Shipment; sh != nil {
		data.Carrier, data.TrackingNumber, data.TrackingURL = sh.Carrier, sh.TrackingNumber, sh.TrackingURL
	}
	return orderRequest(ctx, dir, e.Change, data)
}

func orderDelivered(ctx context.Context, dir Directory, env commerce.Envelope, e order.Delivered) (Request, error) {
	return orderRequest(ctx, dir, e.Change, OrderDeliveredData{Order: orderSummary(e.Order), DeliveredAt: deliveredAt(e.Order, env)})
}

// deliveredAt is when the order's history says it was delivered, or else
// when the event occurred.
func deliveredAt(o order.Order, env commerce.Envelope) time.Time {
	for i := len(o.History) - 1; i >= 0; i-- {
		if o.History[i].To == order.StatusDelivered {
			return o.History[i].At
		}
	}
	return env.OccurredAt
}

func orderCancelled(ctx context.Context, dir Directory, _ commerce.Envelope, e order.Cancelled) (Request, error) {
	return orderRequest(ctx, dir, e.Change, OrderCancelledData{Order: orderSummary(e.Order), Reason: e.Reason, Refunded: e.Refund})
}

func orderRefunded(ctx context.Context, dir Directory, _ commerce.Envelope, e order.Refunded) (Request, error) {
	return orderRequest(ctx, dir, e.Change, OrderRefundedData{Order: orderSummary(e.Order), Amount: e.Amount, Reason: e.Reason})
}
