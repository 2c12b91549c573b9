package connectrpc

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net"
	"strings"

	"connectrpc.com/connect"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// The error metadata a server adds to every error it answers. Connect's own
// code is coarser than commerce's (out_of_stock and payment_declined are
// both FailedPrecondition there), so the exact commerce code travels too,
// with the error's details and the names of the package sentinels it
// wraps.
const (
	// headerCode carries the commerce.ErrorCode.
	headerCode = "Mercato-Error-Code"
	// headerDetails carries commerce.Error.Details as JSON (a binary
	// header: Connect base64-encodes it).
	headerDetails = "Mercato-Error-Details-Bin"
	// headerSentinel names a sentinel the error wraps (see sentinels); it
	// may repeat.
	headerSentinel = "Mercato-Error-Sentinel"
	// headerResult carries the result a call returned with its error, as
	// JSON (a binary header), when that result is not the zero value.
	headerResult = "Mercato-Error-Result-Bin"
)

// sentinels are the package errors that callers test with errors.Is
// beyond the commerce codes, by the name they travel under. A server names
// each one its error wraps; a client wraps the same value again, so that
// errors.Is(err, cart.ErrChanged) holds on either side of the wire.
var sentinels = []struct {
	name string
	err  error
}{
	{"cart.changed", cart.ErrChanged},
	{"notify.no_order_directory", notify.ErrNoOrderDirectory},
}

// connectCode maps a commerce code to Connect's (gRPC's) vocabulary, for
// clients that read only that. Commerce codes without a twin take the
// nearest: a shortage or a declined card is a precondition of the system's
// state, a conflict an aborted write.
func connectCode(c commerce.ErrorCode) connect.Code {
	switch c {
	case commerce.CodeNotFound:
		return connect.CodeNotFound
	case commerce.CodeInvalidArgument:
		return connect.CodeInvalidArgument
	case commerce.CodeConflict:
		return connect.CodeAborted
	case commerce.CodeOutOfStock, commerce.CodePaymentDeclined, commerce.CodeFailedPrecondition:
		return connect.CodeFailedPrecondition
	case commerce.CodeUnavailable:
		return connect.CodeUnavailable
	case commerce.CodeUnauthenticated:
		return connect.CodeUnauthenticated
	case commerce.CodePermissionDenied:
		return connect.CodePermissionDenied
	case commerce.CodeResourceExhausted:
		return connect.CodeResourceExhausted
	}
	return connect.CodeInternal
}

// commerceCode maps a Connect code to a commerce code when the exact one
// did not travel: an error raised by Connect itself, by the transport or
// by a proxy in between. A call cut short by a deadline or a cancel is
// Unavailable, as commerce.Code classifies a context error.
func commerceCode(c connect.Code) commerce.ErrorCode {
	switch c {
	case connect.CodeNotFound:
		return commerce.CodeNotFound
	case connect.CodeInvalidArgument, connect.CodeOutOfRange:
		return commerce.CodeInvalidArgument
	case connect.CodeAborted, connect.CodeAlreadyExists:
		return commerce.CodeConflict
	case connect.CodeFailedPrecondition:
		return commerce.CodeFailedPrecondition
	case connect.CodeUnavailable, connect.CodeDeadlineExceeded, connect.CodeCanceled:
		return commerce.CodeUnavailable
	case connect.CodeUnauthenticated:
		return commerce.CodeUnauthenticated
	case connect.CodePermissionDenied:
		return commerce.CodePermissionDenied
	case connect.CodeResourceExhausted:
		return commerce.CodeResourceExhausted
	}
	return commerce.CodeInternal
}

// knownCode reports whether c is one of the codes this package maps.
func knownCode(c commerce.ErrorCode) bool {
	switch c {
	case commerce.CodeNotFound, commerce.CodeInvalidArgument, commerce.CodeConflict,
		commerce.CodeOutOfStock, commerce.CodePaymentDeclined, commerce.CodeFailedPrecondition,
		commerce.CodeUnavailable, commerce.CodeUnauthenticated, commerce.CodePermissionDenied,
		commerce.CodeResourceExhausted, commerce.CodeInternal:
		return true
	}
	return false
}

