package sample_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/recommend"
	"github.com/mercatohq/mercato/recommend/sample"
)

func TestWorldIsDeterministicAndValid(t *testing.T) {
	cfg := sample.Config{Seed: 3, Products: 100, Shoppers: 50}
	var first []recommend.Activity
	for a := range sample.New(cfg).Activities() {
		require.NoError(t, a.Validate())
		first = append(first, a)
	}
	var second []recommend.Activity
	for a := range sample.New(cfg).Activities() {
		second = append(second, a)
	}
	assert.Equal(t, first, second, "one seed, one history")
	for i := 1; i < len(first); i++ {
		if first[i].SessionID == first[i-1].SessionID {
			assert.False(t, first[i].At.Before(first[i-1].At), "a session's activity is in time order")
		}
	}
}

func TestSplitHoldsOutTheLastPurchase(t *testing.T) {
	w := sample.New(sample.Config{Seed: 3, Products: 200, Shoppers: 200})
	train, held := w.Split()
	require.NotEmpty(t, held)
	for _, h := range held {
		assert.NotEmpty(t, h.Bought, "held-out shoppers bought before")
		for _, a := range train {
			if a.CustomerID == h.Customer && a.Kind == recommend.Purchased {
				assert.True(t, h.Bought[a.ProductID], "every purchase trained on is in Bought")
				if a.ProductID == h.Target {
					assert.True(t, h.Bought[h.Target], "the held-out purchase is not trained on, unless bought before")
				}
			}
		}
	}
}
