package stripe_test

import (
	"context"
	"fmt"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/mercatohq/mercato/adapters/stripe"
)

// A host's webhook endpoint hands the raw body and the Stripe-Signature
// header to the provider (through payment.Service.HandleWebhook); a
// verified event comes back normalised.
func ExampleProvider_ParseWebhook() {
	p, err := stripe.New("sk_test_123", &stripe.Options{WebhookSecret: "whsec_example"})
	if err != nil {
		panic(err)
	}
	body := []byte(`{"id":"evt_1","object":"event","type":"payment_intent.succeeded","created":1700000000,
		"data":{"object":{"id":"pi_1","object":"payment_intent","amount":1999,"amount_received":1999,"currency":"usd",
		"metadata":{"mercato_payment_id":"pay_01JD9ZQ4K0Q8X5S2V7N3M6B1C4"}}}}`)
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: "whsec_example"})

	ev, err := p.ParseWebhook(context.Background(), signed.Payload, signed.Header)
	fmt.Println(ev.ID, ev.Type, ev.Ref, ev.Amount, err)

	_, err = p.ParseWebhook(context.Background(), signed.Payload, "t=1,v1=forged")
	fmt.Println(err != nil)
	// Output:
	// evt_1 succeeded pi_1 19.99 USD <nil>
	// true
}
