// Package fakeprovider is a deterministic, in-process [payment.Provider] for
// the demo shop and for tests.
//
// It lives beside the payment package rather than in adapters/memory
// because it is not a store: it stands in for a remote payment service, and
// the payment suites (payment/paymenttest) drive it without depending on
// any store adapter. adapters/memory re-exports it as
// memory.NewPaymentProvider for hosts that wire everything from there.
//
// Behaviour is scripted per payment-method token. Stripe's documented test
// tokens work out of the box, so the demo shop and the Stripe adapter take
// the same tokens:
//
//	pm_card_visa, pm_card_mastercard, pm_card_amex        approve
//	pm_card_chargeDeclined                                decline: generic_decline, "Your card was declined."
//	pm_card_chargeDeclinedInsufficientFunds               decline: insufficient_funds
//	pm_card_chargeDeclinedExpiredCard                     decline: expired_card
//	pm_card_chargeDeclinedIncorrectCvc                    decline: incorrect_cvc
//	pm_card_chargeDeclinedFraudulent                      decline: fraudulent
//
// Other tokens are rejected as Stripe rejects an unknown PaymentMethod: a
// [payment.KindInvalid] error with code resource_missing, which the
// service reports as CodeInvalidArgument. Add tokens with [Options.Scripts]
// or [Provider.Script]: approve, decline with a reason, fail transiently N
// times then succeed, time out after success (the charge is made, the call
// returns an unknown-outcome error) or time out before sending.
//
// Like Stripe, the fake honours idempotency keys: a repeated call with a
// key returns the first call's result and never charges twice. Its ledger
// ([Provider.Charges]) lists every authorization that took money, so tests
// can assert exactly one charge. It signs webhook payloads with HMAC-SHA256
// in Stripe's header format ([Provider.SignedEvent]) and verifies them in
// ParseWebhook.
package fakeprovider
