package fakeprovider

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// webhookPayload is the fake's notification body.
type webhookPayload struct {
	ID             string             `json:"id"`
	Type           payment.EventType  `json:"type"`
	Ref            string             `json:"ref"`
	PaymentID      commerce.PaymentID `json:"payment_id,omitempty"`
	Amount         *commerce.Money    `json:"amount,omitempty"`
	FailureCode    string             `json:"failure_code,omitempty"`
	FailureMessage string             `json:"failure_message,omitempty"`
	Refunds        []refundPayload    `json:"refunds,omitempty"`
	Created        int64              `json:"created"`
}

// refundPayload is one refund a refund notification lists.
type refundPayload struct {
	Ref    string         `json:"ref"`
	Amount commerce.Money `json:"amount"`
}

// SignedEvent returns the payload and signature header of a notification
// about ev, signed now. An empty ev.ID gets a fresh one; ev.PaymentID and
// ev.Amount are taken from the ledger when empty and ev.Ref is known.
func (f *Provider) SignedEvent(ev payment.WebhookEvent) (payload []byte, header string) {
	return f.SignedEventAt(ev, f.clock.Now())
}

// SignedEventAt is SignedEvent with the signature dated at, to test stale
// or replayed notifications.
func (f *Provider) SignedEventAt(ev payment.WebhookEvent, at time.Time) (payload []byte, header string) {
	f.mu.Lock()
	if ev.ID == "" {
		ev.ID = newRef("fake_evt_")
	}
	if in, ok := f.intents[ev.Ref]; ok {
		if ev.PaymentID == "" {
			ev.PaymentID = in.PaymentID
		}
		if ev.Amount.Currency() == "" {
			ev.Amount = in.Amount
			if ev.Type == payment.EventSucceeded && in.Captured.IsPositive() {
				ev.Amount = in.Captured
			}
			if ev.Type == payment.EventRefunded {
				ev.Amount = in.Refunded
			}
		}
	}
	f.mu.Unlock()
	body := webhookPayload{ID: ev.ID, Type: ev.Type, Ref: ev.Ref, PaymentID: ev.PaymentID,
		FailureCode: ev.FailureCode, FailureMessage: ev.FailureMessage, Created: at.Unix()}
	if ev.Amount.Currency() != "" {
		body.Amount = &ev.Amount
	}
	for _, r := range ev.Refunds {
		body.Refunds = append(body.Refunds, refundPayload{Ref: r.Ref, Amount: r.Amount})
	}
	payload, _ = json.Marshal(body) // plain struct of strings and Money: cannot fail
	return payload, f.Sign(payload, at)
}

// Sign returns the signature header for payload at time at, in Stripe's
// format: "t=<unix>,v1=<hex HMAC-SHA256 of "<unix>.<payload>">".
func (f *Provider) Sign(payload []byte, at time.Time) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(f.mac(ts, payload))
}

func (f *Provider) mac(ts string, payload []byte) []byte {
	m := hmac.New(sha256.New, []byte(f.secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(payload)
	return m.Sum(nil)
}

// ParseWebhook verifies the signature header (any v1 entry may match) and
// its age, then decodes the notification.
func (f *Provider) ParseWebhook(_ context.Context, payload []byte, header string) (payment.WebhookEvent, error) {
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return payment.WebhookEvent{}, commerce.Errorf(commerce.CodeUnauthenticated, "fakeprovider: webhook signature header is malformed")
	}
	want := f.mac(ts, payload)
	valid := false
	for _, s := range sigs {
		valid = valid || hmac.Equal(s, want)
	}
	if !valid {
		return payment.WebhookEvent{}, commerce.Errorf(commerce.CodeUnauthenticated, "fakeprovider: webhook signature does not match")
	}
	if age := f.clock.Now().Sub(time.Unix(unix, 0)); age > f.tolerance || age < -f.tolerance {
		return payment.WebhookEvent{}, commerce.Errorf(commerce.CodeUnauthenticated, "fakeprovider: webhook signature is %v old, outside the %v tolerance", age.Round(time.Second), f.tolerance)
	}
	var body webhookPayload
	if err := json.Unmarshal(payload, &body); err != nil {
		return payment.WebhookEvent{}, commerce.Errorf(commerce.CodeInvalidArgument, "fakeprovider: webhook payload: %w", err)
	}
	ev := payment.WebhookEvent{ID: body.ID, Type: body.Type, Ref: body.Ref, PaymentID: body.PaymentID,
		FailureCode: body.FailureCode, FailureMessage: body.FailureMessage, RawType: string(body.Type),
		CreatedAt: time.Unix(body.Created, 0).UTC()}
	if body.Amount != nil {
		ev.Amount = *body.Amount
	}
	for _, r := range body.Refunds {
		ev.Refunds = append(ev.Refunds, payment.ProviderRefund{Ref: r.Ref, Amount: r.Amount})
	}
	switch ev.Type {
	case payment.EventAuthorized, payment.EventSucceeded, payment.EventFailed, payment.EventCancelled, payment.EventRefunded:
	default:
		ev.Type = payment.EventIgnored
	}
	return ev, nil
}
