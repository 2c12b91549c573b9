package recommend

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Kind is what a shopper did with a product.
type Kind string

// The kinds of activity, from the weakest signal of interest to the
// strongest.
const (
	Viewed      Kind = "viewed"
	AddedToCart Kind = "added_to_cart"
	Purchased   Kind = "purchased"
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	return k == Viewed || k == AddedToCart || k == Purchased
}

// weight is how much an activity of kind k says about a shopper's
// interest, relative to a view.
func (k Kind) weight() float32 {
	switch k {
	case Purchased:
		return 5
	case AddedToCart:
		return 3
	}
	return 1
}

// Activity is one thing a shopper did with a product, as the log keeps
// it. It names the shopper only by a customer ID or an opaque session ID
// (a cart ID, a visit token): no name, address, email or IP ever enters
// the log.
type Activity struct {
	// ID is unique per activity and the log's deduplication key: it is
	// derived from the ID of the event that carried the activity, so a
	// redelivered event is not counted twice.
	ID        string             `json:"id"`
	Kind      Kind               `json:"kind"`
	ProductID commerce.ProductID `json:"product_id"`
	// SessionID groups a guest's activity (a cart ID or a visit token);
	// CustomerID a signed-in customer's. At least one is set.
	SessionID  string              `json:"session_id,omitempty"`
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	At         time.Time           `json:"at"`
}

// maxIDLen bounds Activity.ID and SessionID: they are keys, not text.
const maxIDLen = 128

// Validate reports whether a can be appended to a log.
func (a Activity) Validate() error {
	switch {
	case a.ID == "" || len(a.ID) > maxIDLen:
		return commerce.Errorf(commerce.CodeInvalidArgument, "recommend: activity id must be 1 to %d bytes", maxIDLen).WithDetail("field", "id")
	case !a.Kind.Valid():
		return commerce.Errorf(commerce.CodeInvalidArgument, "recommend: activity kind %q is not viewed, added_to_cart or purchased", a.Kind).WithDetail("field", "kind")
	case a.ProductID.Validate() != nil:
		return commerce.Errorf(commerce.CodeInvalidArgument, "recommend: activity %s: product id is not a product ID", a.ID).WithDetail("field", "product_id")
	case a.SessionID == "" && a.CustomerID.IsZero():
		return commerce.Errorf(commerce.CodeInvalidArgument, "recommend: activity %s names neither a session nor a customer", a.ID).WithDetail("field", "session_id")
	case len(a.SessionID) > maxIDLen:
		return commerce.Errorf(commerce.CodeInvalidArgument, "recommend: activity %s: session id is longer than %d bytes", a.ID, maxIDLen).WithDetail("field", "session_id")
	case a.At.IsZero():
		return commerce.Errorf(commerce.CodeInvalidArgument, "recommend: activity %s has no time", a.ID).WithDetail("field", "at")
	}
	return nil
}

// shopper is the key that groups a's activity: the customer when known,
// else the session.
func (a Activity) shopper() string {
	if !a.CustomerID.IsZero() {
		return string(a.CustomerID)
	}
	return "s:" + a.SessionID
}

// ProductViewed is recommend.product_viewed: a shopper looked at a
// product's page. The Tracker publishes it; the Collector logs it. (Carts
// and orders already publish cart.item_added and order.confirmed, which
// the Collector reads for the other kinds.)
type ProductViewed struct {
	ProductID  commerce.ProductID  `json:"product_id"`
	SessionID  string              `json:"session_id,omitempty"`
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
}

// EventName implements commerce.Event.
func (ProductViewed) EventName() string { return "recommend.product_viewed" }

// RegisterEvents registers the events of this package with r.
func RegisterEvents(r *commerce.EventRegistry) {
	// The name is a constant of this package; only a conflicting
	// registration elsewhere can fail, and that package reports it.
	_ = commerce.RegisterEvent[ProductViewed](r)
}
