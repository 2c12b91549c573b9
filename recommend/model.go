package recommend

import (
	"container/heap"
	"math"
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// model is the state a Batch folds activity into, kept between runs so
// that each run reads only the activity logged since the last one.
//
// Counts decay: an activity at time t weighs 2^((t-ref)/halfLife), so
// older activity fades without rewriting the counts on every run; ref
// moves forward (and every count is scaled down) when weights grow large.
// Its memory is bounded by the catalog (per-product counts and top-k
// lists), the open sessions, the customers' recent products (ProfileSize
// each) and MaxPairs co-occurring pairs.
type model struct {
	opts BatchOptions

	ids      map[commerce.ProductID]uint32
	products []commerce.ProductID
	occ      []float32 // decayed number of baskets holding the product
	pop      []float32 // decayed, kind-weighted activity on the product
	pairs    map[uint64]float32

	baskets  map[string]*basket
	profiles map[commerce.CustomerID]*profile

	ref   time.Time // the time whose activity weighs 1
	now   time.Time // the latest activity seen
	added int
}

// basket is one open session: the distinct products in it, in order.
type basket struct {
	items []uint32
	last  time.Time
}

// profile is a customer's recent products, the most recent last.
type profile struct {
	items []profileItem
}

// profileItem is 16 bytes: a million of them (50,000 customers) fit in
// 16 MB.
type profileItem struct {
	item   uint32
	weight float32
	at     int64 // unix seconds of the latest activity
	bought bool
}

func newModel(opts BatchOptions) *model {
	return &model{
		opts:     opts,
		ids:      map[commerce.ProductID]uint32{},
		pairs:    map[uint64]float32{},
		baskets:  map[string]*basket{},
		profiles: map[commerce.CustomerID]*profile{},
	}
}

// maxExponent bounds log2 of a weight before the counts are rescaled:
// float32 keeps 24 bits of precision, so this leaves counts room.
const maxExponent = 40

// weightAt is the decayed weight of activity at t.
func (m *model) weightAt(t time.Time) float32 {
	if m.ref.IsZero() {
		m.ref = t
	}
	e := float64(t.Sub(m.ref)) / float64(m.opts.HalfLife)
	if e > maxExponent {
		m.rebase(t)
		e = 0
	}
	return float32(math.Exp2(e))
}

// unit is the weight of activity at the latest time seen: one fresh
// co-occurrence.
func (m *model) unit() float32 {
	if m.ref.IsZero() {
		return 1
	}
	return float32(math.Exp2(float64(m.now.Sub(m.ref)) / float64(m.opts.HalfLife)))
}

// rebase moves ref to t, scaling every count to match.
func (m *model) rebase(t time.Time) {
	f := float32(math.Exp2(-float64(t.Sub(m.ref)) / float64(m.opts.HalfLife)))
	for i := range m.occ {
		m.occ[i] *= f
		m.pop[i] *= f
	}
	for k, v := range m.pairs {
		if v *= f; v < 1e-6 {
			delete(m.pairs, k)
		} else {
			m.pairs[k] = v
		}
	}
	for _, p := range m.profiles {
		for i := range p.items {
			p.items[i].weight *= f
		}
	}
	m.ref = t
}

func (m *model) intern(id commerce.ProductID) uint32 {
	if i, ok := m.ids[id]; ok {
		return i
	}
	i := uint32(len(m.products))
	m.ids[id] = i
	m.products = append(m.products, id)
	m.occ = append(m.occ, 0)
	m.pop = append(m.pop, 0)
	return i
}

func pairKey(a, b uint32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}

// add folds one activity into the model.
func (m *model) add(a Activity) {
	if a.At.After(m.now) {
		m.now = a.At
	}
	w := m.weightAt(a.At)
	i := m.intern(a.ProductID)
	m.pop[i] += w * a.Kind.weight()

	key := a.shopper()
	b := m.baskets[key]
	if b == nil || a.At.Sub(b.last) > m.opts.SessionGap {
		b = &basket{}
		m.baskets[key] = b
	}
	if a.At.After(b.last) {
		b.last = a.At
	}
	if !slices.Contains(b.items, i) && len(b.items) < m.opts.MaxBasket {
		m.occ[i] += w
		for _, j := range b.items {
			m.pairs[pairKey(i, j)] += w
		}
		b.items = append(b.items, i)
	}
	if !a.CustomerID.IsZero() {
		m.remember(a, i, w, b)
	}

	m.added++
	if m.added%8192 == 0 {
		m.sweep()
	}
}

// remember updates the customer's profile with a; a purchase also
// co-occurs with the customer's earlier purchases outside this session,
// which is how orders days apart still teach what goes with what.
func (m *model) remember(a Activity, i uint32, w float32, b *basket) {
	p := m.profiles[a.CustomerID]
	if p == nil {
		p = &profile{}
		m.profiles[a.CustomerID] = p
	}
	if a.Kind == Purchased {
		for _, it := range p.items {
			if it.bought && it.item != i && !slices.Contains(b.items, it.item) {
				m.pairs[pairKey(i, it.item)] += w
			}
		}
	}
	entry := profileItem{item: i, weight: w * a.Kind.weight(), at: a.At.Unix(), bought: a.Kind == Purchased}
	if k := slices.IndexFunc(p.items, func(it profileItem) bool { return it.item == i }); k >= 0 {
		old := p.items[k]
		entry.weight += old.weight
		entry.bought = entry.bought || old.bought
		entry.at = max(entry.at, old.at)
		p.items = slices.Delete(p.items, k, k+1)
	}
	p.items = append(p.items, entry)
	if len(p.items) > m.opts.ProfileSize {
		p.items = slices.Delete(p.items, 0, len(p.items)-m.opts.ProfileSize)
	}
}

// sweep closes the sessions idle for longer than the session gap and,
// when the pairs outgrow MaxPairs, forgets the weakest ones (those seen
// about once, then twice...), which are the noise of co-occurrence.
func (m *model) sweep() {
	cutoff := m.now.Add(-m.opts.SessionGap)
	for k, b := range m.baskets {
		if b.last.Before(cutoff) {
			delete(m.baskets, k)
		}
	}
	if len(m.pairs) <= m.opts.MaxPairs {
		return
	}
	floor := 1.5 * m.unit()
	for len(m.pairs) > m.opts.MaxPairs*3/4 {
		for k, v := range m.pairs {
			if v < floor {
				delete(m.pairs, k)
			}
		}
		floor *= 2
	}
}

// neighbor is a product and its similarity to another.
type neighbor struct {
	item uint32
	sim  float32
}

// topK keeps the k best neighbors seen: a min-heap on similarity.
type topK []neighbor

func (h topK) Len() int { return len(h) }
func (h topK) Less(i, j int) bool {
	if h[i].sim != h[j].sim {
		return h[i].sim < h[j].sim
	}
	return h[i].item > h[j].item
}
func (h topK) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *topK) Push(x any)   { *h = append(*h, x.(neighbor)) }
func (h *topK) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// offer adds n to h if it is among the k best.
func (h *topK) offer(n neighbor, k int) {
	if len(*h) < k {
		heap.Push(h, n)
		return
	}
	if (*h)[0].sim < n.sim || ((*h)[0].sim == n.sim && (*h)[0].item > n.item) {
		(*h)[0] = n
		heap.Fix(h, 0)
	}
}

