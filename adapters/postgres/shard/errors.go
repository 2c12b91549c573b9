package shard

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mercatohq/mercato/commerce"
)

// classify turns a failure of the router's own SQL into a commerce error
// whose message names the shard, never an address or SQL; the cause stays
// in the chain for logs. Commerce errors pass through unchanged.
func classify(err error, doing, shard string) error {
	if err == nil {
		return nil
	}
	var ce *commerce.Error
	if errors.As(err, &ce) {
		return err
	}
	code, what := commerce.CodeInternal, "unexpected database failure"
	var pgErr *pgconn.PgError
	var netErr net.Error
	var connErr *pgconn.ConnectError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		code, what = commerce.CodeUnavailable, "cancelled or timed out"
	case errors.As(err, &pgErr):
		// Class 08 is a lost connection, 53 a server short of resources
		// (53300: every connection slot taken), 57 an operator or a
		// shutdown: all pass, unlike a bug in the statement.
		if strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "53") || strings.HasPrefix(pgErr.Code, "57") ||
			pgErr.Code == "40001" || pgErr.Code == "40P01" {
			code, what = commerce.CodeUnavailable, "the database is busy or unreachable; retry"
		}
	case errors.As(err, &connErr), errors.As(err, &netErr), pgconn.SafeToRetry(err), pgconn.Timeout(err), errors.Is(err, net.ErrClosed):
		code, what = commerce.CodeUnavailable, "the database is unreachable"
	}
	return &commerce.Error{Code: code, Message: "shard: " + doing + " on shard " + shard + ": " + what, Err: err}
}
