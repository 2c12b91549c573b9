package order

// Status is where an order stands in its state machine (see
// CanTransition).
type Status string

// The order states.
const (
	// StatusPending: the order exists; its stock is not reserved yet.
	StatusPending Status = "pending"
	// StatusPaymentPending: the stock is reserved; the payment is under way.
	StatusPaymentPending Status = "payment_pending"
	// StatusConfirmed: paid for (or authorized, when capturing at
	// shipment), stock deducted, cart converted.
	StatusConfirmed Status = "confirmed"
	// StatusProcessing: fulfilment started.
	StatusProcessing Status = "processing"
	// StatusPacked: the items are packed.
	StatusPacked Status = "packed"
	// StatusShipped: handed to the carrier.
	StatusShipped Status = "shipped"
	// StatusInTransit: the carrier is moving it.
	StatusInTransit Status = "in_transit"
	// StatusOutForDelivery: on the last leg.
	StatusOutForDelivery Status = "out_for_delivery"
	// StatusDelivered: the customer has it.
	StatusDelivered Status = "delivered"
	// StatusCancelled: the payment failed or the customer cancelled; any
	// charge is voided or refunded and the stock given back.
	StatusCancelled Status = "cancelled"
	// StatusReturnRequested: the customer asked to return a delivered order.
	StatusReturnRequested Status = "return_requested"
	// StatusReturnApproved: the shop accepted the return.
	StatusReturnApproved Status = "return_approved"
	// StatusRefunded: the return is refunded and restocked.
	StatusRefunded Status = "refunded"
)

// Statuses returns every status, in the order an order meets them:
// checkout, fulfilment, cancellation, returns.
func Statuses() []Status {
	return []Status{
		StatusPending, StatusPaymentPending, StatusConfirmed, StatusProcessing, StatusPacked,
		StatusShipped, StatusInTransit, StatusOutForDelivery, StatusDelivered, StatusCancelled,
		StatusReturnRequested, StatusReturnApproved, StatusRefunded,
	}
}

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	switch s {
	case StatusPending, StatusPaymentPending, StatusConfirmed, StatusProcessing, StatusPacked,
		StatusShipped, StatusInTransit, StatusOutForDelivery, StatusDelivered, StatusCancelled,
		StatusReturnRequested, StatusReturnApproved, StatusRefunded:
		return true
	}
	return false
}

// Final reports whether no transition leaves s.
func (s Status) Final() bool {
	for _, t := range Statuses() {
		if CanTransition(s, t) {
			return false
		}
	}
	return true
}

// CanTransition reports whether the order state machine has an arrow
// from one status to another. These are the only moves an order makes:
//
//	Pending -> PaymentPending -> Confirmed -> Processing -> Packed ->
//	Shipped -> InTransit -> OutForDelivery -> Delivered ->
//	ReturnRequested -> ReturnApproved -> Refunded
//
// and PaymentPending, Confirmed or Processing -> Cancelled.
func CanTransition(from, to Status) bool {
	switch from {
	case StatusPending:
		return to == StatusPaymentPending
	case StatusPaymentPending:
		return to == StatusConfirmed || to == StatusCancelled
	case StatusConfirmed:
		return to == StatusProcessing || to == StatusCancelled
	case StatusProcessing:
		return to == StatusPacked || to == StatusCancelled
	case StatusPacked:
		return to == StatusShipped
	case StatusShipped:
		return to == StatusInTransit
	case StatusInTransit:
		return to == StatusOutForDelivery
	case StatusOutForDelivery:
		return to == StatusDelivered
	case StatusDelivered:
		return to == StatusReturnRequested
	case StatusReturnRequested:
		return to == StatusReturnApproved
	case StatusReturnApproved:
		return to == StatusRefunded
	}
	return false
}
