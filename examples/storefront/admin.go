package main

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/search"
)

const (
	// adminCookie holds the admin session's random token (see
	// adminSessions). Strict keeps it off every cross-site request.
	adminCookie = "mercato_admin"
	// adminSessionTTL is how long an admin session lasts; it does not
	// slide, the admin logs in again.
	adminSessionTTL = 12 * time.Hour
	// adminPageSize is the page size of the admin lists.
	adminPageSize = 50
	// stockPageSize is how many products the stock page lists.
	stockPageSize = 20
)

func (w *web) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/login", w.adminLoginForm)
	mux.HandleFunc("POST /admin/login", w.adminLogin)
	mux.HandleFunc("POST /admin/logout", w.adminLogout)
	mux.HandleFunc("GET /admin", w.admin(w.adminOrders))
	mux.HandleFunc("GET /admin/{$}", w.admin(w.adminOrders))
	mux.HandleFunc("GET /admin/orders/{id}", w.admin(w.adminOrder))
	mux.HandleFunc("POST /admin/orders/{id}/transition", w.admin(w.adminTransition))
	mux.HandleFunc("GET /admin/stock", w.admin(w.adminStock))
	mux.HandleFunc("POST /admin/stock", w.admin(w.adminSetStock))
}

// isAdmin reports whether r is the admin's: a live session cookie, or the
// admin key as a bearer token (for scripts). A wrong bearer token counts
// as a failed attempt of the client's address; a throttled address is
// refused (ok false, throttled true) whatever it sends.
func (w *web) isAdmin(r *http.Request) (ok, throttled bool) {
	if ck, err := r.Cookie(adminCookie); err == nil && w.sessions.valid(ck.Value) {
		return true, false
	}
	token, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !bearer {
		return false, false
	}
	return w.checkAdminKey(r, strings.TrimSpace(token))
}

// checkAdminKey compares key with the admin key, in constant time, for
// the client of r: at most adminThrottle failures per address and window.
func (w *web) checkAdminKey(r *http.Request, key string) (ok, throttled bool) {
	addr := clientAddr(r)
	if _, blocked := w.throttle.blocked(addr); blocked {
		return false, true
	}
	if !equal(key, w.s.cfg.AdminKey) {
		w.throttle.fail(addr)
		w.log.WarnContext(r.Context(), "admin: wrong key", "client", addr, "path", r.URL.Path)
		return false, false
	}
	w.throttle.succeed(addr)
	return true, false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// tooManyAttempts answers a throttled client with 429 and Retry-After.
func (w *web) tooManyAttempts(rw http.ResponseWriter, r *http.Request) {
	wait, _ := w.throttle.blocked(clientAddr(r))
	rw.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
	w.renderLogin(rw, r, http.StatusTooManyRequests, "/admin", "Too many wrong admin keys from your address. Try again later.")
}

// admin guards an admin page: other visitors are sent to the login form.
// The key is never taken from the URL, where logs and history keep it.
func (w *web) admin(next http.HandlerFunc) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Cache-Control", "no-store")
		ok, throttled := w.isAdmin(r)
		switch {
		case throttled:
			w.tooManyAttempts(rw, r)
		case !ok && r.Method == http.MethodGet:
			redirect(rw, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()))
		case !ok:
			w.renderLogin(rw, r, http.StatusUnauthorized, "/admin", "Log in again: the admin session has ended.")
		default:
			next(rw, r)
		}
	}
}