// toWire is the error a handler answers for err, which a service
// returned: its exact code, and its message and details when they are the
// caller's to read (see public). The sentinels it wraps travel by name.
func toWire(err error) *connect.Error {
	code := commerce.Code(err)
	msg, details := public(err)
	wire := connect.NewError(connectCode(code), errors.New(msg))
	wire.Meta().Set(headerCode, string(code))
	if len(details) > 0 {
		if b, jerr := json.Marshal(details); jerr == nil {
			wire.Meta().Set(headerDetails, connect.EncodeBinaryHeader(b))
		}
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			wire.Meta().Add(headerSentinel, s.name)
		}
	}
	return wire
}

// public returns what a caller may read of err: for an error of a code
// the caller can act on (NotFound, InvalidArgument, OutOfStock...), its
// message and details, which name the field or SKU at fault; for anything
// else (Unavailable, Internal, an error without a code) and for any error
// whose chain holds a network, database or file failure, the fixed message
// of its code. Causes, addresses and SQL stay in the server's log.
func public(err error) (string, map[string]any) {
	code := commerce.Code(err)
	var ce *commerce.Error
	if !clientCode(code) || infrastructural(err) || !errors.As(err, &ce) {
		return genericMessage(code), nil
	}
	return ce.Message, ce.Details
}

// clientCode reports whether an error of code is the caller's to act on.
func clientCode(code commerce.ErrorCode) bool {
	switch code {
	case commerce.CodeNotFound, commerce.CodeInvalidArgument, commerce.CodeConflict,
		commerce.CodeOutOfStock, commerce.CodePaymentDeclined, commerce.CodeFailedPrecondition,
		commerce.CodeUnauthenticated, commerce.CodePermissionDenied, commerce.CodeResourceExhausted:
		return true
	}
	return false
}

// genericMessage is the message of an error whose own is withheld.
func genericMessage(code commerce.ErrorCode) string {
	switch code {
	case commerce.CodeUnavailable:
		return "a service this call needs is unavailable; retry later"
	case commerce.CodeInternal:
		return "internal error"
	}
	return strings.ReplaceAll(string(code), "_", " ")
}

// The shapes of infrastructure failures, matched by behaviour so that this
// package imports no driver: pgconn.PgError has SQLState, go-redis replies
// have RedisError, network failures are net.Error.
type (
	sqlStateError interface{ SQLState() string }
	redisError    interface{ RedisError() }
)

// infrastructural reports whether err's chain holds a failure whose text
// may carry an address, SQL or a path.
func infrastructural(err error) bool {
	var (
		ne net.Error
		se sqlStateError
		re redisError
		pe *fs.PathError
	)
	return errors.As(err, &ne) || errors.As(err, &se) || errors.As(err, &re) || errors.As(err, &pe)
}

// fromWire turns the error of a call to procedure back into a commerce
// error. A server's error keeps its exact code, message, details and
// sentinels. A call that ctx ended is Unavailable and wraps ctx's error.
// An error that never reached a server (connection refused, a proxy's
// 503) takes the code Connect reports and wraps the transport's error for
// the caller's log; a local error already classified (a zero Money the
// request could not encode) keeps its own.
func fromWire(ctx context.Context, procedure string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "connectrpc: %s: %w", procedure, ctxErr)
	}
	var wire *connect.Error
	if !errors.As(err, &wire) {
		return commerce.Errorf(commerce.CodeInternal, "connectrpc: %s: %w", procedure, err)
	}
	code := commerce.ErrorCode(wire.Meta().Get(headerCode))
	if !knownCode(code) {
		var local *commerce.Error
		if errors.As(err, &local) {
			return local
		}
		code = commerceCode(wire.Code())
		return &commerce.Error{Code: code, Message: "connectrpc: " + procedure + ": " + genericMessage(code), Err: err}
	}
	out := &commerce.Error{Code: code, Message: wire.Message()}
	if raw := wire.Meta().Get(headerDetails); raw != "" {
		if b, derr := connect.DecodeBinaryHeader(raw); derr == nil {
			var details map[string]any
			if json.Unmarshal(b, &details) == nil && len(details) > 0 {
				out.Details = details
			}
		}
	}
	var wrapped []error
	for _, name := range wire.Meta().Values(headerSentinel) {
		for _, s := range sentinels {
			if s.name == name {
				wrapped = append(wrapped, s.err)
			}
		}
	}
	if len(wrapped) > 0 {
		out.Err = errors.Join(wrapped...)
	}
	return out
}
