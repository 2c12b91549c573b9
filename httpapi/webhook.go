package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/mercatohq/mercato/commerce"
)

// WebhookResponse acknowledges a provider notification.
type WebhookResponse struct {
	Received bool `json:"received"`
}

// stripeSignature is the header Stripe signs its notifications in.
const stripeSignature = "Stripe-Signature"

func (a *API) webhookRoutes() {
	a.add(Route{
		Method: http.MethodPost, Path: "/webhooks/stripe", Tag: "webhooks",
		Summary: "The payment provider's notifications, signed in the Stripe-Signature header: 200 once applied (or known and ignored), " +
			"400 for a bad signature or payload; any other failure is 5xx so that the provider delivers again",
		Header:  stripeSignature,
		Request: json.RawMessage{}, Response: WebhookResponse{},
		handle: a.webhook,
	})
}

func (a *API) webhook(w http.ResponseWriter, r *http.Request, rt *Route) error {
	// The signature covers the exact bytes sent, so the body is read raw,
	// not decoded.
	payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.opts.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge{limit: a.opts.MaxBodyBytes}
		}
		return commerce.Errorf(commerce.CodeInvalidArgument, "reading the webhook body: %v", err)
	}
	sig := r.Header.Get(stripeSignature)
	if sig == "" {
		return commerce.Errorf(commerce.CodeInvalidArgument, "the %s header is required", stripeSignature).WithDetail("field", stripeSignature)
	}
	err = a.svc.Payments.HandleWebhook(r.Context(), payload, sig)
	// A bad signature or payload is the sender's fault, not a matter of
	// credentials to this API: 400 says so, where 401 would ask for a
	// bearer token the provider has none of.
	switch commerce.Code(err) {
	case "":
	case commerce.CodeUnauthenticated:
		return commerce.Errorf(commerce.CodeInvalidArgument, "webhook refused: %s", errMessage(err)).WithDetail("field", stripeSignature)
	case commerce.CodeInvalidArgument:
		return commerce.Errorf(commerce.CodeInvalidArgument, "webhook refused: %s", errMessage(err)).WithDetail("field", "body")
	default:
		return err
	}
	writeJSON(w, rt.Status, WebhookResponse{Received: true})
	return nil
}

// errMessage is what a client may read of err (see public).
func errMessage(err error) string {
	pub, _ := public(err)
	return pub.Message
}
