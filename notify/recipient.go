package notify

import (
	"context"
	"errors"
	"strings"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
)

// Recipient is the person a notification is for and where they can be
// reached.
type Recipient struct {
	// CustomerID is zero for guests known only by an address.
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	// Email is the address for Email channels; empty means none.
	Email string `json:"email,omitempty"`
	// Phone is the E.164 number for SMS channels; empty means none.
	Phone string `json:"phone,omitempty"`
	// Name is how templates greet the recipient; may be empty.
	Name string `json:"name,omitempty"`
	// Locale picks the templates, e.g. "de-CH"; empty means "en".
	Locale string `json:"locale,omitempty"`
	// Preferences opts in or out per kind of channel.
	Preferences Preferences `json:"preferences"`
}

// Preferences says through which kinds of channel a recipient agrees to be
// notified.
type Preferences struct {
	Email bool `json:"email"`
	SMS   bool `json:"sms"`
}

// wants reports whether r opted into k and has an address for it.
func (r Recipient) wants(k Kind) bool {
	switch k {
	case Email:
		return r.Preferences.Email && r.Email != ""
	case SMS:
		return r.Preferences.SMS && r.Phone != ""
	}
	return false
}

// address returns r's address for k.
func (r Recipient) address(k Kind) string {
	if k == Email {
		return strings.ToLower(strings.TrimSpace(r.Email))
	}
	return strings.TrimSpace(r.Phone)
}

// GuestRecipient is a recipient known only by an email address: it gets
// email and nothing else.
func GuestRecipient(email, name string) Recipient {
	return Recipient{Email: email, Name: name, Preferences: Preferences{Email: true}}
}

// Directory finds the recipient of an event. Implementations are safe for
// concurrent use. A recipient that does not exist (any more) is
// CodeNotFound, and the Service skips the notification with a log; other
// errors are returned to the bus, which redelivers the event later.
type Directory interface {
	// CustomerRecipient returns the customer with id as a recipient, with
	// their current preferences.
	CustomerRecipient(ctx context.Context, id commerce.CustomerID) (Recipient, error)
	// OrderRecipient returns whom to notify about the order with id: its
	// customer, or the guest who placed it. OrderDirectory implements it
	// over the order service; a Directory without one returns
	// ErrNoOrderDirectory, and the Service then skips events that name
	// only an order (payment.failed) with a log. Order events carry the
	// order and do not need it.
	OrderRecipient(ctx context.Context, id commerce.OrderID) (Recipient, error)
}

// OrderLookup finds the recipient of an order; see
// Directory.OrderRecipient.
type OrderLookup interface {
	OrderRecipient(ctx context.Context, id commerce.OrderID) (Recipient, error)
}

// OrderSummarizer is an optional capability of a Directory (and of an
// OrderLookup): it returns what messages show of the order with id, so
// that a message about an event that names only the order (payment.failed)
// shows the order's number rather than its internal ID. OrderDir and
// CustomerDir (through its Orders) implement it. A Directory without it,
// or an order it no longer finds, makes the message fall back to the ID.
type OrderSummarizer interface {
	OrderSummary(ctx context.Context, id commerce.OrderID) (OrderSummary, error)
}

// ErrNoOrderDirectory is wrapped by the error of a Directory that cannot
// look up orders (test with errors.Is). The Service skips order-keyed
// events when it sees it.
var ErrNoOrderDirectory = errors.New("notify: no order directory configured")

// CustomerDir is a Directory over the customer service, with an optional
// OrderLookup for order-keyed events.
type CustomerDir struct {
	// Customers resolves customer-keyed events.
	Customers *customer.Service
	// Orders resolves events that name only an order, usually
	// OrderDirectory(orders, dir); when nil, OrderRecipient returns
	// ErrNoOrderDirectory.
	Orders OrderLookup
}

// CustomerDirectory returns a Directory over customers. Set Orders on the
// result to resolve order-keyed events too.
func CustomerDirectory(customers *customer.Service) *CustomerDir {
	return &CustomerDir{Customers: customers}
}

var _ Directory = (*CustomerDir)(nil)

// CustomerRecipient implements Directory: the customer's email, phone,
// name and preferences. Guests get email only, whatever their stored
// preferences say: they never opted into anything else.
func (d *CustomerDir) CustomerRecipient(ctx context.Context, id commerce.CustomerID) (Recipient, error) {
	if d.Customers == nil {
		return Recipient{}, commerce.Errorf(commerce.CodeFailedPrecondition, "notify: no customer service configured")
	}
	c, err := d.Customers.Get(ctx, id)
	if err != nil {
		return Recipient{}, err
	}
	return RecipientOf(c), nil
}

// RecipientOf maps a customer to a Recipient.
func RecipientOf(c customer.Customer) Recipient {
	if c.Guest {
		r := GuestRecipient(c.Email, c.Name)
		r.CustomerID = c.ID
		return r
	}
	return Recipient{
		CustomerID:  c.ID,
		Email:       c.Email,
		Phone:       c.Phone,
		Name:        c.Name,
		Preferences: Preferences{Email: c.Preferences.Email, SMS: c.Preferences.SMS},
	}
}

// OrderRecipient implements Directory through Orders.
func (d *CustomerDir) OrderRecipient(ctx context.Context, id commerce.OrderID) (Recipient, error) {
	if d.Orders == nil {
		return Recipient{}, commerce.Errorf(commerce.CodeFailedPrecondition, "%w", ErrNoOrderDirectory)
	}
	return d.Orders.OrderRecipient(ctx, id)
}

// OrderSummary implements OrderSummarizer through Orders.
func (d *CustomerDir) OrderSummary(ctx context.Context, id commerce.OrderID) (OrderSummary, error) {
	if s, ok := d.Orders.(OrderSummarizer); ok {
		return s.OrderSummary(ctx, id)
	}
	return OrderSummary{}, commerce.Errorf(commerce.CodeFailedPrecondition, "%w", ErrNoOrderDirectory)
}

// isNoOrderDirectory reports whether err says orders cannot be looked up.
func isNoOrderDirectory(err error) bool { return errors.Is(err, ErrNoOrderDirectory) }
