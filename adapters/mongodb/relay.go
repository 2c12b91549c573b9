package mongodb

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// Relay defaults.
const (
	DefaultRelayInterval = 100 * time.Millisecond
	DefaultRelayBatch    = 100
)

// RelayOptions configures a Relay. A nil *RelayOptions is the zero value.
type RelayOptions struct {
	// Interval is how long the relay waits when it finds nothing to
	// publish. Default DefaultRelayInterval.
	Interval time.Duration
	// Batch caps the product documents read per round. Default
	// DefaultRelayBatch.
	Batch int
	// Registry decodes the outbox's events. Default: the catalog events.
	Registry *commerce.EventRegistry
	// Logger receives failures. Default slog.Default().
	Logger *slog.Logger
}

// Relay publishes the events a CatalogStore wrote into its products'
// outboxes, and finishes or undoes writes a crash interrupted. It polls
// (FerretDB has no change streams) a small collection of hints, which
// each write adds after its commit, naming the products with new events,
// and every Lease/2 looks through all products for events whose hint a
// crash prevented. It hands each
// document's events to the publisher in the order they were written, and
// only then removes them from the document: an event is published at
// least once, never zero times. A publish that fails is retried on the
// next round, so a broken bus holds events back without losing them. An
// entry that cannot be decoded is moved to the document's dead_outbox
// and logged.
//
// Every Lease/2 it also recovers: a batch whose commit record is older
// than the lease is made live if committed and deleted if not; a review
// left uncounted is counted if its product's rating includes it and
// deleted if not; a deleted product's leftovers are purged.
//
// Several relays may run on one database: an event may then be published
// twice, which consumers tolerate (delivery is at least once).
type Relay struct {
	store     *CatalogStore
	publisher commerce.EventPublisher
	opts      RelayOptions

	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	started bool
	closed  bool
}

// NewRelay returns a relay from store's outbox to publisher. opts may be
// nil.
func NewRelay(store *CatalogStore, publisher commerce.EventPublisher, opts *RelayOptions) (*Relay, error) {
	if store == nil || publisher == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "mongodb: NewRelay needs a store and a publisher")
	}
	var o RelayOptions
	if opts != nil {
		o = *opts
	}
	if o.Interval < 0 || o.Batch < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "mongodb: relay Interval and Batch must not be negative")
	}
	if o.Interval == 0 {
		o.Interval = DefaultRelayInterval
	}
	if o.Batch == 0 {
		o.Batch = DefaultRelayBatch
	}
	if o.Registry == nil {
		o.Registry = commerce.NewEventRegistry()
		catalog.RegisterEvents(o.Registry)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Relay{store: store, publisher: publisher, opts: o}, nil
}

// Run relays until ctx ends, then returns nil. Use Run or Start, not both.
func (r *Relay) Run(ctx context.Context) error {
	var lastRecovery time.Time
	for ctx.Err() == nil {
		if time.Since(lastRecovery) >= r.store.lease/2 {
			lastRecovery = time.Now()
			if err := r.store.Recover(ctx); err != nil {
				r.pause(ctx, err, "recover interrupted writes")
				continue
			}
			if _, err := r.relayOnce(ctx); err != nil {
				r.pause(ctx, err, "relay unhinted events")
				continue
			}
		}
		n, err := r.relayHinted(ctx)
		if err != nil {
			r.pause(ctx, err, "relay events")
			continue
		}
		if n == 0 {
			_ = commerce.Sleep(ctx, r.opts.Interval)
		}
	}
	return nil
}

// Start relays in the background until Close. Starting a started relay
// is a no-op; starting a closed one is FailedPrecondition.
func (r *Relay) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "mongodb: start relay: the relay is closed")
	}
	if r.started {
		return nil
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.cancel, r.done, r.started = cancel, make(chan struct{}), true
	go func() {
		defer close(r.done)
		_ = r.Run(runCtx)
	}()
	return nil
}

// Close stops a started relay and waits, until ctx ends, for the round
// in flight. Events published but not yet removed are published again
// by the next relay. Close is idempotent.
func (r *Relay) Close(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	cancel, done := r.cancel, r.done
	r.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return commerce.Errorf(commerce.CodeUnavailable, "mongodb: close relay: %w", ctx.Err())
	}
}

