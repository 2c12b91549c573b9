package customer

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

// TestHashSlotsBoundHashing: past the bound a hash waits for a slot, and
// is Unavailable when none frees within the wait or the context.
func TestHashSlotsBoundHashing(t *testing.T) {
	h := newHashSlots(2, 20*time.Millisecond)
	ctx := context.Background()
	r1, err := h.acquire(ctx)
	require.NoError(t, err)
	r2, err := h.acquire(ctx)
	require.NoError(t, err)

	_, err = h.acquire(ctx)
	assert.ErrorIs(t, err, commerce.ErrUnavailable, "no slot frees within the wait")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = h.acquire(cancelled)
	assert.ErrorIs(t, err, commerce.ErrUnavailable, "no slot within the context")

	got := make(chan error, 1)
	waiting := newHashSlots(1, time.Minute)
	r3, err := waiting.acquire(ctx)
	require.NoError(t, err)
	go func() {
		release, err := waiting.acquire(ctx)
		if err == nil {
			release()
		}
		got <- err
	}()
	r3()
	require.NoError(t, <-got, "a waiting hash gets the slot given back")
	r1()
	r2()
}

// TestLoginBoundsConcurrentHashes: with one slot held, a login cannot
// hash and fails Unavailable instead of taking more memory.
func TestLoginBoundsConcurrentHashes(t *testing.T) {
	svc, err := NewService(stubStore{}, &Options{MaxConcurrentHashes: 1, HashWait: 10 * time.Millisecond,
		Password: PasswordParams{Memory: 64, Iterations: 1, Parallelism: 1}})
	require.NoError(t, err)
	release, err := svc.hashing.acquire(context.Background())
	require.NoError(t, err)
	defer release()
	_, err = svc.Login(context.Background(), "ada@example.com", "password")
	assert.ErrorIs(t, err, commerce.ErrUnavailable)
}

// stubStore knows no customer.
type stubStore struct{ Store }

func (stubStore) GetByEmail(context.Context, string) (Customer, error) {
	return Customer{}, commerce.Errorf(commerce.CodeNotFound, "no customer")
}
