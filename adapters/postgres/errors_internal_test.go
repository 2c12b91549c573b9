package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"

	"github.com/mercatohq/mercato/commerce"
)

func TestClassify(t *testing.T) {
	domain := commerce.Errorf(commerce.CodeOutOfStock, "inventory: short")
	for name, tc := range map[string]struct {
		err  error
		want commerce.ErrorCode
	}{
		"nil":                   {nil, ""},
		"domain error kept":     {fmt.Errorf("wrapped: %w", domain), commerce.CodeOutOfStock},
		"no rows":               {pgx.ErrNoRows, commerce.CodeNotFound},
		"cancelled":             {context.Canceled, commerce.CodeUnavailable},
		"deadline":              {context.DeadlineExceeded, commerce.CodeUnavailable},
		"unique violation":      {&pgconn.PgError{Code: pgUniqueViolation, Message: `duplicate key value violates unique constraint "x"`}, commerce.CodeConflict},
		"foreign key violation": {&pgconn.PgError{Code: pgForeignKeyViolation}, commerce.CodeFailedPrecondition},
		"check violation":       {&pgconn.PgError{Code: pgCheckViolation}, commerce.CodeInvalidArgument},
		"not null violation":    {&pgconn.PgError{Code: pgNotNullViolation}, commerce.CodeInvalidArgument},
		"serialization failure": {&pgconn.PgError{Code: pgSerializationFailure}, commerce.CodeUnavailable},
		"deadlock":              {&pgconn.PgError{Code: pgDeadlockDetected}, commerce.CodeUnavailable},
		"query cancelled":       {&pgconn.PgError{Code: pgQueryCanceled}, commerce.CodeUnavailable},
		"admin shutdown":        {&pgconn.PgError{Code: pgAdminShutdown}, commerce.CodeUnavailable},
		"connection exception":  {&pgconn.PgError{Code: "08006"}, commerce.CodeUnavailable},
		"crash shutdown":        {&pgconn.PgError{Code: pgCrashShutdown}, commerce.CodeUnavailable},
		"starting up":           {&pgconn.PgError{Code: pgCannotConnectNow, Message: "the database system is starting up"}, commerce.CodeUnavailable},
		"out of memory":         {&pgconn.PgError{Code: "53200", Message: "out of shared memory"}, commerce.CodeUnavailable},
		"too many connections":  {&pgconn.PgError{Severity: "FATAL", Code: "53300", Message: "sorry, too many clients already"}, commerce.CodeUnavailable},
		"syntax error":          {&pgconn.PgError{Code: "42601"}, commerce.CodeInternal},
		"anything else":         {errors.New("boom"), commerce.CodeInternal},
	} {
		t.Run(name, func(t *testing.T) {
			got := classify(tc.err, "test")
			assert.Equal(t, tc.want, commerce.Code(got), "%v", got)
			if tc.err != nil && tc.want != commerce.CodeNotFound {
				assert.ErrorIs(t, got, tc.err, "the cause stays in the chain")
			}
			if tc.err != nil {
				var ce *commerce.Error
				if assert.ErrorAs(t, got, &ce) {
					assert.NotContains(t, ce.Message, "SQLSTATE", "the driver's text stays out of the message")
				}
			}
		})
	}
}

func TestConstraintOf(t *testing.T) {
	err := fmt.Errorf("insert: %w", &pgconn.PgError{Code: pgUniqueViolation, ConstraintName: "catalog_variants_sku_key"})
	assert.Equal(t, "catalog_variants_sku_key", constraintOf(err))
	assert.Empty(t, constraintOf(errors.New("plain")))
}

// TestCatalogConflictSpeaksPlainly: a duplicate review is a Conflict that
// says so, with no driver text (constraint, SQLSTATE) in the error at all.
func TestCatalogConflictSpeaksPlainly(t *testing.T) {
	pgErr := &pgconn.PgError{Code: pgUniqueViolation, ConstraintName: "catalog_reviews_one_per_customer",
		Message: `duplicate key value violates unique constraint "catalog_reviews_one_per_customer"`}
	err := catalogConflict(fmt.Errorf("insert: %w", pgErr), "create review")
	assert.Equal(t, commerce.CodeConflict, commerce.Code(err))
	assert.Contains(t, err.Error(), "already reviewed")
	assert.NotContains(t, err.Error(), "SQLSTATE")
	assert.NotContains(t, err.Error(), "catalog_reviews_one_per_customer")
}
