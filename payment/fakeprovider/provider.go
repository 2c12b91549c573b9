package fakeprovider

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// Name is the provider name payments handled by the fake carry.
const Name = "fake"

// DefaultWebhookSecret signs and verifies webhooks when Options has none.
const DefaultWebhookSecret = "whsec_fake"

// DefaultTolerance is how old a webhook signature may be.
const DefaultTolerance = 5 * time.Minute

// Outcome is what a scripted token does.
type Outcome int

// The scripted outcomes.
const (
	// Approve authorizes (and later captures, cancels, refunds) normally.
	Approve Outcome = iota
	// Decline refuses with Script.Code and Script.Message.
	Decline
	// FailTransient fails Script.Times calls with a transient error, then
	// behaves like Approve. Counted per idempotency key.
	FailTransient
	// TimeoutAfterSuccess performs the operation (the charge is in the
	// ledger) but returns an unknown-outcome error, Script.Times times per
	// idempotency key; later calls with the key return the result.
	TimeoutAfterSuccess
	// TimeoutBeforeSend returns an unknown-outcome error without doing
	// anything, Script.Times times per idempotency key, then approves.
	TimeoutBeforeSend
)

// Script is the behaviour of one payment-method token.
type Script struct {
	Outcome Outcome
	// Code and Message are the decline's reason.
	Code    string
	Message string
	// Times is how many calls misbehave for FailTransient and the
	// timeouts; 0 means 1.
	Times int
	// OnCapture applies the outcome to Capture instead of Authorize (the
	// authorization approves).
	OnCapture bool
	// Gate, when set, holds every Authorize call of the token until it is
	// closed (or the call's context ends), so a test can keep a call in
	// flight while others arrive.
	Gate <-chan struct{}
}

// Options configures a fake provider. A nil *Options is the zero value.
type Options struct {
	// Name overrides the provider name; default "fake".
	Name string
	// WebhookSecret signs webhooks; default DefaultWebhookSecret.
	WebhookSecret string
	// Tolerance bounds the age of a webhook signature; default 5 minutes.
	Tolerance time.Duration
	// Clock dates webhooks and checks their age; default SystemClock.
	Clock commerce.Clock
	// Scripts adds or overrides token behaviours.
	Scripts map[string]Script
	// AutoCapture captures in the Authorize call itself when the request
	// asks for it (AuthorizeRequest.Capture), as Stripe does with
	// capture_method=automatic: one call, the result ProviderCaptured. A
	// Script's OnCapture outcome then applies to that call. Without it
	// the fake only authorizes, and the capture takes a Capture call.
	AutoCapture bool
}

// Charge is one authorization that took money, as the ledger records it.
type Charge struct {
	Ref            string
	PaymentID      commerce.PaymentID
	IdempotencyKey string
	PaymentMethod  string
	Amount         commerce.Money
	Captured       commerce.Money
	Refunded       commerce.Money
	Status         payment.ProviderStatus
}

// Provider is the fake. It is safe for concurrent use.
type Provider struct {
	name        string
	secret      string
	tolerance   time.Duration
	clock       commerce.Clock
	autoCapture bool

	mu      sync.Mutex
	scripts map[string]Script
	intents map[string]*intent // by ref
	order   []string           // refs in creation order
	byKey   map[string]stored  // idempotency key -> first result
	misses  map[string]int     // idempotency key -> misbehaviours so far
	calls   map[string]int     // operation -> calls
}

// newRef returns a provider reference with prefix that is unique across
// fakes and restarts, as a real provider's are: a store that outlives the
// process keeps the references of earlier runs, and a counter starting
// again at 1 would hand out one of those.
func newRef(prefix string) string {
	// crypto/rand rather than ulid.Make's time-seeded math/rand: two fakes
	// started in the same instant must not draw the same references.
	return prefix + ulid.MustNew(ulid.Now(), rand.Reader).String()
}

