package sample_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/recommend"
	"github.com/mercatohq/mercato/recommend/sample"
)

// Train on everything but each shopper's last purchase, then see how
// often the model and the popular list find it among ten.
func ExampleEvaluate() {
	ctx := context.Background()
	w := sample.New(sample.Config{Seed: 1, Products: 500, Tastes: 20, Shoppers: 800})
	train, held := w.Split()
	log := memory.NewActivityLog(nil)
	if err := log.Append(ctx, train...); err != nil {
		panic(err)
	}
	store := memory.NewRecommendationStore(nil)
	batch, err := recommend.NewBatch(log, store, &recommend.BatchOptions{Retention: -1, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	if _, err := batch.RunBatch(ctx); err != nil {
		panic(err)
	}
	q, err := sample.Evaluate(ctx, store, held)
	if err != nil {
		panic(err)
	}
	fmt.Println("model beats popularity:", q.Model.HitRate > 2*q.Popular.HitRate)
	// Output:
	// model beats popularity: true
}
