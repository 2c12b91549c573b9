package main

import (
	"net/http"
	"strings"

	"github.com/mercatohq/mercato/commerce"
)

// resetPage is the form the password-reset email links to.
type resetPage struct {
	page
	Token string
	Done  bool
}

// resetPasswordForm shows the form for the token of a reset email's link
// (/account/reset-password?token=...). The page is not cached and sends
// no referrer elsewhere, so the token stays between the email and the
// shop.
func (w *web) resetPasswordForm(rw http.ResponseWriter, r *http.Request) {
	rp := resetPage{page: w.page(r, "Choose a new password"), Token: r.URL.Query().Get("token")}
	status := http.StatusOK
	if rp.Token == "" {
		rp.Error, status = "This link has no reset token. Use the link of the email, or ask for a new one.", http.StatusBadRequest
	}
	w.views.render(rw, r, status, "reset_password", rp)
}

// resetPassword sets the new password with the customer service, which
// checks the token (once, before it expires) and ends every session of
// the account.
func (w *web) resetPassword(rw http.ResponseWriter, r *http.Request) {
	if err := parseForm(rw, r); err != nil {
		w.fail(rw, r, err)
		return
	}
	f := r.PostForm
	rp := resetPage{page: w.page(r, "Choose a new password"), Token: f.Get("token")}
	password := f.Get("password")
	status := http.StatusOK
	switch {
	case password != f.Get("confirm"):
		rp.Error, status = "The two passwords differ. Type the same password twice.", http.StatusBadRequest
	default:
		err := w.s.customers.ResetPassword(r.Context(), rp.Token, password)
		switch commerce.Code(err) {
		case "":
			rp.Done, rp.Notice = true, "Your password is changed, and every session of your account has ended. Sign in with the new password."
		case commerce.CodeUnauthenticated:
			rp.Error, status = "This reset link is invalid, used or expired. Ask for a new one.", http.StatusBadRequest
		case commerce.CodeInvalidArgument:
			rp.Error, status = "Choose another password: "+strings.TrimPrefix(messageOf(err), "customer: "), http.StatusBadRequest
		default:
			w.fail(rw, r, err)
			return
		}
	}
	w.views.render(rw, r, status, "reset_password", rp)
}
