package main

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
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
	// adminCookie holds the admin session: a hash of the admin key, so
	// the key itself is never stored in the browser. Strict keeps it off
	// every cross-site request, which is what protects the admin forms
	// from forged posts.
	adminCookie    = "mercato_admin"
	adminCookieAge = 12 * time.Hour
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
	mux.HandleFunc("POST /admin/orders/{id}/transition", w.admin(w.adminTransition))
	mux.HandleFunc("GET /admin/stock", w.admin(w.adminStock))
	mux.HandleFunc("POST /admin/stock", w.admin(w.adminSetStock))
}

// adminSession is the value of the admin cookie for the configured key.
func (w *web) adminSession() string {
	sum := sha256.Sum256([]byte("mercato-admin-session\x00" + w.s.cfg.AdminKey))
	return hex.EncodeToString(sum[:])
}

// isAdmin reports whether r carries the admin key: the session cookie,
// or the key as a bearer token (for scripts).
func (w *web) isAdmin(r *http.Request) bool {
	if ck, err := r.Cookie(adminCookie); err == nil && equal(ck.Value, w.adminSession()) {
		return true
	}
	if token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && equal(strings.TrimSpace(token), w.s.cfg.AdminKey) {
		return true
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// admin guards an admin page. A GET with ?key= logs in and comes back
// without the key in the URL; other visitors are sent to the login form.
func (w *web) admin(next http.HandlerFunc) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if key := r.URL.Query().Get("key"); key != "" && r.Method == http.MethodGet {
			if !equal(key, w.s.cfg.AdminKey) {
				w.renderLogin(rw, r, http.StatusUnauthorized, r.URL.Path, "That is not the admin key.")
				return
			}
			w.setAdminCookie(rw, r)
			q := r.URL.Query()
			q.Del("key")
			to := r.URL.Path
			if len(q) > 0 {
				to += "?" + q.Encode()
			}
			redirect(rw, r, to)
			return
		}
		if !w.isAdmin(r) {
			if r.Method == http.MethodGet {
				redirect(rw, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()))
				return
			}
			w.renderLogin(rw, r, http.StatusUnauthorized, "/admin", "Log in again: the admin session has ended.")
			return
		}
		next(rw, r)
	}
}

func (w *web) setAdminCookie(rw http.ResponseWriter, r *http.Request) {
	http.SetCookie(rw, &http.Cookie{
		Name: adminCookie, Value: w.adminSession(), Path: "/admin", MaxAge: int(adminCookieAge / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

// loginPage is the admin login form.
type loginPage struct {
	page
	Next string
}

func (w *web) renderLogin(rw http.ResponseWriter, r *http.Request, status int, next, problem string) {
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
	if !equal(strings.TrimSpace(r.PostForm.Get("key")), w.s.cfg.AdminKey) {
		w.renderLogin(rw, r, http.StatusUnauthorized, next, "That is not the admin key.")
		return
	}
	w.setAdminCookie(rw, r)
	redirect(rw, r, adminPath(next))
}

func (w *web) adminLogout(rw http.ResponseWriter, r *http.Request) {
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
