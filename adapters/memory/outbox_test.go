package memory_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
)

// flakyPublisher fails while down is set and records what it took.
type flakyPublisher struct {
	*commercetest.Recorder
	mu       sync.Mutex
	down     bool
	failures int
}

func (p *flakyPublisher) setDown(down bool) {
	p.mu.Lock()
	p.down = down
	p.mu.Unlock()
}

func (p *flakyPublisher) Publish(ctx context.Context, events ...commerce.Envelope) error {
	p.mu.Lock()
	down := p.down
	if down {
		p.failures++
	}
	p.mu.Unlock()
	if down {
		return errors.New("bus unreachable")
	}
	return p.Recorder.Publish(ctx, events...)
}

func (p *flakyPublisher) failed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failures
}

func tested(i int) commerce.Envelope {
	return commerce.NewEnvelope(fmt.Sprintf("agg_%d", i%3), time.Now(), eventbustest.Tested{Seq: i})
}

func newOutbox(t *testing.T, to commerce.EventPublisher) *memory.Outbox {
	t.Helper()
	o, err := memory.NewOutbox(to, &memory.OutboxOptions{Batch: 7, RetryDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = o.Close(context.Background()) })
	return o
}

func seqs(envs []commerce.Envelope) []int {
	out := make([]int, len(envs))
	for i, e := range envs {
		out[i] = e.Payload.(eventbustest.Tested).Seq
	}
	return out
}

// TestOutboxHoldsEventsWhileTheBusIsDown: a change's events are taken at
// once while the publisher fails, and published, in order, once it
// recovers.
func TestOutboxHoldsEventsWhileTheBusIsDown(t *testing.T) {
	bus := &flakyPublisher{Recorder: commercetest.NewRecorder(), down: true}
	o := newOutbox(t, bus)
	require.NoError(t, o.Start(context.Background()))
	ctx := context.Background()
	want := make([]int, 50)
	for i := range want {
		want[i] = i
		require.NoError(t, o.Publish(ctx, tested(i)), "a publish never fails for the bus's sake")
	}
	require.Eventually(t, func() bool { return bus.failed() >= 3 }, 10*time.Second, time.Millisecond, "the outbox retries")
	assert.Empty(t, bus.Envelopes())
	assert.Equal(t, 50, o.Pending())

	bus.setDown(false)
	bus.WaitFor(t, 10*time.Second, eventbustest.Tested{}.EventName(), 50)
	assert.Equal(t, want, seqs(bus.Envelopes()), "in the order taken, each once")
	assert.Zero(t, o.Pending())
}

// TestOutboxWaitsForStartAndDrainsOnClose: events taken before Start wait
// for it, and Close publishes what is queued before returning.
func TestOutboxWaitsForStartAndDrainsOnClose(t *testing.T) {
	bus := &flakyPublisher{Recorder: commercetest.NewRecorder()}
	o := newOutbox(t, bus)
	ctx := context.Background()
	require.NoError(t, o.Publish(ctx, tested(0), tested(1)))
	assert.Empty(t, bus.Envelopes(), "nothing is forwarded before Start")
	require.NoError(t, o.Start(ctx))
	require.NoError(t, o.Start(ctx), "starting twice is a no-op")
	for i := 2; i < 40; i++ {
		require.NoError(t, o.Publish(ctx, tested(i)))
	}
	require.NoError(t, o.Close(ctx))
	assert.Len(t, bus.Envelopes(), 40, "Close waits for the queue to drain")

	err := o.Publish(ctx, tested(99))
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err), "a closed outbox takes nothing")
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(o.Start(ctx)))
	assert.NoError(t, o.Close(ctx), "closing twice is a no-op")
}

// TestOutboxCloseReportsWhatItCouldNotPublish: a bus still down when
// Close's context ends leaves the events unpublished, and Close says so.
func TestOutboxCloseReportsWhatItCouldNotPublish(t *testing.T) {
	bus := &flakyPublisher{Recorder: commercetest.NewRecorder(), down: true}
	o := newOutbox(t, bus)
	ctx := context.Background()
	require.NoError(t, o.Start(ctx))
	require.NoError(t, o.Publish(ctx, tested(0), tested(1), tested(2)))
	closing, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	err := o.Close(closing)
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	assert.Contains(t, err.Error(), "3 events unpublished")
}

// TestOutboxRefusesInvalidEnvelopes: an invalid envelope is refused whole,
// before anything of the call is queued.
func TestOutboxRefusesInvalidEnvelopes(t *testing.T) {
	o := newOutbox(t, commercetest.NewRecorder())
	err := o.Publish(context.Background(), tested(0), commerce.Envelope{})
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	assert.Zero(t, o.Pending())

	_, err = memory.NewOutbox(nil, nil)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = memory.NewOutbox(commercetest.NewRecorder(), &memory.OutboxOptions{Batch: -1})
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

// TestOutboxUnderConcurrentStores: stores publishing from many goroutines
// while the bus flaps lose nothing.
func TestOutboxUnderConcurrentStores(t *testing.T) {
	bus := &flakyPublisher{Recorder: commercetest.NewRecorder()}
	o := newOutbox(t, bus)
	ctx := context.Background()
	require.NoError(t, o.Start(ctx))
	const writers, each = 8, 100
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				bus.setDown(i%10 == 3)
				assert.NoError(t, o.Publish(ctx, tested(w*each+i)))
			}
		}()
	}
	wg.Wait()
	bus.setDown(false)
	bus.WaitFor(t, 10*time.Second, eventbustest.Tested{}.EventName(), writers*each)
	got := map[int]bool{}
	for _, s := range seqs(bus.Envelopes()) {
		got[s] = true
	}
	assert.Len(t, got, writers*each, "every event arrives")
}
