package carttest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
)

// NewStore returns a fresh, empty store under test whose committed events
// reach events, synchronously or through the adapter's outbox relay. The
// suite waits for asynchronous delivery; it relies on the events of one
// store arriving in the order their writes committed.
type NewStore func(t testing.TB, events commerce.EventPublisher) cart.Store

// racers is how many goroutines the race tests release at once.
const racers = 50

var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// Run runs the suite against stores made by newStore.
func Run(t *testing.T, newStore NewStore) {
	if newStore == nil {
		t.Fatal("carttest: newStore is required")
	}
	t.Run("Create", func(t *testing.T) { testCreate(t, newStore) })
	t.Run("AddItem", func(t *testing.T) { testAddItem(t, newStore) })
	t.Run("RemoveUpdateClear", func(t *testing.T) { testRemoveUpdateClear(t, newStore) })
	t.Run("Limits", func(t *testing.T) { testLimits(t, newStore) })
	t.Run("PricingErrors", func(t *testing.T) { testPricingErrors(t, newStore) })
	t.Run("ForCustomer", func(t *testing.T) { testForCustomer(t, newStore) })
	t.Run("Attach", func(t *testing.T) { testAttach(t, newStore) })
	t.Run("MergeStrategies", func(t *testing.T) { testMergeStrategies(t, newStore) })
	t.Run("MergeCases", func(t *testing.T) { testMergeCases(t, newStore) })
	t.Run("MergeLimits", func(t *testing.T) { testMergeLimits(t, newStore) })
	t.Run("Totals", func(t *testing.T) { testTotals(t, newStore) })
	t.Run("TotalsPricerWithoutDetails", func(t *testing.T) { testTotalsWithoutDetails(t, newStore) })
	t.Run("Codes", func(t *testing.T) { testCodes(t, newStore) })
	t.Run("CodeTotals", func(t *testing.T) { testCodeTotals(t, newStore) })
	t.Run("Convert", func(t *testing.T) { testConvert(t, newStore) })
	t.Run("ConvertChanged", func(t *testing.T) { testConvertChanged(t, newStore) })
	t.Run("Expiry", func(t *testing.T) { testExpiry(t, newStore) })
	t.Run("CancelledContext", func(t *testing.T) { testCancelled(t, newStore) })
	t.Run("StoreContract", func(t *testing.T) { testStoreContract(t, newStore) })
	t.Run("StoreAdopt", func(t *testing.T) { testStoreAdopt(t, newStore) })
	t.Run("RaceDistinctSKUs", func(t *testing.T) { testRaceDistinctSKUs(t, newStore) })
	t.Run("RaceSameLine", func(t *testing.T) { testRaceSameLine(t, newStore) })
	t.Run("RaceMerges", func(t *testing.T) { testRaceMerges(t, newStore) })
	t.Run("RaceAttaches", func(t *testing.T) { testRaceAttaches(t, newStore) })
	t.Run("RaceMergeWhileAdding", func(t *testing.T) { testRaceMergeWhileAdding(t, newStore) })
	t.Run("RaceConvert", func(t *testing.T) { testRaceConvert(t, newStore) })
	t.Run("RaceConvertWhileAdding", func(t *testing.T) { testRaceConvertWhileAdding(t, newStore) })
}

// fixture is one store, its service and what they publish.
type fixture struct {
	t      *testing.T
	ctx    context.Context
	store  cart.Store
	svc    *cart.Service
	opts   cart.Options
	clock  *commerce.TestClock
	prices *priceTable
	events *commercetest.Recorder
	// markers are the carts settle creates; their events are not the
	// test's.
	markers map[string]bool
}

// setup builds a fixture; edit may change the service options.
func setup(t *testing.T, newStore NewStore, edit func(*cart.Options)) *fixture {
	t.Helper()
	f := &fixture{
		t: t, ctx: context.Background(), clock: commerce.NewTestClock(epoch),
		prices: newPriceTable(), events: commercetest.NewRecorder(), markers: map[string]bool{},
	}
	f.store = newStore(t, f.events)
	f.opts = cart.Options{Clock: f.clock}
	if edit != nil {
		edit(&f.opts)
	}
	f.svc = f.service(f.opts)
	return f
}

// service returns another service over the fixture's store and prices.
func (f *fixture) service(opts cart.Options) *cart.Service {
	f.t.Helper()
	svc, err := cart.NewService(f.store, f.prices, &opts)
	require.NoError(f.t, err)
	return svc
}

func (f *fixture) create(customerID commerce.CustomerID, currency commerce.Currency) cart.Cart {
	f.t.Helper()
	c, err := f.svc.Create(f.ctx, cart.CreateInput{CustomerID: customerID, Currency: currency})
	require.NoError(f.t, err)
	return c
}