func (w *web) setAdminCookie(rw http.ResponseWriter, r *http.Request) {
	http.SetCookie(rw, &http.Cookie{
		Name: adminCookie, Value: w.sessions.open(), Path: "/admin", MaxAge: int(adminSessionTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

// loginPage is the admin login form.
type loginPage struct {
	page
	Next string
}

func (w *web) renderLogin(rw http.ResponseWriter, r *http.Request, status int, next, problem string) {
	rw.Header().Set("Cache-Control", "no-store")
	lp := loginPage{page: w.page(r, "Admin login"), Next: adminPath(next)}
	lp.Admin, lp.Error = true, problem
	w.views.render(rw, r, status, "admin_login", lp)
}

// adminPath returns p when it is an admin page, else /admin.
func adminPath(p string) string {
	p = localRedirect(p, "/admin")
	if p != "/admin" && !strings.HasPrefix(p, "/admin/") && !strings.HasPrefix(p, "/admin?") {
		return "/admin"
	}
	return p
}

func (w *web) adminLoginForm(rw http.ResponseWriter, r *http.Request) {
	w.renderLogin(rw, r, http.StatusOK, r.URL.Query().Get("next"), "")
}

func (w *web) adminLogin(rw http.ResponseWriter, r *http.Request) {
	if err := parseForm(rw, r); err != nil {
		w.fail(rw, r, err)
		return
	}
	next := r.PostForm.Get("next")
	ok, throttled := w.checkAdminKey(r, strings.TrimSpace(r.PostForm.Get("key")))
	switch {
	case throttled:
		w.tooManyAttempts(rw, r)
		return
	case !ok:
		w.renderLogin(rw, r, http.StatusUnauthorized, next, "That is not the admin key.")
		return
	}
	// A fresh session on every login: nothing set before the login (a
	// planted cookie) survives it.
	if ck, err := r.Cookie(adminCookie); err == nil {
		w.sessions.revoke(ck.Value)
	}
	w.setAdminCookie(rw, r)
	redirect(rw, r, adminPath(next))
}

// adminLogout ends the session on the server, not only in the browser: a
// copy of the cookie is worthless afterwards.
func (w *web) adminLogout(rw http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(adminCookie); err == nil {
		w.sessions.revoke(ck.Value)
	}
	clearCookie(rw, adminCookie, "/admin")
	redirect(rw, r, "/")
}

// adminPage frames an admin page.
func (w *web) adminPage(r *http.Request, title string) page {
	p := w.page(r, title)
	p.Admin, p.LoggedIn = true, true
	return p
}

// adminOrdersPage lists orders with their next transitions.
type adminOrdersPage struct {
	page
	Status   order.Status
	Statuses []statusLink
	Orders   []adminOrder
	NextURL  string
	Back     string
}

type statusLink struct {
	Label  string
	Href   string
	Active bool
}

type adminOrder struct {
	order.Order
	Next []order.Status
}

// adminOrders lists orders, newest first, optionally of one status, each
// with a button per transition the state machine allows from its status.
func (w *web) adminOrders(rw http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status := order.Status(q.Get("status"))
	if status != "" && !status.Valid() {
		status = ""
	}
	page, err := w.s.orders.List(r.Context(), order.ListFilter{Status: status}, commerce.PageRequest{Limit: adminPageSize, Cursor: q.Get("cursor")})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	ap := adminOrdersPage{page: w.adminPage(r, "Orders"), Status: status, Back: r.URL.RequestURI()}
	ap.Statuses = append(ap.Statuses, statusLink{Label: "all", Href: "/admin", Active: status == ""})
	for _, st := range order.Statuses() {
		ap.Statuses = append(ap.Statuses, statusLink{Label: statusLabel(st), Href: "/admin?status=" + string(st), Active: st == status})
	}
	for _, o := range page.Items {
		ap.Orders = append(ap.Orders, adminOrder{Order: o, Next: nextStatuses(o.Status)})
	}
	if page.HasMore() {
		v := url.Values{"cursor": {page.NextCursor}}
		if status != "" {
			v.Set("status", string(status))
		}
		ap.NextURL = "/admin?" + v.Encode()
	}
	switch {
	case q.Get("moved") != "":
		ap.Notice = "Order " + q.Get("moved") + " moved to " + statusLabel(order.Status(q.Get("to"))) + "."
	}
	w.views.render(rw, r, http.StatusOK, "admin_orders", ap)
}

// nextStatuses are the statuses the admin may move an order in status st
// to. Orders still in checkout belong to checkout and recovery.
func nextStatuses(st order.Status) []order.Status {
	if st == order.StatusPending || st == order.StatusPaymentPending {
		return nil
	}
	var out []order.Status
	for _, to := range order.Statuses() {
		if order.CanTransition(st, to) {
			out = append(out, to)
		}
	}
	return out
}

// adminOrder shows any order, a guest's or a customer's.
func (w *web) adminOrder(rw http.ResponseWriter, r *http.Request) {
	id, err := commerce.ParseID[commerce.OrderID](r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, commerce.Errorf(commerce.CodeNotFound, "no order %q", r.PathValue("id")))
		return
	}
	o, err := w.s.orders.Get(r.Context(), id)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	w.views.render(rw, r, http.StatusOK, "order", orderPage{page: w.adminPage(r, fmt.Sprintf("Order %d", o.Number)), Order: o})
}

// adminTransition moves an order to the posted status.
func (w *web) adminTransition(rw http.ResponseWriter, r *http.Request) {
	if err := parseForm(rw, r); err != nil {
		w.fail(rw, r, err)
		return
	}
	id, err := commerce.ParseID[commerce.OrderID](r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, commerce.Errorf(commerce.CodeNotFound, "no order %q", r.PathValue("id")))
		return
	}
	f := r.PostForm
	in := order.TransitionInput{OrderID: id, To: order.Status(f.Get("to")), Actor: order.ActorAdmin, Reason: strings.TrimSpace(f.Get("reason"))}
	if in.To == order.StatusShipped {
		in.Shipment = &order.Shipment{Carrier: strings.TrimSpace(f.Get("carrier")), TrackingNumber: strings.TrimSpace(f.Get("tracking"))}
		if in.Shipment.Carrier == "" {
			in.Shipment.Carrier = "Mercato Post"
		}
	}
	if in.To == order.StatusCancelled && in.Reason == "" {
		in.Reason = "cancelled by the shop"
	}
	o, err := w.s.orders.Transition(r.Context(), in)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	back, err := url.Parse(adminPath(f.Get("back")))
	if err != nil || back.Path != "/admin" {
		back = &url.URL{Path: "/admin"}
	}
	q := back.Query()
	q.Set("moved", strconv.FormatInt(o.Number, 10))
	q.Set("to", string(o.Status))
	back.RawQuery = q.Encode()
	redirect(rw, r, back.String())
}

// adminStockPage lists products with the stock of each variant.
type adminStockPage struct {
	page
	Q       string
	Rows    []stockRow
	NextURL string
	Back    string
}

type stockRow struct {
	Product  string
	Handle   string
	Status   catalog.Status
	SKU      string
	Options  string
	OnHand   int
	Reserved int
	Avail    int
}

// adminStock lists the stock of each variant, of every product or of
// those a search (a title, a SKU) finds.
func (w *web) adminStock(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	sp := adminStockPage{page: w.adminPage(r, "Stock"), Q: strings.TrimSpace(q.Get("q")), Back: r.URL.RequestURI()}
	if sku := q.Get("set"); sku != "" {
		sp.Notice = "Stock of " + sku + " set."
	}
	var products []catalog.Product
	switch {
	case sp.Q != "":
		if _, p, err := w.s.catalog.GetVariantBySKU(ctx, sp.Q); err == nil {
			products = append(products, p)
			break
		}
		res, err := w.s.search.Search(ctx, search.Query{Text: sp.Q, PageSize: stockPageSize})
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		for _, h := range res.Hits {
			if p, err := w.s.catalog.GetProduct(ctx, h.ProductID); err == nil {
				products = append(products, p)
			}
		}
	default:
		page, err := w.s.catalog.ListProducts(ctx, catalog.ProductFilter{}, commerce.PageRequest{Limit: stockPageSize, Cursor: q.Get("cursor")})
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		products = page.Items
		if page.HasMore() {
			sp.NextURL = "/admin/stock?" + url.Values{"cursor": {page.NextCursor}}.Encode()
		}
	}
	for _, p := range products {
		for _, v := range p.Variants {
			levels, err := w.s.stock.Levels(ctx, v.SKU)
			if err != nil {
				w.fail(rw, r, err)
				return
			}
			row := stockRow{Product: p.Title, Handle: p.Handle, Status: p.Status, SKU: v.SKU, Options: optionsText(v.Options)}
			for _, l := range levels {
				row.OnHand += l.OnHand
				row.Reserved += l.Reserved
				row.Avail += max(l.Available(), 0)
			}
			sp.Rows = append(sp.Rows, row)
		}
	}
	w.views.render(rw, r, http.StatusOK, "admin_stock", sp)
}

// adminSetStock sets the units on hand of a SKU at the default location.
func (w *web) adminSetStock(rw http.ResponseWriter, r *http.Request) {
	if err := parseForm(rw, r); err != nil {
		w.fail(rw, r, err)
		return
	}
	f := r.PostForm
	sku := strings.TrimSpace(f.Get("sku"))
	n, err := strconv.Atoi(strings.TrimSpace(f.Get("on_hand")))
	if err != nil {
		w.fail(rw, r, commerce.Errorf(commerce.CodeInvalidArgument, "on hand must be a whole number, not %q", f.Get("on_hand")).WithDetail("field", "on_hand"))
		return
	}
	if _, err := w.s.stock.SetStock(r.Context(), sku, "", n, "set in the admin"); err != nil {
		w.fail(rw, r, err)
		return
	}
	back, err := url.Parse(adminPath(f.Get("back")))
	if err != nil || back.Path != "/admin/stock" {
		back = &url.URL{Path: "/admin/stock"}
	}
	q := back.Query()
	q.Set("set", sku)
	back.RawQuery = q.Encode()
	redirect(rw, r, back.String())
}
