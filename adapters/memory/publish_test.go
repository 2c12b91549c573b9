package memory_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/order/ordertest"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// switchPublisher records events, or refuses them while down, as a bus
// that is unreachable does.
type switchPublisher struct {
	down atomic.Bool
	rec  *commercetest.Recorder
}

func newSwitchPublisher() *switchPublisher {
	return &switchPublisher{rec: commercetest.NewRecorder()}
}

func (p *switchPublisher) Publish(ctx context.Context, events ...commerce.Envelope) error {
	if p.down.Load() {
		return errors.New("bus down")
	}
	return p.rec.Publish(ctx, events...)
}

// TestCartStoreFailingPublisher: an AddItem whose events cannot be
// published adds nothing, so the client's retry adds the units once.
func TestCartStoreFailingPublisher(t *testing.T) {
	ctx := context.Background()
	pub := newSwitchPublisher()
	prices := ordertest.NewPriceTable()
	prices.Ensure("MUG")
	svc, err := cart.NewService(memory.NewCartStore(&memory.Options{Events: pub}), prices, nil)
	require.NoError(t, err)
	c, err := svc.Create(ctx, cart.CreateInput{Currency: "USD"})
	require.NoError(t, err)

	pub.down.Store(true)
	_, err = svc.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG", Quantity: 2})
	require.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	got, err := svc.Get(ctx, c.ID)
	require.NoError(t, err)
	require.Empty(t, got.Lines, "the refused write left no trace")
	require.Equal(t, c.Version, got.Version)

	pub.down.Store(false)
	got, err = svc.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG", Quantity: 2})
	require.NoError(t, err)
	require.Len(t, got.Lines, 1)
	require.Equal(t, 2, got.Lines[0].Quantity, "the retry added the units once")
	require.Len(t, pub.rec.Named("cart.item_added"), 1)
}

// TestPaymentStoreFailingPublisher: a payment whose events cannot be
// published is not created; the retry creates it and charges once.
func TestPaymentStoreFailingPublisher(t *testing.T) {
	ctx := context.Background()
	pub := newSwitchPublisher()
	fake := fakeprovider.New(nil)
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: pub}), fake, nil)
	require.NoError(t, err)
	in := payment.AuthorizeInput{OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(1250, "USD"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: "pay-1"}

	pub.down.Store(true)
	_, err = svc.Authorize(ctx, in)
	require.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	list, err := svc.GetByOrder(ctx, in.OrderID)
	require.NoError(t, err)
	require.Empty(t, list, "no payment was created")
	require.Zero(t, fake.Calls("authorize"), "nothing was sent to the provider")

	pub.down.Store(false)
	p, err := svc.Authorize(ctx, in)
	require.NoError(t, err)
	require.Equal(t, payment.StatusAuthorized, p.Status)
	require.Len(t, fake.Charges(), 1, "charged once")
	require.Len(t, pub.rec.Named("payment.initiated"), 1)
}

// TestStoresWithoutPublisherRefuseWrites: a store made without
// Options.Events refuses its writes, naming the field, rather than drop
// their events; commerce.DiscardEvents{} drops them on purpose.
func TestStoresWithoutPublisherRefuseWrites(t *testing.T) {
	ctx := context.Background()
	prices := ordertest.NewPriceTable()
	for _, opts := range []*memory.Options{nil, {}} {
		svc, err := cart.NewService(memory.NewCartStore(opts), prices, nil)
		require.NoError(t, err)
		_, err = svc.Create(ctx, cart.CreateInput{Currency: "USD"})
		require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%v", err)
		require.Contains(t, err.Error(), "Options.Events")
	}
	svc, err := cart.NewService(memory.NewCartStore(&memory.Options{Events: commerce.DiscardEvents{}}), prices, nil)
	require.NoError(t, err)
	_, err = svc.Create(ctx, cart.CreateInput{Currency: "USD"})
	require.NoError(t, err, "dropping events is a choice one can make")
}
