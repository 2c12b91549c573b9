package recommend_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
)

// A batch run turns logged activity into lists: here, two sessions
// bought a kettle with a teapot, one with a toaster.
func ExampleBatch() {
	ctx := context.Background()
	log := memory.NewActivityLog(nil)
	store := memory.NewRecommendationStore(nil)
	kettle, teapot, toaster := commerce.ProductID("prod_01J00000000000000000000001"), commerce.ProductID("prod_01J00000000000000000000002"), commerce.ProductID("prod_01J00000000000000000000003")
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	var acts []recommend.Activity
	for i, other := range []commerce.ProductID{teapot, teapot, toaster} {
		session := fmt.Sprintf("cart-%d", i)
		acts = append(acts,
			recommend.Activity{ID: session + "-1", Kind: recommend.Purchased, ProductID: kettle, SessionID: session, At: at},
			recommend.Activity{ID: session + "-2", Kind: recommend.Purchased, ProductID: other, SessionID: session, At: at},
		)
		at = at.Add(time.Hour)
	}
	if err := log.Append(ctx, acts...); err != nil {
		panic(err)
	}
	batch, err := recommend.NewBatch(log, store, &recommend.BatchOptions{Logger: quiet})
	if err != nil {
		panic(err)
	}
	rep, err := batch.RunBatch(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(rep.Activities, "activities read")
	list, _ := store.List(ctx, recommend.ListKey{Kind: recommend.ItemList, ID: kettle.String()}, 10)
	for _, s := range list {
		fmt.Println(s.ProductID == teapot, s.ProductID == toaster)
	}
	// Output:
	// 6 activities read
	// true false
	// false true
}

// A Tracker publishes views off the request path; a Collector's handlers
// log them (a host subscribes them to its bus).
func ExampleTracker() {
	ctx, stop := context.WithCancel(context.Background())
	log := memory.NewActivityLog(nil)
	collector, _ := recommend.NewCollector(log)
	// In a shop the tracker publishes to the bus and the bus calls the
	// collector's handlers; here a publisher calls them directly.
	deliver := publisherFunc(func(ctx context.Context, events ...commerce.Envelope) error {
		for _, env := range events {
			h, _ := collector.Handler(env.Name)
			if err := h(ctx, env); err != nil {
				return err
			}
		}
		return nil
	})
	tracker, _ := recommend.NewTracker(deliver, &recommend.TrackerOptions{Logger: quiet})
	done := make(chan struct{})
	go func() { defer close(done); _ = tracker.Run(ctx) }()

	tracker.Viewed("prod_01J00000000000000000000001", "cart-7", "")
	stop() // Run publishes what is queued before it returns
	<-done
	_, _ = log.Scan(context.Background(), "", func(a recommend.Activity) error {
		fmt.Println(a.Kind, a.SessionID)
		return nil
	})
	fmt.Printf("%+v\n", tracker.Stats())
	// Output:
	// viewed cart-7
	// {Published:1 Dropped:0}
}

type publisherFunc func(ctx context.Context, events ...commerce.Envelope) error

func (f publisherFunc) Publish(ctx context.Context, events ...commerce.Envelope) error {
	return f(ctx, events...)
}