type intent struct {
	Charge
	everHeld       bool
	failureCode    string
	failureMessage string
}

type stored struct {
	fingerprint string
	result      payment.ProviderResult
	refund      payment.RefundResult
	err         error
}

// New returns a fake provider with Stripe's test tokens scripted.
func New(opts *Options) *Provider {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Name == "" {
		o.Name = Name
	}
	if o.WebhookSecret == "" {
		o.WebhookSecret = DefaultWebhookSecret
	}
	if o.Tolerance <= 0 {
		o.Tolerance = DefaultTolerance
	}
	if o.Clock == nil {
		o.Clock = commerce.SystemClock{}
	}
	f := &Provider{
		name: o.Name, secret: o.WebhookSecret, tolerance: o.Tolerance, clock: o.Clock, autoCapture: o.AutoCapture,
		scripts: stripeTestTokens(), intents: map[string]*intent{}, byKey: map[string]stored{},
		misses: map[string]int{}, calls: map[string]int{},
	}
	for tok, s := range o.Scripts {
		f.scripts[tok] = s
	}
	return f
}

// stripeTestTokens are Stripe's documented test payment methods.
func stripeTestTokens() map[string]Script {
	declined := func(code, msg string) Script { return Script{Outcome: Decline, Code: code, Message: msg} }
	return map[string]Script{
		"pm_card_visa":                            {},
		"pm_card_visa_debit":                      {},
		"pm_card_mastercard":                      {},
		"pm_card_amex":                            {},
		"pm_card_chargeDeclined":                  declined("generic_decline", "Your card was declined."),
		"pm_card_chargeDeclinedInsufficientFunds": declined("insufficient_funds", "Your card has insufficient funds."),
		"pm_card_chargeDeclinedExpiredCard":       declined("expired_card", "Your card has expired."),
		"pm_card_chargeDeclinedIncorrectCvc":      declined("incorrect_cvc", "Your card's security code is incorrect."),
		"pm_card_chargeDeclinedFraudulent":        declined("fraudulent", "Your card was declined."),
	}
}

// Script sets the behaviour of token.
func (f *Provider) Script(token string, s Script) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.scripts[token] = s
}

// Name returns the provider name.
func (f *Provider) Name() string { return f.name }

// Charges returns the ledger: every authorization that took money (held,
// captured, refunded or voided since), oldest first.
func (f *Provider) Charges() []Charge {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Charge
	for _, ref := range f.order {
		if in := f.intents[ref]; in.everHeld {
			out = append(out, in.Charge)
		}
	}
	return out
}

// ChargesFor returns the ledger entries of one payment.
func (f *Provider) ChargesFor(id commerce.PaymentID) []Charge {
	return slices.DeleteFunc(f.Charges(), func(c Charge) bool { return c.PaymentID != id })
}

