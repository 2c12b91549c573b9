package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"mime"
	"net/http"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// ImportResponse is the result of a bulk import: how many rows were
// created, how many were rejected, and why, by line.
type ImportResponse struct {
	// Done counts the products created.
	Done int `json:"done"`
	// Failed counts the rows rejected.
	Failed int `json:"failed"`
	// Errors describes the first 100 rejected rows, in input order.
	Errors []ImportRowError `json:"errors"`
}

// ImportRowError is why one line of an import was rejected.
type ImportRowError struct {
	// Line is the line of the body, from 1.
	Line int `json:"line"`
	// Handle is the row's handle, when it could be read.
	Handle  string             `json:"handle,omitempty"`
	Code    commerce.ErrorCode `json:"code"`
	Message string             `json:"message"`
	// Field names the offending field of the row, when known.
	Field string `json:"field,omitempty"`
}

// importChunk is how many rows the API hands to one catalog.Import call:
// one store batch, so the line numbers of a chunk's rows are all it keeps.
const importChunk = catalog.DefaultImportBatchSize

// importRow is one non-blank line of an import body.
type importRow struct {
	line int
	in   catalog.ProductInput
	err  error
}

// ndjsonTypes are the content types an import accepts, besides none.
var ndjsonTypes = map[string]bool{
	"application/x-ndjson": true,
	"application/ndjson":   true,
	"application/jsonl":    true,
}

