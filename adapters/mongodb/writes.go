package mongodb

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// checkReferences fails with FailedPrecondition when a brand or category
// of products does not exist. Brands and categories are never deleted,
// so a check before the write cannot go stale.
func (s *CatalogStore) checkReferences(ctx context.Context, products ...catalog.Product) error {
	var brands, cats []string
	for _, p := range products {
		if !p.BrandID.IsZero() && !slices.Contains(brands, p.BrandID.String()) {
			brands = append(brands, p.BrandID.String())
		}
		for _, c := range p.CategoryIDs {
			if !slices.Contains(cats, c.String()) {
				cats = append(cats, c.String())
			}
		}
	}
	if err := s.requireExists(ctx, s.brands, brands, "brand", "brand_id"); err != nil {
		return err
	}
	return s.requireExists(ctx, s.categories, cats, "category", "category_ids")
}

// outboxOf returns the encoded events, or none when the store discards
// events.
func (s *CatalogStore) outboxOf(events []commerce.Envelope) ([]string, error) {
	if s.discard || len(events) == 0 {
		return []string{}, nil
	}
	return encodeEvents(events)
}

// CreateProducts implements catalog.Store. The SKUs are claimed first;
// a single product is then one insert, its events in its outbox. A batch
// is inserted pending under a commit record, which one update commits;
// the products are then made live. See the package documentation.
func (s *CatalogStore) CreateProducts(ctx context.Context, products []catalog.Product, events []commerce.Envelope) error {
	if len(products) == 0 {
		return nil
	}
	if err := s.checkReferences(ctx, products...); err != nil {
		return err
	}
	docs := make([]productDoc, len(products))
	index := make(map[string]int, len(products))
	var want []claim
	for i, p := range products {
		docs[i] = toProductDoc(p)
		index[p.ID.String()] = i
		for _, sku := range docs[i].SKUs {
			want = append(want, claim{sku: sku, product: docs[i].ID})
		}
	}
	// Each event goes to the outbox of the product it is about; any other
	// rides with the first product.
	for _, env := range events {
		i, ok := index[env.AggregateID]
		if !ok {
			i = 0
		}
		enc, err := s.outboxOf([]commerce.Envelope{env})
		if err != nil {
			return err
		}
		docs[i].Outbox = append(docs[i].Outbox, enc...)
	}
	held, err := s.claimSKUs(ctx, want)
	if err != nil {
		return err
	}
	if err := s.crashed("claims"); err != nil {
		return err
	}
	if len(docs) == 1 {
		if _, err := s.products.InsertOne(ctx, docs[0]); err != nil {
			_ = held.release(context.WithoutCancel(ctx))
			return conflict(err, "create product", "product handle is taken")
		}
		s.hint(context.WithoutCancel(ctx), docs[0].ID)
		return nil
	}
	return s.createBatch(ctx, docs, held)
}

