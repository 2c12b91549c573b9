package payment

// Status is where a payment stands in its state machine.
type Status string

// The payment states. Cancelled is a voided authorization; the others are
// the steps of taking a payment, failing it and retrying it.
const (
	// StatusInitiated: the payment exists and its idempotency key is
	// claimed; no attempt is counted and the provider has not been
	// called. Authorize creates payments Processing instead; Reconcile
	// starts the attempt of one stored Initiated.
	StatusInitiated Status = "initiated"
	// StatusProcessing: an authorization attempt is under way at the
	// provider, or its outcome is not known yet.
	StatusProcessing Status = "processing"
	// StatusAuthorized: the provider holds the funds; capture or cancel next.
	StatusAuthorized Status = "authorized"
	// StatusCaptured: the funds were captured.
	StatusCaptured Status = "captured"
	// StatusCompleted: captured and settled as far as Mercato is concerned;
	// refunds remain possible.
	StatusCompleted Status = "completed"
	// StatusFailed: the authorization (or the capture) failed. It can be
	// retried until the payment used its maximum number of retries.
	StatusFailed Status = "failed"
	// StatusRetry: a retry of a failed payment was requested.
	StatusRetry Status = "retry"
	// StatusCancelled: the authorization was voided; nothing was charged.
	StatusCancelled Status = "cancelled"
)

// Statuses lists every status, in the order of the state machine.
func Statuses() []Status {
	return []Status{StatusInitiated, StatusProcessing, StatusAuthorized, StatusCaptured,
		StatusCompleted, StatusFailed, StatusRetry, StatusCancelled}
}

// transitions is the one table of allowed moves.
var transitions = map[Status][]Status{
	StatusInitiated:  {StatusProcessing},
	StatusProcessing: {StatusAuthorized, StatusFailed},
	StatusAuthorized: {StatusCaptured, StatusFailed, StatusCancelled},
	StatusCaptured:   {StatusCompleted},
	StatusFailed:     {StatusRetry},
	StatusRetry:      {StatusProcessing},
}

// CanTransition reports whether a payment may move from one status to
// another. It knows only the shape of the machine: the retry limit that
// makes Failed final is checked by the [Service].
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses() {
		if v == s {
			return true
		}
	}
	return false
}

// InFlight reports whether an authorization may be under way: the provider
// may have been called and its outcome is not recorded yet.
func (s Status) InFlight() bool {
	return s == StatusInitiated || s == StatusProcessing || s == StatusRetry
}

// Captured reports whether money was taken, so refunds are possible.
func (s Status) Captured() bool {
	return s == StatusCaptured || s == StatusCompleted
}

// String returns the status name.
func (s Status) String() string { return string(s) }
