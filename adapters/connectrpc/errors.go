package connectrpc

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"connectrpc.com/connect"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/notify"
)

// The error metadata a server adds to every error it answers. Connect's own
// code is coarser than commerce's (out_of_stock and payment_declined are
// both FailedPrecondition there), so the exact commerce code travels too,
// with the error's details and the domain errors it wraps.
const (
	// headerCode carries the commerce.ErrorCode.
	headerCode = "Mercato-Error-Code"
	// headerDetails carries commerce.Error.Details as JSON (a binary
	// header: Connect base64-encodes it).
	headerDetails = "Mercato-Error-Details-Bin"
	// headerCauses carries the domain errors the error wraps that callers
	// test beyond the code (see causes), as a JSON array (a binary header).
	headerCauses = "Mercato-Error-Causes-Bin"
	// headerResult carries the result a call returned with its error, as
	// JSON (a binary header), when that result is not the zero value.
	headerResult = "Mercato-Error-Result-Bin"
)

// cause is a domain error that callers test for with errors.Is or
// errors.As beyond the commerce code, and so travels by name: a server
// names each one its error wraps, with its value for a typed error; a
// client wraps the same sentinel, or the decoded value, again. Only
// domain errors are listed, never a cause that could carry an address or
// SQL.
type cause struct {
	name string
	// match returns the value to send when err wraps the cause (nil for
	// a sentinel).
	match func(err error) (value any, ok bool)
	// restore returns the error to wrap on the client's side.
	restore func(value json.RawMessage) (error, bool)
}

// wireCause is a cause's name and value on the wire.
type wireCause struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value,omitempty"`
}

// sentinel is the cause of errors.Is(err, target).
func sentinel(name string, target error) cause {
	return cause{
		name:    name,
		match:   func(err error) (any, bool) { return nil, errors.Is(err, target) },
		restore: func(json.RawMessage) (error, bool) { return target, true },
	}
}

// typed is the cause of errors.As(err, new(E)), its value sent as JSON;
// fresh returns a new E (a pointer) to decode into.
func typed[E error](name string, fresh func() E) cause {
	return cause{
		name: name,
		match: func(err error) (any, bool) {
			var v E
			if !errors.As(err, &v) {
				return nil, false
			}
			return v, true
		},
		restore: func(raw json.RawMessage) (error, bool) {
			v := fresh()
			if json.Unmarshal(raw, v) != nil {
				return nil, false
			}
			return v, true
		},
	}
}

// causes are the domain errors that cross the wire.
var causes = []cause{
	sentinel("cart.changed", cart.ErrChanged),
	sentinel("notify.no_order_directory", notify.ErrNoOrderDirectory),
	typed("inventory.out_of_stock", func() *inventory.OutOfStockError { return new(inventory.OutOfStockError) }),
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
// caller's to read (see public). The domain errors it wraps (see causes)
// travel by name.
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
	var found []wireCause
	for _, c := range causes {
		v, ok := c.match(err)
		if !ok {
			continue
		}
		w := wireCause{Name: c.name}
		if v != nil {
			b, jerr := json.Marshal(v)
			if jerr != nil {
				continue
			}
			w.Value = b
		}
		found = append(found, w)
	}
	if len(found) > 0 {
		if b, jerr := json.Marshal(found); jerr == nil {
			wire.Meta().Set(headerCauses, connect.EncodeBinaryHeader(b))
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
	ce, ok := commerce.Shown(err)
	if !ok {
		return genericMessage(commerce.Code(err)), nil
	}
	return ce.Message, ce.Details
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

// fromWire turns the error of a call to procedure back into a commerce
// error. A server's error keeps its exact code, message, details and
// domain causes. A call that ctx ended is Unavailable and wraps ctx's error.
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
	if wrapped := restoreCauses(wire.Meta().Get(headerCauses)); len(wrapped) == 1 {
		out.Err = wrapped[0]
	} else if len(wrapped) > 1 {
		out.Err = errors.Join(wrapped...)
	}
	return out
}

// restoreCauses decodes the causes a server named; unknown names (from a
// newer server) are skipped.
func restoreCauses(raw string) []error {
	if raw == "" {
		return nil
	}
	b, err := connect.DecodeBinaryHeader(raw)
	if err != nil {
		return nil
	}
	var found []wireCause
	if json.Unmarshal(b, &found) != nil {
		return nil
	}
	var out []error
	for _, w := range found {
		for _, c := range causes {
			if c.name != w.Name {
				continue
			}
			if e, ok := c.restore(w.Value); ok {
				out = append(out, e)
			}
		}
	}
	return out
}
