package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// browser is a client with its own cookies that has seen the shop's
// home page, so it holds the CSRF cookie its forms need.
type browser struct {
	*http.Client
	jar *cookiejar.Jar
}

func (ts *testShop) browser(t *testing.T) browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	b := browser{Client: noRedirects(jar), jar: jar}
	status, _ := get(t, b.Client, ts.url+"/")
	require.Equal(t, http.StatusOK, status)
	return b
}

// cookie returns the value of the browser's cookie name for path.
func (ts *testShop) cookie(t *testing.T, b browser, path, name string) string {
	t.Helper()
	u, err := url.Parse(ts.url + path)
	require.NoError(t, err)
	for _, ck := range b.jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// post posts form from b with its CSRF token.
func (ts *testShop) post(t *testing.T, b browser, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	return postForm(t, b.Client, ts.url+path, ts.withToken(t, b.jar, form))
}

// loginAdmin logs b in as the admin and returns its session cookie.
func (ts *testShop) loginAdmin(t *testing.T, b browser) string {
	t.Helper()
	resp, _ := ts.post(t, b, "/admin/login", url.Values{"key": {ts.cfg.AdminKey}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	session := ts.cookie(t, b, "/admin", adminCookie)
	require.NotEmpty(t, session)
	return session
}

// adminWith gets /admin with only the admin cookie set to session and
// reports whether the page was served (rather than the login).
func (ts *testShop) adminWith(t *testing.T, session string) bool {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.url+"/admin", nil)
	require.NoError(t, err)
	req.AddCookie(&http.Cookie{Name: adminCookie, Value: session})
	resp, err := noRedirects(nil).Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// 25.4: the admin session was sha256 of the key: the same for every login,
// computable offline, valid after logout and never expiring.
func TestAdminSessionsAreRandomAndEndAtLogout(t *testing.T) {
	ts := startShop(t, Config{})
	sum := sha256.Sum256([]byte("mercato-admin-session\x00" + ts.cfg.AdminKey))
	assert.False(t, ts.adminWith(t, hex.EncodeToString(sum[:])), "a session computed from the key is no session")

	a, b := ts.browser(t), ts.browser(t)
	first, second := ts.loginAdmin(t, a), ts.loginAdmin(t, b)
	assert.NotEqual(t, first, second, "every login is a new session")
	assert.NotContains(t, first, ts.cfg.AdminKey)
	assert.True(t, ts.adminWith(t, first))
	assert.True(t, ts.adminWith(t, second))

	resp, _ := ts.post(t, a, "/admin/logout", url.Values{})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.False(t, ts.adminWith(t, first), "a copy of the cookie is worthless after logout")
	assert.True(t, ts.adminWith(t, second), "logout ends that session only")
}

func TestAdminSessionsExpire(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newAdminSessions(time.Hour, func() time.Time { return now })
	token := s.open()
	assert.True(t, s.valid(token))
	assert.False(t, s.valid(token+"x"))
	assert.False(t, s.valid(""))
	now = now.Add(time.Hour - time.Second)
	assert.True(t, s.valid(token))
	now = now.Add(time.Second)
	assert.False(t, s.valid(token), "a session ends at its expiry")

	for range maxAdminSessions + 10 {
		s.open()
	}
	assert.LessOrEqual(t, len(s.expires), maxAdminSessions, "the table is bounded")
}

func TestAdminKeyInTheURLDoesNotLogIn(t *testing.T) {
	ts := startShop(t, Config{})
	b := ts.browser(t)
	status, _ := get(t, b.Client, ts.url+"/admin?key="+url.QueryEscape(ts.cfg.AdminKey))
	assert.Equal(t, http.StatusSeeOther, status, "sent to the login form")
	assert.Empty(t, ts.cookie(t, b, "/admin", adminCookie), "no session from a key in a URL")
	status, _ = get(t, b.Client, ts.url+"/admin")
	assert.Equal(t, http.StatusSeeOther, status)
}

func TestShortAdminKeysAreRefusedAtStart(t *testing.T) {
	for _, key := range []string{"x", "short-key", strings.Repeat("k", minAdminKeyLength-1)} {
		_, err := Config{AdminKey: key}.resolved(io.Discard)
		assert.ErrorContains(t, err, "at least 16 characters", "%q", key)
	}
	cfg, err := Config{AdminKey: strings.Repeat("k", minAdminKeyLength)}.resolved(io.Discard)
	require.NoError(t, err)
	assert.False(t, cfg.adminKeyGenerated)
}

// Wrong admin keys, on the login form or as the admin API's bearer token,
// are throttled per client address: 429 with Retry-After once the
// failures are used up, even for the right key.
func TestFailedAdminAttemptsAreThrottled(t *testing.T) {
	limits := throttleLimits{Failures: 3, Window: time.Hour}
	t.Run("login form", func(t *testing.T) {
		ts := startShop(t, Config{adminThrottle: limits})
		b := ts.browser(t)
		for i := range limits.Failures {
			resp, _ := ts.post(t, b, "/admin/login", url.Values{"key": {"wrong-key-" + strconv.Itoa(i)}})
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "attempt %d", i+1)
		}
		for _, key := range []string{"wrong-key-again", ts.cfg.AdminKey} {
			resp, body := ts.post(t, b, "/admin/login", url.Values{"key": {key}})
			assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
			assert.Contains(t, body, "Too many wrong admin keys")
			wait, err := strconv.Atoi(resp.Header.Get("Retry-After"))
			require.NoError(t, err, "Retry-After is whole seconds")
			assert.InDelta(t, 3600, wait, 60)
		}
		assert.Empty(t, ts.cookie(t, b, "/admin", adminCookie))
		ts.logs.waitFor(t, waitTimeout, "the failed attempts", func(r map[string]string) bool {
			return r["msg"] == "admin: wrong key" && r["client"] == "127.0.0.1"
		})
	})
	t.Run("API bearer token", func(t *testing.T) {
		ts := startShop(t, Config{adminThrottle: limits})
		for range limits.Failures {
			require.Equal(t, http.StatusUnauthorized, ts.api(t, http.MethodGet, "/admin/orders", nil, nil, "Authorization", "Bearer not-the-admin-key"))
		}
		for _, key := range []string{"not-the-admin-key", ts.cfg.AdminKey} {
			req, err := http.NewRequest(http.MethodGet, ts.url+"/api/admin/orders", nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+key)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
			assert.NotEmpty(t, resp.Header.Get("Retry-After"))
			assert.Contains(t, string(body), `"resource_exhausted"`)
		}
		// Requests without the admin key are not the throttle's business.
		assert.Equal(t, http.StatusOK, ts.api(t, http.MethodGet, "/store/products?limit=1", nil, nil))
	})
}

func TestThrottleWindowEnds(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := newThrottle(throttleLimits{Failures: 2, Window: time.Minute}, func() time.Time { return now })
	th.fail("192.0.2.1")
	_, blocked := th.blocked("192.0.2.1")
	assert.False(t, blocked)
	th.fail("192.0.2.1")
	wait, blocked := th.blocked("192.0.2.1")
	assert.True(t, blocked)
	assert.Equal(t, time.Minute, wait)
	_, blocked = th.blocked("192.0.2.2")
	assert.False(t, blocked, "per address")
	now = now.Add(time.Minute)
	_, blocked = th.blocked("192.0.2.1")
	assert.False(t, blocked, "the window has ended")
}

// stateChangingForms are every POST route of the pages, with a form that
// would change something if it were accepted.
func stateChangingForms(orderID commerce.OrderID, line commerce.LineID, sku string) map[string]url.Values {
	return map[string]url.Values{
		"/cart/items": {"sku": {sku}, "quantity": {"1"}},
		"/cart/lines/" + line.String() + "/quantity": {"quantity": {"5"}},
		"/cart/lines/" + line.String() + "/remove":   {},
		"/checkout":     {"email": {"x@example.com"}, "name": {"X"}, "line1": {"1 Road"}, "city": {"Town"}, "country": {"US"}, "payment_method": {"pm_card_visa"}},
		"/admin/login":  {"key": {"whatever-it-is-it-is-refused"}},
		"/admin/logout": {},
		"/admin/orders/" + orderID.String() + "/transition": {"to": {"processing"}},
		"/admin/stock":            {"sku": {sku}, "on_hand": {"1"}},
		"/account/reset-password": {"token": {"t"}, "password": {"new-password-1"}, "confirm": {"new-password-1"}},
	}
}

// 25.5: a cross-site auto-submitted form replaced the victim's cart. Every
// state-changing form now refuses a post without the browser's token, and
// a post another origin sends, even riding the victim's cookies.
func TestFormsRefuseForgedPosts(t *testing.T) {
	ts := startShop(t, Config{})
	ctx := context.Background()
	_, v := ts.stockedVariant(t, 3)
	victim := ts.browser(t)
	resp, _ := ts.post(t, victim, "/cart/items", url.Values{"sku": {v.SKU}, "quantity": {"1"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	c, ok := ts.cartOf(t, victim.jar)
	require.True(t, ok)
	var o struct {
		ID commerce.OrderID `json:"id"`
	}
	require.Equal(t, http.StatusCreated, ts.apiCheckout(t, ts.apiCart(t, v.SKU), "csrf-1", "csrf@example.com", &o))
	admin := ts.loginAdmin(t, victim)
	before, err := ts.stock.Available(ctx, v.SKU)
	require.NoError(t, err)

	forms := stateChangingForms(o.ID, c.Lines[0].ID, v.SKU)
	u, err := url.Parse(ts.url)
	require.NoError(t, err)
	for path, form := range forms {
		for name, forge := range map[string]func(*http.Request, url.Values){
			// What another site's auto-submitted form makes a browser
			// send, here with the victim's cookies as a browser without
			// SameSite would send them.
			"cross-site": func(req *http.Request, f url.Values) {
				req.Header.Set("Origin", "https://evil.example")
				req.Header.Set("Sec-Fetch-Site", "cross-site")
			},
			// Headers a browser would send from the shop's own page, but
			// no token: a browser too old for Sec-Fetch-Site, or a
			// same-site attacker, gains nothing.
			"no token": func(req *http.Request, f url.Values) {},
			"wrong token": func(req *http.Request, f url.Values) {
				f.Set(csrfField, base64.RawURLEncoding.EncodeToString(make([]byte, 32)))
			},
			"token of another browser": func(req *http.Request, f url.Values) {
				f.Set(csrfField, base64.RawURLEncoding.EncodeToString(ts.web.cookies.mac(csrfCookie, newNonce())))
			},
		} {
			f := url.Values{}
			for k, vs := range form {
				f[k] = vs
			}
			req, err := http.NewRequest(http.MethodPost, ts.url+path, nil)
			require.NoError(t, err)
			forge(req, f)
			req.Body = io.NopCloser(strings.NewReader(f.Encode()))
			req.ContentLength = int64(len(f.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, ck := range victim.jar.Cookies(u) {
				req.AddCookie(ck)
			}
			req.AddCookie(&http.Cookie{Name: adminCookie, Value: admin})
			resp, err := noRedirects(nil).Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusForbidden, resp.StatusCode, "%s %s", name, path)
			for _, ck := range resp.Cookies() {
				assert.NotEqual(t, cartCookie, ck.Name, "%s %s: the cart cookie is not replaced", name, path)
				assert.NotEqual(t, ordersCookie, ck.Name, "%s %s", name, path)
			}
		}
	}

	after, ok := ts.cartOf(t, victim.jar)
	require.True(t, ok, "the victim's cart is still theirs")
	assert.Equal(t, c.ID, after.ID)
	assert.Equal(t, c.Lines, after.Lines, "and unchanged")
	got, err := ts.orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, got.Status, "no forged transition")
	avail, err := ts.stock.Available(ctx, v.SKU)
	require.NoError(t, err)
	assert.Equal(t, before, avail, "no forged stock change")
	assert.True(t, ts.adminWith(t, admin), "no forged logout")

	// The same posts with the token pass the guard (whatever the handler
	// then makes of them).
	for path, form := range forms {
		if path == "/admin/logout" {
			continue
		}
		resp, _ := ts.post(t, victim, path, form)
		assert.NotEqual(t, http.StatusForbidden, resp.StatusCode, path)
	}
}

// Every form on every page carries the token of the browser that got it.
func TestEveryFormCarriesTheCSRFToken(t *testing.T) {
	ts := startShop(t, Config{})
	p, v := ts.stockedVariant(t, 1)
	b := ts.browser(t)
	resp, _ := ts.post(t, b, "/cart/items", url.Values{"sku": {v.SKU}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	var o struct {
		ID commerce.OrderID `json:"id"`
	}
	require.Equal(t, http.StatusCreated, ts.apiCheckout(t, ts.apiCart(t, v.SKU), "forms-1", "forms@example.com", &o))
	ts.loginAdmin(t, b)
	want := ts.withToken(t, b.jar, url.Values{}).Get(csrfField)

	forms := regexp.MustCompile(`(?s)<form method="post"[^>]*>.*?</form>`)
	token := regexp.MustCompile(`<input type="hidden" name="csrf" value="([^"]*)">`)
	seen := map[string]bool{}
	action := regexp.MustCompile(`action="([^"]*)"`)
	for _, path := range []string{"/", "/products/" + p.Handle, "/cart", "/checkout", "/admin", "/admin/stock", "/admin/login", "/account/reset-password?token=abc"} {
		status, body := get(t, b.Client, ts.url+path)
		require.Equal(t, http.StatusOK, status, path)
		for _, f := range forms.FindAllString(body, -1) {
			m := token.FindStringSubmatch(f)
			if assert.Len(t, m, 2, "a form of %s without the token: %s", path, f) {
				assert.Equal(t, want, m[1], "%s", path)
			}
			seen[regexp.MustCompile(`/(ord|line)_[0-9A-Z]+`).ReplaceAllString(action.FindStringSubmatch(f)[1], "/{id}")] = true
		}
	}
	for _, a := range []string{"/cart/items", "/cart/lines/{id}/quantity", "/cart/lines/{id}/remove", "/checkout", "/admin/logout", "/admin/orders/{id}/transition", "/admin/stock", "/admin/login", "/account/reset-password"} {
		assert.True(t, seen[a], "the pages show the form posting to %s", a)
	}
}

// 25.1, the shop's part: the cart and orders cookies are signed, so an ID
// learned or guessed claims nothing.
func TestForgedCartAndOrdersCookiesAreIgnored(t *testing.T) {
	ts := startShop(t, Config{})
	ctx := context.Background()
	_, v := ts.stockedVariant(t, 2)
	victimCart := ts.apiCart(t, v.SKU)
	var o struct {
		ID commerce.OrderID `json:"id"`
	}
	require.Equal(t, http.StatusCreated, ts.apiCheckout(t, ts.apiCart(t, v.SKU), "cookie-1", "victim@example.com", &o))

	u, err := url.Parse(ts.url)
	require.NoError(t, err)
	other := newCookieSigner("")
	for name, value := range map[string]string{
		"the bare ID":             victimCart.String(),
		"a made-up signature":     victimCart.String() + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 32)),
		"another key's signature": other.sign(cartCookie, victimCart.String()),
		"the orders cookie's MAC": ts.web.cookies.sign(ordersCookie, victimCart.String()),
	} {
		attacker := ts.browser(t)
		attacker.jar.SetCookies(u, []*http.Cookie{{Name: cartCookie, Value: value}})
		status, body := get(t, attacker.Client, ts.url+"/cart")
		require.Equal(t, http.StatusOK, status)
		assert.Contains(t, body, `id="empty-cart"`, "%s: the victim's cart is not shown", name)
		assert.NotContains(t, body, v.SKU, name)
		resp, _ := ts.post(t, attacker, "/cart/items", url.Values{"sku": {v.SKU}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		mine, ok := ts.cartOf(t, attacker.jar)
		require.True(t, ok)
		assert.NotEqual(t, victimCart.ID, mine.ID, "%s: the add made a cart of the attacker's own", name)
	}
	c, err := ts.carts.Get(ctx, victimCart.ID)
	require.NoError(t, err)
	require.Len(t, c.Lines, 1)
	assert.Equal(t, 1, c.Lines[0].Quantity, "the victim's cart is untouched")

	for name, value := range map[string]string{
		"the bare ID":             o.ID.String(),
		"another key's signature": other.sign(ordersCookie, o.ID.String()),
		"the cart cookie's MAC":   ts.web.cookies.sign(cartCookie, o.ID.String()),
	} {
		attacker := ts.browser(t)
		attacker.jar.SetCookies(u, []*http.Cookie{{Name: ordersCookie, Value: value}})
		status, body := get(t, attacker.Client, ts.url+"/account/orders")
		require.Equal(t, http.StatusOK, status)
		assert.NotContains(t, body, o.ID.String(), name)
		status, body = get(t, attacker.Client, ts.url+"/orders/"+o.ID.String())
		assert.Equal(t, http.StatusNotFound, status, "%s: an order's ID alone shows nothing", name)
		assert.NotContains(t, body, "victim@example.com", name)
	}
}

func TestCookieSignerKeysFollowTheSessionKey(t *testing.T) {
	key := strings.Repeat("s", 32)
	a, b := newCookieSigner(key), newCookieSigner(key)
	signed := a.sign(cartCookie, "cart_X")
	got, ok := b.verify(cartCookie, signed)
	assert.True(t, ok, "the same session key verifies after a restart")
	assert.Equal(t, "cart_X", got)
	_, ok = newCookieSigner(strings.Repeat("t", 32)).verify(cartCookie, signed)
	assert.False(t, ok)
	_, ok = a.verify(ordersCookie, signed)
	assert.False(t, ok, "a value signed for one cookie is refused in another")
	for _, bad := range []string{"", ".", "cart_X", "cart_X.", "cart_X.!!!", signed + "x", "x" + signed} {
		_, ok := a.verify(cartCookie, bad)
		assert.False(t, ok, "%q", bad)
	}
}

// 25.7: an orders cookie with 30,000 IDs made 30,000 lookups.
func TestOrdersCookieIsBoundedWhenRead(t *testing.T) {
	w := &web{cookies: newCookieSigner("")}
	request := func(n int) *http.Request {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = commerce.NewID[commerce.OrderID]().String()
		}
		req, err := http.NewRequest(http.MethodGet, "/account/orders", nil)
		require.NoError(t, err)
		req.AddCookie(&http.Cookie{Name: ordersCookie, Value: w.cookies.sign(ordersCookie, strings.Join(ids, "~"))})
		return req
	}
	assert.Len(t, w.rememberedOrders(request(3)), 3)
	assert.Len(t, w.rememberedOrders(request(100)), maxRememberedOrders, "the first 20 of a long, signed cookie")
	assert.LessOrEqual(t, len(w.rememberedOrders(request(30000))), maxRememberedOrders)
}

// 25.7: a client trickling its body held a connection for as long as it
// liked.
func TestSlowClientsAreCutOff(t *testing.T) {
	ts := startShop(t, Config{timeouts: serverTimeouts{Read: 500 * time.Millisecond}})
	assert.Equal(t, defaultTimeouts.Write, ts.cfg.timeouts.Write, "the others keep their defaults")
	conn, err := (&net.Dialer{}).DialContext(context.Background(), "tcp", strings.TrimPrefix(ts.url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	const bodyBytes = 600
	_, err = io.WriteString(conn, "POST /cart/items HTTP/1.1\r\nHost: shop\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: "+strconv.Itoa(bodyBytes)+"\r\n\r\n")
	require.NoError(t, err)

	// One byte every 50 ms would take 30 s; the server must end the
	// request long before.
	sent := make(chan int, 1)
	stop := make(chan struct{})
	go func() {
		n := 0
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		defer func() { sent <- n }()
		for n < bodyBytes {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if _, err := conn.Write([]byte{'a'}); err != nil {
				return
			}
			n++
		}
	}()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(waitTimeout)))
	_, err = io.ReadAll(conn) // the answer, if any, then the close
	close(stop)
	n := <-sent
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the connection was still open after %s", waitTimeout)
	}
	assert.Less(t, n, bodyBytes, "the server ended the request before the trickle did")
}

// 25.9: pages with an order or the admin are not cached; /static/ lists
// nothing; the reset link of the emails leads to a page that resets.
func TestPrivatePagesAreNotCachedAndStaticIsNotListed(t *testing.T) {
	ts := startShop(t, Config{})
	_, v := ts.stockedVariant(t, 1)
	b := ts.browser(t)
	resp, _ := ts.post(t, b, "/cart/items", url.Values{"sku": {v.SKU}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	status, body := get(t, b.Client, ts.url+"/checkout")
	require.Equal(t, http.StatusOK, status)
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(body)
	require.Len(t, key, 2)
	resp, _ = ts.post(t, b, "/checkout", url.Values{"key": {key[1]}, "email": {"cache@example.com"}, "name": {"C"}, "line1": {"1 Road"}, "city": {"Town"}, "country": {"US"}, "payment_method": {"pm_card_visa"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	orderPage := resp.Header.Get("Location")
	ts.loginAdmin(t, b)
	id := strings.TrimSuffix(strings.TrimPrefix(orderPage, "/orders/"), "?placed=1")

	for _, path := range []string{orderPage, "/account/orders", "/admin", "/admin/stock", "/admin/orders/" + id, "/admin/login", "/cart", "/checkout"} {
		req, err := http.NewRequest(http.MethodGet, ts.url+path, nil)
		require.NoError(t, err)
		resp, err := b.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Contains(t, []int{http.StatusOK, http.StatusSeeOther}, resp.StatusCode, path)
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"), path)
	}

	status, body = get(t, b.Client, ts.url+"/static/")
	assert.Equal(t, http.StatusNotFound, status)
	assert.NotContains(t, body, "style.css", "no listing")
	status, _ = get(t, b.Client, ts.url+"/static/style.css")
	assert.Equal(t, http.StatusOK, status)
}

func TestResetPasswordPageResetsThePassword(t *testing.T) {
	ts := startShop(t, Config{})
	const email = "reset@example.com"
	require.Equal(t, http.StatusCreated, ts.api(t, http.MethodPost, "/store/customers", map[string]string{"email": email, "password": "old-password-1", "name": "Reset Me"}, nil))
	require.Equal(t, http.StatusAccepted, ts.api(t, http.MethodPost, "/store/auth/password-reset", map[string]string{"email": email}, nil))
	msg := ts.logs.notification(t, "customer.password_reset_requested", email)
	link := regexp.MustCompile(`https?://\S+/account/reset-password\?token=\S+`).FindString(msg["text"])
	require.NotEmpty(t, link, "the email links to the reset page: %s", msg["text"])
	require.True(t, strings.HasPrefix(link, ts.url), "the link is this shop's: %s", link)
	token, err := url.Parse(link)
	require.NoError(t, err)

	b := ts.browser(t)
	status, body := get(t, b.Client, link)
	require.Equal(t, http.StatusOK, status, "the emailed link is a page")
	assert.Contains(t, body, `id="reset-form"`)

	resp, body := ts.post(t, b, "/account/reset-password", url.Values{"token": {token.Query().Get("token")}, "password": {"new-password-1"}, "confirm": {"other-password"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "differ")
	resp, body = ts.post(t, b, "/account/reset-password", url.Values{"token": {token.Query().Get("token")}, "password": {"new-password-1"}, "confirm": {"new-password-1"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, "Your password is changed")

	assert.Equal(t, http.StatusOK, ts.api(t, http.MethodPost, "/store/auth/login", map[string]string{"email": email, "password": "new-password-1"}, nil))
	resp, body = ts.post(t, b, "/account/reset-password", url.Values{"token": {token.Query().Get("token")}, "password": {"new-password-2"}, "confirm": {"new-password-2"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the token works once")
	assert.Contains(t, body, "invalid, used or expired")
}

// 25.6: the demo's webhook secret was the fake provider's public default.
func TestDemoWebhookSecretIsGenerated(t *testing.T) {
	ts := startShop(t, Config{})
	assert.NotEqual(t, fakeprovider.DefaultWebhookSecret, ts.cfg.webhookSecret)
	assert.True(t, strings.HasPrefix(ts.cfg.webhookSecret, "whsec_"))
	assert.Contains(t, ts.out.String(), ts.cfg.webhookSecret, "printed for whoever sends test webhooks")

	send := func(secret string) int {
		payload, header := fakeprovider.New(&fakeprovider.Options{WebhookSecret: secret}).SignedEvent(payment.WebhookEvent{Type: payment.EventSucceeded, Ref: "fake_pi_unknown"})
		req, err := http.NewRequest(http.MethodPost, ts.url+"/api/webhooks/stripe", bytes.NewReader(payload))
		require.NoError(t, err)
		req.Header.Set("Stripe-Signature", header)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusBadRequest, send(fakeprovider.DefaultWebhookSecret), "signed with the public default: refused")
	assert.Equal(t, http.StatusOK, send(ts.cfg.webhookSecret), "signed with the shop's secret: taken")
}

// What held up stays so: pages escape what they show, forbid framing and
// foreign scripts, and never redirect elsewhere.
func TestPagesEscapeForbidFramingAndRedirectOnlyHome(t *testing.T) {
	ts := startShop(t, Config{})
	ctx := context.Background()
	const xss = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	p, _ := ts.stockedVariant(t, 1)
	_, err := ts.catalog.UpdateProduct(ctx, p.ID, catalog.ProductPatch{Title: ptr("Lamp " + xss), Description: ptr(xss)})
	require.NoError(t, err)
	b := ts.browser(t)

	for _, path := range []string{"/products/" + p.Handle, "/search?q=" + url.QueryEscape(xss), "/search?min=" + url.QueryEscape(xss), "/products/" + url.PathEscape(xss), "/admin/login?next=" + url.QueryEscape(xss)} {
		req, err := http.NewRequest(http.MethodGet, ts.url+path, nil)
		require.NoError(t, err)
		resp, err := b.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.NotContains(t, string(body), "<script>alert", path)
		assert.NotContains(t, string(body), "<img src=x", path)
		csp := resp.Header.Get("Content-Security-Policy")
		assert.Contains(t, csp, "frame-ancestors 'none'", path)
		assert.Contains(t, csp, "default-src 'none'", path)
		assert.NotContains(t, csp, "script-src", "no script runs: %s", path)
		assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	}
	_, body := get(t, b.Client, ts.url+"/products/"+p.Handle)
	assert.Contains(t, body, "&lt;script&gt;alert", "shown as text")

	for _, next := range []string{"//evil.example/", "https://evil.example/", `/\evil.example`, "javascript:alert(1)", "/admin\r\nLocation: https://evil.example", "/cart"} {
		b := ts.browser(t)
		resp, _ := ts.post(t, b, "/admin/login", url.Values{"key": {ts.cfg.AdminKey}, "next": {next}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, "/admin", resp.Header.Get("Location"), "next=%q", next)
	}
}

func ptr[T any](v T) *T { return &v }
