package commerce

import (
	"errors"
	"io/fs"
	"net"
)

// Shown returns the error in err's chain whose message and details a
// client may read, and false when there is none. Only the client's own
// mistakes are explained: an error of a client-class code (NotFound,
// InvalidArgument, Conflict, OutOfStock...) shows its message and
// details, which name the field or SKU at fault. Anything else
// (Unavailable, Internal, an error without a code), and any error whose
// chain holds a failure of infrastructure (a network or driver error, a
// file path), is not shown: what a dependency said, where it lives and
// what SQL it ran belong in the log. Every edge that answers clients (the
// HTTP API, the RPC servers) applies this one rule.
func Shown(err error) (*Error, bool) {
	if !clientCode(Code(err)) || infrastructural(err) {
		return nil, false
	}
	var ce *Error
	if !errors.As(err, &ce) {
		return nil, false
	}
	return ce, true
}

// clientCode reports whether code says the caller can act on the error:
// the message explains what to change.
func clientCode(code ErrorCode) bool {
	switch code {
	case CodeNotFound, CodeInvalidArgument, CodeConflict,
		CodeOutOfStock, CodePaymentDeclined, CodeFailedPrecondition,
		CodeUnauthenticated, CodePermissionDenied, CodeResourceExhausted:
		return true
	}
	return false
}

// Failures of infrastructure are matched by behaviour, so that this
// package imports no driver: pgconn.PgError has SQLState, go-redis
// replies have RedisError, and network failures (net.OpError, url.Error,
// DNS errors) are net.Error.
type (
	sqlStateError interface{ SQLState() string }
	redisError    interface{ RedisError() }
)

// infrastructural reports whether err's chain holds a failure of
// infrastructure, whose text may carry an address, SQL or a path.
func infrastructural(err error) bool {
	var (
		ne net.Error
		se sqlStateError
		re redisError
		pe *fs.PathError
	)
	return errors.As(err, &ne) || errors.As(err, &se) || errors.As(err, &re) || errors.As(err, &pe)
}