// createBatch writes docs all or nothing: a commit record, the products
// pending, the record committed (the commit point), the products live.
// Recovery finishes a committed batch and undoes one that never committed.
func (s *CatalogStore) createBatch(ctx context.Context, docs []productDoc, held *claims) error {
	batch := batchDoc{ID: "batch_" + newToken(), State: statePending, Started: micros(s.now())}
	unlock, err := s.lock(ctx, "batch:"+batch.ID)
	if err != nil {
		_ = held.release(context.WithoutCancel(ctx))
		return err
	}
	defer unlock()
	items := make([]any, len(docs))
	for i := range docs {
		docs[i].State, docs[i].Batch = statePending, batch.ID
		batch.Products = append(batch.Products, docs[i].ID)
		items[i] = docs[i]
	}
	undo := func(cause error, doing, what string) error {
		bg := context.WithoutCancel(ctx)
		_, _ = s.products.DeleteMany(bg, bson.D{{Key: "batch", Value: batch.ID}})
		_ = held.release(bg)
		_, _ = s.batches.DeleteOne(bg, bson.D{{Key: "_id", Value: batch.ID}})
		return conflict(cause, doing, what)
	}
	if _, err := s.batches.InsertOne(ctx, batch); err != nil {
		_ = held.release(context.WithoutCancel(ctx))
		return classify(err, "create products: begin batch")
	}
	if _, err := s.products.InsertMany(ctx, items); err != nil {
		return undo(err, "create products", "product handle is taken")
	}
	if err := s.crashed("batch-insert"); err != nil {
		return err
	}
	res, err := s.batches.UpdateOne(ctx, bson.D{{Key: "_id", Value: batch.ID}, {Key: "state", Value: statePending}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: "committed"}}}})
	if err != nil {
		return undo(err, "create products: commit batch", "")
	}
	if res.MatchedCount == 0 {
		// Recovery judged the batch abandoned and undid it.
		return commerce.Errorf(commerce.CodeUnavailable, "mongodb: create products: the batch outlived the lease of %v and was undone", s.lease)
	}
	if err := s.crashed("batch-commit"); err != nil {
		return err
	}
	return s.finishBatch(context.WithoutCancel(ctx), batch)
}

// finishBatch makes a committed batch's products live, one update by
// _id each, and drops its record. (One update per product: FerretDB v1
// on SQLite scans the collection for any other filter, and stalls on a
// bulk write of many updates.)
func (s *CatalogStore) finishBatch(ctx context.Context, batch batchDoc) error {
	live := bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: stateLive}}}, {Key: "$unset", Value: bson.D{{Key: "batch", Value: ""}}}}
	for _, id := range batch.Products {
		if _, err := s.products.UpdateOne(ctx, byID(id), live); err != nil {
			return classify(err, "create products: make the batch live")
		}
	}
	s.hint(ctx, batch.Products...)
	_, err := s.batches.DeleteOne(ctx, bson.D{{Key: "_id", Value: batch.ID}})
	return classify(err, "create products: drop the batch record")
}

// readForWrite reads the live product with id, with its version. The
// caller holds the product's lock.
func (s *CatalogStore) readForWrite(ctx context.Context, id commerce.ProductID, doing string) (productDoc, catalog.Product, error) {
	d, err := s.liveProduct(ctx, id.String(), nil)
	if err != nil {
		return productDoc{}, catalog.Product{}, classify(err, doing)
	}
	p, err := d.product()
	return d, p, err
}

// byID matches the product id. Writes under the product's lock update
// through it; the version they set counts the writes. (A filter on _id
// alone is the one FerretDB v1 on SQLite runs as an index lookup; any
// other is a scan of the collection.)
func byID(id string) bson.D {
	return bson.D{{Key: "_id", Value: id}}
}

