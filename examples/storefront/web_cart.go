package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/recommend"
)

// cartCookieAge matches the cart's own lifetime, refreshed on every write.
const cartCookieAge = cart.DefaultTTL

// guestCart returns the visitor's active guest cart, if the cookie names
// one and the shop signed it. A customer's cart (made through the API
// with a token) is never reachable through the cookie.
func (w *web) guestCart(r *http.Request) (cart.Cart, bool) {
	ck, err := r.Cookie(cartCookie)
	if err != nil {
		return cart.Cart{}, false
	}
	value, ok := w.cookies.verify(cartCookie, ck.Value)
	if !ok {
		return cart.Cart{}, false
	}
	id, err := commerce.ParseID[commerce.CartID](value)
	if err != nil {
		return cart.Cart{}, false
	}
	c, err := w.s.carts.Get(r.Context(), id)
	if err != nil || c.Status != cart.StatusActive || !c.Guest() {
		return cart.Cart{}, false
	}
	return c, true
}

// addToCart adds a SKU to the visitor's cart, creating the cart on the
// first add, and shows the cart.
func (w *web) addToCart(rw http.ResponseWriter, r *http.Request) {
	if err := parseForm(rw, r); err != nil {
		w.fail(rw, r, err)
		return
	}
	qty, err := quantityOf(r.PostForm.Get("quantity"), 1)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	ctx := r.Context()
	in := cart.AddItemInput{SKU: strings.TrimSpace(r.PostForm.Get("sku")), Quantity: qty}
	c, ok := w.guestCart(r)
	if !ok {
		if c, err = w.s.carts.Create(ctx, cart.CreateInput{Currency: shopCurrency}); err != nil {
			w.fail(rw, r, err)
			return
		}
	}
	if _, err := w.s.carts.AddItem(ctx, c.ID, in); err != nil {
		w.fail(rw, r, err)
		return
	}
	w.setCartCookie(rw, r, c.ID)
	redirect(rw, r, "/cart")
}

// setCartCookie gives the browser its cart, signed.
func (w *web) setCartCookie(rw http.ResponseWriter, r *http.Request, id commerce.CartID) {
	setCookie(rw, r, cartCookie, w.cookies.sign(cartCookie, id.String()), cartCookieAge)
}

// changeQuantity sets a cart line's quantity; 0 removes the line.
func (w *web) changeQuantity(rw http.ResponseWriter, r *http.Request) {
	if err := parseForm(rw, r); err != nil {
		w.fail(rw, r, err)
		return
	}
	qty, err := quantityOf(r.PostForm.Get("quantity"), -1)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	w.changeLine(rw, r, func(c cart.Cart, line commerce.LineID) error {
		var err error
		if qty == 0 {
			_, err = w.s.carts.RemoveItem(r.Context(), c.ID, line)
		} else {
			_, err = w.s.carts.UpdateQuantity(r.Context(), c.ID, line, qty)
		}
		return err
	})
}

// removeLine removes a line from the cart.
func (w *web) removeLine(rw http.ResponseWriter, r *http.Request) {
	w.changeLine(rw, r, func(c cart.Cart, line commerce.LineID) error {
		_, err := w.s.carts.RemoveItem(r.Context(), c.ID, line)
		return err
	})
}

func (w *web) changeLine(rw http.ResponseWriter, r *http.Request, change func(cart.Cart, commerce.LineID) error) {
	c, ok := w.guestCart(r)
	if !ok {
		redirect(rw, r, "/cart")
		return
	}
	line, err := commerce.ParseID[commerce.LineID](r.PathValue("line"))
	if err != nil {
		w.fail(rw, r, commerce.Errorf(commerce.CodeNotFound, "no line %q in the cart", r.PathValue("line")))
		return
	}
	if err := change(c, line); err != nil {
		w.fail(rw, r, err)
		return
	}
	w.setCartCookie(rw, r, c.ID)
	redirect(rw, r, "/cart")
}

