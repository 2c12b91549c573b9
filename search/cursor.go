package search

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"

	"github.com/mercatohq/mercato/commerce"
)

// pageCursor is what a NextCursor holds: the sort key of the last hit
// handed out, and a fingerprint of the query it belongs to.
type pageCursor struct {
	// Key holds the sort key's strings as bytes, because an index's keys
	// may be any bytes and JSON strings are UTF-8.
	Key         [][]byte `json:"k"`
	Fingerprint string   `json:"q"`
}

func encodeCursor(key []string, q Query) (string, error) {
	c := pageCursor{Key: make([][]byte, len(key)), Fingerprint: fingerprint(q)}
	for i, k := range key {
		c.Key[i] = []byte(k)
	}
	return commerce.EncodeCursor(c)
}

// decodeCursor returns the sort key a cursor holds, refusing a cursor
// minted for another query or sort: its position would mean nothing.
func decodeCursor(s string, q Query) ([]string, error) {
	var c pageCursor
	if err := commerce.DecodeCursor(s, &c); err != nil {
		return nil, err
	}
	if len(c.Key) == 0 {
		return nil, invalid("cursor", "invalid cursor")
	}
	if c.Fingerprint != fingerprint(q) {
		return nil, invalid("cursor", "the cursor belongs to another query or sort")
	}
	key := make([]string, len(c.Key))
	for i, k := range c.Key {
		key[i] = string(k)
	}
	return key, nil
}

// fingerprint identifies what a normalised query finds and in which order:
// everything but the page size and the facets, which a client may change
// from page to page.
func fingerprint(q Query) string {
	q.PageSize, q.Facets, q.Cursor = 0, nil, ""
	raw, err := json.Marshal(q)
	if err != nil {
		// A normalised Query always marshals; a failure would be a bug
		// that makes every cursor of the query invalid, which is safe.
		return ""
	}
	sum := sha256.Sum256(raw)
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}
