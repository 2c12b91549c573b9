package commerce_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mercatohq/mercato/commerce"
)

func TestCodeOfErrors(t *testing.T) {
	notFound := commerce.Errorf(commerce.CodeNotFound, "cart %s", "cart_1")
	tests := []struct {
		name string
		err  error
		want commerce.ErrorCode
	}{
		{"nil", nil, ""},
		{"direct", notFound, commerce.CodeNotFound},
		{"wrapped by fmt", fmt.Errorf("load: %w", notFound), commerce.CodeNotFound},
		{"joined", errors.Join(io.EOF, notFound), commerce.CodeNotFound},
		{"sentinel", commerce.ErrOutOfStock, commerce.CodeOutOfStock},
		{"context cancelled", fmt.Errorf("query: %w", context.Canceled), commerce.CodeUnavailable},
		{"deadline", context.DeadlineExceeded, commerce.CodeUnavailable},
		{"plain error", io.EOF, commerce.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, commerce.Code(tt.err))
		})
	}
}

func TestErrorsIsMatchesByCode(t *testing.T) {
	err := fmt.Errorf("reserve: %w", commerce.Errorf(commerce.CodeOutOfStock, "sku %s: want 3, have 1", "TEE-M"))
	assert.ErrorIs(t, err, commerce.ErrOutOfStock)
	assert.NotErrorIs(t, err, commerce.ErrNotFound)
	assert.NotErrorIs(t, io.EOF, commerce.ErrInternal, "a plain error carries no code to match")
}

func TestErrorfWrapsCause(t *testing.T) {
	err := commerce.Errorf(commerce.CodeUnavailable, "redis: %w", io.ErrUnexpectedEOF)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.ErrorIs(t, err, commerce.ErrUnavailable)
	assert.Equal(t, "unavailable: redis: unexpected EOF", err.Error())

	plain := commerce.Errorf(commerce.CodeInvalidArgument, "quantity %d", -1)
	assert.NoError(t, plain.Unwrap())
}

func TestWithDetailCopies(t *testing.T) {
	base := commerce.Errorf(commerce.CodeInvalidArgument, "bad quantity")
	a := base.WithDetail("field", "quantity")
	b := a.WithDetail("max", 99)
	assert.Nil(t, base.Details)
	assert.Equal(t, map[string]any{"field": "quantity"}, a.Details)
	assert.Equal(t, map[string]any{"field": "quantity", "max": 99}, b.Details)
}

func TestSentinelsHaveDistinctCodes(t *testing.T) {
	sentinels := []error{
		commerce.ErrNotFound, commerce.ErrInvalidArgument, commerce.ErrConflict, commerce.ErrOutOfStock,
		commerce.ErrPaymentDeclined, commerce.ErrFailedPrecondition, commerce.ErrUnavailable,
		commerce.ErrUnauthenticated, commerce.ErrPermissionDenied, commerce.ErrResourceExhausted, commerce.ErrInternal,
	}
	seen := map[commerce.ErrorCode]bool{}
	for _, s := range sentinels {
		code := commerce.Code(s)
		assert.False(t, seen[code], "duplicate code %s", code)
		seen[code] = true
		for _, other := range sentinels {
			assert.Equal(t, s == other, errors.Is(s, other))
		}
	}
}
