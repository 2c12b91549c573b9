package payment

import (
	"context"
	"errors"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// AuthorizeInput is what [Service.Authorize] needs.
type AuthorizeInput struct {
	OrderID commerce.OrderID
	// Amount is positive, in the order's currency.
	Amount commerce.Money
	// PaymentMethod is the provider's payment-method token (pm_card_visa).
	PaymentMethod string
	// IdempotencyKey identifies the payment: at most one payment and one
	// charge per key. Printable ASCII, at most 200 bytes.
	IdempotencyKey string
	// CaptureNow captures the full amount right after the authorization.
	CaptureNow bool
	// Description is shown at the provider; optional.
	Description string
}

func (in AuthorizeInput) validate() error {
	if err := in.OrderID.Validate(); err != nil {
		return commerce.Errorf(commerce.CodeInvalidArgument, "payment: order id: %w", err)
	}
	if in.Amount.Currency() == "" || !in.Amount.IsPositive() {
		return commerce.Errorf(commerce.CodeInvalidArgument, "payment: amount must be positive, got %s", in.Amount)
	}
	if in.PaymentMethod == "" || len(in.PaymentMethod) > 255 {
		return commerce.Errorf(commerce.CodeInvalidArgument, "payment: a payment-method token of at most 255 bytes is required")
	}
	return validateKey(in.IdempotencyKey)
}

// sameRequest reports whether a payment was created from the same input,
// so a reused key with a different amount is caught.
func sameRequest(p Payment, in AuthorizeInput) bool {
	return p.OrderID == in.OrderID && p.Amount == in.Amount && p.PaymentMethod == in.PaymentMethod && p.CaptureNow == in.CaptureNow
}

// Authorize takes payment for an order: it creates the payment, already
// Processing (payment.initiated), authorizes it at the provider
// (Authorized, payment.authorized) and, with CaptureNow, captures it
// (Captured, Completed): in the authorization call itself when the
// provider captures there (AuthorizeRequest.Capture), with a Capture call
// otherwise. It is idempotent by key: a repeated call, even
// concurrent and from another process, returns the same payment without a
// second provider charge (waiting up to Options.InFlightWait for an
// in-flight first call). The same key with different input is
// CodeConflict.
//
// A decline returns the failed payment and a CodePaymentDeclined error
// carrying the provider's code and reason (Details "decline_code" and
// "reason"). When the provider's answer is unknown even after lookups and
// retries, the payment stays Processing and the error is CodeUnavailable:
// call Authorize again with the key, or Reconcile, later.
func (s *Service) Authorize(ctx context.Context, in AuthorizeInput) (Payment, error) {
	if err := in.validate(); err != nil {
		return Payment{}, err
	}
	p, err, shared := s.inflight.Do(ctx, in.IdempotencyKey, func() (Payment, error) { return s.authorize(ctx, in) })
	if !shared {
		return p, err
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return Payment{}, commerce.Errorf(commerce.CodeUnavailable, "payment: waiting for the first call with this key: %w", err)
	}
	if p.ID != "" && !sameRequest(p, in) {
		return Payment{}, errKeyReused(in.IdempotencyKey)
	}
	return p, err
}

func errKeyReused(key string) error {
	return commerce.Errorf(commerce.CodeConflict, "payment: idempotency key %q was used for a different payment", key)
}

func (s *Service) authorize(ctx context.Context, in AuthorizeInput) (Payment, error) {
	stored, created, err := s.record(ctx, in)
	if err != nil {
		return Payment{}, err
	}
	if !created {
		return s.await(ctx, stored)
	}
	return s.send(ctx, stored, in.Description)
}

// Record is the first half of Authorize: it stores the payment,
// Processing with its first attempt counted (payment.initiated), and
// calls no provider. It is for a caller that records the payment in a
// unit of work with its own writes (see InUnit) and, once the unit has
// committed, sends it with Send. created is false when a payment with the
// key exists: that payment is returned and nothing is written (the same
// key with different input is CodeConflict).
func (s *Service) Record(ctx context.Context, in AuthorizeInput) (_ Payment, created bool, err error) {
	if err := in.validate(); err != nil {
		return Payment{}, false, err
	}
	return s.record(ctx, in)
}

// Send is the second half of Authorize, for payment p that this caller
// recorded with Record and that is still as Record returned it: it
// authorizes p at the provider and records the outcome, as Authorize
// does, description shown at the provider. A payment that moved on
// meanwhile is answered as it stands. It is Call and Conclude, outside
// any unit of work.
func (s *Service) Send(ctx context.Context, p Payment, description string) (Payment, error) {
	if err := sendable(p); err != nil {
		return Payment{}, err
	}
	return s.send(ctx, p, description)
}

// sendable checks that p is a payment just recorded, as Send and Call
// take.
func sendable(p Payment) error {
	if p.ID == "" || p.Status != StatusProcessing {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "payment: only a payment just recorded can be sent, this one is %q", p.Status)
	}
	return nil
}