func (a *API) adminCatalogRoutes() {
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/brands", Summary: "Create a brand", Tag: "admin catalog", Auth: Admin,
		Request: catalog.BrandInput{}, Response: catalog.Brand{}, Status: http.StatusCreated,
		handle: replyWith(a, func(r *http.Request, in catalog.BrandInput) (catalog.Brand, error) {
			return a.svc.Catalog.CreateBrand(r.Context(), in)
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/categories", Summary: "Create a category, under parent_id when set", Tag: "admin catalog", Auth: Admin,
		Request: catalog.CategoryInput{}, Response: catalog.Category{}, Status: http.StatusCreated,
		handle: replyWith(a, func(r *http.Request, in catalog.CategoryInput) (catalog.Category, error) {
			return a.svc.Catalog.CreateCategory(r.Context(), in)
		}),
	})
	a.taxonomyReads("/admin", "admin catalog", Admin)

	a.add(Route{
		Method: http.MethodPost, Path: "/admin/products", Summary: "Create a product with its variants (a draft unless status says otherwise)", Tag: "admin catalog", Auth: Admin,
		Request: catalog.ProductInput{}, Response: catalog.Product{}, Status: http.StatusCreated,
		handle: replyWith(a, func(r *http.Request, in catalog.ProductInput) (catalog.Product, error) {
			return a.svc.Catalog.CreateProduct(r.Context(), in)
		}),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/products", Summary: "List products of every status in ID order, a keyset page at a time", Tag: "admin catalog", Auth: Admin,
		Query: withKeyset(
			Param{Name: "status", Description: "draft, active or archived; absent lists all."},
			Param{Name: "category", Description: "A category ID: products in it or in any category below it."},
			Param{Name: "brand", Description: "A brand ID."},
		),
		Response: List[catalog.Product]{},
		handle: reply(func(r *http.Request) (List[catalog.Product], error) {
			filter, err := productFilter(r)
			if err != nil {
				return List[catalog.Product]{}, err
			}
			if s := catalog.Status(r.URL.Query().Get("status")); s != "" {
				if !s.Valid() {
					return List[catalog.Product]{}, badParam("status", "status %q is not draft, active or archived", truncate(string(s)))
				}
				filter.Status = s
			}
			return a.listProducts(r, filter)
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/products/import", Summary: "Bulk import: an NDJSON body (application/x-ndjson), one product (the POST /admin/products body) per line; bad rows are reported by line and the others created", Tag: "admin catalog", Auth: Admin,
		Request: catalog.ProductInput{}, RequestType: "application/x-ndjson", Response: ImportResponse{},
		handle: a.importProducts,
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/products/{id}", Summary: "A product of any status, with its variants", Tag: "admin catalog", Auth: Admin,
		Response: catalog.Product{},
		handle:   reply(byID(a.svc.Catalog.GetProduct)),
	})
	a.add(Route{
		Method: http.MethodPatch, Path: "/admin/products/{id}", Summary: "Change some fields of a product; absent fields are left alone", Tag: "admin catalog", Auth: Admin,
		Request: catalog.ProductPatch{}, Response: catalog.Product{},
		handle: withID("id", func(id commerce.ProductID) handler {
			return replyWith(a, func(r *http.Request, patch catalog.ProductPatch) (catalog.Product, error) {
				return a.svc.Catalog.UpdateProduct(r.Context(), id, patch)
			})
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/products/{id}/archive", Summary: "Withdraw a product from sale, keeping it for past orders and reviews", Tag: "admin catalog", Auth: Admin,
		Response: catalog.Product{},
		handle:   reply(byID(a.svc.Catalog.ArchiveProduct)),
	})
	a.add(Route{
		Method: http.MethodDelete, Path: "/admin/products/{id}", Summary: "Delete a product with its variants and reviews (archive anything ever sold instead)", Tag: "admin catalog", Auth: Admin,
		handle: withID("id", func(id commerce.ProductID) handler {
			return noContent(func(r *http.Request) error {
				return a.svc.Catalog.DeleteProduct(r.Context(), id)
			})
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/products/{id}/variants", Summary: "Add a variant to a product", Tag: "admin catalog", Auth: Admin,
		Request: catalog.VariantInput{}, Response: catalog.Variant{}, Status: http.StatusCreated,
		handle: withID("id", func(id commerce.ProductID) handler {
			return replyWith(a, func(r *http.Request, in catalog.VariantInput) (catalog.Variant, error) {
				return a.svc.Catalog.AddVariant(r.Context(), id, in)
			})
		}),
	})
	a.add(Route{
		Method: http.MethodPut, Path: "/admin/products/{id}/variants/{variant_id}", Summary: "Replace a variant's SKU, options, prices and weight", Tag: "admin catalog", Auth: Admin,
		Request: catalog.VariantInput{}, Response: catalog.Variant{},
		handle: withID("id", func(id commerce.ProductID) handler {
			return withID("variant_id", func(vid commerce.VariantID) handler {
				return replyWith(a, func(r *http.Request, in catalog.VariantInput) (catalog.Variant, error) {
					return a.svc.Catalog.UpdateVariant(r.Context(), id, vid, in)
				})
			})
		}),
	})
	a.add(Route{
		Method: http.MethodDelete, Path: "/admin/products/{id}/variants/{variant_id}", Summary: "Remove a variant (an active product keeps at least one)", Tag: "admin catalog", Auth: Admin,
		handle: withID("id", func(id commerce.ProductID) handler {
			return withID("variant_id", func(vid commerce.VariantID) handler {
				return noContent(func(r *http.Request) error {
					return a.svc.Catalog.DeleteVariant(r.Context(), id, vid)
				})
			})
		}),
	})
}

// importProducts streams an NDJSON body into catalog.Service.Import, a
// chunk of rows at a time, so memory stays bounded whatever the body's
// size and each rejected row is reported by its line.
//
// A body over Options.ImportMaxBytes is 413. When its Content-Length says
// so, nothing is imported; a body sent without one is caught while
// streaming, and the 413 then reports in its details the rows already
// created before the limit was reached.
func (a *API) importProducts(w http.ResponseWriter, r *http.Request, rt *Route) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !ndjsonTypes[mt] {
			return commerce.Errorf(commerce.CodeInvalidArgument, "an import body must be application/x-ndjson, one product per line, not %q", truncate(ct))
		}
	}
	limit := a.opts.ImportMaxBytes
	if r.ContentLength > limit {
		return tooLarge{limit: limit}
	}
	br := bufio.NewReaderSize(http.MaxBytesReader(w, r.Body, limit), 64<<10)
	res := ImportResponse{Errors: []ImportRowError{}}
	chunk := make([]importRow, 0, importChunk)
	line := 0
	for {
		raw, readErr := br.ReadBytes('\n')
		if readErr != nil && !errors.Is(readErr, io.EOF) {
			var mbe *http.MaxBytesError
			if errors.As(readErr, &mbe) {
				// The rows before the limit are committed: say how many.
				writeJSON(w, http.StatusRequestEntityTooLarge, ErrorBody{ErrorDetail{
					Code: commerce.CodeInvalidArgument, Message: "request body too large",
					Details:   map[string]any{"limit_bytes": limit, "done": res.Done, "failed": res.Failed},
					RequestID: RequestID(r.Context()),
				}})
				return nil
			}
			return a.importStopped(commerce.Errorf(commerce.CodeUnavailable, "reading the import body at line %d: %w", line+1, readErr), res)
		}
		if len(raw) > 0 {
			line++
			if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 {
				in, err := decodeImportRow(trimmed)
				chunk = append(chunk, importRow{line: line, in: in, err: err})
			}
		}
		if len(chunk) == importChunk || (errors.Is(readErr, io.EOF) && len(chunk) > 0) {
			if err := a.importChunk(r, chunk, &res); err != nil {
				return a.importStopped(err, res)
			}
			chunk = chunk[:0]
		}
		if errors.Is(readErr, io.EOF) {
			break
		}
	}
	writeJSON(w, rt.Status, res)
	return nil
}

// importStopped returns err, which stopped an import, with the totals of
// the rows committed before it.
func (a *API) importStopped(err error, res ImportResponse) error {
	var ce *commerce.Error
	if errors.As(err, &ce) {
		return ce.WithDetail("done", res.Done).WithDetail("failed", res.Failed)
	}
	return err
}

// importChunk imports one chunk of rows, adding its totals and row errors
// to res.
func (a *API) importChunk(r *http.Request, chunk []importRow, res *ImportResponse) error {
	var rows iter.Seq2[catalog.ProductInput, error] = func(yield func(catalog.ProductInput, error) bool) {
		for _, row := range chunk {
			if !yield(row.in, row.err) {
				return
			}
		}
	}
	out, err := a.svc.Catalog.Import(r.Context(), rows, &catalog.ImportOptions{BatchSize: len(chunk), MaxErrors: len(chunk)})
	res.Done += out.Done
	res.Failed += out.Failed
	for _, re := range out.Errors {
		if len(res.Errors) == catalog.DefaultImportMaxErrors {
			break
		}
		pub, shown := public(re.Err)
		e := ImportRowError{Handle: truncate(re.Handle), Code: pub.Code, Message: pub.Message}
		if re.Index >= 0 && re.Index < len(chunk) {
			e.Line = chunk[re.Index].line
		}
		if shown {
			e.Field, _ = pub.Details["field"].(string)
		} else {
			a.log.WarnContext(r.Context(), "httpapi: import row failed", "request_id", RequestID(r.Context()), "line", e.Line, "error", re.Err)
		}
		res.Errors = append(res.Errors, e)
	}
	return err
}

// decodeImportRow decodes one line strictly, as a JSON body is: one
// object, no unknown fields. Every failure is InvalidArgument, which
// Import counts as a rejected row.
func decodeImportRow(raw []byte) (catalog.ProductInput, error) {
	var in catalog.ProductInput
	err := decodeStrict(raw, &in)
	if err == nil {
		return in, nil
	}
	if commerce.Code(err) != commerce.CodeInvalidArgument {
		err = commerce.Errorf(commerce.CodeInvalidArgument, "%v", err)
	}
	// Keep the handle, if readable, so the error names the row twice.
	var h struct {
		Handle string `json:"handle"`
	}
	_ = json.Unmarshal(raw, &h)
	return catalog.ProductInput{Handle: h.Handle}, err
}
