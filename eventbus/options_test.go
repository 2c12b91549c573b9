package eventbus

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

func TestRetryBackoffGrowsAndCaps(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 10, InitialInterval: 100 * time.Millisecond, MaxInterval: time.Second, Multiplier: 2}
	got := p.retry().Waits()[:6]
	assert.Equal(t, []time.Duration{
		100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond,
		800 * time.Millisecond, time.Second, time.Second,
	}, got)
}

func TestOptionsDefaultsAndValidation(t *testing.T) {
	o, err := (*Options)(nil).withDefaults()
	require.NoError(t, err)
	assert.Equal(t, 5, o.Retry.MaxAttempts)
	assert.Equal(t, "poison", o.PoisonTopic)
	assert.NotNil(t, o.Registry)
	assert.NotNil(t, o.Deduplicator)

	for name, bad := range map[string]Options{
		"prefix with a dot":   {TopicPrefix: "shop.a"},
		"poison with a space": {PoisonTopic: "dead letters"},
		"negative attempts":   {Retry: RetryPolicy{MaxAttempts: -1}},
		"shrinking backoff":   {Retry: RetryPolicy{Multiplier: 0.5}},
	} {
		_, err := bad.withDefaults()
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), name)
	}
}

func TestTopicForKeepsNamesApart(t *testing.T) {
	assert.Equal(t, "shop1_cart-item_added", topicFor("shop1_", "cart.item_added"))
	assert.NotEqual(t, topicFor("", "a.b_c"), topicFor("", "a_b.c"))
}

func TestMemoryDeduplicatorForgetsAfterWindow(t *testing.T) {
	clock := commerce.NewTestClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	d := NewMemoryDeduplicator(time.Minute, clock)
	ctx := t.Context()

	seen, err := d.Seen(ctx, "g/evt_1")
	require.NoError(t, err)
	assert.False(t, seen)
	require.NoError(t, d.Mark(ctx, "g/evt_1"))
	seen, _ = d.Seen(ctx, "g/evt_1")
	assert.True(t, seen)

	clock.Advance(time.Minute)
	seen, _ = d.Seen(ctx, "g/evt_1")
	assert.False(t, seen, "keys expire after the window")
	require.NoError(t, d.Mark(ctx, "g/evt_2"))
	d.mu.Lock()
	defer d.mu.Unlock()
	assert.NotContains(t, d.marked, "g/evt_1", "expired keys are pruned")
}

func TestNewRejectsNilBackend(t *testing.T) {
	_, err := New(nil, nil)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}
