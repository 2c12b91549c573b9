package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/retry"
)

// Service renders notifications and delivers them through channels,
// exactly once per (event, channel, address) through its Store. It is
// safe for concurrent use.
type Service struct {
	store     Store
	channels  []Channel
	dir       Directory
	opts      Options
	templates *templateSet
	bindings  map[string]Binding
}

// NewService returns a Service that records deliveries in store and sends
// through channels (at least one; names unique). dir finds the recipients
// of bound events; it may be nil, and then customer events go to the
// address they carry and order-keyed events are skipped with a log. A nil
// opts takes the defaults documented on Options. Templates are parsed
// here: a broken one, or a binding for an event without templates, is an
// InvalidArgument error naming it.
func NewService(store Store, channels []Channel, dir Directory, opts *Options) (*Service, error) {
	if store == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "notify: NewService needs a store")
	}
	if len(channels) == 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "notify: NewService needs at least one channel")
	}
	names := make(map[string]bool, len(channels))
	for i, ch := range channels {
		if ch == nil {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "notify: channel %d is nil", i)
		}
		if ch.Name() == "" || names[ch.Name()] {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "notify: channel names must be unique and not empty, got %q", ch.Name())
		}
		if !ch.Kind().Valid() {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "notify: channel %q has unknown kind %q", ch.Name(), ch.Kind())
		}
		names[ch.Name()] = true
	}
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	set, err := loadTemplates(o.Templates, templateFuncs(o.BaseURL))
	if err != nil {
		return nil, err
	}
	s := &Service{
		store:     store,
		channels:  append([]Channel(nil), channels...),
		dir:       dir,
		opts:      o,
		templates: set,
		bindings:  builtinBindings(),
	}
	for name, b := range o.Bindings {
		if b == nil {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "notify: binding for %q is nil", name)
		}
		s.bindings[name] = b
	}
	for name := range s.bindings {
		if !set.has(name) {
			if _, custom := o.Bindings[name]; custom {
				return nil, commerce.Errorf(commerce.CodeInvalidArgument, "notify: event %q is bound but has no templates", name)
			}
			// A built-in binding whose templates are not shipped yet.
			delete(s.bindings, name)
		}
	}
	return s, nil
}

// Request asks for one event's notification to one recipient.
type Request struct {
	// EventID deduplicates: the same request made again (a redelivered
	// event) sends nothing new.
	EventID commerce.EventID
	// Event names the templates, e.g. "order.confirmed".
	Event     string
	Recipient Recipient
	// OrderID and CustomerID index the delivery log; either may be zero.
	// CustomerID defaults to Recipient.CustomerID.
	OrderID    commerce.OrderID
	CustomerID commerce.CustomerID
	// Data is the templates' .Data: the event's data struct.
	Data any
}

// Result is what one Notify call did, channel by channel, for the
// channels the recipient opted into and the event has templates for.
type Result struct {
	Deliveries []DeliveryResult
}

// DeliveryResult is the fate of one delivery in one Notify call.
type DeliveryResult struct {
	// Delivery is the record as it stands after the call.
	Delivery Delivery
	// Sent is true when this call sent the message.
	Sent bool
	// Skipped is true when the message was not sent because an earlier
	// call sent it (or gave up on it for good), or another one holds it.
	Skipped bool
	// Err is why the delivery failed in this call, if it did.
	Err error
}

// Sent counts the messages this call sent.
func (r Result) Sent() int {
	n := 0
	for _, d := range r.Deliveries {
		if d.Sent {
			n++
		}
	}
	return n
}

// Notify renders and sends the notification of req on every channel whose
// kind the recipient opted into and has an address for.
//
// Each delivery is claimed in the Store first, so a delivery that was sent
// before is skipped. A transient failure is retried with exponential
// backoff (Options.Retry); when the attempts run out the delivery is
// recorded as failed_transient and Notify returns an Unavailable error, so
// the bus redelivers the event and a later call resumes the deliveries
// still open without repeating those done. A permanent failure
// (commerce.IsPermanent, or a message that fails Validate) is recorded as
// failed_permanent, is never retried, and is not an error of Notify. A
// delivery pending in another call is skipped, and Notify returns
// Unavailable so the event comes back once that call is done or its lease
// expired.
//
// A message can be sent twice in one case only: a sender crashes (or
// loses the store) after the provider accepted the message and before the
// outcome is recorded; once the lease expires a later call sends it again.
//
// Invalid requests (no event ID, an event without templates) are
// InvalidArgument; a template that fails to execute is Internal.
func (s *Service) Notify(ctx context.Context, req Request) (Result, error) {
	var res Result
	if err := req.EventID.Validate(); err != nil {
		return res, commerce.Errorf(commerce.CodeInvalidArgument, "notify: event id: %w", err)
	}
	if !s.templates.has(req.Event) {
		return res, commerce.Errorf(commerce.CodeInvalidArgument, "notify: no templates for event %q", req.Event).WithDetail("event", req.Event)
	}
	if !req.OrderID.IsZero() {
		if err := req.OrderID.Validate(); err != nil {
			return res, commerce.Errorf(commerce.CodeInvalidArgument, "notify: order id: %w", err)
		}
	}
	if req.CustomerID.IsZero() {
		req.CustomerID = req.Recipient.CustomerID
	}
	if !req.CustomerID.IsZero() {
		if err := req.CustomerID.Validate(); err != nil {
			return res, commerce.Errorf(commerce.CodeInvalidArgument, "notify: customer id: %w", err)
		}
	}
	data := TemplateData{
		Event:     req.Event,
		Shop:      Shop{Name: s.opts.ShopName, BaseURL: s.opts.BaseURL},
		Recipient: req.Recipient,
		Data:      req.Data,
	}
	// Render each kind once, before claiming anything: a template error
	// must not leave claims behind.
	type content struct {
		r  rendered
		ok bool
	}
	var contents [2]content
	for i, k := range []Kind{Email, SMS} {
		if !s.kindWanted(req.Recipient, k) {
			continue
		}
		r, ok, err := s.templates.render(req.Event, k, data)
		if err != nil {
			return res, err
		}
		contents[i] = content{r, ok}
	}
	var unavailable []error
	for _, ch := range s.channels {
		c := contents[0]
		if ch.Kind() == SMS {
			c = contents[1]
		}
		if !c.ok || !req.Recipient.wants(ch.Kind()) {
			continue
		}
		dr := s.deliver(ctx, req, ch, c.r)
		res.Deliveries = append(res.Deliveries, dr)
		if dr.Err != nil && !commerce.IsPermanent(dr.Err) {
			unavailable = append(unavailable, dr.Err)
		}
	}
	if len(unavailable) > 0 {
		return res, commerce.Errorf(commerce.CodeUnavailable, "notify: %s %s: %w", req.Event, req.EventID, errors.Join(unavailable...))
	}
	return res, nil
}

