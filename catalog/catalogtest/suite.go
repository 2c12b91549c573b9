package catalogtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
)

// NewStore returns a fresh, empty store whose committed events reach
// events.
type NewStore func(t testing.TB, events commerce.EventPublisher) catalog.Store

// Run runs the whole suite against the stores newStore makes, one fresh
// store per subtest.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(*testing.T, *fixture)
	}{
		{"BrandsAndCategories", testBrandsAndCategories},
		{"CreateAndGet", testCreateAndGet},
		{"InvalidInput", testInvalidInput},
		{"DuplicatesLeaveNothing", testDuplicatesLeaveNothing},
		{"UpdateAndArchive", testUpdateAndArchive},
		{"Variants", testVariants},
		{"Delete", testDelete},
		{"ListFilters", testListFilters},
		{"MoveCategory", testMoveCategory},
		{"ConcurrentMoves", testConcurrentMoves},
		{"DeleteCategory", testDeleteCategory},
		{"ListPaging", testListPaging},
		{"PriceSKUs", testPriceSKUs},
		{"Reviews", testReviews},
		{"ConcurrentReviews", testConcurrentReviews},
		{"ConcurrentDuplicates", testConcurrentDuplicates},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"Import", testImport},
		{"ImportJSON", testImportJSON},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := commercetest.NewRecorder()
			store := newStore(t, rec)
			clock := commerce.NewTestClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			svc, err := catalog.NewService(store, &catalog.Options{Clock: clock})
			require.NoError(t, err)
			tc.fn(t, &fixture{t: t, ctx: context.Background(), svc: svc, store: store, events: rec, clock: clock})
		})
	}
}

// fixture is what every subtest gets: a Service over a fresh store and
// the events it published.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	svc    *catalog.Service
	store  catalog.Store
	events *commercetest.Recorder
	clock  *commerce.TestClock
}

func (f *fixture) brand(name string) catalog.Brand {
	f.t.Helper()
	b, err := f.svc.CreateBrand(f.ctx, catalog.BrandInput{Name: name})
	require.NoError(f.t, err)
	return b
}

func (f *fixture) category(name string, parent commerce.CategoryID) catalog.Category {
	f.t.Helper()
	c, err := f.svc.CreateCategory(f.ctx, catalog.CategoryInput{Name: name, ParentID: parent})
	require.NoError(f.t, err)
	return c
}

func (f *fixture) product(in catalog.ProductInput) catalog.Product {
	f.t.Helper()
	p, err := f.svc.CreateProduct(f.ctx, in)
	require.NoError(f.t, err)
	return p
}

func usd(cents int64) commerce.Money { return commerce.MustMoney(cents, "USD") }
func eur(cents int64) commerce.Money { return commerce.MustMoney(cents, "EUR") }

// input returns a valid active product with one variant per SKU.
func input(handle string, skus ...string) catalog.ProductInput {
	in := catalog.ProductInput{
		Handle: handle, Title: "Product " + handle, Status: catalog.StatusActive,
		Description: "A fine product.\nWith two lines.",
		Attributes:  map[string]string{"material": "aluminium"},
		Images:      []string{"https://img.example.com/" + handle + ".jpg"},
	}
	for _, sku := range skus {
		in.Variants = append(in.Variants, catalog.VariantInput{
			SKU: sku, Options: map[string]string{"colour": "Black"},
			Prices: []commerce.Money{usd(1999), eur(1899)}, WeightGrams: 250,
		})
	}
	return in
}

// requireCode asserts err carries code.
func requireCode(t testing.TB, code commerce.ErrorCode, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Equal(t, code, commerce.Code(err), append([]any{"error: %v"}, err)...)
}

// payload returns the envelope's payload as E.
func payload[E commerce.Event](t testing.TB, env commerce.Envelope) E {
	t.Helper()
	p, ok := env.Payload.(E)
	require.True(t, ok, "payload of %s is %T", env.Name, env.Payload)
	return p
}

// eventFor waits for an event named name about aggregate and returns it.
func (f *fixture) eventFor(name, aggregate string) commerce.Envelope {
	f.t.Helper()
	wait := commercetest.AwaitTimeout(f.t)
	deadline := time.Now().Add(wait)
	for n := 1; ; n++ {
		for _, env := range f.events.Named(name) {
			if env.AggregateID == aggregate {
				return env
			}
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("no %s event for %s within %v; recorded: %v", name, aggregate, wait, f.events.Names())
		}
		f.events.Await(f.t, name, len(f.events.Named(name))+1)
	}
}