// UpdateProduct implements catalog.Store with optimistic concurrency: fn
// runs on the product as read, and the write succeeds only if the
// product's version is unchanged, else it starts over. The new SKUs are
// claimed before the write and the dropped ones released after it.
func (s *CatalogStore) UpdateProduct(ctx context.Context, id commerce.ProductID, fn func(*catalog.Product) ([]commerce.Envelope, error)) error {
	doing := "update product " + id.String()
	unlock, err := s.lock(ctx, id.String())
	if err != nil {
		return err
	}
	defer unlock()
	d, stored, err := s.readForWrite(ctx, id, doing)
	if err != nil {
		return err
	}
	p := stored.Clone()
	events, err := fn(&p)
	if err != nil {
		return err
	}
	if len(events) == 0 && p.UpdatedAt.Equal(stored.UpdatedAt) {
		return nil // nothing changed
	}
	p.ID, p.CreatedAt, p.Rating = stored.ID, stored.CreatedAt, stored.Rating
	if err := s.checkReferences(ctx, p); err != nil {
		return err
	}
	outbox, err := s.outboxOf(events)
	if err != nil {
		return err
	}
	next := toProductDoc(p)
	var added []claim
	for _, sku := range next.SKUs {
		if !slices.Contains(d.SKUs, sku) {
			added = append(added, claim{sku: sku, product: d.ID})
		}
	}
	held, err := s.claimSKUs(ctx, added)
	if err != nil {
		return err
	}
	res, err := s.products.UpdateOne(ctx, byID(d.ID), bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "handle", Value: next.Handle}, {Key: "title", Value: next.Title}, {Key: "description", Value: next.Description},
			{Key: "brand_id", Value: next.BrandID}, {Key: "category_ids", Value: next.CategoryIDs},
			{Key: "attributes", Value: next.Attributes}, {Key: "images", Value: next.Images}, {Key: "status", Value: next.Status},
			{Key: "variants", Value: next.Variants}, {Key: "skus", Value: next.SKUs},
			{Key: "updated_at", Value: next.UpdatedAt}, {Key: "version", Value: d.Version + 1},
		}},
		{Key: "$push", Value: bson.D{{Key: "outbox", Value: bson.D{{Key: "$each", Value: outbox}}}}},
	})
	if err != nil || res.MatchedCount == 0 {
		_ = held.release(context.WithoutCancel(ctx))
	}
	if err != nil {
		return conflict(err, doing, "product handle is taken")
	}
	if res.MatchedCount == 0 {
		return commerce.Errorf(commerce.CodeNotFound, "mongodb: %s: not found", doing)
	}
	s.hint(context.WithoutCancel(ctx), d.ID)
	if err := s.crashed("update"); err != nil {
		return err
	}
	var dropped []string
	for _, sku := range d.SKUs {
		if !slices.Contains(next.SKUs, sku) {
			dropped = append(dropped, sku)
		}
	}
	return classify(s.releaseSKUs(context.WithoutCancel(ctx), d.ID, dropped), doing+": release SKUs")
}

// DeleteProduct implements catalog.Store. The product document becomes a
// tombstone holding the events, atomically; its SKU claims and reviews
// are deleted next, and the relay removes the tombstone once the events
// are out (finishing the clean-up if a crash interrupted it).
func (s *CatalogStore) DeleteProduct(ctx context.Context, id commerce.ProductID, fn func(catalog.Product) ([]commerce.Envelope, error)) error {
	doing := "delete product " + id.String()
	unlock, err := s.lock(ctx, id.String())
	if err != nil {
		return err
	}
	defer unlock()
	d, p, err := s.readForWrite(ctx, id, doing)
	if err != nil {
		return err
	}
	events, err := fn(p)
	if err != nil {
		return err
	}
	outbox, err := s.outboxOf(events)
	if err != nil {
		return err
	}
	res, err := s.products.UpdateOne(ctx, byID(d.ID), bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "state", Value: stateDeleted}, {Key: "handle", Value: tombstoneHandle(d.ID)},
			{Key: "variants", Value: bson.A{}}, {Key: "skus", Value: bson.A{}}, {Key: "version", Value: d.Version + 1},
		}},
		{Key: "$push", Value: bson.D{{Key: "outbox", Value: bson.D{{Key: "$each", Value: outbox}}}}},
	})
	if err != nil {
		return classify(err, doing)
	}
	if res.MatchedCount == 0 {
		return commerce.Errorf(commerce.CodeNotFound, "mongodb: %s: not found", doing)
	}
	s.hint(context.WithoutCancel(ctx), d.ID)
	if err := s.crashed("delete"); err != nil {
		return err
	}
	return classify(s.purge(context.WithoutCancel(ctx), d.ID, len(outbox) == 0), doing+": clean up")
}

// tombstoneHandle is the handle of a deleted product: no valid handle
// has a '#', so the product's handle is free at once.
func tombstoneHandle(id string) string { return "#" + id }

