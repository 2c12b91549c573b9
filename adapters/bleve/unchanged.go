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
// of each shard of a set, taken the first time the shard is read; close
// releases the snapshots.
type storedFields struct {
	set     *shardSet
	readers []index.IndexReader
}

// storedFieldsIf returns the stored fields of set when read is true, and
// nil otherwise: a nil *storedFields holds nothing.
func storedFieldsIf(read bool, set *shardSet) *storedFields {
	if !read {
		return nil
	}
	return &storedFields{set: set, readers: make([]index.IndexReader, len(set.shards))}
}

// holds reports whether document id in shard stores want in field.
func (s *storedFields) holds(shard int, id, field string, want []byte) (bool, error) {
	if s == nil {
		return false, nil
	}
	r := s.readers[shard]
	if r == nil {
		adv, err := s.set.shards[shard].Advanced()
		if err != nil {
			return false, err
		}
		if r, err = adv.Reader(); err != nil {
			return false, err
		}
		s.readers[shard] = r
	}
	doc, err := r.Document(id)
	if err != nil || doc == nil {
		return false, err
	}
	held := false
	doc.VisitFields(func(f index.Field) {
		if f.Name() == field {
			held = bytes.Equal(f.Value(), want)
		}
	})
	return held, nil
}

func (s *storedFields) close() {
	if s == nil {
		return
	}
	for _, r := range s.readers {
		if r != nil {
			_ = r.Close()
		}
	}
}

// changedProducts returns the documents of docs, with their JSON, that
// the catalog index does not hold as they are (all of them unless
// skipUnchanged): a document whose stored JSON is the same bytes would be
// written to the same fields, since every field is made from the
// document alone (catalogFields).
func (x *Index) changedProducts(docs []search.Document, skipUnchanged bool) ([]encodedDocument, error) {
	encoded := make([]encodedDocument, len(docs))
	for i, d := range docs {
		raw, err := encodeDocument(d)
		if err != nil {
			return nil, err
		}
		encoded[i] = encodedDocument{doc: d, raw: raw}
	}
	return keepChanged(storedFieldsIf(skipUnchanged, x.catalog), fieldDoc, encoded, func(d encodedDocument) (int, string, []byte) {
		return x.catalog.shardOf(d.doc.ProductID), string(d.doc.ProductID), d.raw
	})
}

// encodedDocument is a Document with its JSON, as the catalog index
// stores it.
type encodedDocument struct {
	doc search.Document
	raw []byte
}

// changedReviews returns the reviews the reviews index does not hold as
// they are (all of them unless skipUnchanged), with the digest each is
// stored with (reviewDigest).
func (x *Index) changedReviews(reviews []search.ReviewDocument, skipUnchanged bool) ([]digestedReview, error) {
	digested := make([]digestedReview, len(reviews))
	for i, r := range reviews {
		digested[i] = digestedReview{review: r, digest: reviewDigest(r)}
	}
	return keepChanged(storedFieldsIf(skipUnchanged, x.reviews), fieldReviewDigest, digested, func(d digestedReview) (int, string, []byte) {
		return x.reviews.shardOf(d.review.ProductID), reviewDocID(d.review.ProductID, d.review.ReviewID), []byte(d.digest)
	})
}

// keepChanged returns the items whose document (in the shard and with
// the ID doc names) does not store in field the value doc gives, and
// then closes stored.
func keepChanged[T any](stored *storedFields, field string, items []T, doc func(T) (shard int, id string, value []byte)) ([]T, error) {
	defer stored.close()
	out := items[:0]
	for _, it := range items {
		shard, id, value := doc(it)
		held, err := stored.holds(shard, id, field, value)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", id, err)
		}
		if !held {
			out = append(out, it)
		}
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
