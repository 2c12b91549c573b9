package order_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mercatohq/mercato/order"
)

// TestCanTransitionIsTheOrderDiagram checks every ordered pair of
// statuses against the arrows of the order state machine, and nothing
// else.
func TestCanTransitionIsTheOrderDiagram(t *testing.T) {
	arrows := map[[2]order.Status]bool{
		{order.StatusPending, order.StatusPaymentPending}:         true,
		{order.StatusPaymentPending, order.StatusConfirmed}:       true,
		{order.StatusPaymentPending, order.StatusCancelled}:       true,
		{order.StatusConfirmed, order.StatusProcessing}:           true,
		{order.StatusProcessing, order.StatusPacked}:              true,
		{order.StatusPacked, order.StatusShipped}:                 true,
		{order.StatusShipped, order.StatusInTransit}:              true,
		{order.StatusInTransit, order.StatusOutForDelivery}:       true,
		{order.StatusOutForDelivery, order.StatusDelivered}:       true,
		{order.StatusConfirmed, order.StatusCancelled}:            true,
		{order.StatusProcessing, order.StatusCancelled}:           true,
		{order.StatusDelivered, order.StatusReturnRequested}:      true,
		{order.StatusReturnRequested, order.StatusReturnApproved}: true,
		{order.StatusReturnApproved, order.StatusRefunded}:        true,
	}
	all := order.Statuses()
	assert.Len(t, all, 13)
	for _, from := range all {
		for _, to := range all {
			assert.Equal(t, arrows[[2]order.Status{from, to}], order.CanTransition(from, to), "%s -> %s", from, to)
		}
		assert.False(t, order.CanTransition(from, "shipped-ish"), "%s -> unknown", from)
		assert.False(t, order.CanTransition("", from), "unknown -> %s", from)
	}
}

func TestFinalStatuses(t *testing.T) {
	var final []order.Status
	for _, s := range order.Statuses() {
		assert.True(t, s.Valid())
		if s.Final() {
			final = append(final, s)
		}
	}
	assert.Equal(t, []order.Status{order.StatusCancelled, order.StatusRefunded}, final)
	assert.False(t, order.Status("lost").Valid())
}
