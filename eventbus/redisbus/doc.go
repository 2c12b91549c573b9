// Package redisbus is an eventbus.Backend on Redis Streams, through
// Watermill's redisstream transport and the host's go-redis client.
//
// Each topic is one stream. Consumer groups are Redis consumer groups, which
// start from the beginning of the stream, so a new group also receives
// events published before it existed. A message a consumer took but never
// acknowledged (its process died, or Close gave up on it) stays pending and
// is claimed by another member of the group once it has been idle for
// Options.ClaimIdle.
//
// Streams are not trimmed by default: a stream is the durable log of its
// topic. Set Options.MaxLen to cap them once every group keeps up.
package redisbus