// InUnit reports whether the payments this Service records with ctx are
// written in the unit of work ctx carries, to commit or roll back with
// it: its Store is a UnitMember that says so. Only then may a payment be
// recorded in a unit that can still roll back: a payment committed on its
// own while the unit rolled back would stay Processing, and would be sent
// when a later Authorize or Reconcile resumed it.
func (s *Service) InUnit(ctx context.Context) bool {
	m, ok := s.store.(UnitMember)
	return ok && m.InUnit(ctx)
}

// record creates the payment of in, Processing. A payment with the key
// made from other input is CodeConflict.
func (s *Service) record(ctx context.Context, in AuthorizeInput) (Payment, bool, error) {
	now := s.clock.Now()
	zero := commerce.Zero(in.Amount.Currency())
	// The payment is created already Processing, its first attempt
	// counted: the insert is both the durable record of the intent, which
	// Reconcile finds after a crash, and the claim that lets exactly one
	// caller send it (a concurrent Create with the key gets created=false
	// and waits). An Initiated payment would cost a second write before
	// the provider call for the same guarantee.
	p := Payment{
		ID: s.opts.IDs.NewPaymentID(in.OrderID), OrderID: in.OrderID, Amount: in.Amount,
		Status: StatusProcessing, Attempts: 1, Provider: s.provider.Name(), PaymentMethod: in.PaymentMethod,
		CaptureNow: in.CaptureNow, MaxRetries: s.opts.MaxRetries, IdempotencyKey: in.IdempotencyKey,
		CapturedAmount: zero, RefundedAmount: zero, CreatedAt: now, UpdatedAt: now,
	}
	ev := s.envelope(p, Initiated{PaymentID: p.ID, OrderID: p.OrderID, Amount: p.Amount, IdempotencyKey: p.IdempotencyKey})
	stored, created, err := s.store.Create(ctx, p, []commerce.Envelope{ev})
	if err == nil && !created && !sameRequest(stored, in) {
		return Payment{}, false, errKeyReused(in.IdempotencyKey)
	}
	return stored, created, err
}

// attempt runs one authorization attempt of a payment that is Initiated or
// Retry: the move to Processing (counting the attempt) is the claim that
// lets exactly one caller talk to the provider for it.
func (s *Service) attempt(ctx context.Context, p Payment, description string) (Payment, error) {
	from := p.Status
	p, err := s.store.Update(ctx, p.ID, func(q *Payment) ([]commerce.Envelope, error) {
		if q.Status != from || !CanTransition(q.Status, StatusProcessing) {
			return nil, errMoved
		}
		q.Status = StatusProcessing
		q.Attempts++
		q.ProviderRef = ""
		q.FailureCode, q.FailureMessage = "", ""
		q.UpdatedAt = s.clock.Now()
		return nil, nil
	})
	if errors.Is(err, errMovedCause) {
		cur, gerr := s.store.Get(ctx, p.ID)
		if gerr != nil {
			return Payment{}, gerr
		}
		return s.await(ctx, cur)
	}
	if err != nil {
		return Payment{}, err
	}
	return s.send(ctx, p, description)
}

// errMoved aborts an update whose payment another caller already moved.
// It is a Conflict for callers, but is recognised by errMovedCause:
// errors.Is(err, errMoved) would match every Conflict (commerce errors
// compare by code), the store's refusal of a provider reference that
// another payment holds included.
var (
	errMovedCause = errors.New("payment moved")
	errMoved      = &commerce.Error{Code: commerce.CodeConflict, Message: "payment: the payment moved on concurrently", Err: errMovedCause}
)