// Calls returns how many times op ("authorize", "capture", "cancel",
// "refund", "lookup") was called, misbehaving calls included.
func (f *Provider) Calls(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// Authorize places a hold, as scripted for req.PaymentMethod.
func (f *Provider) Authorize(ctx context.Context, req payment.AuthorizeRequest) (payment.ProviderResult, error) {
	if err := ctx.Err(); err != nil {
		return payment.ProviderResult{}, payment.ErrTransient("canceled", "request not sent", err)
	}
	f.mu.Lock()
	f.calls["authorize"]++
	gate := f.scripts[req.PaymentMethod].Gate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return payment.ProviderResult{}, payment.ErrTransient("canceled", "request not sent", ctx.Err())
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if req.IdempotencyKey == "" {
		return payment.ProviderResult{}, payment.ErrInvalid("parameter_missing", "an idempotency key is required")
	}
	if !req.Amount.IsPositive() {
		return payment.ProviderResult{}, payment.ErrInvalid("amount_too_small", "amount must be positive")
	}
	fp := fmt.Sprintf("authorize|%s|%s|capture=%t", req.Amount, req.PaymentMethod, req.Capture)
	if prev, ok := f.byKey[req.IdempotencyKey]; ok {
		if prev.fingerprint != fp {
			return payment.ProviderResult{}, idempotencyError(req.IdempotencyKey)
		}
		if err := f.misbehaveAfter(req.IdempotencyKey, req.PaymentMethod); err != nil {
			return payment.ProviderResult{}, err
		}
		return prev.result, prev.err
	}
	script, known := f.scripts[req.PaymentMethod]
	if !known {
		err := payment.ErrInvalid("resource_missing", fmt.Sprintf("No such PaymentMethod: '%s'", req.PaymentMethod))
		f.byKey[req.IdempotencyKey] = stored{fingerprint: fp, err: err}
		return payment.ProviderResult{}, err
	}
	// capture: this call captures too, so a script's capture outcome
	// belongs to it.
	capture := req.Capture && f.autoCapture
	scripted := !script.OnCapture || capture
	if scripted {
		if err := f.misbehaveBefore(req.IdempotencyKey, script); err != nil {
			return payment.ProviderResult{}, err
		}
	}
	in := &intent{Charge: Charge{
		Ref: newRef("fake_pi_"), PaymentID: req.PaymentID, IdempotencyKey: req.IdempotencyKey,
		PaymentMethod: req.PaymentMethod, Amount: req.Amount,
		Captured: commerce.Zero(req.Amount.Currency()), Refunded: commerce.Zero(req.Amount.Currency()),
	}}
	f.intents[in.Ref] = in
	f.order = append(f.order, in.Ref)
	var res payment.ProviderResult
	var err error
	switch {
	case script.Outcome == Decline && scripted:
		in.Status, in.failureCode, in.failureMessage = payment.ProviderFailed, script.Code, script.Message
		err = payment.ErrDeclined(script.Code, script.Message)
	case capture:
		in.Status, in.Captured, in.everHeld = payment.ProviderCaptured, req.Amount, true
	default:
		in.Status, in.everHeld = payment.ProviderAuthorized, true
	}
	res = in.result()
	f.byKey[req.IdempotencyKey] = stored{fingerprint: fp, result: res, err: err}
	if scripted {
		if merr := f.misbehaveAfter(req.IdempotencyKey, req.PaymentMethod); merr != nil {
			return payment.ProviderResult{}, merr
		}
	}
	return res, err
}

// misbehaveBefore applies the scripted failures that happen before the
// operation takes effect.
func (f *Provider) misbehaveBefore(key string, s Script) error {
	times := max(s.Times, 1)
	switch s.Outcome {
	case FailTransient:
		if f.misses[key] < times {
			f.misses[key]++
			return payment.ErrTransient("rate_limit", "the fake provider is busy, try again", nil)
		}
	case TimeoutBeforeSend:
		if f.misses[key] < times {
			f.misses[key]++
			return payment.ErrUnknownOutcome("timeout", "the request timed out before it was sent", context.DeadlineExceeded)
		}
	}
	return nil
}

// misbehaveAfter applies a timeout-after-success script to a call whose
// effect is recorded, the first one or a repeat with the same key.
func (f *Provider) misbehaveAfter(key, token string) error {
	s := f.scripts[token]
	if s.Outcome != TimeoutAfterSuccess {
		return nil
	}
	if f.misses[key] < max(s.Times, 1) {
		f.misses[key]++
		return payment.ErrUnknownOutcome("timeout", "the provider processed the request but the response was lost", context.DeadlineExceeded)
	}
	return nil
}

func idempotencyError(key string) error {
	return payment.ErrInvalid("idempotency_error", fmt.Sprintf("Keys for idempotent requests can only be used with the same parameters they were first used with (key %q)", key))
}

func (in *intent) result() payment.ProviderResult {
	return payment.ProviderResult{Ref: in.Ref, Status: in.Status, Amount: in.Amount, Captured: in.Captured,
		FailureCode: in.failureCode, FailureMessage: in.failureMessage}
}

// Capture captures amount of the hold ref.
func (f *Provider) Capture(ctx context.Context, ref string, amount commerce.Money, key string) (payment.ProviderResult, error) {
	if err := ctx.Err(); err != nil {
		return payment.ProviderResult{}, payment.ErrTransient("canceled", "request not sent", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["capture"]++
	in, fp, prev, err := f.begin(ref, key, fmt.Sprintf("capture|%s|%s", ref, amount))
	if err != nil || prev != nil {
		if prev != nil {
			if merr := f.captureAfter(in, key); merr != nil {
				return payment.ProviderResult{}, merr
			}
			return prev.result, prev.err
		}
		return payment.ProviderResult{}, err
	}
	script := f.scripts[in.PaymentMethod]
	if script.OnCapture {
		if err := f.misbehaveBefore(key, script); err != nil {
			return payment.ProviderResult{}, err
		}
	}
	var res payment.ProviderResult
	switch {
	case in.Status != payment.ProviderAuthorized:
		err = payment.ErrInvalid("payment_intent_unexpected_state", fmt.Sprintf("This PaymentIntent could not be captured because it has a status of %s.", in.Status))
	case amount.Currency() != in.Amount.Currency() || !amount.IsPositive():
		err = payment.ErrInvalid("parameter_invalid_integer", "invalid capture amount")
	case func() bool { c, _ := amount.Cmp(in.Amount); return c > 0 }():
		err = payment.ErrInvalid("amount_too_large", "The amount to capture exceeds the authorized amount.")
	case script.OnCapture && script.Outcome == Decline:
		in.Status, in.failureCode, in.failureMessage = payment.ProviderFailed, script.Code, script.Message
		err = payment.ErrDeclined(script.Code, script.Message)
	default:
		in.Status, in.Captured = payment.ProviderCaptured, amount
	}
	if err == nil || payment.KindOf(err) == payment.KindDeclined {
		res = in.result()
		f.byKey[key] = stored{fingerprint: fp, result: res, err: err}
		if merr := f.captureAfter(in, key); merr != nil {
			return payment.ProviderResult{}, merr
		}
	}
	return res, err
}

func (f *Provider) captureAfter(in *intent, key string) error {
	if s := f.scripts[in.PaymentMethod]; s.OnCapture {
		return f.misbehaveAfter(key, in.PaymentMethod)
	}
	return nil
}

// begin checks ref and the idempotency key of a follow-up operation. It
// returns the stored first result when key was used before.
func (f *Provider) begin(ref, key, fp string) (*intent, string, *stored, error) {
	if key == "" {
		return nil, fp, nil, payment.ErrInvalid("parameter_missing", "an idempotency key is required")
	}
	in, ok := f.intents[ref]
	if !ok {
		return nil, fp, nil, payment.ErrInvalid("resource_missing", fmt.Sprintf("No such payment_intent: '%s'", ref))
	}
	if prev, ok := f.byKey[key]; ok {
		if prev.fingerprint != fp {
			return in, fp, nil, idempotencyError(key)
		}
		return in, fp, &prev, nil
	}
	return in, fp, nil, nil
}

// Cancel voids the hold ref.
func (f *Provider) Cancel(ctx context.Context, ref, key string) (payment.ProviderResult, error) {
	if err := ctx.Err(); err != nil {
		return payment.ProviderResult{}, payment.ErrTransient("canceled", "request not sent", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["cancel"]++
	in, fp, prev, err := f.begin(ref, key, "cancel|"+ref)
	if prev != nil {
		return prev.result, prev.err
	}
	if err != nil {
		return payment.ProviderResult{}, err
	}
	if in.Status != payment.ProviderAuthorized {
		return payment.ProviderResult{}, payment.ErrInvalid("payment_intent_unexpected_state", fmt.Sprintf("This PaymentIntent could not be canceled because it has a status of %s.", in.Status))
	}
	in.Status = payment.ProviderCancelled
	res := in.result()
	f.byKey[key] = stored{fingerprint: fp, result: res}
	return res, nil
}

// Refund gives back amount of the captured payment ref.
func (f *Provider) Refund(ctx context.Context, ref string, amount commerce.Money, key string) (payment.RefundResult, error) {
	if err := ctx.Err(); err != nil {
		return payment.RefundResult{}, payment.ErrTransient("canceled", "request not sent", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["refund"]++
	in, fp, prev, err := f.begin(ref, key, fmt.Sprintf("refund|%s|%s", ref, amount))
	if prev != nil {
		return prev.refund, prev.err
	}
	if err != nil {
		return payment.RefundResult{}, err
	}
	if in.Status != payment.ProviderCaptured {
		return payment.RefundResult{}, payment.ErrInvalid("charge_not_captured", "This payment has not been captured.")
	}
	left, _ := in.Captured.Sub(in.Refunded)
	if c, _ := amount.Cmp(left); c > 0 || amount.Currency() != left.Currency() || !amount.IsPositive() {
		return payment.RefundResult{}, payment.ErrInvalid("amount_too_large", fmt.Sprintf("Refund amount (%s) is greater than unrefunded amount on charge (%s)", amount, left))
	}
	in.Refunded, _ = in.Refunded.Add(amount)
	res := payment.RefundResult{Ref: newRef("fake_re_"), Status: payment.RefundSucceeded}
	f.byKey[key] = stored{fingerprint: fp, refund: res}
	return res, nil
}

// RefundOutside refunds amount of the captured payment ref as a refund
// made in the provider's dashboard would: without Mercato, which learns
// of it only from a refund notification (SignedEvent with
// payment.EventRefunded and the returned refund in Refunds). It returns
// the refund's reference.
func (f *Provider) RefundOutside(ref string, amount commerce.Money) (payment.ProviderRefund, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	in, ok := f.intents[ref]
	if !ok {
		return payment.ProviderRefund{}, payment.ErrInvalid("resource_missing", "No such payment_intent: "+ref)
	}
	left, _ := in.Captured.Sub(in.Refunded)
	if c, _ := amount.Cmp(left); in.Status != payment.ProviderCaptured || c > 0 || amount.Currency() != left.Currency() || !amount.IsPositive() {
		return payment.ProviderRefund{}, payment.ErrInvalid("amount_too_large", fmt.Sprintf("Refund amount (%s) is greater than unrefunded amount on charge (%s)", amount, left))
	}
	in.Refunded, _ = in.Refunded.Add(amount)
	return payment.ProviderRefund{Ref: newRef("fake_re_"), Amount: amount}, nil
}

// Lookup reports what the fake knows, by Ref, else by idempotency key,
// else by the latest intent of the payment ID.
func (f *Provider) Lookup(ctx context.Context, req payment.LookupRequest) (payment.ProviderResult, error) {
	if err := ctx.Err(); err != nil {
		return payment.ProviderResult{}, payment.ErrTransient("canceled", "request not sent", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls["lookup"]++
	var in *intent
	switch {
	case req.Ref != "":
		in = f.intents[req.Ref]
	case req.IdempotencyKey != "":
		if prev, ok := f.byKey[req.IdempotencyKey]; ok {
			in = f.intents[prev.result.Ref]
		}
	case req.PaymentID != "":
		for i := len(f.order) - 1; i >= 0 && in == nil; i-- {
			if c := f.intents[f.order[i]]; c.PaymentID == req.PaymentID {
				in = c
			}
		}
	}
	if in == nil {
		return payment.ProviderResult{Status: payment.ProviderNotFound}, nil
	}
	return in.result(), nil
}

// The fake is a payment.Provider.
var _ payment.Provider = (*Provider)(nil)
