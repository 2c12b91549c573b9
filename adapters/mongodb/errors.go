package mongodb

import (
	"context"
	"errors"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/mercatohq/mercato/commerce"
)

// errCrash is what a write stopped by a test's crashAfter returns.
var errCrash = errors.New("mongodb: simulated crash")

// classify turns a driver error into a commerce error whose message says
// what the store was doing. Errors that already carry a commerce code
// pass through unchanged, so closures may return domain errors.
func classify(err error, doing string) error {
	if err == nil {
		return nil
	}
	var ce *commerce.Error
	if errors.As(err, &ce) {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return commerce.Errorf(commerce.CodeUnavailable, "mongodb: %s: %w", doing, err)
	case errors.Is(err, mongo.ErrNoDocuments):
		return commerce.Errorf(commerce.CodeNotFound, "mongodb: %s: not found", doing)
	case isDuplicate(err):
		return commerce.Errorf(commerce.CodeConflict, "mongodb: %s: %w", doing, err)
	case mongo.IsNetworkError(err), mongo.IsTimeout(err), errors.Is(err, mongo.ErrClientDisconnected):
		return commerce.Errorf(commerce.CodeUnavailable, "mongodb: %s: %w", doing, err)
	}
	var se mongo.ServerError
	if errors.As(err, &se) && (se.HasErrorLabel("RetryableWriteError") || se.HasErrorLabel("TransientTransactionError")) {
		return commerce.Errorf(commerce.CodeUnavailable, "mongodb: %s: %w", doing, err)
	}
	return commerce.Errorf(commerce.CodeInternal, "mongodb: %s: %w", doing, err)
}

// conflict classifies err, naming what a duplicate key was about.
func conflict(err error, doing, what string) error {
	if err != nil && isDuplicate(err) {
		return commerce.Errorf(commerce.CodeConflict, "mongodb: %s: %s: %w", doing, what, err)
	}
	return classify(err, doing)
}

// isDuplicate reports whether err is a unique index violation. FerretDB
// v1 reports one hit by an update as an InternalError naming its SQLite
// or PostgreSQL constraint, not as E11000.
func isDuplicate(err error) bool {
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var se mongo.ServerError
	if !errors.As(err, &se) {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "duplicate key value violates unique constraint")
}
