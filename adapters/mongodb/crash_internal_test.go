package mongodb

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/internal/testenv"
)

// crashEnv is one database, a store on it whose writes a test can stop
// half-way as a crash would, and a service over that store.
type crashEnv struct {
	t     *testing.T
	ctx   context.Context
	store *CatalogStore
	svc   *catalog.Service
	clock *commerce.TestClock
}

func newCrashEnv(t *testing.T, uri string) *crashEnv {
	clock := commerce.NewTestClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	store, err := NewCatalogStore(testenv.MongoDatabase(t, uri), &Options{Clock: clock, Lease: time.Minute})
	require.NoError(t, err)
	require.NoError(t, store.EnsureIndexes(context.Background()))
	svc, err := catalog.NewService(store, &catalog.Options{Clock: clock})
	require.NoError(t, err)
	return &crashEnv{t: t, ctx: context.Background(), store: store, svc: svc, clock: clock}
}

// relayAll runs relay rounds until the outboxes are empty.
func (e *crashEnv) relayAll(pub commerce.EventPublisher) {
	e.t.Helper()
	relay, err := NewRelay(e.store, pub, nil)
	require.NoError(e.t, err)
	for range 100 {
		n, err := relay.relayOnce(e.ctx)
		require.NoError(e.t, err)
		if n == 0 {
			return
		}
	}
	e.t.Fatal("relay never ran dry")
}

func input(handle string, skus ...string) catalog.ProductInput {
	in := catalog.ProductInput{Handle: handle, Title: "Product " + handle, Status: catalog.StatusActive}
	for _, sku := range skus {
		in.Variants = append(in.Variants, catalog.VariantInput{SKU: sku, Prices: []commerce.Money{commerce.MustMoney(1999, "USD")}})
	}
	return in
}

// failingPublisher refuses every event, like a bus that is down.
type failingPublisher struct{}

func (failingPublisher) Publish(context.Context, ...commerce.Envelope) error {
	return errors.New("bus down")
}

// TestCrashBetweenChangeAndPublish: the events of committed changes wait
// in the documents while no relay runs or the bus refuses them, and all
// reach the bus once a relay gets through, exactly as written.
func TestCrashBetweenChangeAndPublish(t *testing.T) {
	e := newCrashEnv(t, testenv.FerretDB(t))
	p, err := e.svc.CreateProduct(e.ctx, input("kettle", "KET-1"))
	require.NoError(t, err)
	title := "Steel Kettle"
	_, err = e.svc.UpdateProduct(e.ctx, p.ID, catalog.ProductPatch{Title: &title})
	require.NoError(t, err)
	_, err = e.svc.AddReview(e.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: commerce.NewID[commerce.CustomerID](), Rating: 4})
	require.NoError(t, err)
	gone, err := e.svc.CreateProduct(e.ctx, input("gone", "GONE-1"))
	require.NoError(t, err)
	require.NoError(t, e.svc.DeleteProduct(e.ctx, gone.ID))

	// The bus is down: nothing is lost, nothing removed.
	relay, err := NewRelay(e.store, failingPublisher{}, nil)
	require.NoError(t, err)
	_, err = relay.relayOnce(e.ctx)
	require.Error(t, err)

	// A fresh process's relay publishes everything.
	rec := commercetest.NewRecorder()
	e.relayAll(rec)
	assert.Equal(t, []string{"product.created", "product.updated", "review.created", "product.created", "product.deleted"}, rec.Names())
	updated := rec.Named("product.updated")[0].Payload.(catalog.ProductUpdated)
	assert.Equal(t, title, updated.Product.Title)

	// Published events are gone from the outboxes; so is the tombstone.
	again := commercetest.NewRecorder()
	e.relayAll(again)
	assert.Empty(t, again.Names())
	n, err := e.store.products.CountDocuments(e.ctx, map[string]any{"_id": gone.ID.String()})
	require.NoError(t, err)
	assert.Zero(t, n, "the deleted product's tombstone is removed once its events are out")
}

