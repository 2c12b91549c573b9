package recommend_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/recommend"
	"github.com/mercatohq/mercato/recommend/sample"
)

// TestModelBeatsPopularity trains the batch on generated shoppers with
// each one's last purchase held out, and asks both the model and the
// shop-wide popular list to find it among ten.
func TestModelBeatsPopularity(t *testing.T) {
	ctx := context.Background()
	w := sample.New(sample.Config{Seed: 42})
	train, held := w.Split()
	require.NotEmpty(t, held)

	log := memory.NewActivityLog(nil)
	require.NoError(t, log.Append(ctx, train...))
	store := memory.NewRecommendationStore(nil)
	batch, err := recommend.NewBatch(log, store, &recommend.BatchOptions{Retention: -1, Logger: quiet})
	require.NoError(t, err)
	_, err = batch.RunBatch(ctx)
	require.NoError(t, err)

	q, err := sample.Evaluate(ctx, store, held)
	require.NoError(t, err)
	t.Logf("%d shoppers, %d training activities: model hit rate@10 %.3f NDCG@10 %.3f; popularity hit rate@10 %.3f NDCG@10 %.3f",
		q.Shoppers, len(train), q.Model.HitRate, q.Model.NDCG, q.Popular.HitRate, q.Popular.NDCG)
	assert.Greater(t, q.Model.HitRate, 2*q.Popular.HitRate, "hit rate: the model at least doubles popularity")
	assert.Greater(t, q.Model.HitRate-q.Popular.HitRate, 0.10, "hit rate: by ten points at least")
	assert.Greater(t, q.Model.NDCG, 2*q.Popular.NDCG, "NDCG: the model at least doubles popularity")
}
