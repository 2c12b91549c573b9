package connectrpc_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/connectrpc"
	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order/ordertest"
	"github.com/mercatohq/mercato/payment"
)

func TestCartRoundTrip(t *testing.T) {
	ctx := context.Background()
	r := newRemote(t)
	r.SetStock(t, "TEE-M", 10)
	id := r.Cart(t, ordertest.Item{SKU: "TEE-M", Quantity: 2})

	want, err := r.World.Carts.Get(ctx, id)
	require.NoError(t, err)
	got, err := r.Carts.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	wantTotals, err := r.World.Carts.PriceItems(ctx, want)
	require.NoError(t, err)
	gotTotals, err := r.Carts.PriceItems(ctx, got)
	require.NoError(t, err)
	assert.Equal(t, wantTotals, gotTotals)

	orderID := commerce.NewID[commerce.OrderID]()
	_, err = r.Carts.MarkConverted(ctx, id, orderID, got.Version+1)
	require.ErrorIs(t, err, cart.ErrChanged, "the sentinel survives the wire")
	assert.ErrorIs(t, err, commerce.ErrFailedPrecondition)

	converted, err := r.Carts.MarkConverted(ctx, id, orderID, got.Version)
	require.NoError(t, err)
	assert.Equal(t, orderID, converted.ConvertedOrderID)
	again, err := r.Carts.MarkConverted(ctx, id, orderID, got.Version+5)
	require.NoError(t, err, "converting to the same order again succeeds")
	assert.Equal(t, converted, again)

	_, err = r.Carts.Get(ctx, commerce.NewID[commerce.CartID]())
	assert.ErrorIs(t, err, commerce.ErrNotFound)
}

func TestInventoryRoundTrip(t *testing.T) {
	ctx := context.Background()
	r := newRemote(t)
	r.SetStock(t, "MUG", 5)

	n, err := r.Stock.Available(ctx, "MUG")
	require.NoError(t, err)
	assert.Equal(t, 5, n)

	id := commerce.NewID[commerce.ReservationID]()
	lines := []inventory.Line{{SKU: "MUG", Quantity: 3}}
	res, err := r.Stock.Reserve(ctx, id, lines, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, id, res.ID)
	again, err := r.Stock.Reserve(ctx, id, lines, time.Minute)
	require.NoError(t, err, "a repeat returns the reservation")
	assert.Equal(t, res, again)
	local, err := r.World.Stock.Get(ctx, id)
	require.NoError(t, err)
	got, err := r.Stock.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, local, got)

	require.NoError(t, r.Stock.Deduct(ctx, id))
	require.NoError(t, r.Stock.Deduct(ctx, id), "a repeated deduct succeeds")
	assert.ErrorIs(t, r.Stock.Release(ctx, id), commerce.ErrFailedPrecondition)
	require.NoError(t, r.Stock.Restock(ctx, id))
	n, err = r.Stock.Available(ctx, "MUG")
	require.NoError(t, err)
	assert.Equal(t, 5, n)

	other := commerce.NewID[commerce.ReservationID]()
	_, err = r.Stock.Reserve(ctx, other, lines, 0)
	require.NoError(t, err)
	require.NoError(t, r.Stock.Release(ctx, other))
	assert.ErrorIs(t, r.Stock.Deduct(ctx, commerce.NewID[commerce.ReservationID]()), commerce.ErrNotFound)
}

// TestInventoryRoundTripUntracked: a reservation's untracked lines cross
// the wire, and so do the settlements that leave levels alone and an
// untracked SKU's availability, in stock.
func TestInventoryRoundTripUntracked(t *testing.T) {
	ctx := context.Background()
	local, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}}), &inventory.Options{Untracked: true})
	require.NoError(t, err)
	_, err = local.SetStock(ctx, "MUG", "", 5, "count")
	require.NoError(t, err)
	stock, err := connectrpc.NewInventoryClient(nil, serve(t)(connectrpc.NewInventoryServer(local, nil)), nil)
	require.NoError(t, err)

	id := commerce.NewID[commerce.ReservationID]()
	res, err := stock.Reserve(ctx, id, []inventory.Line{{SKU: "MUG", Quantity: 1}, {SKU: "EBOOK", Quantity: 9}}, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, []inventory.Line{{SKU: "EBOOK", Quantity: 9}}, res.Untracked)
	want, err := local.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, want, res)
	got, err := stock.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	require.NoError(t, stock.Deduct(ctx, id))
	require.NoError(t, stock.Deduct(ctx, id), "a repeated deduct succeeds")
	require.NoError(t, stock.Restock(ctx, id))
	n, err := stock.Available(ctx, "MUG")
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	n, err = stock.Available(ctx, "EBOOK")
	require.NoError(t, err)
	assert.Zero(t, n, "an untracked SKU keeps no stock")
	a, err := stock.Availability(ctx, "EBOOK")
	require.NoError(t, err)
	assert.Equal(t, inventory.Availability{SKU: "EBOOK", Untracked: true}, a, "but is in stock")
	a, err = stock.Availability(ctx, "MUG")
	require.NoError(t, err)
	assert.Equal(t, inventory.Availability{SKU: "MUG", Units: 5}, a)
}

