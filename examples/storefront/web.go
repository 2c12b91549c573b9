package main

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
)

// Cookies of the web shop.
const (
	// cartCookie holds the guest's cart ID, signed (see cookieSigner):
	// the ID alone does not make a cart anyone's.
	cartCookie = "mercato_cart"
	// ordersCookie lists the orders placed from this browser, newest
	// first, signed: it is what lets the browser see them.
	ordersCookie = "mercato_orders"
	// maxRememberedOrders bounds ordersCookie, when it is written and
	// when it is read.
	maxRememberedOrders = 20
	// maxCookieBytes is the longest cookie value a browser keeps; the
	// shop's own are far shorter.
	maxCookieBytes = 4096
	// maxFormBytes bounds a form post.
	maxFormBytes = 64 << 10
	// departmentsTTL is how long the navigation's departments are cached.
	departmentsTTL = time.Minute
)

// web serves the server-rendered shop and admin pages. Handlers call the
// Go services directly; the JSON API under /api is the other way in.
type web struct {
	s     *shop
	views *views
	log   *slog.Logger
	// cookies signs the cart and orders cookies and the forms' tokens.
	cookies *cookieSigner
	// sessions are the admin's web sessions; throttle counts failed
	// admin keys per client address, on the pages and the admin API.
	sessions *adminSessions
	throttle *throttle

	mu            sync.Mutex
	departments   []catalog.Category
	departmentsAt time.Time
}

// page is what every page shows around its content.
type page struct {
	Title string
	// CartItems counts the units in the visitor's cart, for the header.
	CartItems int
	// Query is the search box's text.
	Query       string
	Departments []catalog.Category
	// Admin marks the admin pages, LoggedIn an admin session.
	Admin    bool
	LoggedIn bool
	Notice   string
	Error    string
	// CSRF is the token every form posts back (see web.csrf).
	CSRF string
}

// routes returns the shop's handler: the API under /api, the web shop and
// the admin pages.
func (s *shop) routes() (http.Handler, error) {
	v, err := parseViews(s.log)
	if err != nil {
		return nil, err
	}
	w := &web{
		s: s, views: v, log: s.log,
		cookies:  newCookieSigner(s.cfg.SessionKey),
		sessions: newAdminSessions(adminSessionTTL, time.Now),
		throttle: newThrottle(s.cfg.adminThrottle, time.Now),
	}
	s.web = w
	pages := http.NewServeMux()
	static, err := fs.Sub(assets, "static")
	if err != nil {
		return nil, err
	}
	pages.Handle("GET /static/", http.StripPrefix("/static/", noListing(cacheFor(time.Hour, http.FileServerFS(static)))))
	pages.HandleFunc("GET /{$}", w.browse)
	pages.HandleFunc("GET /search", w.browse)
	pages.HandleFunc("GET /products/{handle}", w.product)
	pages.HandleFunc("GET "+picturesPath+"{file}", w.picture)
	pages.HandleFunc("GET /cart", w.cart)
	pages.HandleFunc("POST /cart/items", w.addToCart)
	pages.HandleFunc("POST /cart/lines/{line}/quantity", w.changeQuantity)
	pages.HandleFunc("POST /cart/lines/{line}/remove", w.removeLine)
	pages.HandleFunc("POST /cart/codes", w.applyCode)
	pages.HandleFunc("POST /cart/codes/{code}/remove", w.removeCode)
	pages.HandleFunc("GET /checkout", w.checkoutForm)
	pages.HandleFunc("POST /checkout", w.checkout)
	pages.HandleFunc("GET /orders/{id}", w.order)
	pages.HandleFunc("GET /account/orders", w.myOrders)
	pages.HandleFunc("GET /account/reset-password", w.resetPasswordForm)
	pages.HandleFunc("POST /account/reset-password", w.resetPassword)
	w.adminRoutes(pages)
	pages.HandleFunc("/", func(rw http.ResponseWriter, r *http.Request) {
		w.fail(rw, r, commerce.Errorf(commerce.CodeNotFound, "no page at %s", r.URL.Path))
	})

	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", s.cfg.monitor.route("/api", w.guardAdminAPI(s.api))))
	mux.Handle("/", pageHeaders(s.cfg.monitor.route("", w.csrf(pages))))
	return s.cfg.monitor.edge(mux), nil
}

