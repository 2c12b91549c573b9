// Package customer keeps Mercato's customer accounts: who buys, how they
// prove it, and how to reach them.
//
// A [Customer] is known by a normalised e-mail address (trimmed and
// lower-cased, unique). Checkout creates guest customers known only by
// e-mail ([Service.EnsureGuest]); [Service.Register] upgrades a guest in
// place, keeping its ID and therefore its orders.
//
// Credentials follow current practice:
//   - Passwords are hashed with argon2id (RFC 9106) and stored in the PHC
//     string format, so the parameters travel with each hash. A login with
//     a hash made under older parameters rehashes the password.
//   - Login answers one error, with one message, for an unknown e-mail, a
//     guest and a wrong password, and spends the same time hashing in every
//     case, so neither the answer nor its timing reveals who has an account.
//   - Sessions are stored records referenced by signed JWTs (HS256, with a
//     key ring indexed by the "kid" header for rotation). A token is
//     accepted only while its key is in the ring, its session is neither
//     revoked nor expired, and its signature, algorithm, issuer, audience
//     and expiry check out.
//   - Password-reset tokens are 32 random bytes; the store keeps only their
//     SHA-256, and a token is consumed atomically, once, before it expires.
//     Resetting or changing a password ends every session of the customer.
//   - Dead sessions and resets (expired, revoked or used) are deleted by
//     [Service.Purge], or every interval by [Service.RunPurger], on stores
//     with the [Purger] capability.
//
// Events: customer.registered, customer.updated and
// customer.password_reset_requested. The last carries the reset token to
// the notifier that mails it, so the bus that carries it must be private
// to the shop's own services.
//
// The [Store] port is implemented by adapters/memory and adapters/postgres;
// customertest holds the conformance suite every implementation runs.
package customer