// quantityOf parses a quantity field; empty is def (when def >= 0).
func quantityOf(s string, def int) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" && def >= 0 {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, commerce.Errorf(commerce.CodeInvalidArgument, "the quantity must be a whole number, not %q", s).WithDetail("field", "quantity")
	}
	return n, nil
}

// cartPage is the cart priced today.
type cartPage struct {
	page
	Totals cart.Totals
	Empty  bool
	// Recommended goes with what is in the cart (popular products when
	// it is empty).
	Recommended []recommend.Recommendation
}

// cart shows the visitor's cart.
func (w *web) cart(rw http.ResponseWriter, r *http.Request) {
	w.renderCart(rw, r, http.StatusOK, "")
}

// renderCart shows the visitor's cart with status and, when set, what
// went wrong with the last change.
func (w *web) renderCart(rw http.ResponseWriter, r *http.Request, status int, problem string) {
	cp := cartPage{page: w.page(r, "Your cart"), Empty: true}
	cp.Error = problem
	if c, ok := w.guestCart(r); ok && len(c.Lines) > 0 {
		t, err := w.s.carts.Price(r.Context(), c)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		cp.Totals, cp.Empty = t, false
		cp.Recommended = w.s.recs.forCart(r.Context(), c)
	} else {
		cp.Recommended = w.s.recs.forCart(r.Context(), cart.Cart{})
	}
	w.views.render(rw, r, status, "cart", cp)
}

// checkoutForm is what the checkout page asks for.
type checkoutForm struct {
	Email, Name, Line1, Line2, City, Region, PostalCode, Country string
	PaymentMethod                                                string
	// GiftCard is a gift card code to pay with first; optional.
	GiftCard string
	// Key is the checkout's idempotency key, minted with the form: a
	// form posted twice is one order and one charge.
	Key string
}

// checkoutPage is the checkout form with the cart it pays for.
type checkoutPage struct {
	page
	Totals cart.Totals
	Form   checkoutForm
	Cards  []testCard
	// DemoGiftCard is the gift card issued at start, to try.
	DemoGiftCard string
}

// testCard is a payment method the checkout offers: one of Stripe's test
// tokens, which the fake provider and Stripe's test mode both take.
type testCard struct {
	Token, Label, Outcome string
	// Brand styles the card's mark.
	Brand    string
	Declines bool
}

// testCards are the cards the checkout offers, the approving ones first.
func testCards() []testCard {
	return []testCard{
		{Token: "pm_card_visa", Label: "Visa ···· 4242", Outcome: "approved", Brand: "visa"},
		{Token: "pm_card_mastercard", Label: "Mastercard ···· 4444", Outcome: "approved", Brand: "mastercard"},
		{Token: "pm_card_amex", Label: "American Express ···· 8431", Outcome: "approved", Brand: "amex"},
		{Token: "pm_card_visa_debit", Label: "Visa debit ···· 5556", Outcome: "approved", Brand: "visa"},
		{Token: "pm_card_chargeDeclined", Label: "Visa ···· 0002", Outcome: "declined", Brand: "visa", Declines: true},
		{Token: "pm_card_chargeDeclinedInsufficientFunds", Label: "Visa ···· 9995", Outcome: "declined: insufficient funds", Brand: "visa", Declines: true},
		{Token: "pm_card_chargeDeclinedExpiredCard", Label: "Visa ···· 0069", Outcome: "declined: expired card", Brand: "visa", Declines: true},
	}
}

// checkoutForm shows the checkout form for the visitor's cart.
func (w *web) checkoutForm(rw http.ResponseWriter, r *http.Request) {
	c, ok := w.guestCart(r)
	if !ok || len(c.Lines) == 0 {
		redirect(rw, r, "/cart")
		return
	}
	form := checkoutForm{Country: "US", PaymentMethod: "pm_card_visa", Key: newCheckoutKey()}
	w.renderCheckout(rw, r, c, form, http.StatusOK, "")
}

