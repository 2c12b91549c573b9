package stripe

import (
	"context"
	"net/http"
	"strings"
	"time"

	stripego "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// Name is the provider name of payments handled through Stripe.
const Name = "stripe"

// DefaultTimeout bounds one HTTP request when Options.HTTPClient is nil.
const DefaultTimeout = 30 * time.Second

// Options configures a Provider. A nil *Options is the zero value.
type Options struct {
	// WebhookSecret is the endpoint's signing secret (whsec_...); without
	// it ParseWebhook refuses every payload.
	WebhookSecret string
	// BaseURL overrides Stripe's API URL, e.g. stripe-mock's.
	BaseURL string
	// HTTPClient sends the requests; default a client with DefaultTimeout.
	HTTPClient *http.Client
	// Tolerance bounds the age of a webhook signature; default
	// webhook.DefaultTolerance (5 minutes).
	Tolerance time.Duration
}

// Provider is payment.Provider on Stripe. It is safe for concurrent use.
type Provider struct {
	api    *client.API
	secret string
	tol    time.Duration
}

var _ payment.Provider = (*Provider)(nil)

// New returns a provider for the account of apiKey (sk_test_... or
// sk_live_...).
func New(apiKey string, opts *Options) (*Provider, error) {
	if apiKey == "" {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "stripe: an API key is required")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: DefaultTimeout}
	}
	if o.Tolerance < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "stripe: webhook tolerance must not be negative")
	}
	cfg := &stripego.BackendConfig{
		HTTPClient:        o.HTTPClient,
		MaxNetworkRetries: stripego.Int64(0),
		LeveledLogger:     &stripego.LeveledLogger{Level: stripego.LevelNull},
	}
	if o.BaseURL != "" {
		cfg.URL = stripego.String(strings.TrimRight(o.BaseURL, "/"))
	}
	return &Provider{api: client.New(apiKey, stripego.NewBackendsWithConfig(cfg)), secret: o.WebhookSecret, tol: o.Tolerance}, nil
}

// Name returns "stripe".
func (p *Provider) Name() string { return Name }

// Authorize creates and confirms a PaymentIntent with manual capture or,
// when req.Capture is set, automatic capture: the PaymentIntent then
// succeeds (ProviderCaptured) in this one call.
func (p *Provider) Authorize(ctx context.Context, req payment.AuthorizeRequest) (payment.ProviderResult, error) {
	capture := stripego.PaymentIntentCaptureMethodManual
	if req.Capture {
		capture = stripego.PaymentIntentCaptureMethodAutomatic
	}
	params := &stripego.PaymentIntentParams{
		Amount:        stripego.Int64(req.Amount.Amount()),
		Currency:      stripego.String(strings.ToLower(string(req.Amount.Currency()))),
		PaymentMethod: stripego.String(req.PaymentMethod),
		CaptureMethod: stripego.String(string(capture)),
		Confirm:       stripego.Bool(true),
		AutomaticPaymentMethods: &stripego.PaymentIntentAutomaticPaymentMethodsParams{
			Enabled:        stripego.Bool(true),
			AllowRedirects: stripego.String(string(stripego.PaymentIntentAutomaticPaymentMethodsAllowRedirectsNever)),
		},
	}
	if req.Description != "" {
		params.Description = stripego.String(req.Description)
	}
	for k, v := range req.Metadata {
		params.AddMetadata(k, v)
	}
	if req.PaymentID != "" {
		params.AddMetadata("mercato_payment_id", req.PaymentID.String())
	}
	if req.OrderID != "" {
		params.AddMetadata("mercato_order_id", req.OrderID.String())
	}
	params.AddMetadata("mercato_idempotency_key", req.IdempotencyKey)
	params.SetIdempotencyKey(req.IdempotencyKey)
	params.Context = ctx
	pi, err := p.api.PaymentIntents.New(params)
	if err != nil {
		return failedResult(err), classify(err)
	}
	res := resultOf(pi)
	if res.Status == payment.ProviderFailed {
		return res, payment.ErrDeclined(res.FailureCode, res.FailureMessage)
	}
	return res, nil
}

// Capture captures amount of the PaymentIntent ref.
func (p *Provider) Capture(ctx context.Context, ref string, amount commerce.Money, key string) (payment.ProviderResult, error) {
	params := &stripego.PaymentIntentCaptureParams{AmountToCapture: stripego.Int64(amount.Amount())}
	params.SetIdempotencyKey(key)
	params.Context = ctx
	pi, err := p.api.PaymentIntents.Capture(ref, params)
	if err != nil {
		return failedResult(err), classify(err)
	}
	return resultOf(pi), nil
}

// Cancel cancels the PaymentIntent ref, releasing the hold.
func (p *Provider) Cancel(ctx context.Context, ref, key string) (payment.ProviderResult, error) {
	params := &stripego.PaymentIntentCancelParams{}
	params.SetIdempotencyKey(key)
	params.Context = ctx
	pi, err := p.api.PaymentIntents.Cancel(ref, params)
	if err != nil {
		return failedResult(err), classify(err)
	}
	return resultOf(pi), nil
}