// sorted returns h best first.
func (h topK) sorted() []neighbor {
	out := slices.Clone(h)
	slices.SortFunc(out, func(a, b neighbor) int {
		switch {
		case a.sim > b.sim:
			return -1
		case a.sim < b.sim:
			return 1
		}
		return int(a.item) - int(b.item)
	})
	return out
}

// shrink damps the similarity of pairs seen together only a few times,
// in fresh co-occurrences: sim × c/(c+shrink).
const shrink = 2

// neighbors returns each product's k most similar products by cosine
// similarity of the baskets holding them: c(a,b)/√(n(a)·n(b)). Dividing
// by how often each product occurs is what keeps the best sellers from
// being every product's neighbor.
func (m *model) neighbors(k int) [][]neighbor {
	heaps := make([]topK, len(m.products))
	unit := m.unit()
	for key, c := range m.pairs {
		a, b := uint32(key>>32), uint32(key)
		d := m.occ[a] * m.occ[b]
		if d <= 0 {
			continue
		}
		sim := c / float32(math.Sqrt(float64(d))) * (c / (c + shrink*unit))
		heaps[a].offer(neighbor{b, sim}, k)
		heaps[b].offer(neighbor{a, sim}, k)
	}
	out := make([][]neighbor, len(heaps))
	for i, h := range heaps {
		out[i] = h.sorted()
	}
	return out
}

// revisit is how much a product the customer showed interest in but did
// not buy counts toward recommending it back, relative to a neighbor of
// full similarity.
const revisit = 0.3

// personal returns the customer's recommendations: the neighbors of
// their recent products, weighted by how strong and how recent their
// interest was, without what they bought.
func (m *model) personal(p *profile, nbrs [][]neighbor, n int, scores map[uint32]float32) []neighbor {
	clear(scores)
	bought := func(item uint32) bool {
		return slices.ContainsFunc(p.items, func(it profileItem) bool { return it.bought && it.item == item })
	}
	for _, it := range p.items {
		if !it.bought {
			scores[it.item] += revisit * it.weight
		}
		for _, nb := range nbrs[it.item] {
			scores[nb.item] += it.weight * nb.sim
		}
	}
	var h topK
	for item, s := range scores {
		if s > 0 && !bought(item) {
			h.offer(neighbor{item, s}, n)
		}
	}
	return h.sorted()
}

// popular returns the n products with the most weighted activity among
// those keep accepts (all when keep is nil).
func (m *model) popular(n int, keep func(uint32) bool) []neighbor {
	var h topK
	for i, p := range m.pop {
		if p > 0 && (keep == nil || keep(uint32(i))) {
			h.offer(neighbor{uint32(i), p}, n)
		}
	}
	return h.sorted()
}

// scored turns neighbors into a store list.
func (m *model) scored(ns []neighbor) []Scored {
	out := make([]Scored, len(ns))
	for i, n := range ns {
		out[i] = Scored{ProductID: m.products[n.item], Score: float64(n.sim)}
	}
	return out
}
