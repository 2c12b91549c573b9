package eventbus_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
)

type ctxKey struct{}

// TestOptionsMiddlewareWrapsEveryAttempt shows the host middleware's place
// in the chain: once per attempt, a panic seen as an error, and the context
// it sets reaching the handler.
func TestOptionsMiddlewareWrapsEveryAttempt(t *testing.T) {
	var (
		mu   sync.Mutex
		errs []error
	)
	record := func(h message.HandlerFunc) message.HandlerFunc {
		return func(msg *message.Message) ([]*message.Message, error) {
			msg.SetContext(context.WithValue(msg.Context(), ctxKey{}, "from middleware"))
			out, err := h(msg)
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			return out, err
		}
	}
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{
		Retry:      eventbus.RetryPolicy{MaxAttempts: 3, InitialInterval: time.Millisecond},
		Middleware: []message.HandlerMiddleware{record},
		Logger:     eventbustest.Logger(t),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })

	var (
		calls int
		seen  = make(chan any, 3)
	)
	require.NoError(t, eventbus.Handle(bus, "g", func(ctx context.Context, _ commerce.Envelope, _ eventbustest.Tested) error {
		calls++
		seen <- ctx.Value(ctxKey{})
		switch calls {
		case 1:
			return errors.New("transient")
		case 2:
			panic("boom")
		}
		return nil
	}))
	require.NoError(t, bus.Start(context.Background()))
	require.NoError(t, bus.Publish(context.Background(), commerce.NewEnvelope("agg", time.Now(), eventbustest.Tested{Seq: 1})))

	for range 3 {
		select {
		case v := <-seen:
			require.Equal(t, "from middleware", v)
		case <-time.After(10 * time.Second):
			t.Fatal("the handler did not run three times")
		}
	}
	require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(errs) == 3 }, 10*time.Second, 5*time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	require.EqualError(t, errs[0], "transient")
	require.ErrorContains(t, errs[1], "handler panicked: boom")
	require.NoError(t, errs[2])
}
