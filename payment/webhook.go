package payment

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// HandleWebhook applies a provider notification. The provider verifies its
// signature ([Provider.ParseWebhook]; a bad one is returned as its error,
// CodeUnauthenticated). The event is then applied at most once: its ID is
// recorded in the same store transaction as the change it causes, so a
// redelivery changes nothing. Events only move a payment forward (an
// authorization, a capture, a failure of an attempt still in flight, a
// void); one the payment is already past, such as payment_failed after
// succeeded, is recorded and changes nothing. Events about references the
// store does not know, or about an earlier attempt of a retried payment,
// are logged and ignored. A refund notification records the refunds made
// at the provider (its dashboard) that Mercato does not know yet, keyed
// by the provider's refund reference, as if made through Mercato (see
// recordProviderRefunds); refunds made through [Service.Refund] are
// recorded there already.
func (s *Service) HandleWebhook(ctx context.Context, payload []byte, signatureHeader string) error {
	ev, err := s.provider.ParseWebhook(ctx, payload, signatureHeader)
	if err != nil {
		return err
	}
	if ev.ID == "" {
		return commerce.Errorf(commerce.CodeInvalidArgument, "payment: webhook event without an ID")
	}
	var obs observation
	switch ev.Type {
	case EventAuthorized:
		obs.status = ProviderAuthorized
	case EventSucceeded:
		obs.status, obs.captured = ProviderCaptured, ev.Amount
	case EventFailed:
		obs.status, obs.code, obs.message = ProviderFailed, ev.FailureCode, ev.FailureMessage
	case EventCancelled:
		obs.status = ProviderCancelled
	case EventRefunded:
	default:
		s.log.DebugContext(ctx, "payment: webhook event not applied", "event_id", ev.ID, "type", ev.RawType)
		return nil
	}
	obs.ref = ev.Ref
	p, err := s.store.GetByProviderRef(ctx, s.provider.Name(), ev.Ref)
	if commerce.Code(err) == commerce.CodeNotFound && ev.PaymentID != "" && ev.PaymentID.Validate() == nil {
		p, err = s.store.Get(ctx, ev.PaymentID)
		if err == nil && (p.Provider != s.provider.Name() || (p.ProviderRef != "" && p.ProviderRef != ev.Ref)) {
			err = commerce.Errorf(commerce.CodeNotFound, "payment %s belongs to another reference", p.ID)
		}
	}
	if commerce.Code(err) == commerce.CodeNotFound {
		s.log.WarnContext(ctx, "payment: webhook for an unknown payment ignored",
			"event_id", ev.ID, "type", ev.RawType, "provider_ref", ev.Ref, "payment_id", ev.PaymentID.String())
		return nil
	}
	if err != nil {
		return err
	}
	if ev.Type == EventRefunded {
		return s.recordProviderRefunds(ctx, p, ev)
	}
	applied, err := s.store.ApplyWebhook(ctx, s.provider.Name(), ev.ID, p.ID, func(q *Payment) ([]commerce.Envelope, error) {
		if q.ProviderRef != "" && q.ProviderRef != ev.Ref {
			return nil, nil
		}
		return s.advance(q, obs), nil
	})
	if err != nil {
		return err
	}
	if !applied {
		s.log.DebugContext(ctx, "payment: webhook event already applied", "event_id", ev.ID)
	}
	return nil
}
