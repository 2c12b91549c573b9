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
)

// classify turns a pgx error into a commerce error whose message says what
// the store was doing. Errors that already carry a commerce code pass
// through unchanged, so closures may return domain errors.
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
		return commerce.Errorf(codeOf(pgErr), "postgres: %s: %w", doing, err)
	}
	var netErr net.Error
	if errors.As(err, &netErr) || pgconn.SafeToRetry(err) || isConnectionLoss(err) {
		return commerce.Errorf(commerce.CodeUnavailable, "postgres: %s: %w", doing, err)
	}
	return commerce.Errorf(commerce.CodeInternal, "postgres: %s: %w", doing, err)
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
