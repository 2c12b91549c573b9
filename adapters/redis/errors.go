package redis

import (
	"context"
	"errors"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/commerce"
)

// classify gives a go-redis failure its commerce code: an ended context,
// a lost or closed connection and a server that cannot serve right now
// (loading, busy, failing over) are Unavailable, an out-of-memory server
// ResourceExhausted, anything else Internal. An error that carries a code
// already keeps it.
func classify(err error, doing string) error {
	if err == nil {
		return nil
	}
	var ce *commerce.Error
	if errors.As(err, &ce) {
		return err
	}
	code := commerce.CodeInternal
	var rerr goredis.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		code = commerce.CodeUnavailable
	case goredis.IsOOMError(err):
		code = commerce.CodeResourceExhausted
	case errors.As(err, &rerr):
		if unavailableReply(rerr.Error()) {
			code = commerce.CodeUnavailable
		}
	default:
		// Not a reply from the server: the connection failed (closed
		// client, refused or reset connection, timeout, EOF).
		code = commerce.CodeUnavailable
	}
	return commerce.Errorf(code, "redis: %s: %w", doing, err)
}

// unavailableReply reports whether a server error reply means "not now".
func unavailableReply(msg string) bool {
	for _, p := range []string{"LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "READONLY", "NOREPLICAS", "MAXCLIENTS", "ERR max number of clients"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