// kindWanted reports whether any channel of kind k could deliver to r.
func (s *Service) kindWanted(r Recipient, k Kind) bool {
	if !r.wants(k) {
		return false
	}
	for _, ch := range s.channels {
		if ch.Kind() == k {
			return true
		}
	}
	return false
}

// deliver claims, sends and records one delivery.
func (s *Service) deliver(ctx context.Context, req Request, ch Channel, r rendered) DeliveryResult {
	now := s.opts.Clock.Now()
	to := req.Recipient.address(ch.Kind())
	key := DeliveryKey{EventID: req.EventID, Channel: ch.Name(), To: to}
	claim := Delivery{
		ID:         commerce.NewID[commerce.NotificationID](),
		EventID:    req.EventID,
		Event:      req.Event,
		Channel:    ch.Name(),
		Kind:       ch.Kind(),
		To:         to,
		CustomerID: req.CustomerID,
		OrderID:    req.OrderID,
		Status:     StatusPending,
		LeaseUntil: now.Add(s.opts.Lease),
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	log := s.opts.Logger.With("event", req.Event, "event_id", req.EventID, "channel", ch.Name())
	d, proceed, err := s.store.Claim(ctx, key, claim)
	if err != nil {
		return DeliveryResult{Delivery: claim, Err: fmt.Errorf("notify: claim %s: %w", ch.Name(), err)}
	}
	if !proceed {
		dr := DeliveryResult{Delivery: d, Skipped: true}
		if d.Status == StatusPending {
			dr.Err = commerce.Errorf(commerce.CodeUnavailable, "notify: delivery %s is in flight elsewhere until %s", d.ID, d.LeaseUntil.Format("15:04:05.000"))
		}
		log.Debug("notify: delivery skipped", "delivery", d.ID, "status", d.Status)
		return dr
	}
	msg := Message{
		ID: d.ID, Kind: ch.Kind(), To: to, ToName: req.Recipient.Name,
		Subject: r.subject, Text: r.text, HTML: r.html, Event: req.Event,
	}
	out := Outcome{Attempts: d.Attempts}
	var sendErr error
	if err := msg.Validate(); err != nil {
		sendErr = commerce.Permanent(err)
	} else {
		var rc Receipt
		rc, sendErr = retry.Do(ctx, s.opts.Retry.policy(), s.opts.Sleep, func(int) (Receipt, error) {
			out.Attempts++
			return ch.Send(ctx, msg)
		}, func(_ int, err error, wait time.Duration) {
			log.Info("notify: send failed, retrying", "delivery", d.ID, "attempt", out.Attempts, "wait", wait, "error", err)
		})
		if sendErr == nil {
			out.ProviderRef = rc.ProviderRef
		}
	}
	out.At = s.opts.Clock.Now()
	switch {
	case sendErr == nil:
		out.Status = StatusSent
	case commerce.IsPermanent(sendErr):
		out.Status, out.LastError = StatusFailedPermanent, truncate(sendErr.Error(), 1000)
		log.Warn("notify: delivery failed for good", "delivery", d.ID, "error", sendErr)
	default:
		out.Status, out.LastError = StatusFailedTransient, truncate(sendErr.Error(), 1000)
		log.Warn("notify: delivery failed, the event will be redelivered", "delivery", d.ID, "attempts", out.Attempts, "error", sendErr)
	}
	// Record even when ctx has ended: the send happened.
	rctx := context.WithoutCancel(ctx)
	if err := s.store.Record(rctx, d.ID, out); err != nil {
		log.Error("notify: outcome not recorded", "delivery", d.ID, "status", out.Status, "error", err)
		if sendErr == nil {
			// Sent but not recorded: the lease will let a redelivery
			// send again, the documented crash window.
			sendErr = commerce.Errorf(commerce.CodeUnavailable, "notify: record delivery %s: %w", d.ID, err)
		}
	}
	d.Status, d.Attempts, d.LastError, d.ProviderRef, d.UpdatedAt = out.Status, out.Attempts, out.LastError, out.ProviderRef, out.At
	return DeliveryResult{Delivery: d, Sent: out.Status == StatusSent, Err: sendErr}
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