func TestOutOfStockKeepsCodeMessageAndDetails(t *testing.T) {
	ctx := context.Background()
	r := newRemote(t)
	r.SetStock(t, "MUG", 1)
	lines := []inventory.Line{{SKU: "MUG", Quantity: 2}}

	_, local := r.World.Stock.Reserve(ctx, commerce.NewID[commerce.ReservationID](), lines, 0)
	require.ErrorIs(t, local, commerce.ErrOutOfStock)
	_, err := r.Stock.Reserve(ctx, commerce.NewID[commerce.ReservationID](), lines, 0)
	require.ErrorIs(t, err, commerce.ErrOutOfStock)
	assert.Equal(t, commerce.CodeOutOfStock, commerce.Code(err))
	assert.Equal(t, local.Error(), err.Error(), "the message is the service's own")

	var le, re *commerce.Error
	require.ErrorAs(t, local, &le)
	require.ErrorAs(t, err, &re)
	require.NotEmpty(t, le.Details)
	assert.Equal(t, jsonRoundTrip(t, le.Details), re.Details)
}

func TestPaymentRoundTrip(t *testing.T) {
	ctx := context.Background()
	r := newRemote(t)
	orderID := commerce.NewID[commerce.OrderID]()
	amount := commerce.MustMoney(2500, "USD")

	p, err := r.Payments.Authorize(ctx, payment.AuthorizeInput{OrderID: orderID, Amount: amount, PaymentMethod: "pm_card_visa", IdempotencyKey: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, p.Status)
	same, err := r.Payments.Authorize(ctx, payment.AuthorizeInput{OrderID: orderID, Amount: amount, PaymentMethod: "pm_card_visa", IdempotencyKey: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, p.ID, same.ID, "one payment per key")

	byKey, err := r.Payments.GetByIdempotencyKey(ctx, "pay-1")
	require.NoError(t, err)
	local, err := r.World.Payments.GetByIdempotencyKey(ctx, "pay-1")
	require.NoError(t, err)
	assert.Equal(t, local, byKey)

	captured, err := r.Payments.Capture(ctx, p.ID, commerce.Money{})
	require.NoError(t, err, "the zero Money captures it all")
	assert.Equal(t, payment.StatusCompleted, captured.Status)

	ref, err := r.Payments.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: commerce.MustMoney(1000, "USD"), Reason: "damaged", IdempotencyKey: "ref-1"})
	require.NoError(t, err)
	refunds, err := r.Payments.Refunds(ctx, p.ID)
	require.NoError(t, err)
	require.Len(t, refunds, 1)
	assert.Equal(t, ref.ID, refunds[0].ID)
	_, err = r.Payments.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: commerce.MustMoney(9000, "USD"), IdempotencyKey: "ref-2"})
	assert.ErrorIs(t, err, commerce.ErrInvalidArgument)

	other, err := r.Payments.Authorize(ctx, payment.AuthorizeInput{OrderID: orderID, Amount: amount, PaymentMethod: "pm_card_visa", IdempotencyKey: "pay-2"})
	require.NoError(t, err)
	cancelled, err := r.Payments.Cancel(ctx, other.ID)
	require.NoError(t, err)
	reconciled, err := r.Payments.Reconcile(ctx, other.ID)
	require.NoError(t, err)
	assert.Equal(t, cancelled.Status, reconciled.Status)

	pays, err := r.Payments.GetByOrder(ctx, orderID)
	require.NoError(t, err)
	localPays, err := r.World.Payments.GetByOrder(ctx, orderID)
	require.NoError(t, err)
	assert.Equal(t, localPays, pays)

	declined, err := r.Payments.Authorize(ctx, payment.AuthorizeInput{OrderID: orderID, Amount: amount, PaymentMethod: "pm_card_chargeDeclined", IdempotencyKey: "pay-3"})
	require.ErrorIs(t, err, commerce.ErrPaymentDeclined)
	assert.Equal(t, commerce.CodePaymentDeclined, commerce.Code(err))
	assert.NotEmpty(t, declined.ID, "the declined payment comes with the error")
	assert.Equal(t, payment.StatusFailed, declined.Status)
	assert.NotEmpty(t, declined.FailureCode)

	_, err = r.Payments.Authorize(ctx, payment.AuthorizeInput{OrderID: orderID, PaymentMethod: "pm_card_visa", IdempotencyKey: "pay-4"})
	assert.ErrorIs(t, err, commerce.ErrInvalidArgument, "a zero amount is refused before it is sent")
}

// jsonRoundTrip is v as it reads after a trip through encoding/json:
// what details look like on the client's side (numbers are float64).
func jsonRoundTrip(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func TestOutOfStockNamesTheShortSKUs(t *testing.T) {
	r := newRemote(t)
	r.SetStock(t, "MUG", 5)
	r.SetStock(t, "TEE", 1)
	_, err := r.Stock.Reserve(context.Background(), commerce.NewID[commerce.ReservationID](),
		[]inventory.Line{{SKU: "MUG", Quantity: 2}, {SKU: "TEE", Quantity: 2}}, 0)
	var short *inventory.OutOfStockError
	require.ErrorAs(t, err, &short)
	assert.Equal(t, []inventory.Shortage{{SKU: "TEE", Requested: 2, Available: 1}}, short.Shortages)
}