// TestCrashInBatch: a batch interrupted before its commit stays invisible
// and is undone by recovery after the lease, publishing nothing; one
// interrupted after its commit is finished by recovery.
func TestCrashInBatch(t *testing.T) {
	uri := testenv.FerretDB(t)
	t.Run("BeforeCommit", func(t *testing.T) {
		e := newCrashEnv(t, uri)
		products := []catalog.ProductInput{input("one", "ONE-1"), input("two", "TWO-1")}
		e.store.crashAfter = "batch-insert"
		res, err := e.svc.Import(e.ctx, func(yield func(catalog.ProductInput, error) bool) {
			for _, in := range products {
				if !yield(in, nil) {
					return
				}
			}
		}, nil)
		require.ErrorIs(t, err, errCrash)
		assert.Zero(t, res.Done)
		e.store.crashAfter = ""
		_, err = e.svc.GetProductByHandle(e.ctx, "one")
		require.Equal(t, commerce.CodeNotFound, commerce.Code(err), "an uncommitted batch is invisible")

		// Within the lease the crashed write still holds its SKUs.
		_, err = e.svc.CreateProduct(e.ctx, input("other", "ONE-1"))
		require.Equal(t, commerce.CodeConflict, commerce.Code(err), "%v", err)

		require.NoError(t, e.store.Recover(e.ctx))
		_, err = e.svc.GetProductByHandle(e.ctx, "one")
		require.Equal(t, commerce.CodeNotFound, commerce.Code(err), "not undone before the lease ends")

		e.clock.Advance(2 * time.Minute)
		require.NoError(t, e.store.Recover(e.ctx))
		n, err := e.store.products.CountDocuments(e.ctx, map[string]any{})
		require.NoError(t, err)
		assert.Zero(t, n, "the batch's products are deleted")
		rec := commercetest.NewRecorder()
		e.relayAll(rec)
		assert.Empty(t, rec.Names(), "an undone batch publishes nothing")
		_, err = e.svc.CreateProduct(e.ctx, input("one", "ONE-1"))
		require.NoError(t, err, "handle and SKU are free again")
	})
	t.Run("AfterCommit", func(t *testing.T) {
		e := newCrashEnv(t, uri)
		e.store.crashAfter = "batch-commit"
		_, err := e.svc.Import(e.ctx, func(yield func(catalog.ProductInput, error) bool) {
			_ = yield(input("one", "ONE-1"), nil) && yield(input("two", "TWO-1"), nil)
		}, nil)
		require.ErrorIs(t, err, errCrash)
		e.store.crashAfter = ""
		e.clock.Advance(2 * time.Minute)
		require.NoError(t, e.store.Recover(e.ctx))
		for _, h := range []string{"one", "two"} {
			_, err := e.svc.GetProductByHandle(e.ctx, h)
			require.NoError(t, err, "a committed batch is made live")
		}
		rec := commercetest.NewRecorder()
		e.relayAll(rec)
		assert.Equal(t, []string{"product.created", "product.created"}, rec.Names())
	})
}

// TestCrashInReview: a review interrupted before the rating update is
// deleted by recovery (the customer may review again); one interrupted
// after it is kept and listed.
func TestCrashInReview(t *testing.T) {
	e := newCrashEnv(t, testenv.FerretDB(t))
	p, err := e.svc.CreateProduct(e.ctx, input("kettle", "KET-1"))
	require.NoError(t, err)
	alice, bob := commerce.NewID[commerce.CustomerID](), commerce.NewID[commerce.CustomerID]()

	e.store.crashAfter = "review-insert"
	_, err = e.svc.AddReview(e.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: alice, Rating: 2})
	require.ErrorIs(t, err, errCrash)
	e.store.crashAfter = "review-commit"
	_, err = e.svc.AddReview(e.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: bob, Rating: 5})
	require.ErrorIs(t, err, errCrash)
	e.store.crashAfter = ""

	page, err := e.svc.ListReviews(e.ctx, p.ID, commerce.PageRequest{})
	require.NoError(t, err)
	assert.Empty(t, page.Items, "uncounted reviews are not listed")

	e.clock.Advance(2 * time.Minute)
	require.NoError(t, e.store.Recover(e.ctx))
	got, err := e.svc.GetProduct(e.ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, catalog.Rating{Count: 1, Sum: 5}, got.Rating)
	page, err = e.svc.ListReviews(e.ctx, p.ID, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, bob, page.Items[0].CustomerID)

	_, err = e.svc.AddReview(e.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: alice, Rating: 3})
	require.NoError(t, err, "the undone review no longer blocks the customer")
	rec := commercetest.NewRecorder()
	e.relayAll(rec)
	assert.Len(t, rec.Named("review.created"), 2, "bob's committed review and alice's second")
}

// TestCrashAfterClaims: SKUs claimed by a write that died before its
// insert are free for another product once the lease is over.
func TestCrashAfterClaims(t *testing.T) {
	e := newCrashEnv(t, testenv.FerretDB(t))
	e.store.crashAfter = "claims"
	_, err := e.svc.CreateProduct(e.ctx, input("first", "SKU-1"))
	require.ErrorIs(t, err, errCrash)
	e.store.crashAfter = ""
	_, err = e.svc.CreateProduct(e.ctx, input("second", "SKU-1"))
	require.Equal(t, commerce.CodeConflict, commerce.Code(err), "held within the lease: %v", err)
	e.clock.Advance(2 * time.Minute)
	_, err = e.svc.CreateProduct(e.ctx, input("second", "SKU-1"))
	require.NoError(t, err)
}
