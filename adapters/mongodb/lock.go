package mongodb

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/mercatohq/mercato/commerce"
)

// lockDoc is a lease on one key: its _id is the key, so only one insert
// of it succeeds. FerretDB v1 applies an update as a read followed by a
// write, so two updates of one document may interleave and one be lost;
// a document insert, checked by the primary key, is the one step that is
// atomic on every server. Every read-modify-write of a product runs under
// its lock.
type lockDoc struct {
	Key   string `bson:"_id"`
	Token string `bson:"token"`
	Until int64  `bson:"until"`
}

// lock waits until it holds the lease on key and returns its release. A
// lease its holder left (a crash) expires after the store's lease.
func (s *CatalogStore) lock(ctx context.Context, key string) (func(), error) {
	token := newToken()
	for delay := time.Millisecond; ; delay = min(2*delay, 20*time.Millisecond) {
		ok, err := s.tryLock(ctx, key, token)
		if err != nil {
			return nil, classify(err, "lock "+key)
		}
		if ok {
			return func() {
				_, _ = s.locks.DeleteOne(context.Background(), bson.D{{Key: "_id", Value: key}, {Key: "token", Value: token}})
			}, nil
		}
		if err := commerce.Sleep(ctx, delay); err != nil {
			return nil, classify(err, "lock "+key)
		}
	}
}

// tryLock takes the lease on key if it is free or expired.
func (s *CatalogStore) tryLock(ctx context.Context, key, token string) (bool, error) {
	now := micros(s.now())
	_, err := s.locks.InsertOne(ctx, lockDoc{Key: key, Token: token, Until: now + s.lease.Microseconds()})
	if err == nil {
		return true, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return false, err
	}
	var held lockDoc
	err = s.locks.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&held)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil // released meanwhile: try again
	}
	if err != nil {
		return false, err
	}
	if held.Until < now {
		// Left by a crashed holder.
		_, err = s.locks.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "token", Value: held.Token}})
	}
	return false, err
}