func (f *fixture) add(id commerce.CartID, sku string, quantity int, metadata map[string]string) cart.Cart {
	f.t.Helper()
	c, err := f.svc.AddItem(f.ctx, id, cart.AddItemInput{SKU: sku, Quantity: quantity, Metadata: metadata})
	require.NoError(f.t, err, "add %d %s", quantity, sku)
	return c
}

func (f *fixture) get(id commerce.CartID) cart.Cart {
	f.t.Helper()
	c, err := f.svc.Get(f.ctx, id)
	require.NoError(f.t, err)
	return c
}

// lineFor returns c's line of sku without metadata.
func lineFor(t testing.TB, c cart.Cart, sku string) cart.Line {
	t.Helper()
	l, ok := c.LineFor(sku, nil)
	require.True(t, ok, "cart %s has no line of %s", c.ID, sku)
	return l
}

// quantities maps the SKUs of c's lines without metadata to their
// quantities.
func quantities(c cart.Cart) map[string]int {
	out := map[string]int{}
	for _, l := range c.Lines {
		if len(l.Metadata) == 0 {
			out[l.SKU] = l.Quantity
		}
	}
	return out
}

// settle waits until every event committed so far has been delivered and
// returns them, oldest first. It creates a marker cart and waits for its
// cart.created: events arrive in commit order, so all earlier ones are in
// by then.
func (f *fixture) settle() []commerce.Envelope {
	f.t.Helper()
	marker, err := f.svc.Create(f.ctx, cart.CreateInput{})
	require.NoError(f.t, err)
	f.markers[marker.ID.String()] = true
	for n := 1; ; {
		got := f.events.Await(f.t, "cart.created", n)
		if slices.ContainsFunc(got, func(e commerce.Envelope) bool { return e.AggregateID == marker.ID.String() }) {
			break
		}
		n = len(got) + 1
	}
	var out []commerce.Envelope
	for _, e := range f.events.Envelopes() {
		if !f.markers[e.AggregateID] {
			out = append(out, e)
		}
	}
	return out
}

// eventsOf settles and returns the events of cart id.
func (f *fixture) eventsOf(id commerce.CartID) []commerce.Envelope {
	f.t.Helper()
	var out []commerce.Envelope
	for _, e := range f.settle() {
		if e.AggregateID == id.String() {
			out = append(out, e)
		}
	}
	return out
}

// namesOf settles and returns the event names of cart id.
func (f *fixture) namesOf(id commerce.CartID) []string {
	f.t.Helper()
	var out []string
	for _, e := range f.eventsOf(id) {
		out = append(out, e.Name)
	}
	return out
}

// snapshot is what a failed operation must leave as it was: the carts and
// every event published so far.
type snapshot struct {
	carts  []cart.Cart
	events []commerce.Envelope
}

// snap records the state of carts.
func (f *fixture) snap(ids ...commerce.CartID) snapshot {
	f.t.Helper()
	s := snapshot{events: f.settle()}
	for _, id := range ids {
		s.carts = append(s.carts, f.get(id))
	}
	return s
}

// unchanged asserts the carts and the published events are as snapped.
func (f *fixture) unchanged(s snapshot, msgAndArgs ...any) {
	f.t.Helper()
	require.Equal(f.t, eventIDs(s.events), eventIDs(f.settle()), append([]any{"events were published"}, msgAndArgs...)...)
	for _, want := range s.carts {
		require.Equal(f.t, want, f.get(want.ID), msgAndArgs...)
	}
}

func eventIDs(envs []commerce.Envelope) []commerce.EventID {
	out := make([]commerce.EventID, len(envs))
	for i, e := range envs {
		out[i] = e.ID
	}
	return out
}

// requireCode asserts err carries code.
func requireCode(t testing.TB, code commerce.ErrorCode, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Equal(t, code, commerce.Code(err), append([]any{"error: %v", err}, msgAndArgs...)...)
}

// requireDetail asserts err carries code and detail key = value.
func requireDetail(t testing.TB, code commerce.ErrorCode, key string, value any, err error, msgAndArgs ...any) {
	t.Helper()
	requireCode(t, code, err, msgAndArgs...)
	var e *commerce.Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, value, e.Details[key], append([]any{"detail %q of %v", key, err}, msgAndArgs...)...)
}

// usd is amount cents.
func usd(amount int64) commerce.Money { return commerce.MustMoney(amount, "USD") }

// race runs fn n times at once, released together, and returns the
// errors in no particular order.
func race(n int, fn func(i int) error) []error {
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		go func() {
			<-start
			errs <- fn(i)
		}()
	}
	close(start)
	out := make([]error, 0, n)
	for range n {
		out = append(out, <-errs)
	}
	return out
}