// guardAdminAPI throttles wrong admin keys on the admin API as on the
// admin pages: a wrong bearer token counts as a failure of the client's
// address, and a throttled address gets 429 with Retry-After before the
// API sees the request.
func (w *web) guardAdminAPI(api http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		token, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if bearer && (r.URL.Path == "/admin" || strings.HasPrefix(r.URL.Path, "/admin/")) {
			if _, throttled := w.checkAdminKey(r, strings.TrimSpace(token)); throttled {
				wait, _ := w.throttle.blocked(clientAddr(r))
				rw.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
				rw.Header().Set("Content-Type", "application/json")
				rw.Header().Set("Cache-Control", "no-store")
				rw.WriteHeader(http.StatusTooManyRequests)
				_, _ = io.WriteString(rw, `{"error":{"code":"resource_exhausted","message":"too many wrong admin keys from this address; retry later"}}`+"\n")
				return
			}
		}
		api.ServeHTTP(rw, r)
	})
}

// noListing answers 404 for a directory, where a file server would list
// its files.
func noListing(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// pageHeaders sets the security headers of the HTML pages: nothing but
// the shop's own style sheet, pictures and forms, no framing. Pages are
// not stored by caches (they show a cart, an order, the admin); the
// static files and pictures say otherwise for themselves.
func pageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

func cacheFor(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(d/time.Second)))
		next.ServeHTTP(w, r)
	})
}

// page returns the frame of a page titled title for r's visitor.
func (w *web) page(r *http.Request, title string) page {
	p := page{Title: title, Departments: w.topDepartments(r.Context()), CSRF: w.csrfToken(r)}
	if c, ok := w.guestCart(r); ok {
		p.CartItems = c.ItemCount()
	}
	return p
}

// topDepartments returns the top-level categories for the navigation,
// cached for departmentsTTL.
func (w *web) topDepartments(ctx context.Context) []catalog.Category {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.departments != nil && time.Since(w.departmentsAt) < departmentsTTL {
		return w.departments
	}
	var top []catalog.Category
	for req := (commerce.PageRequest{Limit: commerce.MaxPageLimit}); ; {
		page, err := w.s.catalog.ListCategories(ctx, req)
		if err != nil {
			w.log.WarnContext(ctx, "list categories", "error", err)
			return w.departments
		}
		for _, c := range page.Items {
			if c.ParentID.IsZero() {
				top = append(top, c)
			}
		}
		if !page.HasMore() {
			break
		}
		req.Cursor = page.NextCursor
	}
	slices.SortFunc(top, func(a, b catalog.Category) int { return strings.Compare(a.Name, b.Name) })
	w.departments, w.departmentsAt = top, time.Now()
	return top
}

// errorPage is the page of a failed request.
type errorPage struct {
	page
	Status  int
	Message string
}

// fail answers r with the page for err: the status of its commerce code,
// and its message unless it is internal (then it is logged instead, as
// it may carry details meant for operators only).
func (w *web) fail(rw http.ResponseWriter, r *http.Request, err error) {
	code := commerce.Code(err)
	status := httpStatusOf(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		status = http.StatusRequestEntityTooLarge
	}
	msg := messageOf(err)
	if status >= 500 && code != commerce.CodeUnavailable {
		w.log.ErrorContext(r.Context(), "web request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		msg = "Something went wrong on our side. Please try again."
	}
	title := http.StatusText(status)
	w.views.render(rw, r, status, "error", errorPage{page: w.page(r, title), Status: status, Message: msg})
}

// messageOf is err's message for people: a commerce error's message
// without its code.
func messageOf(err error) string {
	var ce *commerce.Error
	if errors.As(err, &ce) && ce.Message != "" {
		return ce.Message
	}
	return err.Error()
}

// httpStatusOf is the HTTP status of err's commerce code, as in the API.
func httpStatusOf(err error) int { return httpapi.StatusOf(commerce.Code(err)) }

// parseForm reads a posted form of at most maxFormBytes.
func parseForm(rw http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(rw, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		// The cause stays out of the page: it may name addresses
		// ("read tcp 127.0.0.1:...: i/o timeout").
		return commerce.Errorf(commerce.CodeInvalidArgument, "the form could not be read")
	}
	return nil
}

// redirect answers a successful post with 303 See Other to to, so that
// reloading the next page does not post again.
func redirect(rw http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(rw, r, to, http.StatusSeeOther)
}

// setCookie sets a first-party cookie for path /. Lax keeps it off
// cross-site posts, so another site cannot fill or check out a visitor's
// cart.
func setCookie(rw http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	http.SetCookie(rw, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
}

func clearCookie(rw http.ResponseWriter, name, path string) {
	http.SetCookie(rw, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true})
}

// localRedirect returns to when it is a path of this site, else def: a
// "back" field must not send the visitor elsewhere.
func localRedirect(to, def string) string {
	if to == "" || !strings.HasPrefix(to, "/") || strings.HasPrefix(to, "//") || strings.ContainsAny(to, "\\\r\n") {
		return def
	}
	return to
}
