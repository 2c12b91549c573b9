package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// Index is a search.Index on bleve: a products-catalog index and a
// products-reviews index, each split into Options.Shards shards. It is
// safe for concurrent use.
type Index struct {
	opts Options
	// dir holds the shards: Options.Path, or a private temporary
	// directory when Path is empty, removed by Close.
	dir     string
	tempDir bool
	catalog *shardSet
	reviews *shardSet
	// columns caches the columns of each catalog shard's segments.
	columns []*columnCache
	// matches holds *search.DocumentMatchPool for collect to reuse: a
	// new one per query would allocate a searcher tree's worth of
	// matches, garbage that shows in the queries' tail.
	matches sync.Pool
	// reviewed keeps the answers of the reviews query.
	reviewed *reviewCache

	mu     sync.RWMutex // held for reading by every operation, for writing by Close
	closed bool
}

var _ search.Index = (*Index)(nil)

// shardSet is one logical index: its shards and what searches them all.
type shardSet struct {
	shards  []blevesearch.Index
	all     blevesearch.Index // the only shard, or an alias over all of them
	mapping mapping.IndexMapping
}

// New opens (or creates) the indexes described by opts, which may be nil.
func New(opts *Options) (*Index, error) {
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	cm, err := catalogMapping()
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInternal, "bleve: catalog mapping: %w", err)
	}
	rm, err := reviewMapping()
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInternal, "bleve: review mapping: %w", err)
	}
	x := &Index{opts: o, dir: o.Path, reviewed: newReviewCache()}
	if x.dir == "" {
		// Scorch merges segments only in an index with a directory:
		// without one, every batch stays a segment of its own, and a
		// stream of small batches (an indexer following catalog events)
		// grows the heap without bound. A private directory gives a
		// temporary index the same persister and merger.
		if x.dir, err = os.MkdirTemp("", "mercato-bleve-"); err != nil {
			return nil, commerce.Errorf(commerce.CodeUnavailable, "bleve: create a temporary directory: %w", err)
		}
		x.tempDir = true
	}
	if x.opts.Shards == 0 {
		if x.opts.Shards, err = shardsAt(x.dir, x.tempDir); err != nil {
			x.removeTempDir()
			return nil, err
		}
	}
	if x.catalog, err = openShards(x.opts, x.dir, x.tempDir, "catalog", cm); err != nil {
		x.removeTempDir()
		return nil, err
	}
	if x.reviews, err = openShards(x.opts, x.dir, x.tempDir, "reviews", rm); err != nil {
		x.catalog.close()
		x.removeTempDir()
		return nil, err
	}
	for range x.catalog.shards {
		x.columns = append(x.columns, newColumnCache())
	}
	return x, nil
}

// shardsAt is the shard count of the index in dir, or DefaultShards
// when there is none yet.
func shardsAt(dir string, temporary bool) (int, error) {
	if temporary {
		return DefaultShards, nil
	}
	existing, err := filepath.Glob(filepath.Join(dir, "catalog-*"))
	if err != nil {
		return 0, commerce.Errorf(commerce.CodeInvalidArgument, "bleve: path %q: %w", dir, err)
	}
	if len(existing) == 0 {
		return DefaultShards, nil
	}
	return len(existing), nil
}

// openShards opens or creates the shards of one index, named
// "<name>-<i>" under dir. A temporary index is new and never reopened.
func openShards(o Options, dir string, temporary bool, name string, m *mapping.IndexMappingImpl) (*shardSet, error) {
	if !temporary {
		existing, err := filepath.Glob(filepath.Join(dir, name+"-*"))
		if err != nil {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "bleve: path %q: %w", dir, err)
		}
		if len(existing) > 0 && len(existing) != o.Shards {
			return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "bleve: %s holds %d %s shards, not %d", dir, len(existing), name, o.Shards)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, commerce.Errorf(commerce.CodeUnavailable, "bleve: create %s: %w", dir, err)
		}
	}
	s := &shardSet{mapping: m}
	for i := range o.Shards {
		idx, err := openShard(dir, temporary, fmt.Sprintf("%s-%d", name, i), m)
		if err != nil {
			s.close()
			return nil, err
		}
		s.shards = append(s.shards, idx)
	}
	if len(s.shards) == 1 {
		s.all = s.shards[0]
	} else {
		s.all = blevesearch.NewIndexAlias(s.shards...)
	}
	return s, nil
}