func (r *Relay) pause(ctx context.Context, err error, doing string) {
	if ctx.Err() != nil {
		return
	}
	r.opts.Logger.Warn("mongodb relay: "+doing+" failed; retrying", "error", err, "retry_in", r.opts.Interval)
	_ = commerce.Sleep(ctx, r.opts.Interval)
}

// relayHinted relays the products named by hints, up to Batch of them,
// and returns how many it handled. Each hint is deleted before its
// product is read: a write that commits later adds it again.
func (r *Relay) relayHinted(ctx context.Context) (int, error) {
	cur, err := r.store.hints.Find(ctx, bson.D{}, options.Find().SetLimit(int64(r.opts.Batch)))
	if err != nil {
		return 0, classify(err, "relay: find hints")
	}
	var hints []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &hints); err != nil {
		return 0, classify(err, "relay: find hints")
	}
	for i, h := range hints {
		if _, err := r.store.hints.DeleteOne(ctx, bson.D{{Key: "_id", Value: h.ID}}); err != nil {
			return i, classify(err, "relay: delete hint")
		}
		if err := r.relayProduct(ctx, h.ID); err != nil {
			r.store.hint(context.WithoutCancel(ctx), h.ID) // try again next round
			return i, err
		}
	}
	return len(hints), nil
}

// relayOnce looks through every product for events, whether hinted or
// not (a crash can come between a write and its hint), relays up to
// Batch of them and returns how many it handled.
func (r *Relay) relayOnce(ctx context.Context) (int, error) {
	cur, err := r.store.products.Find(ctx, bson.D{
		{Key: "outbox.0", Value: bson.D{{Key: "$exists", Value: true}}},
	}, options.Find().SetLimit(int64(r.opts.Batch)).SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return 0, classify(err, "relay: find events")
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return 0, classify(err, "relay: find events")
	}
	for i, d := range docs {
		if err := r.relayProduct(ctx, d.ID); err != nil {
			return i, err
		}
	}
	return len(docs), nil
}

