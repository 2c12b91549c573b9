package bleve

import (
	"fmt"

	"github.com/mercatohq/mercato/search"
)

// sortKeys returns a document's sort keys (prices aside, see priceKeys): one keyword per sort, whose
// byte order is the sort's order, ending with the product ID so no two
// products tie. Numbers are fixed-width hex, inverted (max - n) where the
// sort is descending. One short keyword per hit is all a sort reads from
// the doc values, where a number would cost its sixteen prefix-coded
// terms and a tie-break field a second read.
func sortKeys(d search.Document) map[string]string {
	id := string(d.ProductID)
	rating := 0xfff - uint64(max(d.RatingHundredths, 0))&0xfff
	count := 0xffffffffff - uint64(max(d.RatingCount, 0))&0xffffffffff
	created := ^uint64(d.CreatedAt.UnixMicro())
	return map[string]string{
		fieldKeyRelevance: fmt.Sprintf("%03x%s", rating, id),
		fieldKeyRating:    fmt.Sprintf("%03x%010x%s", rating, count, id),
		fieldKeyNewest:    fmt.Sprintf("%016x%s", created, id),
	}
}

// priceKeys returns a document's price sort keys, ascending and
// descending, per currency.
func priceKeys(d search.Document) (asc, desc map[string]any) {
	asc, desc = make(map[string]any, len(d.Prices)), make(map[string]any, len(d.Prices))
	for _, m := range d.Prices {
		a := uint64(max(m.Amount(), 0))
		c := string(m.Currency())
		asc[c] = fmt.Sprintf("%016x%s", a, d.ProductID)
		desc[c] = fmt.Sprintf("%016x%s", ^a, d.ProductID)
	}
	return asc, desc
}
