package sample

import (
	"context"
	"math"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
)

// HeldOut is a shopper's last purchase, hidden from training, and what
// they had bought before it.
type HeldOut struct {
	Customer commerce.CustomerID
	Target   commerce.ProductID
	Bought   map[commerce.ProductID]bool
}

// Split returns the training activity (everything but each shopper's
// last purchasing session and what followed it) and the held-out
// purchases of the shoppers who bought at least twice before.
func (w *World) Split() (train []recommend.Activity, held []HeldOut) {
	last := map[int]int{} // shopper -> index of their last purchasing session
	purchases := map[int]int{}
	i := 0
	for s := range w.Sessions() {
		if len(s.Purchases()) > 0 {
			last[s.Shopper] = i
			purchases[s.Shopper]++
		}
		i++
	}
	bought := map[int]map[commerce.ProductID]bool{}
	done := map[int]bool{}
	i = 0
	for s := range w.Sessions() {
		li, ok := last[s.Shopper]
		switch {
		case done[s.Shopper]:
		case ok && i == li && purchases[s.Shopper] >= 3:
			done[s.Shopper] = true
			held = append(held, HeldOut{Customer: w.Shoppers[s.Shopper].ID, Target: s.Purchases()[0], Bought: bought[s.Shopper]})
		default:
			train = append(train, s.Activities...)
			for _, p := range s.Purchases() {
				if bought[s.Shopper] == nil {
					bought[s.Shopper] = map[commerce.ProductID]bool{}
				}
				bought[s.Shopper][p] = true
			}
		}
		i++
	}
	return train, held
}

// Metrics are the quality of a recommender over held-out purchases.
type Metrics struct {
	// HitRate is the share of held-out purchases among the ten
	// recommendations.
	HitRate float64
	// NDCG is the normalized discounted cumulative gain at ten: 1 when
	// the purchase is first, 1/log2(k+1) at rank k, 0 when absent.
	NDCG float64
}

// Quality compares the model with the popularity baseline.
type Quality struct {
	Model, Popular Metrics
	Shoppers       int
}

// Evaluate measures the lists of store's current run on held: each
// customer's own list, and the shop-wide popular list, both without what
// the customer bought before.
func Evaluate(ctx context.Context, store recommend.Store, held []HeldOut) (Quality, error) {
	const k = 10
	q := Quality{Shoppers: len(held)}
	popular, err := store.List(ctx, recommend.ListKey{Kind: recommend.PopularList}, recommend.MaxLimit)
	if err != nil {
		return q, err
	}
	for _, h := range held {
		own, err := store.List(ctx, recommend.ListKey{Kind: recommend.CustomerList, ID: h.Customer.String()}, recommend.MaxLimit)
		if err != nil {
			return q, err
		}
		// The model's list falls back to popular, as the Service does.
		score(&q.Model, top(k, h.Bought, own, popular), h.Target)
		score(&q.Popular, top(k, h.Bought, popular), h.Target)
	}
	if n := float64(len(held)); n > 0 {
		q.Model.HitRate, q.Model.NDCG = q.Model.HitRate/n, q.Model.NDCG/n
		q.Popular.HitRate, q.Popular.NDCG = q.Popular.HitRate/n, q.Popular.NDCG/n
	}
	return q, nil
}

// top returns the first k products of lists, in turn, skipping repeats
// and what was bought.
func top(k int, bought map[commerce.ProductID]bool, lists ...[]recommend.Scored) []commerce.ProductID {
	seen := map[commerce.ProductID]bool{}
	var out []commerce.ProductID
	for _, l := range lists {
		for _, s := range l {
			if len(out) == k {
				return out
			}
			if !bought[s.ProductID] && !seen[s.ProductID] {
				seen[s.ProductID] = true
				out = append(out, s.ProductID)
			}
		}
	}
	return out
}

// score adds the hit and gain of recs for target to m (sums; Evaluate
// averages them).
func score(m *Metrics, recs []commerce.ProductID, target commerce.ProductID) {
	for i, p := range recs {
		if p == target {
			m.HitRate++
			m.NDCG += 1 / math.Log2(float64(i+2))
			return
		}
	}
}
