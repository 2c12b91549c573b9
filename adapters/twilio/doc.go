// Package twilio implements [notify.Channel] for SMS on Twilio's
// Programmable Messaging, through the official github.com/twilio/twilio-go
// library.
//
// Each message is one Api.CreateMessage: POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded with To,
// Body and either From (a Twilio number) or MessagingServiceSid, with the
// account SID and auth token as basic auth. The message SID Twilio
// returns ("SM...") is the receipt's ProviderRef.
//
// twilio-go sends its requests without a context. So that Send honours
// ctx, every Send builds a light client of its own (credentials, and an
// http.Client whose transport attaches ctx to the request) over the
// channel's shared connection pool; the channel never reads the library's
// TWILIO_* environment variables.
//
// Failures are classified for the notify Service:
//
//   - Twilio errors that name the recipient or the message (21211 invalid
//     To, 21614 not a mobile number, 21610 unsubscribed, 21612 and 21408
//     unreachable or unpermitted region, 21617 body too long...) and every
//     other 4xx answer but 429 (20003 authentication, 21606 bad From):
//     permanent;
//   - 429 and 5xx, a connection failure or a timeout: transient;
//   - a message of another kind, or one that fails Validate: permanent,
//     before any request.
package twilio
