// Package notify turns domain events into email and SMS messages.
//
// A Service subscribes (through the host's bus) to the events customers
// care about, finds each recipient and their preferences, renders the
// event's templates, and sends the result through Channels: SMTP,
// SendGrid and Twilio adapters live in github.com/mercatohq/mercato/adapters,
// and LogChannel writes messages to a slog.Logger for demos.
//
// Delivery is at least once from the bus and exactly once per (event,
// channel, recipient) by a dedupe record in the Store; transient failures
// are retried with exponential backoff, permanent ones (see
// commerce.IsPermanent) are recorded and not retried, and every attempt is
// in a delivery log the host can query by order or by customer.
package notify
