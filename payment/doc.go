// Package payment takes money for orders: the payment state machine, refunds,
// the [Provider] port that talks to a payment service provider, and the
// [Service] that carries every rule.
//
// # States
//
// A payment moves only along these arrows:
//
//	Initiated -> Processing -> Authorized -> Captured -> Completed
//	Processing -> Failed      (the authorization failed)
//	Authorized -> Failed      (the capture failed)
//	Failed -> Retry -> Processing
//
// [Service.Authorize] creates a payment already Processing: the one write
// before the provider call both claims the key and records the attempt,
// so a crash after it is found and finished by [Service.Reconcile].
// A payment stored Initiated (its attempt not started) is sent by
// Reconcile. With CaptureNow, a provider that captures in the
// authorization call (AuthorizeRequest.Capture) answers captured, and the
// payment moves through Authorized and Captured to Completed, with their
// events, in one write.
//
// Failed is final once the payment used its configured number of retries
// ([Options.MaxRetries], default 3). An authorization can also be voided:
// Authorized -> Cancelled, and Cancelled is final. Refunds do not
// change the payment's state; they are records of their own ([Refund]),
// several partial refunds up to the captured amount. [CanTransition] is the
// one table of allowed transitions.
//
// # Never charging twice
//
// Every authorization carries the caller's idempotency key. The service
// claims the key in the [Store] first (a unique constraint), calls the
// provider outside any transaction with a provider idempotency key derived
// from it, and records the outcome afterwards. Concurrent calls with one key
// share one payment and one provider charge. Provider errors are classified
// ([ProviderError]): a decline is final and keeps the provider's reason; a
// transient error is retried with exponential backoff and the same provider
// idempotency key; an unknown outcome (the request may have been processed)
// makes the service look the payment up at the provider before any retry
// and adopt what the provider reports.
//
// # Webhooks
//
// [Service.HandleWebhook] verifies a provider notification through
// [Provider.ParseWebhook], deduplicates it by the provider's event ID
// (recorded in the same store transaction as the change it causes) and
// applies it only when it moves the payment forward: a late
// payment_failed after a success changes nothing.
//
// # Events
//
// payment.initiated, payment.authorized, payment.captured, payment.completed,
// payment.failed and payment.refunded, plus payment.cancelled for a voided
// authorization. A bus from eventbus.New decodes them already;
// [RegisterEvents] adds them to another registry.
//
// The fake provider for demos and tests lives in
// [github.com/mercatohq/mercato/payment/fakeprovider]; Stripe in
// github.com/mercatohq/mercato/adapters/stripe.
package payment
