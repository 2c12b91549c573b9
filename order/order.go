package order

import (
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// Line is one line of an order: a snapshot of what was bought, at the
// price it was bought for. It does not change when the catalog does.
type Line struct {
	SKU       string             `json:"sku"`
	ProductID commerce.ProductID `json:"product_id"`
	VariantID commerce.VariantID `json:"variant_id"`
	Title     string             `json:"title"`
	Quantity  int                `json:"quantity"`
	UnitPrice commerce.Money     `json:"unit_price"`
	// Total is UnitPrice × Quantity.
	Total commerce.Money `json:"total"`
	// Discount is the line's share of the order's promotions, frozen at
	// checkout: never more than Total. Zero on orders without
	// promotions. The lines' discounts sum to Totals.Discount.
	Discount commerce.Money `json:"discount"`
}

// Totals is what an order costs, all in its currency:
// Total = Subtotal - Discount + Shipping + Tax. Discount is what the
// promotions take off the lines; Shipping is net of what they take off
// shipping (free shipping makes it zero).
type Totals struct {
	Subtotal commerce.Money `json:"subtotal"`
	Discount commerce.Money `json:"discount"`
	Shipping commerce.Money `json:"shipping"`
	Tax      commerce.Money `json:"tax"`
	Total    commerce.Money `json:"total"`
}

// Transition is one entry of an order's history.
type Transition struct {
	// From is empty for the order's creation.
	From Status `json:"from,omitempty"`
	To   Status `json:"to"`
	// Actor says who moved the order: ActorSystem, ActorAdmin, or a
	// customer as returned by CustomerActor.
	Actor  string    `json:"actor"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// Shipment is how a shipped order travels.
type Shipment struct {
	Carrier        string `json:"carrier,omitempty"`
	TrackingNumber string `json:"tracking_number,omitempty"`
	TrackingURL    string `json:"tracking_url,omitempty"`
}

// CaptureMode says when an order's payment is captured.
type CaptureMode string

// The capture modes.
const (
	// CaptureAtCheckout captures the payment during checkout.
	CaptureAtCheckout CaptureMode = "checkout"
	// CaptureAtShipment authorizes during checkout and captures when the
	// order ships; cancelling before that voids the authorization.
	CaptureAtShipment CaptureMode = "shipment"
)

// Order is a customer's order: a snapshot of the cart it came from, what
// it costs, where it goes and where it stands.
type Order struct {
	ID commerce.OrderID `json:"id"`
	// Number is the human-readable order number, assigned by the store:
	// unique and increasing.
	Number int64 `json:"number"`
	// CustomerID is empty for a guest order; Email is always set.
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	Email      string              `json:"email"`
	// CartID is the cart the order was checked out from.
	CartID commerce.CartID `json:"cart_id"`
	// CartVersion is the cart's Version the order was priced from. Only
	// that version is converted when the order is paid: lines added to
	// the cart later stay in it. Zero on orders recorded before it was.
	CartVersion     int64             `json:"cart_version,omitempty"`
	Currency        commerce.Currency `json:"currency"`
	Lines           []Line            `json:"lines"`
	Totals          Totals            `json:"totals"`
	ShippingAddress commerce.Address  `json:"shipping_address"`
	BillingAddress  commerce.Address  `json:"billing_address"`
	Status          Status            `json:"status"`
	// ReservationID names the order's stock reservation.
	ReservationID commerce.ReservationID `json:"reservation_id"`
	// PaymentMethod is the payment-method token the customer gave.
	PaymentMethod string      `json:"payment_method"`
	Capture       CaptureMode `json:"capture"`
	// PaymentIDs are the order's payments, recorded when it is confirmed.
	PaymentIDs []commerce.PaymentID `json:"payment_ids,omitempty"`
	// Promotions are the promotions that discount the order, as checkout
	// froze them: each with its code (empty for an automatic one), its
	// discount and its share of each line. Their use of codes and budgets
	// is reserved with the stock, committed with the confirmation and
	// given back when the order is cancelled.
	Promotions []promotion.Applied `json:"promotions,omitempty"`
	// GiftCards are the gift cards paying part of the order, in the
	// order they are used; the card payment takes the rest (see
	// Order.CardAmount). A card's code is never recorded, only its hint.
	GiftCards []GiftCard `json:"gift_cards,omitempty"`
	Shipment  *Shipment  `json:"shipment,omitempty"`
	// History lists every transition, oldest first; the first is the
	// creation (From empty, To Pending).
	History []Transition `json:"history"`
	// Returns are the order's returns of some of its units, oldest
	// first (see Service.RequestReturn).
	Returns []Return `json:"returns,omitempty"`
	// ExternalRefunds are refunds made at the payment provider, outside
	// Mercato, that the order learnt of (see HandlePaymentRefunded).
	ExternalRefunds []ExternalRefund `json:"external_refunds,omitempty"`
	// IdempotencyKey is the checkout's key, unique across orders.
	IdempotencyKey string `json:"idempotency_key"`
	// FailureCode and FailureMessage say why checkout failed (the
	// provider's decline code and reason); empty otherwise.
	FailureCode    string `json:"failure_code,omitempty"`
	FailureMessage string `json:"failure_message,omitempty"`
	// Settled is false while the order's status implies money or stock
	// moves not yet made: during checkout, and after a cancellation or a
	// refund until the payment is voided or refunded and the stock given
	// back. The recovery worker finishes unsettled orders.
	Settled   bool      `json:"settled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version counts the order's writes: 1 when created.
	Version int64 `json:"version"`
}

// GiftCard is one gift card paying part of an order.
type GiftCard struct {
	// GiftCardID is the card and Hint the last characters of its code,
	// to show the buyer which card paid; both are known once the amount
	// is held (the order is PaymentPending), empty before.
	GiftCardID commerce.GiftCardID `json:"gift_card_id,omitempty"`
	Hint       string              `json:"hint,omitempty"`
	// Amount is what the card pays.
	Amount commerce.Money `json:"amount"`
}

// GiftCardAmount is what o's gift cards pay.
func (o Order) GiftCardAmount() (commerce.Money, error) {
	sum := commerce.Zero(o.Currency)
	for _, g := range o.GiftCards {
		var err error
		if sum, err = sum.Add(g.Amount); err != nil {
			return commerce.Money{}, err
		}
	}
	return sum, nil
}

// CardAmount is what the order's card payment takes: the total less what
// its gift cards pay. Zero for an order paid wholly by gift cards (or
// free), which takes no card payment.
func (o Order) CardAmount() (commerce.Money, error) {
	gc, err := o.GiftCardAmount()
	if err != nil {
		return commerce.Money{}, err
	}
	return o.Totals.Total.Sub(gc)
}

// Clone returns a deep copy of o.
func (o Order) Clone() Order {
	o.Lines = slices.Clone(o.Lines)
	o.GiftCards = slices.Clone(o.GiftCards)
	if o.Promotions != nil {
		ps := make([]promotion.Applied, len(o.Promotions))
		for i, p := range o.Promotions {
			p.LineDiscounts = slices.Clone(p.LineDiscounts)
			ps[i] = p
		}
		o.Promotions = ps
	}
	o.PaymentIDs = slices.Clone(o.PaymentIDs)
	o.History = slices.Clone(o.History)
	o.ExternalRefunds = slices.Clone(o.ExternalRefunds)
	if o.Returns != nil {
		rs := make([]Return, len(o.Returns))
		for i, r := range o.Returns {
			rs[i] = r.clone()
		}
		o.Returns = rs
	}
	if o.Shipment != nil {
		s := *o.Shipment
		o.Shipment = &s
	}
	return o
}

// ItemCount is the units in all lines.
func (o Order) ItemCount() int {
	n := 0
	for _, l := range o.Lines {
		n += l.Quantity
	}
	return n
}

// Guest reports whether the order was placed without an account.
func (o Order) Guest() bool { return o.CustomerID.IsZero() }

// The actors of transitions the shop itself makes.
const (
	// ActorSystem: checkout, recovery and other automatic moves.
	ActorSystem = "system"
	// ActorAdmin: the shop's staff.
	ActorAdmin = "admin"
)

// CustomerActor is the actor of a transition made by a customer.
func CustomerActor(id commerce.CustomerID) string {
	if id.IsZero() {
		return "guest"
	}
	return "customer:" + id.String()
}
