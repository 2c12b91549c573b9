package notify

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// Binding maps an event off the bus to the Request that notifies about
// it, using the Directory to find the recipient. It returns ErrSkip when
// the event warrants no notification.
type Binding func(ctx context.Context, dir Directory, env commerce.Envelope) (Request, error)

// ErrSkip is returned by a Binding (wrapped or not) for an event that
// warrants no notification; the handler acknowledges such events.
var ErrSkip = errors.New("notify: nothing to notify")

// bind adapts a typed mapping to a Binding.
func bind[E commerce.Event](fn func(ctx context.Context, dir Directory, env commerce.Envelope, e E) (Request, error)) Binding {
	return func(ctx context.Context, dir Directory, env commerce.Envelope) (Request, error) {
		if e, ok := env.Payload.(E); ok {
			return fn(ctx, dir, env, e)
		}
		return Request{}, commerce.Errorf(commerce.CodeInvalidArgument, "notify: event %s carries a %T", env.Name, env.Payload)
	}
}

// builtinBindings are the events Mercato notifies about. Order events
// carry the whole order, so their recipient is resolved from the event
// (see OrderDirectory); payment.failed carries only the order's ID and is
// resolved through Directory.OrderRecipient.
func builtinBindings() map[string]Binding {
	return map[string]Binding{
		order.Confirmed{}.EventName():                 bind(orderConfirmed),
		order.Shipped{}.EventName():                   bind(orderShipped),
		order.Delivered{}.EventName():                 bind(orderDelivered),
		order.Cancelled{}.EventName():                 bind(orderCancelled),
		order.Refunded{}.EventName():                  bind(orderRefunded),
		customer.Registered{}.EventName():             bind(customerRegistered),
		customer.PasswordResetRequested{}.EventName(): bind(passwordReset),
		payment.Failed{}.EventName():                  bind(paymentFailed),
	}
}

// RegisterEvents registers the payload types of every built-in binding
// with r, so a bus can decode what the Service subscribes to.
func RegisterEvents(r *commerce.EventRegistry) {
	customer.RegisterEvents(r)
	order.RegisterEvents(r)
	payment.RegisterEvents(r)
}

// Events returns the names of the events the Service notifies about
// (bound and with templates), sorted: a host subscribes a Handler to each.
func (s *Service) Events() []string {
	names := make([]string, 0, len(s.bindings))
	for n := range s.bindings {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Handler returns the bus handler for event, and false when the Service
// does not notify about it. A host wires it with
//
//	for _, name := range svc.Events() {
//		h, _ := svc.Handler(name)
//		bus.Subscribe("notify", name, h)
//	}
//
// The handler maps the envelope to a Request and calls Notify. It returns
// nil when the notification is done or not wanted (no recipient, no
// directory for orders), and Notify's error otherwise: Unavailable when
// the bus should redeliver later.
func (s *Service) Handler(event string) (func(ctx context.Context, env commerce.Envelope) error, bool) {
	b, ok := s.bindings[event]
	if !ok {
		return nil, false
	}
	return func(ctx context.Context, env commerce.Envelope) error {
		req, err := b(ctx, s.dir, env)
		switch {
		case errors.Is(err, ErrSkip):
			s.opts.Logger.Info("notify: event skipped", "event", env.Name, "event_id", env.ID, "reason", err.Error())
			return nil
		case err != nil:
			return err
		}
		req.EventID, req.Event = env.ID, env.Name
		_, err = s.Notify(ctx, req)
		return err
	}, true
}

// customerRecipient resolves a customer through dir, falling back to the
// address the event carries when there is no directory or no such
// customer any more.
func customerRecipient(ctx context.Context, dir CustomerLookup, id commerce.CustomerID, email, name string) (Recipient, error) {
	if dir != nil {
		r, err := dir.CustomerRecipient(ctx, id)
		switch {
		case err == nil:
			return r, nil
		case !errors.Is(err, commerce.ErrNotFound):
			return Recipient{}, err
		}
	}
	if email == "" {
		return Recipient{}, ErrSkip
	}
	r := GuestRecipient(email, name)
	r.CustomerID = id
	return r, nil
}

// orderRecipient resolves the recipient of an order through dir; without
// an order directory, or without the order, the event is skipped.
func orderRecipient(ctx context.Context, dir Directory, id commerce.OrderID) (Recipient, error) {
	if dir == nil {
		return Recipient{}, ErrSkip
	}
	r, err := dir.OrderRecipient(ctx, id)
	switch {
	case err == nil:
		return r, nil
	case isNoOrderDirectory(err), errors.Is(err, commerce.ErrNotFound):
		return Recipient{}, errors.Join(ErrSkip, err)
	default:
		return Recipient{}, err
	}
}

func customerRegistered(ctx context.Context, dir Directory, _ commerce.Envelope, e customer.Registered) (Request, error) {
	r, err := customerRecipient(ctx, dir, e.CustomerID, e.Email, e.Name)
	if err != nil {
		return Request{}, err
	}
	return Request{
		Recipient: r,
		Data:      CustomerRegisteredData{Name: e.Name, Email: e.Email, WasGuest: e.WasGuest},
	}, nil
}

func passwordReset(ctx context.Context, dir Directory, _ commerce.Envelope, e customer.PasswordResetRequested) (Request, error) {
	r, err := customerRecipient(ctx, dir, e.CustomerID, e.Email, e.Name)
	if err != nil {
		return Request{}, err
	}
	// The customer asked for this message: it goes to the address the
	// request was made for, whatever the marketing preferences say, and
	// never by SMS.
	r.Email, r.Preferences = e.Email, Preferences{Email: true}
	return Request{
		Recipient: r,
		Data:      PasswordResetData{Name: e.Name, Token: e.Token, ExpiresAt: e.ExpiresAt},
	}, nil
}

// paymentFailed notifies only when the payment will not be retried: a
// failure the shop retries by itself is not the customer's concern yet.
func paymentFailed(ctx context.Context, dir Directory, _ commerce.Envelope, e payment.Failed) (Request, error) {
	if !e.Final {
		return Request{}, fmt.Errorf("%w: payment %s will be retried", ErrSkip, e.PaymentID)
	}
	r, err := orderRecipient(ctx, dir, e.OrderID)
	if err != nil {
		return Request{}, err
	}
	summary, err := summarizeOrder(ctx, dir, e.OrderID)
	if err != nil {
		return Request{}, err
	}
	return Request{
		Recipient: r,
		OrderID:   e.OrderID,
		Data: PaymentFailedData{
			ForOrder: summary, OrderID: e.OrderID, PaymentID: e.PaymentID, Amount: e.Amount,
			Reason: e.FailureMessage, Final: e.Final,
		},
	}, nil
}

// summarizeOrder is what messages show of the order with id, read
// through dir when it is an OrderSummarizer. Without one, or without the
// order, the summary carries only the ID, which messages then show.
func summarizeOrder(ctx context.Context, dir Directory, id commerce.OrderID) (OrderSummary, error) {
	s, ok := dir.(OrderSummarizer)
	if !ok {
		return OrderSummary{ID: id}, nil
	}
	summary, err := s.OrderSummary(ctx, id)
	switch {
	case err == nil:
		return summary, nil
	case isNoOrderDirectory(err), errors.Is(err, commerce.ErrNotFound):
		return OrderSummary{ID: id}, nil
	}
	return OrderSummary{}, err
}
