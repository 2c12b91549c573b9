package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"net/http"
)

const (
	// csrfCookie holds a random nonce per browser; every form of the shop
	// carries its MAC in the csrfField field. Another site can make a
	// browser post to the shop, but cannot read the cookie nor the pages,
	// so it cannot fill the field in.
	csrfCookie = "mercato_csrf"
	csrfField  = "csrf"
)

type csrfNonceKey struct{}

// csrf guards every state-changing request of the pages against forgery
// from other sites, twice over:
//
//   - net/http's CrossOriginProtection refuses a post whose
//     Sec-Fetch-Site or Origin header says it comes from another origin;
//   - the form must carry the token of the browser's csrfCookie, which
//     also holds for browsers too old to send those headers.
//
// A request with an Authorization header (a script using the admin key)
// needs no token: a browser never adds that header to a cross-site post.
// Safe methods pass, and get a nonce cookie if they have none, so that
// the page they render can carry the token.
func (w *web) csrf(next http.Handler) http.Handler {
	guard := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		nonce, fresh := "", false
		if ck, err := r.Cookie(csrfCookie); err == nil && validNonce(ck.Value) {
			nonce = ck.Value
		} else {
			nonce, fresh = newNonce(), true
			setCookie(rw, r, csrfCookie, nonce, 0)
		}
		r = r.WithContext(context.WithValue(r.Context(), csrfNonceKey{}, nonce))
		if !safeMethod(r.Method) && r.Header.Get("Authorization") == "" {
			if err := parseForm(rw, r); err != nil {
				w.fail(rw, r, err)
				return
			}
			got, err := base64.RawURLEncoding.DecodeString(r.PostForm.Get(csrfField))
			if fresh || err != nil || !hmac.Equal(got, w.cookies.mac(csrfCookie, nonce)) {
				w.forbidden(rw, r)
				return
			}
		}
		next.ServeHTTP(rw, r)
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(w.forbidden))
	return cop.Handler(guard)
}

// forbidden answers a forged or stale form.
func (w *web) forbidden(rw http.ResponseWriter, r *http.Request) {
	w.views.render(rw, r, http.StatusForbidden, "error", errorPage{
		page: w.page(r, "Forbidden"), Status: http.StatusForbidden,
		Message: "This form has expired or was sent from another site. Go back, reload the page and try again.",
	})
}

// csrfToken is the form token for r's browser.
func (w *web) csrfToken(r *http.Request) string {
	nonce, _ := r.Context().Value(csrfNonceKey{}).(string)
	if nonce == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(w.cookies.mac(csrfCookie, nonce))
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// newNonce returns 128 random bits, URL-safe.
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

func validNonce(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 16
}