// Refund refunds amount of the PaymentIntent ref.
func (p *Provider) Refund(ctx context.Context, ref string, amount commerce.Money, key string) (payment.RefundResult, error) {
	params := &stripego.RefundParams{PaymentIntent: stripego.String(ref), Amount: stripego.Int64(amount.Amount())}
	params.SetIdempotencyKey(key)
	params.Context = ctx
	r, err := p.api.Refunds.New(params)
	if err != nil {
		return payment.RefundResult{}, classify(err)
	}
	status := payment.RefundPending
	switch r.Status {
	case stripego.RefundStatusSucceeded:
		status = payment.RefundSucceeded
	case stripego.RefundStatusFailed, stripego.RefundStatusCanceled:
		status = payment.RefundFailed
	}
	return payment.RefundResult{Ref: r.ID, Status: status}, nil
}

// Lookup reads the PaymentIntent req.Ref or, without a ref, searches for
// the one created with req.IdempotencyKey (or, lacking that, for
// req.PaymentID's latest). A missing PaymentIntent is ProviderNotFound.
func (p *Provider) Lookup(ctx context.Context, req payment.LookupRequest) (payment.ProviderResult, error) {
	if req.Ref != "" {
		params := &stripego.PaymentIntentParams{}
		params.Context = ctx
		pi, err := p.api.PaymentIntents.Get(req.Ref, params)
		if err != nil {
			if isMissing(err) {
				return payment.ProviderResult{Status: payment.ProviderNotFound}, nil
			}
			return payment.ProviderResult{}, classify(err)
		}
		return resultOf(pi), nil
	}
	var query string
	switch {
	case req.IdempotencyKey != "":
		query = "metadata['mercato_idempotency_key']:'" + escapeSearch(req.IdempotencyKey) + "'"
	case req.PaymentID != "":
		query = "metadata['mercato_payment_id']:'" + escapeSearch(req.PaymentID.String()) + "'"
	default:
		return payment.ProviderResult{}, payment.ErrInvalid("parameter_missing", "stripe: lookup needs a reference, an idempotency key or a payment ID")
	}
	params := &stripego.PaymentIntentSearchParams{SearchParams: stripego.SearchParams{Query: query, Limit: stripego.Int64(10), Context: ctx}}
	iter := p.api.PaymentIntents.Search(params)
	var latest *stripego.PaymentIntent
	for iter.Next() {
		pi := iter.PaymentIntent()
		if latest == nil || pi.Created > latest.Created {
			latest = pi
		}
	}
	if err := iter.Err(); err != nil {
		return payment.ProviderResult{}, classify(err)
	}
	if latest == nil {
		return payment.ProviderResult{Status: payment.ProviderNotFound}, nil
	}
	return resultOf(latest), nil
}

// escapeSearch escapes a value for a quoted Stripe search term.
func escapeSearch(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)
}

// moneyOf converts a Stripe amount; an unknown currency gives the zero Money.
func moneyOf(amount int64, currency stripego.Currency) commerce.Money {
	m, err := commerce.NewMoney(amount, commerce.Currency(strings.ToUpper(string(currency))))
	if err != nil {
		return commerce.Money{}
	}
	return m
}

// resultOf maps a PaymentIntent onto the port's view.
func resultOf(pi *stripego.PaymentIntent) payment.ProviderResult {
	res := payment.ProviderResult{Ref: pi.ID, Amount: moneyOf(pi.Amount, pi.Currency), Captured: moneyOf(pi.AmountReceived, pi.Currency)}
	switch pi.Status {
	case stripego.PaymentIntentStatusRequiresCapture:
		res.Status = payment.ProviderAuthorized
	case stripego.PaymentIntentStatusSucceeded:
		res.Status = payment.ProviderCaptured
	case stripego.PaymentIntentStatusCanceled:
		res.Status = payment.ProviderCancelled
	case stripego.PaymentIntentStatusRequiresPaymentMethod:
		// After a confirmation attempt, a decline leaves its reason here.
		res.Status = payment.ProviderPending
		if e := pi.LastPaymentError; e != nil && (e.DeclineCode != "" || e.Code != "") {
			res.Status = payment.ProviderFailed
			res.FailureCode, res.FailureMessage = declineCode(e), e.Msg
		}
	default: // processing, requires_action, requires_confirmation
		res.Status = payment.ProviderPending
	}
	return res
}

// failedResult keeps the PaymentIntent a card error carries, so a decline
// is recorded with its reference.
func failedResult(err error) payment.ProviderResult {
	var se *stripego.Error
	if asStripeError(err, &se) && se.PaymentIntent != nil && se.PaymentIntent.ID != "" {
		return payment.ProviderResult{Ref: se.PaymentIntent.ID, Status: payment.ProviderFailed,
			FailureCode: declineCode(se), FailureMessage: se.Msg}
	}
	return payment.ProviderResult{}
}

func declineCode(e *stripego.Error) string {
	if e.DeclineCode != "" {
		return string(e.DeclineCode)
	}
	return string(e.Code)
}
