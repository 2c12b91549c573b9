package search

import (
	"context"
	"hash/fnv"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// CatalogSource is what the Indexer reads from the catalog.
// *catalog.Service satisfies it.
type CatalogSource interface {
	GetProduct(ctx context.Context, id commerce.ProductID) (catalog.Product, error)
	GetVariantBySKU(ctx context.Context, sku string) (catalog.Variant, catalog.Product, error)
	GetBrand(ctx context.Context, id commerce.BrandID) (catalog.Brand, error)
	GetCategory(ctx context.Context, id commerce.CategoryID) (catalog.Category, error)
	ListProducts(ctx context.Context, filter catalog.ProductFilter, page commerce.PageRequest) (commerce.Page[catalog.Product], error)
	ListReviews(ctx context.Context, productID commerce.ProductID, page commerce.PageRequest) (commerce.Page[catalog.Review], error)
}

// StockSource tells the Indexer whether a SKU is in stock: units left,
// or untracked (inventory.Options.Untracked). *inventory.Service
// satisfies it.
type StockSource interface {
	Availability(ctx context.Context, sku string) (inventory.Availability, error)
}

// DefaultIndexerGroup is the consumer group hosts subscribe the Indexer's
// handlers in, unless they choose their own.
const DefaultIndexerGroup = "search-indexer"

// IndexerOptions configures an Indexer. A nil *IndexerOptions, or a zero
// field, takes the documented default.
type IndexerOptions struct {
	// BatchSize is how many products Reindex reads and writes at a time,
	// 1 to commerce.MaxPageLimit. Default 500.
	BatchSize int
	// Logger receives what the Indexer skips. Default slog.Default().
	Logger *slog.Logger
}

// lockStripes is how many locks serialise the refreshes of products.
const lockStripes = 64

// Indexer keeps an Index in step with the catalog and the stock: it
// follows their events through the handlers a host subscribes (Events,
// Handler) and rebuilds the index from the catalog on demand (Reindex).
//
// Every event about a product makes the Indexer read the product back
// from the catalog and write what it reads, under a per-product lock, so
// handlers are idempotent and late or reordered events never leave an
// older state in the index than the catalog's. Refreshes that run at the
// same time (a bus delivering a flood of events side by side) are written
// together: the writes that arrive while one is under way go into the
// next, so a cold start that relays every product and review makes a few
// large index writes rather than one per event. What events refresh is
// written with Batch.SkipUnchanged: an event delivered again, or one that
// describes what Reindex already wrote, then costs the index a lookup,
// not a new document (and, in bleve, the merging of one more segment).
// Brand and category names are cached for the Indexer's life: the
// catalog never renames them, and a category.moved event drops the
// cached categories before it re-indexes the moved subtree's products.
type Indexer struct {
	index   Index
	catalog CatalogSource
	stock   StockSource
	opts    IndexerOptions

	// writes folds concurrent refreshes into one index write.
	writes batchWriter

	locks [lockStripes]sync.Mutex
	// epochs counts the writes under each lock, so Reindex can tell
	// which products an event handler refreshed after it read them.
	epochs [lockStripes]atomic.Uint64

	// handlers are the event handlers, by event name.
	handlers map[string]func(ctx context.Context, env commerce.Envelope) error

	mu         sync.Mutex
	brands     map[commerce.BrandID]string
	categories map[commerce.CategoryID]catalog.Category
}

// NewIndexer returns an Indexer writing to index what it reads from
// source and stock. stock may be nil: every product then counts as in
// stock. opts may be nil.
func NewIndexer(index Index, source CatalogSource, stock StockSource, opts *IndexerOptions) (*Indexer, error) {
	if index == nil || source == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "search: NewIndexer needs an index and a catalog")
	}
	var o IndexerOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.BatchSize == 0:
		o.BatchSize = 500
	case o.BatchSize < 0 || o.BatchSize > commerce.MaxPageLimit:
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "search: indexer batch size must be between 1 and %d, got %d", commerce.MaxPageLimit, o.BatchSize)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	x := &Indexer{
		index: index, catalog: source, stock: stock, opts: o,
		brands:     map[commerce.BrandID]string{},
		categories: map[commerce.CategoryID]catalog.Category{},
	}
	x.writes.index = index
	x.handlers = x.newHandlers()
	return x, nil
}

// RegisterIndexedEvents registers with r every event the Indexer follows,
// so a bus can decode them.
func RegisterIndexedEvents(r *commerce.EventRegistry) {
	catalog.RegisterEvents(r)
	inventory.RegisterEvents(r)
}

