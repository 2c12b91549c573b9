// Package stripe implements [payment.Provider] on Stripe PaymentIntents,
// through github.com/stripe/stripe-go/v76.
//
// Each [Provider] owns its own API client (client.New with its own
// backends): it never reads or writes stripe-go's global key or backends,
// so several providers (accounts, test and live) coexist in one process.
// stripe-go's own network retries are off: the payment.Service owns
// retries and backoff, and the adapter only classifies failures:
//
//   - card_error (HTTP 402): [payment.KindDeclined], with the decline code
//     (insufficient_funds, generic_decline...) or the error code, and
//     Stripe's message;
//   - HTTP 429, 409 lock/idempotency conflicts and 5xx: [payment.KindTransient]
//     (retried with the same idempotency key, which Stripe deduplicates);
//   - a failure to connect: transient (the request was never sent);
//   - any other network failure or a cancelled context once the request
//     may have left (timeout, reset, closed connection):
//     [payment.KindUnknown], so the service looks the payment up first;
//   - other API errors (invalid_request_error, idempotency_error,
//     authentication): [payment.KindInvalid].
//
// Authorize creates and confirms a PaymentIntent with capture_method=manual
// (automatic when the request asks to capture, so it succeeds in that one
// call), the amount in minor units and the currency in lower case, metadata
// mercato_payment_id, mercato_order_id and mercato_idempotency_key, and the
// idempotency key on the request. Capture, Cancel and Refund send their
// idempotency keys too. Lookup reads a PaymentIntent by reference or, without
// one, searches by the mercato_idempotency_key metadata; Stripe's search is
// eventually consistent (new objects may take a minute to appear), which is
// safe because the service answers "not found" by resending with the same
// idempotency key, and Stripe replays the first result for 24 hours.
//
// Webhooks are verified with webhook.ConstructEventWithOptions (signature
// and tolerance; API version mismatches ignored) and normalised:
// payment_intent.amount_capturable_updated -> authorized,
// payment_intent.succeeded -> succeeded (captured),
// payment_intent.payment_failed -> failed, payment_intent.canceled ->
// cancelled, charge.refunded -> refunded; any other type -> ignored.
//
// Amounts are the Money's minor units. Stripe's special cases where its
// minor unit differs from ISO 4217 (ISK, HUF, TWD, UGX) are not supported.
//
// Tests run the provider suite against stripe-mock, which answers with
// canned fixtures (it never declines, always reports
// requires_payment_method, and finds a PaymentIntent for any search); the
// classification of declines, transient and unknown failures is tested
// against an httptest server speaking Stripe's error format.
package stripe
