package bleve

import (
	"sync"
)

// reviewCacheSize bounds the texts a reviewCache keeps answers for. An
// answer is at most Options.ReviewProducts product IDs.
const reviewCacheSize = 256

// reviewCache keeps reviewedProducts' answers by the words looked up,
// until the reviews index is next written. The reviews query scores every
// review holding all the words to keep the best few hundred: for a broad
// text ("battery life") that is tens of thousands of reviews, the larger
// part of the whole query's time, asked again for every page, facet
// change and sort of the same text.
//
// An answer is only ever served under the generation it was computed in,
// and Batch moves to a new generation once a write to the reviews index
// has returned, so a query that starts after a write sees its effect, as
// it would without the cache. Merges do not change which reviews match
// or their scores.
type reviewCache struct {
	mu      sync.Mutex
	gen     uint64
	answers map[string][]string
}

func newReviewCache() *reviewCache { return &reviewCache{answers: map[string][]string{}} }

// generation returns the current generation, which a later put of an
// answer computed from now on must carry.
func (c *reviewCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns the answer kept for key, if any.
func (c *reviewCache) get(key string) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.answers[key]
	return a, ok
}

// put keeps answer for key, computed in generation gen: an answer from
// before the latest write is dropped. When full, an arbitrary answer
// makes room.
func (c *reviewCache) put(gen uint64, key string, answer []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if _, ok := c.answers[key]; !ok && len(c.answers) >= reviewCacheSize {
		for k := range c.answers {
			delete(c.answers, k)
			break
		}
	}
	c.answers[key] = answer
}

// written starts a new generation, dropping every answer: the reviews
// index has changed.
func (c *reviewCache) written() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.answers)
}