// purge deletes a deleted product's SKU claims and reviews, and with
// tombstone its document too, once it holds no more events.
func (s *CatalogStore) purge(ctx context.Context, id string, tombstone bool) error {
	if _, err := s.skus.DeleteMany(ctx, bson.D{{Key: "product", Value: id}}); err != nil {
		return err
	}
	if _, err := s.reviews.DeleteMany(ctx, bson.D{{Key: "product_id", Value: id}}); err != nil {
		return err
	}
	if !tombstone {
		return nil
	}
	_, err := s.products.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "state", Value: stateDeleted}, {Key: "outbox", Value: bson.D{{Key: "$size", Value: 0}}}})
	return err
}

// AddReview implements catalog.Store. The review is inserted uncounted
// (its unique index refuses a second one by the customer), then the
// product's rating, events and the review's ID in its counting list are
// written in one compare-and-set update (the commit point), then the
// review is marked counted. Recovery finishes or undoes a review a crash
// left uncounted.
func (s *CatalogStore) AddReview(ctx context.Context, r catalog.Review, events func(catalog.Rating) []commerce.Envelope) (catalog.Rating, error) {
	doing := "add review to product " + r.ProductID.String()
	unlock, err := s.lock(ctx, r.ProductID.String())
	if err != nil {
		return catalog.Rating{}, err
	}
	defer unlock()
	d, _, err := s.readForWrite(ctx, r.ProductID, doing)
	if err != nil {
		return catalog.Rating{}, err
	}
	rd := reviewDoc{ID: r.ID.String(), ProductID: r.ProductID.String(), CustomerID: r.CustomerID.String(), Rating: r.Rating,
		Title: r.Title, Body: r.Body, CreatedAt: micros(r.CreatedAt), Started: micros(s.now())}
	if _, err := s.reviews.InsertOne(ctx, rd); err != nil {
		return catalog.Rating{}, conflict(err, doing, "the customer already reviewed this product")
	}
	if err := s.crashed("review-insert"); err != nil {
		return catalog.Rating{}, err
	}
	for {
		rating := catalog.Rating{Count: d.Rating.Count, Sum: d.Rating.Sum}.Add(r.Rating)
		outbox, err := s.outboxOf(events(rating))
		if err == nil {
			var res *mongo.UpdateResult
			res, err = s.products.UpdateOne(ctx, byID(d.ID), bson.D{
				{Key: "$set", Value: bson.D{{Key: "rating", Value: ratingDoc{Count: rating.Count, Sum: rating.Sum}}, {Key: "version", Value: d.Version + 1}}},
				{Key: "$push", Value: bson.D{{Key: "outbox", Value: bson.D{{Key: "$each", Value: outbox}}}, {Key: "counting", Value: rd.ID}}},
			})
			if err == nil && res.MatchedCount == 1 {
				s.hint(context.WithoutCancel(ctx), d.ID)
				if err := s.crashed("review-commit"); err != nil {
					return catalog.Rating{}, err
				}
				return rating, classify(s.markCounted(context.WithoutCancel(ctx), rd.ProductID, rd.ID), doing+": mark counted")
			}
		}
		if err == nil {
			d, _, err = s.readForWrite(ctx, r.ProductID, doing) // another write came first
		}
		if err != nil {
			_, _ = s.reviews.DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: rd.ID}, {Key: "counted", Value: false}})
			return catalog.Rating{}, classify(err, doing)
		}
	}
}

// markCounted marks a review counted and takes it off its product's
// counting list.
func (s *CatalogStore) markCounted(ctx context.Context, productID, reviewID string) error {
	if _, err := s.reviews.UpdateOne(ctx, bson.D{{Key: "_id", Value: reviewID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "counted", Value: true}}}}); err != nil {
		return err
	}
	_, err := s.products.UpdateOne(ctx, bson.D{{Key: "_id", Value: productID}}, bson.D{{Key: "$pull", Value: bson.D{{Key: "counting", Value: reviewID}}}})
	return err
}
