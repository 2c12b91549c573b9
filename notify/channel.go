package notify

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// Kind is the medium a channel delivers on.
type Kind string

// The kinds of channel. A recipient's preferences opt in or out per kind.
const (
	Email Kind = "email"
	SMS   Kind = "sms"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Email || k == SMS }

// Message is one rendered notification for one recipient on one channel.
type Message struct {
	// ID identifies this delivery. Channels pass it on where the provider
	// accepts one (an SMTP Message-ID, a SendGrid custom argument), so a
	// resend after a crash can be recognised downstream.
	ID commerce.NotificationID
	// Kind is Email or SMS; a channel refuses a message of another kind.
	Kind Kind
	// To is an email address for Email and an E.164 phone number for SMS.
	To string
	// ToName is the recipient's display name; may be empty.
	ToName string
	// Subject is the email subject; empty for SMS.
	Subject string
	// Text is the plain-text body of an email, or the body of an SMS.
	Text string
	// HTML is the HTML body of an email; empty for SMS and for text-only
	// mail.
	HTML string
	// Event names the domain event the message is about, for provider
	// tags and logs.
	Event string
}

// Validate checks what every channel relies on: a known kind, a
// recipient in the kind's form, and a body.
func (m Message) Validate() error {
	if m.ID.IsZero() {
		return commerce.Errorf(commerce.CodeInvalidArgument, "notify: message has no ID")
	}
	switch m.Kind {
	case Email:
		if !looksLikeEmail(m.To) {
			return commerce.Errorf(commerce.CodeInvalidArgument, "notify: %q is not an email address", m.To).WithDetail("field", "to")
		}
		if m.Subject == "" || m.Text == "" {
			return commerce.Errorf(commerce.CodeInvalidArgument, "notify: an email needs a subject and a text body")
		}
	case SMS:
		if !commerce.IsE164(m.To) {
			return commerce.Errorf(commerce.CodeInvalidArgument, "notify: %q is not an E.164 phone number", m.To).WithDetail("field", "to")
		}
		if m.Text == "" {
			return commerce.Errorf(commerce.CodeInvalidArgument, "notify: an SMS needs a body")
		}
	default:
		return commerce.Errorf(commerce.CodeInvalidArgument, "notify: unknown message kind %q", m.Kind)
	}
	return nil
}

// Receipt is what a channel reports for a message it handed over.
type Receipt struct {
	// ProviderRef is the provider's identifier for the message (an SMTP
	// queue ID, a SendGrid X-Message-Id, a Twilio SID); may be empty.
	ProviderRef string
}

// Channel delivers rendered messages through one provider.
//
// Send hands m to the provider once; it does not retry (the Service
// does). Its error says whether a retry can help: an error for which
// commerce.IsPermanent reports true (a rejected address, a refused sender,
// an invalid message: mark it with commerce.Permanent or give it a
// permanent code) is final and the Service records it without retrying;
// any other error (a timeout, a 5xx, a rate limit) is transient. Send must
// be safe for concurrent use and must honour ctx.
type Channel interface {
	// Name identifies the channel in the delivery log ("smtp", "sendgrid",
	// "twilio", "log"). It is stable: deliveries are deduplicated by it.
	Name() string
	// Kind is the medium the channel delivers on.
	Kind() Kind
	// Send delivers m.
	Send(ctx context.Context, m Message) (Receipt, error)
}
