// Package smtp implements [notify.Channel] for email over SMTP with the
// standard library (net/smtp).
//
// A session connects, says EHLO, upgrades with STARTTLS as the
// [TLSPolicy] asks and authenticates with PLAIN when credentials are set.
// Each Send hands one MIME message over a session, then keeps the session
// for later Sends (Options.MaxIdleConns, Options.IdleTimeout; Close ends
// them). A kept session the server has dropped is noticed at its first
// command, before any of the message is sent, and the Send moves to a new
// one. The message is multipart/alternative with a text/plain and
// a text/html part (text/plain alone when the message has no HTML), both
// UTF-8 in quoted-printable, headers encoded per RFC 2047, a Date from the
// channel's clock and a Message-ID built from the notification ID
// (<ntf_...@sender-domain>) so a resend can be recognised downstream.
//
// Credentials never travel in clear: without TLS they are sent only to a
// loopback host (a local relay or test server), and the constructor
// refuses TLSNone with credentials for any other host.
//
// Failures are classified for the notify Service, which owns retries:
//
//   - a message of another kind or one that fails [notify.Message.Validate]:
//     permanent (InvalidArgument), before any connection is made;
//   - a 5xx reply (to MAIL, RCPT, DATA or AUTH): permanent; a refused
//     recipient is InvalidArgument, the rest FailedPrecondition;
//   - STARTTLS required but not offered, or AUTH needed but not offered or
//     not protected: permanent (FailedPrecondition): a configuration issue;
//   - a 4xx reply, a connection failure, a timeout: transient (Unavailable);
//   - a cancelled or expired context: the context's error, transient.
//
// Once the server has accepted the message (250 after DATA) Send succeeds. The receipt's ProviderRef is the queue ID the
// server reports ("250 Ok: queued as ID"), empty when it reports none.
package smtp