// refCollision reports an authorization whose provider reference the
// store refused because another payment of the provider holds it (the
// store's Conflict). The provider reused a reference, which a real one
// never does: a fake provider restarted against a durable store is the
// usual cause. It is Internal, not the caller's fault and nothing a retry
// mends. The payment stays Processing and the hold is not voided: with two
// payments behind one reference, a cancel could release the other's money.
func (s *Service) refCollision(ctx context.Context, p Payment, ref string, err error) error {
	s.log.ErrorContext(ctx, "payment: the provider's reference belongs to another payment; the provider reuses references",
		"payment_id", p.ID.String(), "provider", p.Provider, "provider_ref", ref, "error", err)
	return commerce.Errorf(commerce.CodeInternal, "payment %s: the provider answered with reference %q, which another payment already holds: %w", p.ID, ref, err).
		WithDetail("payment_id", p.ID.String()).WithDetail("provider_ref", ref)
}

// send authorizes a Processing payment at the provider and records the
// outcome.
func (s *Service) send(ctx context.Context, p Payment, description string) (Payment, error) {
	res, err := s.authorizeAtProvider(ctx, p, description)
	return s.recordAuthorization(ctx, p, res, err)
}

// authorizeAtProvider makes the authorization call of a Processing
// payment, with lookups and retries, and records nothing.
func (s *Service) authorizeAtProvider(ctx context.Context, p Payment, description string) (ProviderResult, error) {
	if description == "" {
		description = "Order " + p.OrderID.String()
	}
	req := AuthorizeRequest{
		PaymentID: p.ID, OrderID: p.OrderID, Amount: p.Amount, PaymentMethod: p.PaymentMethod,
		IdempotencyKey: providerKey(p, "authorize"), Description: description,
		Metadata: map[string]string{"mercato_payment_id": p.ID.String(), "mercato_order_id": p.OrderID.String()},
		Capture:  p.CaptureNow,
	}
	return call(ctx, s, func() (ProviderResult, error) {
		return s.provider.Authorize(ctx, req)
	}, func() (ProviderResult, bool, error) {
		r, err := s.provider.Lookup(ctx, LookupRequest{PaymentID: p.ID, IdempotencyKey: req.IdempotencyKey})
		return r, err == nil && r.Status != ProviderNotFound && r.Status != ProviderPending, err
	})
}

// recordAuthorization stores the outcome of an authorization call.
func (s *Service) recordAuthorization(ctx context.Context, p Payment, res ProviderResult, callErr error) (Payment, error) {
	attempt := p.Attempts
	var obs observation
	switch kind := KindOf(callErr); {
	case callErr == nil:
		obs = observe(res)
	case kind == KindDeclined || kind == KindInvalid:
		var pe *ProviderError
		errors.As(callErr, &pe)
		obs = observation{status: ProviderFailed, ref: res.Ref, code: pe.Code, message: pe.Message}
	case kind == KindTransient:
		obs = observation{status: ProviderFailed, code: FailureProviderUnavailable, message: callErr.Error()}
	default:
		// Unknown even after lookups: the provider may hold the money.
		// Leave the payment Processing for a later Authorize or Reconcile.
		return p, commerce.Errorf(commerce.CodeUnavailable, "payment %s: the provider's answer is unknown; retry later or Reconcile: %w", p.ID, callErr).
			WithDetail("payment_id", p.ID.String())
	}
	stored, err := s.store.Update(ctx, p.ID, func(q *Payment) ([]commerce.Envelope, error) {
		if q.Attempts != attempt {
			return nil, errMoved
		}
		return s.advance(q, obs), nil
	})
	if err != nil && !errors.Is(err, errMovedCause) {
		if errors.Is(err, commerce.ErrConflict) && obs.ref != "" {
			return p, s.refCollision(ctx, p, obs.ref, err)
		}
		return p, err
	}
	if errors.Is(err, errMovedCause) {
		stored, err = s.store.Get(ctx, p.ID)
		if err != nil {
			return p, err
		}
	}
	if (obs.status == ProviderAuthorized || obs.status == ProviderCaptured) && obs.ref != "" &&
		(stored.ProviderRef != obs.ref || stored.Attempts != attempt) && stored.Status != StatusCaptured && stored.Status != StatusCompleted {
		// The payment moved on without this authorization (it failed or was
		// retried meanwhile): release the hold rather than keep money the
		// payment does not account for.
		s.voidOrphan(ctx, p, obs.ref)
	}
	if callErr != nil {
		return stored, callerError("authorize", callErr)
	}
	if obs.status == ProviderPending {
		return stored, outcome(stored)
	}
	if stored.Status == StatusAuthorized && stored.CaptureNow {
		return s.Capture(ctx, stored.ID, commerce.Money{})
	}
	return stored, outcome(stored)
}

