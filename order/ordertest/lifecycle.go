package ordertest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// confirmedOrder checks out a fresh cart of qty MUGs.
func (w *World) confirmedOrder(t testing.TB, qty int) order.Order {
	t.Helper()
	o, err := w.Orders.Checkout(context.Background(), w.Cart(t, Item{"MUG", qty}), Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	require.Equal(t, order.StatusConfirmed, o.Status)
	return o
}

// rejectsAllButArrows tries every move the state machine has no arrow for
// from o's status: each is FailedPrecondition and changes nothing.
func (w *World) rejectsAllButArrows(t *testing.T, o order.Order) {
	t.Helper()
	ctx := context.Background()
	for _, to := range order.Statuses() {
		if to == o.Status || order.CanTransition(o.Status, to) && to != order.StatusConfirmed && to != order.StatusPaymentPending {
			continue
		}
		_, err := w.Orders.Transition(ctx, order.TransitionInput{OrderID: o.ID, To: to})
		requireCode(t, commerce.CodeFailedPrecondition, err)
		var ce *commerce.Error
		require.True(t, errors.As(err, &ce))
		assert.Equal(t, string(o.Status), ce.Details["status"], "%s -> %s", o.Status, to)
	}
	got, err := w.Orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, o.Version, got.Version, "rejected moves write nothing")
}

func testLifecycle(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 10)
	o := w.confirmedOrder(t, 2)
	w.rejectsAllButArrows(t, o)

	steps := []struct {
		to    order.Status
		event string
	}{
		{order.StatusProcessing, "order.processing"},
		{order.StatusPacked, "order.packed"},
		{order.StatusShipped, "order.shipped"},
		{order.StatusInTransit, "order.in_transit"},
		{order.StatusOutForDelivery, "order.out_for_delivery"},
		{order.StatusDelivered, "order.delivered"},
		{order.StatusReturnRequested, "order.return_requested"},
		{order.StatusReturnApproved, "order.return_approved"},
	}
	for _, st := range steps {
		in := order.TransitionInput{OrderID: o.ID, To: st.to, Reason: "step " + string(st.to)}
		if st.to == order.StatusShipped {
			in.Shipment = &order.Shipment{Carrier: "DHL", TrackingNumber: "JD0001"}
		}
		wantActor := order.ActorAdmin
		if st.to == order.StatusReturnRequested {
			in.Actor = order.CustomerActor(o.CustomerID)
			wantActor = in.Actor
		}
		next, err := w.Orders.Transition(ctx, in)
		require.NoError(t, err, "-> %s", st.to)
		assert.Equal(t, st.to, next.Status)
		assert.Equal(t, o.Version+1, next.Version)
		last := next.History[len(next.History)-1]
		assert.Equal(t, order.Transition{From: o.Status, To: st.to, Actor: wantActor, Reason: in.Reason, At: last.At}, last)

		again, err := w.Orders.Transition(ctx, in)
		require.NoError(t, err, "a repeated move succeeds")
		assert.Equal(t, next.Version, again.Version, "and writes nothing")

		evs := w.Events.Await(t, st.event, 1)
		require.Len(t, evs, 1, st.event)
		assert.Equal(t, o.Status, changeOf(t, evs[0]).From)
		o = next
		w.rejectsAllButArrows(t, o)
	}
	assert.Equal(t, &order.Shipment{Carrier: "DHL", TrackingNumber: "JD0001"}, o.Shipment)

	// Refunded: the payment is refunded and the units go back on hand.
	refunded, err := w.Orders.Transition(ctx, order.TransitionInput{OrderID: o.ID, To: order.StatusRefunded})
	require.NoError(t, err)
	assert.Equal(t, order.StatusRefunded, refunded.Status)
	assert.True(t, refunded.Settled)
	assert.Zero(t, w.captured(t, o.ID))
	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{10, 0}, [2]int{onHand, reserved})
	ev := w.Events.Await(t, "order.refunded", 1)[0].Payload.(order.Refunded)
	assert.Equal(t, money(2*defaultPrice), ev.Amount)
	w.rejectsAllButArrows(t, refunded)

	again, err := w.Orders.Transition(ctx, order.TransitionInput{OrderID: o.ID, To: order.StatusRefunded})
	require.NoError(t, err)
	assert.Equal(t, refunded.Version, again.Version)
	assert.Zero(t, w.captured(t, o.ID))
	assert.Len(t, w.Events.Await(t, "payment.refunded", 1), 1, "refunded once")

	_, err = w.Orders.Transition(ctx, order.TransitionInput{OrderID: o.ID, To: "teleported"})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = w.Orders.Transition(ctx, order.TransitionInput{OrderID: commerce.NewID[commerce.OrderID](), To: order.StatusPacked})
	requireCode(t, commerce.CodeNotFound, err)
}

// changeOf returns the Change an order event carries.
func changeOf(t testing.TB, env commerce.Envelope) order.Change {
	t.Helper()
	switch e := env.Payload.(type) {
	case order.Created:
		return e.Change
	case order.PaymentPendingEvent:
		return e.Change
	case order.Confirmed:
		return e.Change
	case order.Cancelled:
		return e.Change
	case order.Processing:
		return e.Change
	case order.Packed:
		return e.Change
	case order.Shipped:
		return e.Change
	case order.InTransit:
		return e.Change
	case order.OutForDelivery:
		return e.Change
	case order.Delivered:
		return e.Change
	case order.ReturnRequested:
		return e.Change
	case order.ReturnApproved:
		return e.Change
	case order.Refunded:
		return e.Change
	case order.Discarded:
		return e.Change
	}
	t.Fatalf("%s carries %T", env.Name, env.Payload)
	return order.Change{}
}

