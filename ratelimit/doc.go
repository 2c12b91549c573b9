// Package ratelimit is the port Mercato's services throttle through: a
// [Limiter] answers whether one more event (a failed login, a password
// reset request) is allowed for a key, under a [Limit] of so many events
// per period with a burst.
//
// [Local] keeps the allowances in the process, for a single instance and
// for tests; adapters/redis.RateLimiter keeps them in Redis, so that every
// instance of a shop shares them. Both use the generic cell rate algorithm
// (GCRA): a key may spend Burst events at once, then earns one back every
// Period/Rate. Package ratelimittest is the conformance suite of the port.
package ratelimit
