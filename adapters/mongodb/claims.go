package mongodb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mercatohq/mercato/commerce"
)

// claim is one SKU a write wants for a product.
type claim struct {
	sku, product string
}

// claims is the set of SKUs one write holds, under one random token so
// that releasing them never removes a claim another write made.
type claims struct {
	s     *CatalogStore
	token string
	held  []string
}

func newToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// claimSKUs claims every SKU of want, all or none: the insert of a claim
// whose SKU is taken fails on the primary key, which is the atomic
// uniqueness check. A taken SKU is CodeConflict, unless its claim is
// stale (its product does not list it and it is older than the lease),
// in which case it is taken over.
func (s *CatalogStore) claimSKUs(ctx context.Context, want []claim) (*claims, error) {
	c := &claims{s: s, token: newToken()}
	if len(want) == 0 {
		return c, nil
	}
	now := micros(s.now())
	docs := make([]any, len(want))
	for i, w := range want {
		docs[i] = skuClaim{SKU: w.sku, Product: w.product, At: now, Op: c.token}
	}
	_, err := s.skus.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	failed, err := duplicateIndexes(err)
	if err != nil {
		// Some claims may have been written: release what this write holds.
		c.held = skusOf2(want)
		_ = c.release(context.WithoutCancel(ctx))
		return nil, classify(err, "claim SKUs")
	}
	for i, w := range want {
		if !failed[i] {
			c.held = append(c.held, w.sku)
		}
	}
	for i, w := range want {
		if !failed[i] {
			continue
		}
		ok, err := s.takeOver(ctx, w, c.token, now)
		if err == nil && !ok {
			err = commerce.Errorf(commerce.CodeConflict, "mongodb: claim SKU %s: SKU is taken", strconv.Quote(w.sku)).WithDetail("field", "sku")
		}
		if err != nil {
			_ = c.release(context.WithoutCancel(ctx))
			return nil, classify(err, "claim SKU "+strconv.Quote(w.sku))
		}
		c.held = append(c.held, w.sku)
	}
	return c, nil
}

func skusOf2(want []claim) []string {
	out := make([]string, len(want))
	for i, w := range want {
		out[i] = w.sku
	}
	return out
}

// duplicateIndexes returns the positions of an unordered insert that
// failed on a duplicate key; any other failure is returned as an error.
func duplicateIndexes(err error) (map[int]bool, error) {
	if err == nil {
		return nil, nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return nil, err
	}
	out := map[int]bool{}
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we) {
			return nil, err
		}
		out[we.Index] = true
	}
	return out, nil
}

// takeOver claims w's SKU from a claim already there, if that claim is
// stale. It reports false when the SKU is taken.
func (s *CatalogStore) takeOver(ctx context.Context, w claim, token string, now int64) (bool, error) {
	for range 3 {
		var old skuClaim
		err := s.skus.FindOne(ctx, bson.D{{Key: "_id", Value: w.sku}}).Decode(&old)
		if errors.Is(err, mongo.ErrNoDocuments) {
			// Released meanwhile: claim it afresh.
			_, err := s.skus.InsertOne(ctx, skuClaim{SKU: w.sku, Product: w.product, At: now, Op: token})
			if mongo.IsDuplicateKeyError(err) {
				continue
			}
			return err == nil, err
		}
		if err != nil {
			return false, err
		}
		listed, err := s.products.CountDocuments(ctx, bson.D{{Key: "_id", Value: old.Product}, {Key: "skus", Value: w.sku},
			{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{stateLive, statePending}}}}})
		if err != nil {
			return false, err
		}
		if listed > 0 || now-old.At < s.lease.Microseconds() {
			return false, nil // held, or a write in progress holds it
		}
		// A stale claim, left by a write that never finished: take it,
		// unless another write changed it meanwhile.
		if _, err := s.skus.DeleteOne(ctx, bson.D{{Key: "_id", Value: w.sku}, {Key: "op", Value: old.Op}}); err != nil {
			return false, err
		}
		_, err = s.skus.InsertOne(ctx, skuClaim{SKU: w.sku, Product: w.product, At: now, Op: token})
		if err == nil {
			return true, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return false, err
		}
	}
	return false, nil
}

// release deletes the claims this write made.
func (c *claims) release(ctx context.Context) error {
	if c == nil || len(c.held) == 0 {
		return nil
	}
	_, err := c.s.skus.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: c.held}}}, {Key: "op", Value: c.token}})
	return err
}

// releaseSKUs deletes product's claims of skus, which it no longer lists.
func (s *CatalogStore) releaseSKUs(ctx context.Context, product string, skus []string) error {
	if len(skus) == 0 {
		return nil
	}
	_, err := s.skus.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: skus}}}, {Key: "product", Value: product}})
	return err
}
