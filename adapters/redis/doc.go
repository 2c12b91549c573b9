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
// The outbox is Watermill's, as PostgreSQL's is in package pgbus: each
// entry is the one Watermill's redisstream publisher would add for the
// event wrapped in the envelope of Watermill's forwarder (destination
// topic: the event's name), built with their own marshalers, and the
// relay is Watermill's forwarder reading the stream with Watermill's
// redisstream subscriber, whose consumer group, redelivery after a failed
// publish and claim of idle entries it uses as they are. Ours differs in
// four places, each for the outbox's sake:
//
//   - The store adds the entries itself, inside its Lua script, because
//     they must commit atomically with the cart; a Watermill publisher
//     would add them in a step of their own.
//   - An acknowledged entry is also deleted. Watermill keeps acknowledged
//     entries and bounds a stream by trimming it to a length, which in an
//     outbox could drop events not yet relayed.
//   - An entry the subscriber cannot unmarshal goes to the dead-letter
//     stream <outbox>:dead (Watermill's poison-queue middleware) instead
//     of stopping the subscription, as Watermill's subscriber does, which
//     would hold back every event behind it; so does an event its registry
//     cannot decode. An entry whose payload is no forwarder envelope is
//     logged and acknowledged by the forwarder (AckWhenCannotUnwrap).
//   - Events go to the host's commerce.EventPublisher, through its
//     Forward when it has one (an eventbus.Bus), so an entry is
//     acknowledged only once its event is safe.
//
// The relay reads, publishes and acknowledges one entry at a time, as
// Watermill's subscriber does. A relay does not recreate an outbox stream
// deleted under it: restart it.
//
// Keys of one write must live on one node: use a standalone or Sentinel
// Redis, or give the prefix a hash tag on Redis Cluster.
package redis
