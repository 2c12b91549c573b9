package catalog

import (
	"context"
	"iter"

	"github.com/mercatohq/mercato/commerce"
)

// Import defaults and limits.
const (
	DefaultImportBatchSize = 500
	MaxImportBatchSize     = 5000
	DefaultImportMaxErrors = 100
)

// ImportOptions tunes Import. A nil *ImportOptions means the defaults.
type ImportOptions struct {
	// BatchSize is how many products are written per store call (and, in
	// PostgreSQL, per transaction). Default DefaultImportBatchSize, at most
	// MaxImportBatchSize.
	BatchSize int
	// Progress, if set, is called on the importing goroutine after every
	// batch with the running totals.
	Progress func(ImportProgress)
	// MaxErrors caps how many row errors the result keeps (all are
	// counted). Default DefaultImportMaxErrors.
	MaxErrors int
}

// ImportProgress is the running total of an import.
type ImportProgress struct {
	// Done counts products created so far.
	Done int
	// Failed counts rows rejected so far.
	Failed int
}

// RowError is why one row of an import was rejected.
type RowError struct {
	// Index is the row's position in the input, from 0.
	Index int
	// Handle is the row's handle, if it had one.
	Handle string
	Err    error
}

// ImportResult summarises an import.
type ImportResult struct {
	ImportProgress
	// Errors holds the first MaxErrors row errors, in input order.
	Errors []RowError
}

// Import creates the products the iterator yields, streaming: it holds one
// batch at a time, so the input may be far larger than memory. Each
// product publishes product.created.
//
// A bad row does not stop the import. Rows failing validation, and rows
// the store refuses because of a taken handle or SKU or an unknown brand
// or category, are counted in Failed and described in Errors, and the
// other rows are created. (Each batch is written all or nothing; when the
// store refuses a batch for a row's sake, that batch is retried row by row
// so the good rows still land.) An error the iterator yields with
// CodeInvalidArgument (a malformed row) is likewise a failed row.
//
// Anything else stops the import: a store that is down, a cancelled
// context, another error from the iterator. Import then returns the
// totals so far, whose Done rows are committed, and the error.
func (s *Service) Import(ctx context.Context, products iter.Seq2[ProductInput, error], opts *ImportOptions) (ImportResult, error) {
	cfg := ImportOptions{BatchSize: DefaultImportBatchSize, MaxErrors: DefaultImportMaxErrors}
	if opts != nil {
		cfg.Progress = opts.Progress
		if opts.BatchSize < 0 || opts.BatchSize > MaxImportBatchSize {
			return ImportResult{}, invalid("batch_size", "import batch size must be 1 to %d, got %d", MaxImportBatchSize, opts.BatchSize)
		}
		if opts.BatchSize > 0 {
			cfg.BatchSize = opts.BatchSize
		}
		if opts.MaxErrors < 0 {
			return ImportResult{}, invalid("max_errors", "import max errors must not be negative, got %d", opts.MaxErrors)
		}
		if opts.MaxErrors > 0 {
			cfg.MaxErrors = opts.MaxErrors
		}
	}
	imp := &importer{s: s, cfg: cfg}
	index := -1
	for in, err := range products {
		index++
		if err != nil {
			if commerce.Code(err) != commerce.CodeInvalidArgument {
				return imp.result, commerce.Errorf(commerce.Code(err), "catalog: import stopped reading row %d: %w", index, err)
			}
			imp.fail(index, in.Handle, err)
			continue
		}
		p, err := s.buildProduct(in)
		if err != nil {
			imp.fail(index, in.Handle, err)
			continue
		}
		imp.batch = append(imp.batch, p)
		imp.indexes = append(imp.indexes, index)
		if len(imp.batch) == cfg.BatchSize {
			if err := imp.flush(ctx); err != nil {
				return imp.result, err
			}
		}
	}
	if err := imp.flush(ctx); err != nil {
		return imp.result, err
	}
	return imp.result, nil
}

// importer holds one batch and the running result.
type importer struct {
	s       *Service
	cfg     ImportOptions
	batch   []Product
	indexes []int
	result  ImportResult
}

func (imp *importer) fail(index int, handle string, err error) {
	imp.result.Failed++
	if len(imp.result.Errors) < imp.cfg.MaxErrors {
		imp.result.Errors = append(imp.result.Errors, RowError{Index: index, Handle: handle, Err: err})
	}
}

// rowRefused reports whether the store refused a write because of the
// data in it, rather than because it could not write at all.
func rowRefused(err error) bool {
	c := commerce.Code(err)
	return c == commerce.CodeConflict || c == commerce.CodeFailedPrecondition || c == commerce.CodeInvalidArgument
}

func (imp *importer) flush(ctx context.Context) error {
	if len(imp.batch) == 0 {
		return nil
	}
	defer func() {
		imp.batch, imp.indexes = imp.batch[:0], imp.indexes[:0]
		if imp.cfg.Progress != nil {
			imp.cfg.Progress(imp.result.ImportProgress)
		}
	}()
	if err := ctx.Err(); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "catalog: import stopped before row %d: %w", imp.indexes[0], err)
	}
	err := imp.s.store.CreateProducts(ctx, imp.batch, imp.events(imp.batch))
	if err == nil {
		imp.result.Done += len(imp.batch)
		return nil
	}
	if !rowRefused(err) {
		return commerce.Errorf(commerce.Code(err), "catalog: import stopped at the batch from row %d: %w", imp.indexes[0], err)
	}
	// Find the offending rows by writing the batch one row at a time.
	for i, p := range imp.batch {
		one := imp.batch[i : i+1]
		err := imp.s.store.CreateProducts(ctx, one, imp.events(one))
		switch {
		case err == nil:
			imp.result.Done++
		case rowRefused(err):
			imp.fail(imp.indexes[i], p.Handle, err)
		default:
			return commerce.Errorf(commerce.Code(err), "catalog: import stopped at row %d: %w", imp.indexes[i], err)
		}
	}
	return nil
}

func (imp *importer) events(products []Product) []commerce.Envelope {
	out := make([]commerce.Envelope, len(products))
	for i, p := range products {
		out[i] = commerce.NewEnvelope(p.ID.String(), p.CreatedAt, ProductCreated{Product: p.Clone()})
	}
	return out
}