// relayProduct publishes the events in product id's outbox, in order,
// then removes them from it; a deleted product's tombstone goes too.
func (r *Relay) relayProduct(ctx context.Context, id string) error {
	s := r.store
	var d struct {
		State  string   `bson:"state"`
		Outbox []string `bson:"outbox"`
	}
	err := s.products.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, options.FindOne().SetProjection(bson.D{{Key: "outbox", Value: 1}, {Key: "state", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && d.State == statePending) {
		return nil // gone, or in a batch not yet live (its commit hints it again)
	}
	if err != nil {
		return classify(err, "relay: read events of "+id)
	}
	if len(d.Outbox) == 0 {
		if d.State == stateDeleted {
			return classify(s.purge(ctx, id, true), "relay: purge deleted product")
		}
		return nil
	}
	envs := make([]commerce.Envelope, 0, len(d.Outbox))
	var dead []string
	for _, raw := range d.Outbox {
		env, err := decodeEvent(r.opts.Registry, raw)
		if err != nil {
			r.opts.Logger.Error("mongodb relay: undecodable event moved to dead_outbox", "product", id, "error", err)
			dead = append(dead, raw)
			continue
		}
		envs = append(envs, env)
	}
	if len(envs) > 0 {
		if err := r.publisher.Publish(ctx, envs...); err != nil {
			return commerce.Errorf(commerce.CodeUnavailable, "mongodb: relay: publish %d events of %s: %w", len(envs), id, err)
		}
	}
	update := bson.D{{Key: "$pullAll", Value: bson.D{{Key: "outbox", Value: d.Outbox}}}}
	if len(dead) > 0 {
		update = append(update, bson.E{Key: "$push", Value: bson.D{{Key: "dead_outbox", Value: bson.D{{Key: "$each", Value: dead}}}}})
	}
	// Under the product's lock, so no write's update interleaves.
	unlock, err := s.lock(ctx, id)
	if err != nil {
		return err
	}
	_, err = s.products.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, update)
	unlock()
	if err != nil {
		// Published but not removed: they will be published again.
		return classify(err, "relay: remove published events")
	}
	if d.State == stateDeleted {
		return classify(s.purge(ctx, id, true), "relay: purge deleted product")
	}
	return nil
}

// Recover finishes or undoes the writes a crash interrupted more than
// the lease ago: batches, uncounted reviews and deleted products' leftovers.
// The Relay runs it every Lease/2; it is safe to run concurrently with
// writes and with other relays.
func (s *CatalogStore) Recover(ctx context.Context) error {
	cutoff := micros(s.now()) - s.lease.Microseconds()
	if err := s.recoverBatches(ctx, cutoff); err != nil {
		return classify(err, "recover batches")
	}
	if err := s.recoverReviews(ctx, cutoff); err != nil {
		return classify(err, "recover reviews")
	}
	cur, err := s.products.Find(ctx, bson.D{{Key: "state", Value: stateDeleted}, {Key: "outbox", Value: bson.D{{Key: "$size", Value: 0}}}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return classify(err, "recover deleted products")
	}
	var gone []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &gone); err != nil {
		return classify(err, "recover deleted products")
	}
	for _, g := range gone {
		if err := s.purge(ctx, g.ID, true); err != nil {
			return classify(err, "recover deleted products")
		}
	}
	return nil
}

// recoverBatches makes live the batches that committed and undoes those
// that did not, among those begun before cutoff. Undoing first moves the
// record from pending to aborted, so a late commit fails.
func (s *CatalogStore) recoverBatches(ctx context.Context, cutoff int64) error {
	cur, err := s.batches.Find(ctx, bson.D{{Key: "started", Value: bson.D{{Key: "$lt", Value: cutoff}}}})
	if err != nil {
		return err
	}
	var batches []batchDoc
	if err := cur.All(ctx, &batches); err != nil {
		return err
	}
	for _, b := range batches {
		// A live writer holds its batch's lock until it is done; a crashed
		// one's lock has expired.
		token := newToken()
		ok, err := s.tryLock(ctx, "batch:"+b.ID, token)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		err = s.settleBatch(ctx, b)
		_, _ = s.locks.DeleteOne(ctx, bson.D{{Key: "_id", Value: "batch:" + b.ID}, {Key: "token", Value: token}})
		if err != nil {
			return err
		}
	}
	return nil
}

// settleBatch finishes a committed batch and undoes any other.
func (s *CatalogStore) settleBatch(ctx context.Context, b batchDoc) error {
	{
		if b.State == statePending {
			res, err := s.batches.UpdateOne(ctx, bson.D{{Key: "_id", Value: b.ID}, {Key: "state", Value: statePending}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: "aborted"}}}})
			if err != nil {
				return err
			}
			if res.MatchedCount == 1 {
				b.State = "aborted"
			} else if err := s.batches.FindOne(ctx, bson.D{{Key: "_id", Value: b.ID}}).Decode(&b); err != nil {
				if errors.Is(err, mongo.ErrNoDocuments) {
					return nil
				}
				return err
			}
		}
		if b.State == "committed" {
			return s.finishBatch(ctx, b)
		}
		if _, err := s.products.DeleteMany(ctx, bson.D{{Key: "batch", Value: b.ID}}); err != nil {
			return err
		}
		if _, err := s.skus.DeleteMany(ctx, bson.D{{Key: "product", Value: bson.D{{Key: "$in", Value: b.Products}}}}); err != nil {
			return err
		}
		if _, err := s.batches.DeleteOne(ctx, bson.D{{Key: "_id", Value: b.ID}}); err != nil {
			return err
		}
	}
	return nil
}

// recoverReviews settles the reviews left uncounted since before cutoff:
// counted if the product's rating includes them (its counting list names
// them), deleted otherwise.
func (s *CatalogStore) recoverReviews(ctx context.Context, cutoff int64) error {
	cur, err := s.reviews.Find(ctx, bson.D{{Key: "counted", Value: false}, {Key: "started", Value: bson.D{{Key: "$lt", Value: cutoff}}}})
	if err != nil {
		return err
	}
	var reviews []reviewDoc
	if err := cur.All(ctx, &reviews); err != nil {
		return err
	}
	for _, r := range reviews {
		n, err := s.products.CountDocuments(ctx, bson.D{{Key: "_id", Value: r.ProductID}, {Key: "counting", Value: r.ID}})
		if err != nil {
			return err
		}
		if n > 0 {
			var unlock func()
			if unlock, err = s.lock(ctx, r.ProductID); err == nil {
				err = s.markCounted(ctx, r.ProductID, r.ID)
				unlock()
			}
		} else {
			_, err = s.reviews.DeleteOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "counted", Value: false}})
		}
		if err != nil {
			return err
		}
	}
	return nil
}