func (s *Service) voidOrphan(ctx context.Context, p Payment, ref string) {
	_, err := call(ctx, s, func() (ProviderResult, error) {
		return s.provider.Cancel(ctx, ref, providerKey(p, "void-orphan"))
	}, nil)
	s.log.WarnContext(ctx, "payment: voided an authorization the payment no longer accounts for",
		"payment_id", p.ID.String(), "provider_ref", ref, "error", err)
}

// await returns an existing payment once no authorization is in flight for
// it: it polls while another caller holds the attempt, and resumes the
// attempt itself when it is stale (that caller died).
func (s *Service) await(ctx context.Context, p Payment) (Payment, error) {
	deadline := time.Now().Add(s.opts.InFlightWait)
	for p.Status.InFlight() {
		if s.clock.Now().Sub(p.UpdatedAt) >= s.opts.StaleAfter {
			return s.Reconcile(ctx, p.ID)
		}
		if !time.Now().Before(deadline) {
			break
		}
		if err := commerce.Sleep(ctx, s.opts.InFlightPoll); err != nil {
			break
		}
		var err error
		if p, err = s.store.Get(ctx, p.ID); err != nil {
			return Payment{}, err
		}
	}
	if p.Status == StatusAuthorized && p.CaptureNow {
		return s.Capture(ctx, p.ID, commerce.Money{})
	}
	return p, outcome(p)
}

// Retry starts a new authorization attempt of a failed payment
// (Failed -> Retry -> Processing -> ...), with a new provider idempotency
// key. It is CodeFailedPrecondition unless the payment is Failed with
// retries left; after Options.MaxRetries retries, Failed is final.
func (s *Service) Retry(ctx context.Context, id commerce.PaymentID) (Payment, error) {
	if err := id.Validate(); err != nil {
		return Payment{}, commerce.Errorf(commerce.CodeInvalidArgument, "payment: id: %w", err)
	}
	p, err := s.store.Update(ctx, id, func(q *Payment) ([]commerce.Envelope, error) {
		if q.Status != StatusFailed {
			return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "payment %s: only a failed payment can be retried, it is %s", q.ID, q.Status)
		}
		if q.RetriesLeft() == 0 {
			return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "payment %s: failed for good after %d retries", q.ID, q.MaxRetries).
				WithDetail("max_retries", q.MaxRetries)
		}
		q.Status = StatusRetry
		q.UpdatedAt = s.clock.Now()
		return nil, nil
	})
	if err != nil {
		return Payment{}, err
	}
	return s.attempt(ctx, p, "")
}

// Reconcile settles a payment whose authorization is in flight, for
// recovery after a crash or an unknown outcome: an attempt that never
// reached Processing is run now; a Processing one is looked up at the
// provider and the answer adopted, and, when the provider never saw it and
// it is older than Options.StaleAfter, sent again with the same provider
// idempotency key (so it charges at most once). Payments at rest are
// returned as they are, with the error their state implies.
func (s *Service) Reconcile(ctx context.Context, id commerce.PaymentID) (Payment, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return Payment{}, err
	}
	switch p.Status {
	case StatusInitiated, StatusRetry:
		return s.attempt(ctx, p, "")
	case StatusProcessing:
	default:
		return p, outcome(p)
	}
	key := providerKey(p, "authorize")
	res, err := call(ctx, s, func() (ProviderResult, error) {
		return s.provider.Lookup(ctx, LookupRequest{Ref: p.ProviderRef, PaymentID: p.ID, IdempotencyKey: key})
	}, nil)
	if err != nil {
		return p, callerError("look up", err)
	}
	switch {
	case res.Status == ProviderNotFound && s.clock.Now().Sub(p.UpdatedAt) >= s.opts.StaleAfter:
		return s.send(ctx, p, "")
	case res.Status == ProviderNotFound || res.Status == ProviderPending:
		return p, outcome(p)
	}
	return s.recordAuthorization(ctx, p, res, nil)
}
