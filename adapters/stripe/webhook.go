package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	stripego "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// ParseWebhook verifies a Stripe-Signature header with the endpoint
// secret and normalises the event. Signature failures (missing, wrong,
// older than the tolerance) are CodeUnauthenticated; an unreadable event
// is CodeInvalidArgument.
func (p *Provider) ParseWebhook(_ context.Context, payload []byte, header string) (payment.WebhookEvent, error) {
	if p.secret == "" {
		return payment.WebhookEvent{}, commerce.Errorf(commerce.CodeUnauthenticated, "stripe: no webhook secret configured")
	}
	ev, err := webhook.ConstructEventWithOptions(payload, header, p.secret, webhook.ConstructEventOptions{
		Tolerance:                p.tol,
		IgnoreAPIVersionMismatch: true,
	})
	if err != nil {
		if errors.Is(err, webhook.ErrNotSigned) || errors.Is(err, webhook.ErrInvalidHeader) ||
			errors.Is(err, webhook.ErrNoValidSignature) || errors.Is(err, webhook.ErrTooOld) {
			return payment.WebhookEvent{}, commerce.Errorf(commerce.CodeUnauthenticated, "stripe: webhook: %w", err)
		}
		return payment.WebhookEvent{}, commerce.Errorf(commerce.CodeInvalidArgument, "stripe: webhook: %w", err)
	}
	out := payment.WebhookEvent{ID: ev.ID, RawType: string(ev.Type), Type: payment.EventIgnored, CreatedAt: time.Unix(ev.Created, 0).UTC()}
	if ev.Data == nil {
		return out, nil
	}
	switch ev.Type {
	case "payment_intent.amount_capturable_updated", "payment_intent.succeeded",
		"payment_intent.payment_failed", "payment_intent.canceled":
		var pi stripego.PaymentIntent
		if err := json.Unmarshal(ev.Data.Raw, &pi); err != nil {
			return payment.WebhookEvent{}, commerce.Errorf(commerce.CodeInvalidArgument, "stripe: webhook %s: payment intent: %w", ev.ID, err)
		}
		out.Ref = pi.ID
		out.PaymentID = commerce.PaymentID(pi.Metadata["mercato_payment_id"])
		switch ev.Type {
		case "payment_intent.amount_capturable_updated":
			out.Type, out.Amount = payment.EventAuthorized, moneyOf(pi.AmountCapturable, pi.Currency)
		case "payment_intent.succeeded":
			out.Type, out.Amount = payment.EventSucceeded, moneyOf(pi.AmountReceived, pi.Currency)
		case "payment_intent.payment_failed":
			out.Type, out.Amount = payment.EventFailed, moneyOf(pi.Amount, pi.Currency)
			if e := pi.LastPaymentError; e != nil {
				out.FailureCode, out.FailureMessage = declineCode(e), e.Msg
			}
		case "payment_intent.canceled":
			out.Type, out.Amount = payment.EventCancelled, moneyOf(pi.Amount, pi.Currency)
		}
	case "charge.refunded":
		var ch stripego.Charge
		if err := json.Unmarshal(ev.Data.Raw, &ch); err != nil {
			return payment.WebhookEvent{}, commerce.Errorf(commerce.CodeInvalidArgument, "stripe: webhook %s: charge: %w", ev.ID, err)
		}
		if ch.PaymentIntent != nil {
			out.Ref = ch.PaymentIntent.ID
		}
		out.PaymentID = commerce.PaymentID(ch.Metadata["mercato_payment_id"])
		out.Type, out.Amount = payment.EventRefunded, moneyOf(ch.AmountRefunded, ch.Currency)
		// The charge lists its refunds when the account's API version
		// includes them; without the list, Amount (the total refunded)
		// is what the payment service reconciles.
		if ch.Refunds != nil {
			for _, r := range ch.Refunds.Data {
				if r != nil && r.ID != "" && r.Status == stripego.RefundStatusSucceeded {
					cur := r.Currency
					if cur == "" {
						cur = ch.Currency
					}
					out.Refunds = append(out.Refunds, payment.ProviderRefund{Ref: r.ID, Amount: moneyOf(r.Amount, cur)})
				}
			}
		}
	}
	return out, nil
}
