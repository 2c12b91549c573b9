package notify

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// The data contracts of the built-in templates: the Data field of
// TemplateData for each event. The templates read only these fields, so a
// binding (or a host calling Notify directly) fills them and the default
// templates render; override templates may read the same fields.

// OrderLine is one line of an order as messages show it.
type OrderLine struct {
	Name      string
	SKU       string
	Quantity  int
	UnitPrice commerce.Money
	Total     commerce.Money
}

// OrderSummary is what messages about an order show of it. Money fields
// render through String ("12.34 USD") or Decimal ("12.34"); zero Shipping,
// Tax and Discount are left out by the default templates.
type OrderSummary struct {
	ID commerce.OrderID
	// Number is the customer-facing order number; the default templates
	// show ID when it is empty.
	Number          string
	PlacedAt        time.Time
	Lines           []OrderLine
	Subtotal        commerce.Money
	Shipping        commerce.Money
	Tax             commerce.Money
	Discount        commerce.Money
	Total           commerce.Money
	ShippingAddress *commerce.Address
}

// Ref is how messages name the order: its Number, or else its ID.
func (o OrderSummary) Ref() string {
	if o.Number != "" {
		return o.Number
	}
	return o.ID.String()
}

// OrderConfirmedData is the data of order.confirmed: the order is paid
// for and will be fulfilled.
type OrderConfirmedData struct {
	Order OrderSummary
}

// OrderShippedData is the data of order.shipped.
type OrderShippedData struct {
	Order          OrderSummary
	Carrier        string
	TrackingNumber string
	// TrackingURL is the carrier's tracking page; may be empty.
	TrackingURL string
}

// OrderDeliveredData is the data of order.delivered.
type OrderDeliveredData struct {
	Order       OrderSummary
	DeliveredAt time.Time
}

// OrderCancelledData is the data of order.cancelled.
type OrderCancelledData struct {
	Order OrderSummary
	// Reason is shown to the customer; may be empty.
	Reason string
	// Refunded is what was or will be paid back; zero when nothing was
	// charged.
	Refunded commerce.Money
}

// OrderRefundedData is the data of order.refunded.
type OrderRefundedData struct {
	Order  OrderSummary
	Amount commerce.Money
	Reason string
}

// PaymentFailedData is the data of payment.failed.
type PaymentFailedData struct {
	// ForOrder is the order the payment was for, as the directory read
	// it (only its ID when it could not); messages name it by OrderRef.
	ForOrder  OrderSummary
	OrderID   commerce.OrderID
	PaymentID commerce.PaymentID
	Amount    commerce.Money
	// Reason is the provider's message, fit for the customer; may be
	// empty.
	Reason string
	// Final is true when the shop will not retry the payment: the
	// customer must act (the default templates then ask them to).
	Final bool
}

// OrderRef is how messages name the order: its number when ForOrder has
// one, or else its ID.
func (d PaymentFailedData) OrderRef() string {
	if d.ForOrder.ID == "" && d.ForOrder.Number == "" {
		return d.OrderID.String()
	}
	return d.ForOrder.Ref()
}

// CustomerRegisteredData is the data of customer.registered.
type CustomerRegisteredData struct {
	Name     string
	Email    string
	WasGuest bool
}

// PasswordResetData is the data of customer.password_reset_requested.
// Token is a secret: the default templates put it only in the reset link.
type PasswordResetData struct {
	Name      string
	Token     string
	ExpiresAt time.Time
}
