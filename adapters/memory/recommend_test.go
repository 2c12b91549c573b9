package memory_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/recommend"
	"github.com/mercatohq/mercato/recommend/recommendtest"
)

func TestActivityLog(t *testing.T) {
	recommendtest.RunLog(t, func(*testing.T) recommend.Log { return memory.NewActivityLog(nil) })
}

func TestRecommendationStore(t *testing.T) {
	recommendtest.RunStore(t, func(*testing.T) recommend.Store { return memory.NewRecommendationStore(nil) })
}