// Events returns the names of the events the Indexer follows, sorted:
// product.created, product.updated, product.archived, product.deleted,
// variant.price_changed, review.created and category.moved from the
// catalog, inventory.out_of_stock and inventory.back_in_stock from the
// stock. A host registers their types (RegisterIndexedEvents) and
// subscribes Handler(name) to each, in one consumer group
// (DefaultIndexerGroup, or its own):
//
//	search.RegisterIndexedEvents(bus.Registry())
//	for _, name := range indexer.Events() {
//		h, _ := indexer.Handler(name)
//		bus.Subscribe(search.DefaultIndexerGroup, name, h)
//	}
func (x *Indexer) Events() []string {
	names := make([]string, 0, len(x.handlers))
	for n := range x.handlers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Handler returns the handler of event, and false when the Indexer does
// not follow it. The handler refreshes what the event changed; an event
// whose payload is not the type its name implies is InvalidArgument.
func (x *Indexer) Handler(event string) (func(ctx context.Context, env commerce.Envelope) error, bool) {
	h, ok := x.handlers[event]
	return h, ok
}

// handle adapts a typed handler to an envelope handler.
func handle[E commerce.Event](fn func(ctx context.Context, e E) error) func(ctx context.Context, env commerce.Envelope) error {
	return func(ctx context.Context, env commerce.Envelope) error {
		e, ok := env.Payload.(E)
		if !ok {
			return commerce.Errorf(commerce.CodeInvalidArgument, "search: event %s carries a %T", env.Name, env.Payload)
		}
		return fn(ctx, e)
	}
}

// newHandlers maps every event the Indexer follows to its handler.
func (x *Indexer) newHandlers() map[string]func(ctx context.Context, env commerce.Envelope) error {
	return map[string]func(ctx context.Context, env commerce.Envelope) error{
		catalog.ProductCreated{}.EventName(): handle(func(ctx context.Context, e catalog.ProductCreated) error {
			return x.Refresh(ctx, e.Product.ID)
		}),
		catalog.ProductUpdated{}.EventName(): handle(func(ctx context.Context, e catalog.ProductUpdated) error {
			return x.Refresh(ctx, e.Product.ID)
		}),
		catalog.ProductArchived{}.EventName(): handle(func(ctx context.Context, e catalog.ProductArchived) error {
			return x.Refresh(ctx, e.Product.ID)
		}),
		catalog.ProductDeleted{}.EventName(): handle(func(ctx context.Context, e catalog.ProductDeleted) error {
			return x.Refresh(ctx, e.ProductID)
		}),
		catalog.VariantPriceChanged{}.EventName(): handle(func(ctx context.Context, e catalog.VariantPriceChanged) error {
			return x.Refresh(ctx, e.ProductID)
		}),
		catalog.ReviewCreated{}.EventName(): handle(func(ctx context.Context, e catalog.ReviewCreated) error {
			return x.refresh(ctx, e.Review.ProductID, NewReviewDocument(e.Review))
		}),
		catalog.CategoryMoved{}.EventName(): handle(func(ctx context.Context, e catalog.CategoryMoved) error {
			return x.RefreshCategory(ctx, e.CategoryID)
		}),
		inventory.OutOfStock{}.EventName(): handle(func(ctx context.Context, e inventory.OutOfStock) error {
			return x.RefreshSKU(ctx, e.SKU)
		}),
		inventory.BackInStock{}.EventName(): handle(func(ctx context.Context, e inventory.BackInStock) error {
			return x.RefreshSKU(ctx, e.SKU)
		}),
	}
}

// Refresh writes the product's current state to the index: its Document
// when it is active, its removal when it is not, and, when it no longer
// exists, the removal of its reviews too.
func (x *Indexer) Refresh(ctx context.Context, id commerce.ProductID) error {
	return x.refresh(ctx, id)
}

func (x *Indexer) refresh(ctx context.Context, id commerce.ProductID, reviews ...ReviewDocument) error {
	i := stripe(id)
	x.locks[i].Lock()
	defer x.locks[i].Unlock()
	p, err := x.catalog.GetProduct(ctx, id)
	if err != nil && commerce.Code(err) != commerce.CodeNotFound {
		return err
	}
	b, err := x.batchFor(ctx, id, p, err == nil)
	if err != nil {
		return err
	}
	b.Reviews = append(b.Reviews, reviews...)
	// An event often brings what the index already holds: delivered
	// again, or replayed after Reindex read the catalog it describes.
	b.SkipUnchanged = true
	// Still under the product's lock: a later refresh of it reads the
	// catalog only after this write is in.
	if err := x.writes.write(ctx, b); err != nil {
		return err
	}
	x.epochs[i].Add(1)
	return nil
}

// RefreshCategory re-indexes the products in category id or below it,
// after the category moved: the cached paths of every category are
// dropped first, so the products are indexed under their new ancestors.
func (x *Indexer) RefreshCategory(ctx context.Context, id commerce.CategoryID) error {
	x.mu.Lock()
	clear(x.categories)
	x.mu.Unlock()
	page := commerce.PageRequest{Limit: x.opts.BatchSize}
	for {
		got, err := x.catalog.ListProducts(ctx, catalog.ProductFilter{CategoryID: id}, page)
		if commerce.Code(err) == commerce.CodeNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		for _, p := range got.Items {
			if err := x.Refresh(ctx, p.ID); err != nil {
				return err
			}
		}
		if !got.HasMore() {
			return nil
		}
		page.Cursor = got.NextCursor
	}
}

// RefreshSKU refreshes the product that has a variant with sku. A SKU the
// catalog does not know, or would not accept, is skipped: stock may be
// loaded before products, and inventory names SKUs more freely.
func (x *Indexer) RefreshSKU(ctx context.Context, sku string) error {
	_, p, err := x.catalog.GetVariantBySKU(ctx, sku)
	if c := commerce.Code(err); c == commerce.CodeNotFound || c == commerce.CodeInvalidArgument {
		x.opts.Logger.DebugContext(ctx, "search: stock of a SKU the catalog does not know", "sku", sku)
		return nil
	}
	if err != nil {
		return err
	}
	return x.Refresh(ctx, p.ID)
}

// batchFor returns the writes that bring product id's index entry in line
// with p, which exists unless found is false.
func (x *Indexer) batchFor(ctx context.Context, id commerce.ProductID, p catalog.Product, found bool) (Batch, error) {
	switch {
	case !found:
		return Batch{DeleteProducts: []commerce.ProductID{id}, DeleteReviewsOf: []commerce.ProductID{id}}, nil
	case p.Status != catalog.StatusActive:
		return Batch{DeleteProducts: []commerce.ProductID{id}}, nil
	}
	doc, err := x.document(ctx, p)
	if err != nil {
		return Batch{}, err
	}
	return Batch{Products: []Document{doc}}, nil
}

// document builds p's Document, looking up its brand, categories and
// stock.
func (x *Indexer) document(ctx context.Context, p catalog.Product) (Document, error) {
	var brandName string
	if !p.BrandID.IsZero() {
		n, err := x.brandName(ctx, p.BrandID)
		if err != nil {
			return Document{}, err
		}
		brandName = n
	}
	var refs []CategoryRef
	for _, id := range p.CategoryIDs {
		c, err := x.category(ctx, id)
		if err != nil {
			return Document{}, err
		}
		for _, a := range c.Path {
			ac, err := x.category(ctx, a)
			if err != nil {
				return Document{}, err
			}
			refs = append(refs, CategoryRef{ID: ac.ID, Name: ac.Name})
		}
	}
	inStock := x.stock == nil
	for _, v := range p.Variants {
		if inStock {
			break
		}
		a, err := x.stock.Availability(ctx, v.SKU)
		if err != nil {
			return Document{}, err
		}
		inStock = a.InStock()
	}
	return NewDocument(p, brandName, refs, inStock), nil
}

func (x *Indexer) brandName(ctx context.Context, id commerce.BrandID) (string, error) {
	x.mu.Lock()
	n, ok := x.brands[id]
	x.mu.Unlock()
	if ok {
		return n, nil
	}
	b, err := x.catalog.GetBrand(ctx, id)
	if err != nil {
		return "", err
	}
	x.mu.Lock()
	x.brands[id] = b.Name
	x.mu.Unlock()
	return b.Name, nil
}

func (x *Indexer) category(ctx context.Context, id commerce.CategoryID) (catalog.Category, error) {
	x.mu.Lock()
	c, ok := x.categories[id]
	x.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := x.catalog.GetCategory(ctx, id)
	if err != nil {
		return catalog.Category{}, err
	}
	x.mu.Lock()
	x.categories[id] = c
	x.mu.Unlock()
	return c, nil
}

// Reindex rebuilds the index from the catalog: it writes every active
// product with its reviews, BatchSize products at a time, then removes
// from the index every product it did not write that is no longer
// active. progress, if not nil, is called after each batch with the
// products written so far and the active products counted when Reindex
// began (raised if more turn up). Event handlers may run meanwhile: a
// product they refresh while Reindex holds an older copy is read again,
// so the newer state wins.
func (x *Indexer) Reindex(ctx context.Context, progress func(done, total int)) error {
	active := catalog.ProductFilter{Status: catalog.StatusActive}
	total := 0
	for page, err := range x.pages(ctx, active, commerce.MaxPageLimit) {
		if err != nil {
			return err
		}
		total += len(page)
	}
	written := map[commerce.ProductID]bool{}
	done := 0
	req := commerce.PageRequest{Limit: x.opts.BatchSize}
	for {
		// Epochs read before the listing tell which listed products a
		// handler refreshed before reindexPage takes their locks.
		var epochs [lockStripes]uint64
		for i := range epochs {
			epochs[i] = x.epochs[i].Load()
		}
		page, err := x.catalog.ListProducts(ctx, active, req)
		if err != nil {
			return err
		}
		if err := x.reindexPage(ctx, page.Items, &epochs); err != nil {
			return err
		}
		for _, p := range page.Items {
			written[p.ID] = true
		}
		done += len(page.Items)
		total = max(total, done)
		if progress != nil && len(page.Items) > 0 {
			progress(done, total)
		}
		if !page.HasMore() {
			break
		}
		req.Cursor = page.NextCursor
	}
	return x.sweep(ctx, written)
}

// pages yields the catalog's products matching filter, size at a time.
func (x *Indexer) pages(ctx context.Context, filter catalog.ProductFilter, size int) func(func([]catalog.Product, error) bool) {
	return func(yield func([]catalog.Product, error) bool) {
		req := commerce.PageRequest{Limit: size}
		for {
			page, err := x.catalog.ListProducts(ctx, filter, req)
			if err != nil {
				yield(nil, err)
				return
			}
			if len(page.Items) > 0 && !yield(page.Items, nil) {
				return
			}
			if !page.HasMore() {
				return
			}
			req.Cursor = page.NextCursor
		}
	}
}

// reindexPage writes one page of products with their reviews, holding
// the locks of their products so no event handler writes between.
// A product whose stripe was written since seen (the epochs before the
// page was listed) is read again, since a handler may have written a
// newer state than the listed one.
func (x *Indexer) reindexPage(ctx context.Context, page []catalog.Product, seen *[lockStripes]uint64) error {
	if len(page) == 0 {
		return nil
	}
	var stripes []int
	for _, p := range page {
		stripes = append(stripes, stripe(p.ID))
	}
	slices.Sort(stripes)
	stripes = slices.Compact(stripes)
	for _, i := range stripes {
		x.locks[i].Lock()
	}
	defer func() {
		for _, i := range stripes {
			x.locks[i].Unlock()
		}
	}()
	var b Batch
	for _, p := range page {
		found := true
		if x.epochs[stripe(p.ID)].Load() != seen[stripe(p.ID)] {
			fresh, err := x.catalog.GetProduct(ctx, p.ID)
			switch {
			case commerce.Code(err) == commerce.CodeNotFound:
				found = false
			case err != nil:
				return err
			default:
				p = fresh
			}
		}
		pb, err := x.batchFor(ctx, p.ID, p, found)
		if err != nil {
			return err
		}
		b.Products = append(b.Products, pb.Products...)
		b.DeleteProducts = append(b.DeleteProducts, pb.DeleteProducts...)
		b.DeleteReviewsOf = append(b.DeleteReviewsOf, pb.DeleteReviewsOf...)
		if found && p.Status == catalog.StatusActive && p.Rating.Count > 0 {
			reviews, err := x.reviews(ctx, p.ID)
			if err != nil {
				return err
			}
			b.Reviews = append(b.Reviews, reviews...)
		}
	}
	if err := x.index.Batch(ctx, b); err != nil {
		return err
	}
	for _, i := range stripes {
		x.epochs[i].Add(1)
	}
	return nil
}

func (x *Indexer) reviews(ctx context.Context, id commerce.ProductID) ([]ReviewDocument, error) {
	var out []ReviewDocument
	req := commerce.PageRequest{Limit: commerce.MaxPageLimit}
	for {
		page, err := x.catalog.ListReviews(ctx, id, req)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Items {
			out = append(out, NewReviewDocument(r))
		}
		if !page.HasMore() {
			return out, nil
		}
		req.Cursor = page.NextCursor
	}
}

// sweep refreshes every product in the index that Reindex did not write:
// products archived, deleted or drafted while no indexer ran leave it.
func (x *Indexer) sweep(ctx context.Context, written map[commerce.ProductID]bool) error {
	svc, err := NewService(x.index, nil)
	if err != nil {
		return err
	}
	q := Query{Sort: SortNewest, PageSize: MaxPageSize}
	var stale []commerce.ProductID
	for {
		res, err := svc.Search(ctx, q)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			if !written[h.ProductID] {
				stale = append(stale, h.ProductID)
			}
		}
		if res.NextCursor == "" {
			break
		}
		q.Cursor = res.NextCursor
	}
	for _, id := range stale {
		if err := x.Refresh(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

func stripe(id commerce.ProductID) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % lockStripes)
}