func testCancel(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 10)

	for _, from := range []order.Status{order.StatusConfirmed, order.StatusProcessing} {
		o := w.confirmedOrder(t, 3)
		if from == order.StatusProcessing {
			var err error
			o, err = w.Orders.Transition(ctx, order.TransitionInput{OrderID: o.ID, To: order.StatusProcessing})
			require.NoError(t, err)
		}
		c, err := w.Orders.Cancel(ctx, o.ID, order.CustomerActor(o.CustomerID), "changed my mind")
		require.NoError(t, err)
		assert.Equal(t, order.StatusCancelled, c.Status)
		assert.True(t, c.Settled)
		assert.Zero(t, w.captured(t, o.ID), "refunded")
		res, err := w.Stock.Get(ctx, o.ReservationID)
		require.NoError(t, err)
		assert.Equal(t, inventory.StatusRestocked, res.Status)

		again, err := w.Orders.Cancel(ctx, o.ID, "", "")
		require.NoError(t, err)
		assert.Equal(t, c.Version, again.Version)
	}
	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{10, 0}, [2]int{onHand, reserved})
	evs := w.Events.Await(t, "order.cancelled", 2)
	for _, e := range evs {
		c := e.Payload.(order.Cancelled)
		assert.Equal(t, money(3*defaultPrice), c.Refund)
		assert.Equal(t, "changed my mind", c.Reason)
	}
	assert.Len(t, w.Events.Await(t, "payment.refunded", 2), 2)

	shipped := w.confirmedOrder(t, 1)
	for _, to := range []order.Status{order.StatusProcessing, order.StatusPacked, order.StatusShipped} {
		var err error
		shipped, err = w.Orders.Transition(ctx, order.TransitionInput{OrderID: shipped.ID, To: to})
		require.NoError(t, err)
	}
	_, err := w.Orders.Cancel(ctx, shipped.ID, "", "too late")
	requireCode(t, commerce.CodeFailedPrecondition, err)
	assert.Equal(t, int64(defaultPrice), w.captured(t, shipped.ID))
}

func testCaptureAtShipment(t *testing.T, s suite) {
	w := s.world(t, &order.Options{Capture: order.CaptureAtShipment})
	ctx := context.Background()
	w.SetStock(t, "MUG", 10)

	o := w.confirmedOrder(t, 2)
	p, err := w.Payments.Get(ctx, o.PaymentIDs[0])
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, p.Status, "authorized only")
	assert.Zero(t, w.captured(t, o.ID))
	onHand, _ := w.level(t, "MUG")
	assert.Equal(t, 8, onHand, "stock is deducted at checkout all the same")

	for _, to := range []order.Status{order.StatusProcessing, order.StatusPacked} {
		_, err := w.Orders.Transition(ctx, order.TransitionInput{OrderID: o.ID, To: to})
		require.NoError(t, err)
	}
	assert.Zero(t, w.captured(t, o.ID))
	_, err = w.Orders.Transition(ctx, order.TransitionInput{OrderID: o.ID, To: order.StatusShipped})
	require.NoError(t, err)
	assert.Equal(t, int64(2*defaultPrice), w.captured(t, o.ID), "captured when shipped")

	// Cancelling before shipment voids the authorization.
	v := w.confirmedOrder(t, 1)
	c, err := w.Orders.Cancel(ctx, v.ID, "", "")
	require.NoError(t, err)
	assert.True(t, c.Settled)
	p, err = w.Payments.Get(ctx, v.PaymentIDs[0])
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCancelled, p.Status, "voided")
	for _, ch := range w.Provider.ChargesFor(p.ID) {
		assert.Zero(t, ch.Captured.Amount())
	}
	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{8, 0}, [2]int{onHand, reserved})
}

func testList(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 100)
	var ids []commerce.OrderID
	for range 5 {
		ids = append(ids, w.confirmedOrder(t, 1).ID)
		w.Clock.Advance(1e9)
	}
	_, err := w.Orders.Transition(ctx, order.TransitionInput{OrderID: ids[1], To: order.StatusProcessing})
	require.NoError(t, err)

	var seen []commerce.OrderID
	page := commerce.PageRequest{Limit: 2}
	for {
		p, err := w.Orders.List(ctx, order.ListFilter{}, page)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(p.Items), 2)
		for _, o := range p.Items {
			seen = append(seen, o.ID)
		}
		if !p.HasMore() {
			break
		}
		page.Cursor = p.NextCursor
	}
	assert.Equal(t, []commerce.OrderID{ids[4], ids[3], ids[2], ids[1], ids[0]}, seen, "newest first, each once")

	p, err := w.Orders.List(ctx, order.ListFilter{Status: order.StatusProcessing}, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, ids[1], p.Items[0].ID)

	p, err = w.Orders.List(ctx, order.ListFilter{CustomerID: commerce.NewID[commerce.CustomerID]()}, commerce.PageRequest{})
	require.NoError(t, err)
	assert.Empty(t, p.Items)
	assert.NotNil(t, p.Items)

	_, err = w.Orders.List(ctx, order.ListFilter{Status: "lost"}, commerce.PageRequest{})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = w.Orders.List(ctx, order.ListFilter{}, commerce.PageRequest{Cursor: "garbage!"})
	requireCode(t, commerce.CodeInvalidArgument, err)
}
