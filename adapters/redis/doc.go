// Package redis implements Mercato's Redis-backed stores on go-redis v9:
// for now the cart store, [CartStore], and the relay of its outbox,
// [OutboxRelay].
//
// Carts are laid out one key per cart: the key cart:{id} (the prefix is
// configurable) holds the cart as JSON and expires 7 days (the cart
// service's TTL) after the last write, which refreshes it; the customer
// index, cart:customer:{id}, names the customer's cart with the same TTL.
// Every write is atomic in Redis: the store reads the cart, applies the
// change in Go, and a Lua script writes the cart, the index and the
// events only if the cart's version is still the one read, retrying
// otherwise, so concurrent writers never lose an update. A write costs
// two round trips.
//
// Events commit with the change through a transactional outbox: the same
// script appends them to a stream, and an [OutboxRelay] (one or more per
// deployment, in a consumer group) publishes them to the bus, at least
// once, in commit order, surviving crashes on either side.
//
// Keys of one write must live on one node: use a standalone or Sentinel
// Redis, or give the prefix a hash tag on Redis Cluster.
package redis