func (w *web) renderCheckout(rw http.ResponseWriter, r *http.Request, c cart.Cart, form checkoutForm, status int, problem string) {
	t, err := w.s.carts.Price(r.Context(), c)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	cp := checkoutPage{page: w.page(r, "Checkout"), Totals: t, Form: form, Cards: testCards(), DemoGiftCard: w.s.giftCard}
	cp.Error = problem
	w.views.render(rw, r, status, "checkout", cp)
}

// checkout places the order for the visitor's cart: on success it shows
// the order; on failure the form again, with what went wrong.
func (w *web) checkout(rw http.ResponseWriter, r *http.Request) {
	if err := parseForm(rw, r); err != nil {
		w.fail(rw, r, err)
		return
	}
	f := r.PostForm
	form := checkoutForm{
		Email: f.Get("email"), Name: f.Get("name"), Line1: f.Get("line1"), Line2: f.Get("line2"),
		City: f.Get("city"), Region: f.Get("region"), PostalCode: f.Get("postal_code"), Country: f.Get("country"),
		PaymentMethod: strings.TrimSpace(f.Get("payment_method")), Key: f.Get("key"), GiftCard: strings.TrimSpace(f.Get("gift_card")),
	}
	if form.Key == "" {
		form.Key = newCheckoutKey()
	}
	c, ok := w.guestCart(r)
	if !ok {
		// Posted twice: the first post converted the cart. The key finds
		// the order it made.
		redirect(rw, r, "/cart")
		return
	}
	cards, err := w.giftCardUses(r.Context(), form.GiftCard)
	if err != nil {
		w.renderCheckout(rw, r, c, form, httpStatusOf(err), checkoutProblem(err))
		return
	}
	o, err := w.s.orders.Checkout(r.Context(), c.ID, order.CheckoutInput{
		Email: strings.TrimSpace(form.Email), PaymentMethod: form.PaymentMethod, IdempotencyKey: form.Key, GiftCards: cards,
		ShippingAddress: commerce.Address{
			Name: form.Name, Line1: form.Line1, Line2: form.Line2, City: form.City,
			Region: form.Region, PostalCode: form.PostalCode, Country: strings.ToUpper(strings.TrimSpace(form.Country)),
		},
	})
	if err != nil {
		code := commerce.Code(err)
		if code != commerce.CodeUnavailable && code != commerce.CodeInternal {
			// The key is spent on this outcome (a declined or cancelled
			// order); only a retry after an outage continues with it.
			form.Key = newCheckoutKey()
		}
		if code == commerce.CodeInternal {
			w.log.ErrorContext(r.Context(), "checkout failed", "cart_id", c.ID, "error", err)
		}
		w.renderCheckout(rw, r, c, form, httpStatusOf(err), checkoutProblem(err))
		return
	}
	clearCookie(rw, cartCookie, "/")
	w.rememberOrder(rw, r, o.ID)
	redirect(rw, r, "/orders/"+o.ID.String()+"?placed=1")
}

// newCheckoutKey mints a checkout idempotency key.
func newCheckoutKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return "web-" + hex.EncodeToString(b)
}

// checkoutProblem says what went wrong with a checkout, for the form.
func checkoutProblem(err error) string {
	var short *inventory.OutOfStockError
	switch commerce.Code(err) {
	case commerce.CodePaymentDeclined:
		reason := "the payment was declined"
		var ce *commerce.Error
		if errors.As(err, &ce) {
			if r, ok := ce.Details["reason"].(string); ok && r != "" {
				reason = r
			}
		}
		return "Payment declined: " + strings.TrimSuffix(reason, ".") + ". Try another card."
	case commerce.CodeOutOfStock:
		if errors.As(err, &short) {
			var skus []string
			for _, s := range short.Shortages {
				skus = append(skus, fmt.Sprintf("%s (%d available)", s.SKU, s.Available))
			}
			return "Not enough stock for " + strings.Join(skus, ", ") + ". Change the quantities in your cart."
		}
		return "Some items are out of stock. Change the quantities in your cart."
	case commerce.CodeInvalidArgument:
		return "Please check the form: " + messageOf(err)
	case commerce.CodeUnavailable:
		return "The shop could not finish your order just now. Submit again: you will not be charged twice."
	case commerce.CodeInternal:
		return "Something went wrong on our side. Submit again: you will not be charged twice."
	}
	return messageOf(err)
}

