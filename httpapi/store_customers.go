package httpapi

import (
	"net"
	"net/http"
	"time"

	"github.com/mercatohq/mercato/customer"
)

// LoginRequest is the body of POST /store/auth/login.
type LoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// LoginResponse is a new session.
type LoginResponse struct {
	Token     string            `json:"token"`
	ExpiresAt time.Time         `json:"expires_at"`
	Customer  customer.Customer `json:"customer"`
}

// PasswordResetRequest asks for a reset email.
type PasswordResetRequest struct {
	Email string `json:"email"`
}

// PasswordResetConfirm sets a new password with the emailed token.
type PasswordResetConfirm struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

func (a *API) customerRoutes() {
	a.add(Route{
		Method: http.MethodPost, Path: "/store/customers", Tag: "customers",
		Summary: "Register a customer account; an email that already has an account answers 409, which tells the caller so",
		Request: customer.RegisterInput{}, Response: customer.Customer{}, Status: http.StatusCreated,
		handle: replyWith(a, func(r *http.Request, in customer.RegisterInput) (customer.Customer, error) {
			return a.svc.Customers.Register(r.Context(), in)
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/auth/login", Tag: "customers",
		Summary: "Sign in: a session token for the Authorization header. Attempts are limited per account and per client address: " +
			"past the limit the answer is 429 with Retry-After",
		Request: LoginRequest{}, Response: LoginResponse{},
		handle: replyWith(a, func(r *http.Request, in LoginRequest) (LoginResponse, error) {
			s, err := a.svc.Customers.LoginFrom(r.Context(), in.Email, in.Password, clientAddress(r))
			if err != nil {
				return LoginResponse{}, err
			}
			return LoginResponse{Token: s.Token, ExpiresAt: s.ExpiresAt, Customer: s.Customer}, nil
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/auth/logout", Summary: "End the caller's session", Tag: "customers", Auth: Customer,
		handle: noContent(func(r *http.Request) error {
			return a.svc.Customers.Logout(r.Context(), callerOf(r).token)
		}),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/store/customers/me", Summary: "The signed-in customer", Tag: "customers", Auth: Customer,
		Response: customer.Customer{},
		handle: reply(func(r *http.Request) (customer.Customer, error) {
			return a.svc.Customers.Get(r.Context(), callerOf(r).customer)
		}),
	})
	a.add(Route{
		Method: http.MethodPatch, Path: "/store/customers/me", Summary: "Change the signed-in customer's name, phone, addresses or preferences", Tag: "customers", Auth: Customer,
		Request: customer.UpdateInput{}, Response: customer.Customer{},
		handle: replyWith(a, func(r *http.Request, in customer.UpdateInput) (customer.Customer, error) {
			return a.svc.Customers.Update(r.Context(), callerOf(r).customer, in)
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/auth/password-reset", Summary: "Email a password reset token (answers 202 whether or not the account exists)", Tag: "customers",
		Request: PasswordResetRequest{}, Status: http.StatusAccepted,
		handle: noContentWith(a, func(r *http.Request, in PasswordResetRequest) error {
			return a.svc.Customers.RequestPasswordReset(r.Context(), in.Email)
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/auth/password-reset/confirm", Summary: "Set a new password with a reset token", Tag: "customers",
		Request: PasswordResetConfirm{},
		handle: noContentWith(a, func(r *http.Request, in PasswordResetConfirm) error {
			return a.svc.Customers.ResetPassword(r.Context(), in.Token, in.Password)
		}),
	})
}

// clientAddress is the IP the request came from: the host of RemoteAddr.
// Behind a proxy, have a middleware set RemoteAddr from the header the
// proxy sets: the API trusts no header for it, since a client could send
// any.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
