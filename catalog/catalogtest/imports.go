package catalogtest

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/sample"
	"github.com/mercatohq/mercato/commerce"
)

func testImport(t *testing.T, f *fixture) {
	gen := sample.New(11)
	tax, err := gen.CreateTaxonomy(f.ctx, f.svc)
	require.NoError(t, err)
	existing := gen.Product(tax, 5) // imported again below: a conflict
	f.product(existing)

	const total = 260
	bad := map[int]string{
		3:   "invalid",   // validation
		40:  "duplicate", // SKU of row 5, already in the store
		41:  "in-batch",  // same handle as row 42 in the same batch
		150: "reference", // unknown category
		201: "reader",    // the iterator yields a malformed row
	}
	rows := func(yield func(catalog.ProductInput, error) bool) {
		for i := range total {
			in := gen.Product(tax, i)
			var err error
			switch bad[i] {
			case "invalid":
				in.Title = ""
			case "duplicate":
				in.Variants[0].SKU = existing.Variants[0].SKU
			case "in-batch":
				in.Handle = gen.Product(tax, 42).Handle
			case "reference":
				in.CategoryIDs = []commerce.CategoryID{commerce.NewID[commerce.CategoryID]()}
			case "reader":
				err = commerce.Errorf(commerce.CodeInvalidArgument, "row %d: malformed", i)
			}
			if i == 5 {
				continue // the existing product is not fed again
			}
			if !yield(in, err) {
				return
			}
		}
	}
	var progress []catalog.ImportProgress
	res, err := f.svc.Import(f.ctx, rows, &catalog.ImportOptions{
		BatchSize: 50,
		Progress:  func(p catalog.ImportProgress) { progress = append(progress, p) },
	})
	require.NoError(t, err)
	assert.Equal(t, total-1-len(bad), res.Done)
	assert.Equal(t, len(bad), res.Failed)

	// Row indexes count the rows the iterator yielded: row 5 was skipped,
	// so later rows shift by one, and of rows 41 and 42, sharing a handle,
	// the second (yielded as 41) is refused.
	wantCodes := map[int]commerce.ErrorCode{
		3: commerce.CodeInvalidArgument, 39: commerce.CodeConflict, 41: commerce.CodeConflict,
		149: commerce.CodeFailedPrecondition, 200: commerce.CodeInvalidArgument,
	}
	got := map[int]commerce.ErrorCode{}
	for _, e := range res.Errors {
		got[e.Index] = commerce.Code(e.Err)
	}
	assert.Equal(t, wantCodes, got, "%v", res.Errors)

	require.NotEmpty(t, progress)
	for i := 1; i < len(progress); i++ {
		assert.GreaterOrEqual(t, progress[i].Done, progress[i-1].Done)
	}
	assert.Equal(t, res.ImportProgress, progress[len(progress)-1])

	all := f.listAll(catalog.ProductFilter{}, 500)
	assert.Len(t, all, res.Done+1)
	_, err = f.svc.GetProductByHandle(f.ctx, gen.Product(tax, 150).Handle)
	requireCode(t, commerce.CodeNotFound, err, "refused row is absent")
	p, err := f.svc.GetProductByHandle(f.ctx, gen.Product(tax, 151).Handle)
	require.NoError(t, err, "its batch neighbour landed")
	assert.Equal(t, gen.Product(tax, 151).Title, p.Title)

	created := f.events.Await(t, "product.created", res.Done+1)
	assert.Len(t, created, res.Done+1, "one product.created per product, none for refused rows")

	// An error that is not about a row stops the import; what was
	// committed stays.
	boom := errors.New("disk on fire")
	stopping := func(yield func(catalog.ProductInput, error) bool) {
		for i := 1000; i < 1010; i++ {
			if !yield(gen.Product(tax, i), nil) {
				return
			}
		}
		yield(catalog.ProductInput{}, boom)
	}
	res, err = f.svc.Import(f.ctx, stopping, &catalog.ImportOptions{BatchSize: 5})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 10, res.Done)

	_, err = f.svc.Import(f.ctx, rows, &catalog.ImportOptions{BatchSize: catalog.MaxImportBatchSize + 1})
	requireCode(t, commerce.CodeInvalidArgument, err)
}

func testImportJSON(t *testing.T, f *fixture) {
	feed := strings.Join([]string{
		`{"handle":"json-1","title":"JSON One","status":"active","variants":[{"sku":"J-1","prices":[{"amount":1000,"currency":"USD"}]}]}`,
		`{"handle":"json-2","title":"JSON Two","variants":[{"sku":"J-2","prices":[{"amount":1000,"currency":"XYZ"}]}]}`,
		`{"handle":"json-3","title":"JSON Three","colour":"red"}`,
		`{"handle":"json-4","title":"JSON Four","variants":[{"sku":"J-4","prices":[{"amount":"10.00","currency":"USD"}]}]}`,
		`{"handle":"json-5","title":"JSON Five","variants":[{"sku":"J-5","prices":[{"amount":500,"currency":"EUR"}],"compare_at":[{"amount":900,"currency":"EUR"}]}]}`,
	}, "\n")
	res, err := f.svc.Import(f.ctx, catalog.DecodeProductsJSON(strings.NewReader(feed)), nil)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Done)
	assert.Equal(t, 3, res.Failed)
	for _, e := range res.Errors {
		requireCode(t, commerce.CodeInvalidArgument, e.Err)
	}
	require.Len(t, res.Errors, 3)
	assert.Equal(t, "json-2", res.Errors[0].Handle, "unknown currency")
	assert.Contains(t, res.Errors[0].Err.Error(), "XYZ")
	assert.Equal(t, 1, res.Errors[0].Index)

	p, err := f.svc.GetProductByHandle(f.ctx, "json-5")
	require.NoError(t, err)
	assert.Equal(t, []commerce.Money{eur(500)}, p.Variants[0].Prices)

	// A syntax error ends the feed; rows before it still land.
	res, err = f.svc.Import(f.ctx, catalog.DecodeProductsJSON(strings.NewReader(
		`{"handle":"json-6","title":"Six"}`+"\n"+`{"handle": "json-7", "title": `)), nil)
	require.NoError(t, err)
	assert.Equal(t, catalog.ImportProgress{Done: 1, Failed: 1}, res.ImportProgress)
}

// compile-time check that sample products feed Import directly.
var _ iter.Seq2[catalog.ProductInput, error] = sample.New(0).Products(nil, 0)

var _ = fmt.Sprint