// orderPage is an order's status page.
type orderPage struct {
	page
	Order  order.Order
	Placed bool
}

// order shows a guest order placed from this browser: its ID must be in
// the signed orders cookie. The ID alone shows nothing: whoever does not
// hold it gets 404, as for an order that does not exist. A customer's
// order is not shown here: it needs the customer's token, through the
// API.
func (w *web) order(rw http.ResponseWriter, r *http.Request) {
	id, err := commerce.ParseID[commerce.OrderID](r.PathValue("id"))
	if err == nil && !slices.Contains(w.rememberedOrders(r), id) {
		err = commerce.Errorf(commerce.CodeNotFound, "no order %s", id)
	}
	if err != nil {
		w.fail(rw, r, commerce.Errorf(commerce.CodeNotFound, "no order %q", r.PathValue("id")))
		return
	}
	o, err := w.s.orders.Get(r.Context(), id)
	if err == nil && !o.Guest() {
		err = commerce.Errorf(commerce.CodeNotFound, "no order %s", id)
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	op := orderPage{page: w.page(r, fmt.Sprintf("Order %d", o.Number)), Order: o, Placed: r.URL.Query().Get("placed") != ""}
	if op.Placed && o.Status == order.StatusConfirmed {
		op.Notice = "Thank you! Your order is confirmed; a confirmation is on its way to " + o.Email + "."
	}
	w.views.render(rw, r, http.StatusOK, "order", op)
}

// ordersPage lists the orders placed from this browser.
type ordersPage struct {
	page
	Orders []order.Order
}

// myOrders lists the guest orders this browser placed.
func (w *web) myOrders(rw http.ResponseWriter, r *http.Request) {
	op := ordersPage{page: w.page(r, "Your orders")}
	for _, id := range w.rememberedOrders(r) {
		o, err := w.s.orders.Get(r.Context(), id)
		if err != nil || !o.Guest() {
			continue
		}
		op.Orders = append(op.Orders, o)
	}
	w.views.render(rw, r, http.StatusOK, "orders", op)
}

// rememberOrder adds id to the orders this browser placed.
func (w *web) rememberOrder(rw http.ResponseWriter, r *http.Request, id commerce.OrderID) {
	ids := slices.DeleteFunc(w.rememberedOrders(r), func(x commerce.OrderID) bool { return x == id })
	ids = append([]commerce.OrderID{id}, ids...)
	if len(ids) > maxRememberedOrders {
		ids = ids[:maxRememberedOrders]
	}
	parts := make([]string, len(ids))
	for i, x := range ids {
		parts[i] = x.String()
	}
	setCookie(rw, r, ordersCookie, w.cookies.sign(ordersCookie, strings.Join(parts, "~")), 365*24*time.Hour)
}

// rememberedOrders returns the orders of the signed orders cookie: at
// most maxRememberedOrders, however long the cookie, so a request never
// looks up more orders than a page lists. A cookie longer than a browser
// keeps is not even verified.
func (w *web) rememberedOrders(r *http.Request) []commerce.OrderID {
	ck, err := r.Cookie(ordersCookie)
	if err != nil || len(ck.Value) > maxCookieBytes {
		return nil
	}
	value, ok := w.cookies.verify(ordersCookie, ck.Value)
	if !ok {
		return nil
	}
	var ids []commerce.OrderID
	for s := range strings.SplitSeq(value, "~") {
		if id, err := commerce.ParseID[commerce.OrderID](s); err == nil && !slices.Contains(ids, id) {
			ids = append(ids, id)
			if len(ids) == maxRememberedOrders {
				break
			}
		}
	}
	return ids
}
