// Package sendgrid implements [notify.Channel] for email on Twilio
// SendGrid's v3 Mail Send API, through the official
// github.com/sendgrid/sendgrid-go library.
//
// Each message becomes one POST /v3/mail/send built with the library's
// helpers/mail: the channel's sender, one personalization with the
// recipient, the subject, a text/plain then (when present) a text/html
// content, the notification ID in custom_args (mercato_notification_id,
// with mercato_event), and the event name as a category, so SendGrid's
// event webhooks and activity feed can be tied back to the delivery.
//
// A [Channel] owns its HTTP client and never touches the library's global
// DefaultClient; requests carry the caller's context. The library's
// rate-limit retries are not used: the notify Service owns retries.
//
// Responses are classified for the Service:
//
//   - 2xx (SendGrid answers 202): sent; the X-Message-Id header is the
//     receipt's ProviderRef;
//   - 400 and 413 (a malformed message, a refused address, too large):
//     permanent InvalidArgument; 401 and 403 (a bad or under-privileged
//     key, an unverified sender): permanent; any other 4xx: permanent;
//   - 429 and 5xx: transient; a connection failure or timeout: transient;
//   - a message of another kind, or one that fails Validate: permanent,
//     before any request.
package sendgrid
