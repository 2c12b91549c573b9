package search

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mercatohq/mercato/commerce"
)

// label completes an index's counts of facet f: brands and categories
// sorted by count, then name; price buckets with their bounds and labels;
// rating buckets with their labels. Buckets the index left out count 0.
func (s *Service) label(f string, c commerce.Currency, req Request, counts []FacetCount) []FacetCount {
	switch f {
	case FacetPrice:
		bounds := req.PriceBuckets
		byValue := countsByValue(counts)
		out := make([]FacetCount, 0, len(bounds)+1)
		for i := 0; i <= len(bounds); i++ {
			fc := FacetCount{}
			var lo, hi string
			if i > 0 {
				m := commerce.MustMoney(bounds[i-1], c)
				fc.Min, lo = &m, strconv.FormatInt(bounds[i-1], 10)
			}
			if i < len(bounds) {
				m := commerce.MustMoney(bounds[i], c)
				fc.Max, hi = &m, strconv.FormatInt(bounds[i], 10)
			}
			fc.Value = lo + "-" + hi
			fc.Count = byValue[fc.Value]
			switch {
			case fc.Min == nil:
				fc.Name = "under " + fc.Max.String()
			case fc.Max == nil:
				fc.Name = fc.Min.String() + " and above"
			default:
				fc.Name = fc.Min.String() + " to " + fc.Max.String()
			}
			out = append(out, fc)
		}
		return out
	case FacetRating:
		byValue := countsByValue(counts)
		out := make([]FacetCount, 0, len(req.RatingBuckets))
		for _, b := range req.RatingBuckets {
			v := strconv.FormatInt(b, 10)
			out = append(out, FacetCount{Value: v, Name: fmt.Sprintf("%s+ stars", strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%d.%02d", b/100, b%100), "00"), ".")), Count: byValue[v]})
		}
		return out
	default:
		out := slices.Clone(counts)
		if out == nil {
			out = []FacetCount{}
		}
		slices.SortFunc(out, func(a, b FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			if a.Name != b.Name {
				return strings.Compare(a.Name, b.Name)
			}
			return strings.Compare(a.Value, b.Value)
		})
		return out
	}
}

func countsByValue(counts []FacetCount) map[string]int {
	m := make(map[string]int, len(counts))
	for _, c := range counts {
		m[c.Value] += c.Count
	}
	return m
}
