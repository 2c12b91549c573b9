package bleve

import (
	"fmt"

	"github.com/mercatohq/mercato/search"
)

// sortKeys returns the keywords a document's rating and creation time
// are read from into the columns (see readColumns): fixed-width hex,
// inverted (max - n) so that ascending is best rated and newest first,
// each ending with the product ID. Keywords, not numbers: a number's doc
// values hold sixteen prefix-coded terms to decode.
func sortKeys(d search.Document) map[string]string {
	id := string(d.ProductID)
	rating := 0xfff - uint64(max(d.RatingHundredths, 0))&0xfff
	count := 0xffffffffff - uint64(max(d.RatingCount, 0))&0xffffffffff
	created := ^uint64(d.CreatedAt.UnixMicro())
	return map[string]string{
		fieldKeyRating: fmt.Sprintf("%03x%010x%s", rating, count, id),
		fieldKeyNewest: fmt.Sprintf("%016x%s", created, id),
	}
}
