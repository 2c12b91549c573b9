package postgres

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mercatohq/mercato/commerce"
)

// PostgreSQL error codes this package classifies.
const (
	pgUniqueViolation      = "23505"
	pgForeignKeyViolation  = "23503"
	pgCheckViolation       = "23514"
	pgNotNullViolation     = "23502"
	pgSerializationFailure = "40001"
	pgDeadlockDetected     = "40P01"
	pgQueryCanceled        = "57014"
	pgLockNotAvailable     = "55P03"
	pgAdminShutdown        = "57P01"
	pgCrashShutdown        = "57P02"
	pgCannotConnectNow     = "57P03"
	// pgInsufficientResources is the class of too_many_connections
	// (53300), out_of_memory (53200) and the like: the server cannot take
	// the work now, as when every connection slot is in use.
	pgInsufficientResources = "53"
)

// classify turns a pgx error into a commerce error whose message says what
// the store was doing and what went wrong in plain words, never the
// driver's text (which may quote SQL, constraint names or addresses): that
// stays in the chain as the cause, for logs. Errors that already carry a
// commerce code pass through unchanged, so closures may return domain
// errors.
func classify(err error, doing string) error {
	if err == nil {
		return nil
	}
	var ce *commerce.Error
	if errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return commerce.Errorf(commerce.CodeUnavailable, "postgres: %s: %w", doing, err)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return commerce.Errorf(commerce.CodeNotFound, "postgres: %s: not found", doing)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		code := codeOf(pgErr)
		return wrapped(code, doing, describe(code), err)
	}
	var netErr net.Error
	if errors.As(err, &netErr) || pgconn.SafeToRetry(err) || isConnectionLoss(err) {
		return wrapped(commerce.CodeUnavailable, doing, "the database is unreachable", err)
	}
	return wrapped(commerce.CodeInternal, doing, "unexpected database failure", err)
}

// wrapped is the commerce error "postgres: <doing>: <what>" with cause in
// its chain but not in its message.
func wrapped(code commerce.ErrorCode, doing, what string, cause error) error {
	return &commerce.Error{Code: code, Message: "postgres: " + doing + ": " + what, Err: cause}
}

// describe says in plain words what a database error of code means.
func describe(code commerce.ErrorCode) string {
	switch code {
	case commerce.CodeConflict:
		return "already exists"
	case commerce.CodeFailedPrecondition:
		return "refers to a record that does not exist"
	case commerce.CodeInvalidArgument:
		return "a value is missing or out of range"
	case commerce.CodeUnavailable:
		return "the database is busy or unreachable; retry"
	}
	return "unexpected database failure"
}

func codeOf(e *pgconn.PgError) commerce.ErrorCode {
	switch {
	case e.Code == pgUniqueViolation:
		return commerce.CodeConflict
	case e.Code == pgForeignKeyViolation:
		return commerce.CodeFailedPrecondition
	case e.Code == pgCheckViolation, e.Code == pgNotNullViolation:
		return commerce.CodeInvalidArgument
	case e.Code == pgSerializationFailure, e.Code == pgDeadlockDetected,
		e.Code == pgQueryCanceled, e.Code == pgLockNotAvailable, e.Code == pgAdminShutdown,
		e.Code == pgCrashShutdown, e.Code == pgCannotConnectNow,
		strings.HasPrefix(e.Code, pgInsufficientResources),
		strings.HasPrefix(e.Code, "08"): // connection exceptions
		return commerce.CodeUnavailable
	default:
		return commerce.CodeInternal
	}
}

func isConnectionLoss(err error) bool {
	var connErr *pgconn.ConnectError
	return errors.As(err, &connErr) || pgconn.Timeout(err) || errors.Is(err, net.ErrClosed)
}

// constraintOf returns the name of the constraint err violated, or "".
func constraintOf(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.ConstraintName
	}
	return ""
}