func openShard(dir string, temporary bool, name string, m *mapping.IndexMappingImpl) (blevesearch.Index, error) {
	path := filepath.Join(dir, name)
	if temporary {
		// A batch of a temporary index returns once searchable, without
		// waiting for its segment to reach the disk: nothing reopens it.
		idx, err := blevesearch.NewUsing(path, m, scorch.Name, scorch.Name, map[string]any{"unsafe_batch": true})
		if err != nil {
			return nil, commerce.Errorf(commerce.CodeUnavailable, "bleve: create temporary index %s: %w", path, err)
		}
		return idx, nil
	}
	if _, err := os.Stat(path); err == nil {
		idx, err := blevesearch.Open(path)
		if err != nil {
			return nil, commerce.Errorf(commerce.CodeUnavailable, "bleve: open %s: %w", path, err)
		}
		return idx, nil
	}
	idx, err := blevesearch.NewUsing(path, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeUnavailable, "bleve: create %s: %w", path, err)
	}
	return idx, nil
}

func (s *shardSet) shardOf(id commerce.ProductID) int {
	if len(s.shards) == 1 {
		return 0
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % uint32(len(s.shards)))
}

func (s *shardSet) close() error {
	var errs []error
	for _, sh := range s.shards {
		if err := sh.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// apply runs one bleve batch per shard that has writes, concurrently.
func (s *shardSet) apply(ctx context.Context, fill func(shard int, b *blevesearch.Batch) error) error {
	batches := make([]*blevesearch.Batch, len(s.shards))
	for i, sh := range s.shards {
		batches[i] = sh.NewBatch()
		if err := fill(i, batches[i]); err != nil {
			return err
		}
	}
	errs := make([]error, len(s.shards))
	var wg sync.WaitGroup
	for i, b := range batches {
		if b.Size() == 0 {
			continue
		}
		wg.Go(func() {
			if err := ctx.Err(); err != nil {
				errs[i] = err
				return
			}
			errs[i] = s.shards[i].Batch(b)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Index implements search.Index.
func (x *Index) Index(ctx context.Context, docs ...search.Document) error {
	return x.Batch(ctx, search.Batch{Products: docs})
}

// Delete implements search.Index.
func (x *Index) Delete(ctx context.Context, ids ...commerce.ProductID) error {
	return x.Batch(ctx, search.Batch{DeleteProducts: ids})
}

// Batch implements search.Index. The catalog's writes are applied before
// the reviews'.
func (x *Index) Batch(ctx context.Context, b search.Batch) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return errClosed()
	}
	if b.Empty() {
		return nil
	}
	if len(b.Products) > 0 || len(b.DeleteProducts) > 0 {
		docs, err := x.changedProducts(b.Products, b.SkipUnchanged)
		if err != nil {
			return classify("index products", err)
		}
		err = x.catalog.apply(ctx, func(shard int, bb *blevesearch.Batch) error {
			for _, d := range docs {
				if x.catalog.shardOf(d.doc.ProductID) != shard {
					continue
				}
				if err := bb.Index(string(d.doc.ProductID), catalogFields(d.doc, d.raw)); err != nil {
					return err
				}
			}
			for _, id := range b.DeleteProducts {
				if x.catalog.shardOf(id) == shard {
					bb.Delete(string(id))
				}
			}
			return nil
		})
		if err != nil {
			return classify("index products", err)
		}
	}
	reviews, err := x.changedReviews(b.Reviews, b.SkipUnchanged)
	if err != nil {
		return classify("index reviews", err)
	}
	if len(reviews) == 0 && len(b.DeleteReviewsOf) == 0 {
		return nil
	}
	stale, err := x.reviewIDsOf(ctx, b.DeleteReviewsOf)
	if err != nil {
		return err
	}
	// Even a failed write may have changed some shards.
	defer x.reviewed.written()
	err = x.reviews.apply(ctx, func(shard int, bb *blevesearch.Batch) error {
		for _, d := range reviews {
			r := d.review
			if x.reviews.shardOf(r.ProductID) != shard {
				continue
			}
			fields := map[string]any{fieldReviewText: r.Text, fieldReviewProduct: string(r.ProductID), fieldReviewDigest: d.digest}
			if err := bb.Index(reviewDocID(r.ProductID, r.ReviewID), fields); err != nil {
				return err
			}
		}
		for _, id := range stale[shard] {
			bb.Delete(id)
		}
		return nil
	})
	if err != nil {
		return classify("index reviews", err)
	}
	return nil
}

// reviewDocID keys a review by its product first, so a hit names its
// product without loading any stored field.
func reviewDocID(p commerce.ProductID, r commerce.ReviewID) string {
	return string(p) + "/" + string(r)
}

func productOfReview(docID string) commerce.ProductID {
	p, _, _ := strings.Cut(docID, "/")
	return commerce.ProductID(p)
}

// reviewIDsOf returns the document IDs of every review of products, per
// shard.
func (x *Index) reviewIDsOf(ctx context.Context, products []commerce.ProductID) (map[int][]string, error) {
	out := map[int][]string{}
	for _, p := range products {
		shard := x.reviews.shardOf(p)
		for {
			tq := query.NewTermQuery(string(p))
			tq.SetField(fieldReviewProduct)
			req := blevesearch.NewSearchRequestOptions(tq, 10_000, 0, false)
			req.SortBy([]string{"_id"})
			if n := len(out[shard]); n > 0 {
				req.SearchAfter = []string{out[shard][n-1]}
			}
			res, err := x.reviews.shards[shard].SearchInContext(ctx, req)
			if err != nil {
				return nil, classify("find reviews", err)
			}
			for _, h := range res.Hits {
				out[shard] = append(out[shard], h.ID)
			}
			if len(res.Hits) < req.Size {
				break
			}
		}
	}
	return out, nil
}

// encodeDocument is the JSON of d the catalog index stores.
func encodeDocument(d search.Document) ([]byte, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode document %s: %w", d.ProductID, err)
	}
	return raw, nil
}

// catalogFields turns a Document, with raw its JSON (encodeDocument),
// into the fields of the catalog mapping. They are made from the
// document alone: the same JSON, the same fields.
func catalogFields(d search.Document, raw []byte) map[string]any {
	f := map[string]any{
		fieldTitle:    d.Title,
		fieldTitleRaw: d.Title,
		fieldRating:   float64(d.RatingHundredths),
		fieldInStock:  d.InStock,
		fieldDoc:      string(raw),
		fieldPID:      string(d.ProductID),
	}
	var atLeast []string
	for step := int64(ratingStep); step <= d.RatingHundredths; step += ratingStep {
		atLeast = append(atLeast, strconv.FormatInt(step, 10))
	}
	if len(atLeast) > 0 {
		f[fieldRatingAtLeast] = atLeast
	}
	for field, key := range sortKeys(d) {
		f[field] = key
	}
	if d.Description != "" {
		f[fieldDescription] = d.Description
	}
	var facts []string
	if !d.BrandID.IsZero() {
		f[fieldBrandID] = string(d.BrandID)
		f[fieldBrandFacet] = string(d.BrandID) + sep + d.BrandName
		facts = append(facts, d.BrandName)
	}
	if n := len(d.Categories); n > 0 {
		ids, facets := make([]string, n), make([]string, n)
		for i, c := range d.Categories {
			ids[i], facets[i] = string(c.ID), string(c.ID)+sep+c.Name
			facts = append(facts, c.Name)
		}
		f[fieldCategoryIDs], f[fieldCategoryFacet] = ids, facets
	}
	if len(d.Attributes) > 0 {
		pairs := make([]string, 0, len(d.Attributes))
		for k, v := range d.Attributes {
			pairs = append(pairs, k+sep+v)
			facts = append(facts, v)
		}
		f[fieldAttrs] = pairs
	}
	f[fieldAllText] = append([]string{d.Title, d.Description}, facts...)
	if len(d.SKUs) > 0 {
		f[fieldSKUs] = d.SKUs
	}
	if len(d.Prices) > 0 {
		values := make(map[string]any, len(d.Prices))
		for _, m := range d.Prices {
			values[string(m.Currency())] = strconv.FormatInt(m.Amount(), 10)
		}
		f[fieldPriceValue] = values
	}
	return f
}

// Close implements search.Index. It closes every shard, flushing an
// on-disk index; later calls return nil.
func (x *Index) Close(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil
	}
	x.closed = true
	err := errors.Join(x.catalog.close(), x.reviews.close(), x.removeTempDir())
	if err != nil {
		return classify("close", err)
	}
	return nil
}

// removeTempDir removes the directory of a temporary index.
func (x *Index) removeTempDir() error {
	if !x.tempDir {
		return nil
	}
	return os.RemoveAll(x.dir)
}

// SizeOnDisk returns the bytes the indexes' files take under
// Options.Path, or under the temporary directory when Path is empty.
// Files the engine merges away while it counts are left out.
func (x *Index) SizeOnDisk() (int64, error) {
	var total int64
	err := filepath.WalkDir(x.dir, func(_ string, d os.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if !d.IsDir() {
			info, err := d.Info()
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			if err != nil {
				return err
			}
			total += info.Size()
		}
		return nil
	})
	return total, err
}

// Compact merges each shard's segments as far as the engine's merge plan
// allows, as bleve would in the background over time: worth calling after
// a bulk load or a reindex, before serving queries.
func (x *Index) Compact(ctx context.Context) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return errClosed()
	}
	for _, set := range []*shardSet{x.catalog, x.reviews} {
		for i, sh := range set.shards {
			adv, err := sh.Advanced()
			if err != nil {
				return classify("compact", err)
			}
			sc, ok := adv.(*scorch.Scorch)
			if !ok {
				continue
			}
			if err := sc.ForceMerge(ctx, nil); err != nil {
				return classify("compact", err)
			}
			if set == x.catalog {
				// The merged segments' columns, read now rather than by
				// the first query.
				if err := x.warmColumns(sc, i); err != nil {
					return classify("compact", err)
				}
			}
		}
	}
	return nil
}

// warmColumns reads the columns of the segments of catalog shard i.
func (x *Index) warmColumns(sc *scorch.Scorch, i int) error {
	r, err := sc.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return fmt.Errorf("shard %d is not a scorch index", i)
	}
	_, _, err = x.columns[i].of(snap)
	return err
}

func errClosed() error {
	return commerce.Errorf(commerce.CodeFailedPrecondition, "bleve: the index is closed")
}

// classify gives an engine error its code: a closed index is
// FailedPrecondition, an ended context Unavailable, anything else
// Internal.
func classify(op string, err error) error {
	switch {
	case errors.Is(err, blevesearch.ErrorIndexClosed):
		return commerce.Errorf(commerce.CodeFailedPrecondition, "bleve: %s: %w", op, err)
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return commerce.Errorf(commerce.CodeUnavailable, "bleve: %s: %w", op, err)
	case commerce.Code(err) != commerce.CodeInternal:
		return err
	default:
		return commerce.Errorf(commerce.CodeInternal, "bleve: %s: %w", op, err)
	}
}
