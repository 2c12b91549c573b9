package bleve

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	index "github.com/blevesearch/bleve_index_api"

	"github.com/mercatohq/mercato/search"
)

// storedFields reads the stored fields of documents, from one snapshot
// of each shard of a set, taken the first time the shard is read. Close
// releases the snapshots.
type storedFields struct {
	set     *shardSet
	readers []index.IndexReader
}

func newStoredFields(set *shardSet) *storedFields {
	return &storedFields{set: set, readers: make([]index.IndexReader, len(set.shards))}
}

// field returns the stored value of field of document id in shard, and
// false when the shard has no such document or it has no such field.
func (s *storedFields) field(shard int, id, field string) ([]byte, bool, error) {
	r := s.readers[shard]
	if r == nil {
		adv, err := s.set.shards[shard].Advanced()
		if err != nil {
			return nil, false, err
		}
		if r, err = adv.Reader(); err != nil {
			return nil, false, err
		}
		s.readers[shard] = r
	}
	doc, err := r.Document(id)
	if err != nil || doc == nil {
		return nil, false, err
	}
	var value []byte
	found := false
	doc.VisitFields(func(f index.Field) {
		if f.Name() == field {
			value, found = f.Value(), true
		}
	})
	return value, found, nil
}

func (s *storedFields) close() {
	for _, r := range s.readers {
		if r != nil {
			_ = r.Close()
		}
	}
}

// changedProducts returns the documents of docs, with their JSON, that
// the catalog index does not hold as they are: a document whose stored
// JSON is the same bytes would be written to the same fields, since every
// field is made from the document alone (catalogFields).
func (x *Index) changedProducts(docs []search.Document, skipUnchanged bool) ([]encodedDocument, error) {
	out := make([]encodedDocument, 0, len(docs))
	var stored *storedFields
	if skipUnchanged {
		stored = newStoredFields(x.catalog)
		defer stored.close()
	}
	for _, d := range docs {
		raw, err := encodeDocument(d)
		if err != nil {
			return nil, err
		}
		if stored != nil {
			held, ok, err := stored.field(x.catalog.shardOf(d.ProductID), string(d.ProductID), fieldDoc)
			if err != nil {
				return nil, fmt.Errorf("read document %s: %w", d.ProductID, err)
			}
			if ok && bytes.Equal(held, raw) {
				continue
			}
		}
		out = append(out, encodedDocument{doc: d, raw: raw})
	}
	return out, nil
}

// encodedDocument is a Document with its JSON, as the catalog index
// stores it.
type encodedDocument struct {
	doc search.Document
	raw []byte
}

// changedReviews returns the reviews the reviews index does not hold as
// they are, with the digest each is stored with (reviewDigest).
func (x *Index) changedReviews(reviews []search.ReviewDocument, skipUnchanged bool) ([]digestedReview, error) {
	out := make([]digestedReview, 0, len(reviews))
	var stored *storedFields
	if skipUnchanged {
		stored = newStoredFields(x.reviews)
		defer stored.close()
	}
	for _, r := range reviews {
		digest := reviewDigest(r)
		if stored != nil {
			held, ok, err := stored.field(x.reviews.shardOf(r.ProductID), reviewDocID(r.ProductID, r.ReviewID), fieldReviewDigest)
			if err != nil {
				return nil, fmt.Errorf("read review %s: %w", r.ReviewID, err)
			}
			if ok && string(held) == digest {
				continue
			}
		}
		out = append(out, digestedReview{review: r, digest: digest})
	}
	return out, nil
}

// digestedReview is a ReviewDocument with its digest.
type digestedReview struct {
	review search.ReviewDocument
	digest string
}

// reviewDigest identifies what the reviews index holds of r besides its
// document ID (its product and review IDs): its text. The index stores
// the digest rather than the text, which it does not need to show.
func reviewDigest(r search.ReviewDocument) string {
	sum := sha256.Sum256([]byte(r.Text))
	return hex.EncodeToString(sum[:16])
}
