package httpapi

import (
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
		Method: http.MethodPost, Path: "/store/customers", Summary: "Register a customer account", Tag: "customers",
		Request: customer.RegisterInput{}, Response: customer.Customer{}, Status: http.StatusCreated,
		handle: func(w http.ResponseWriter, r *http.Request) error {
			var in customer.RegisterInput
			if err := a.decodeJSON(w, r, &in); err != nil {
				return err
			}
			c, err := a.svc.Customers.Register(r.Context(), in)
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusCreated, c)
			return nil
		},
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/auth/login", Summary: "Sign in: a session token for the Authorization header", Tag: "customers",
		Request: LoginRequest{}, Response: LoginResponse{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			var in LoginRequest
			if err := a.decodeJSON(w, r, &in); err != nil {
				return err
			}
			s, err := a.svc.Customers.Login(r.Context(), in.Email, in.Password)
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, LoginResponse{Token: s.Token, ExpiresAt: s.ExpiresAt, Customer: s.Customer})
			return nil
		},
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/auth/logout", Summary: "End the caller's session", Tag: "customers", Auth: Customer,
		handle: func(w http.ResponseWriter, r *http.Request) error {
			if err := a.svc.Customers.Logout(r.Context(), callerOf(r).token); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		},
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/store/customers/me", Summary: "The signed-in customer", Tag: "customers", Auth: Customer,
		Response: customer.Customer{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			c, err := a.svc.Customers.Get(r.Context(), callerOf(r).customer)
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, c)
			return nil
		},
	})
	a.add(Route{
		Method: http.MethodPatch, Path: "/store/customers/me", Summary: "Change the signed-in customer's name, phone, addresses or preferences", Tag: "customers", Auth: Customer,
		Request: customer.UpdateInput{}, Response: customer.Customer{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			var in customer.UpdateInput
			if err := a.decodeJSON(w, r, &in); err != nil {
				return err
			}
			c, err := a.svc.Customers.Update(r.Context(), callerOf(r).customer, in)
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, c)
			return nil
		},
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/auth/password-reset", Summary: "Email a password reset token (answers 202 whether or not the account exists)", Tag: "customers",
		Request: PasswordResetRequest{}, Status: http.StatusAccepted,
		handle: func(w http.ResponseWriter, r *http.Request) error {
			var in PasswordResetRequest
			if err := a.decodeJSON(w, r, &in); err != nil {
				return err
			}
			if err := a.svc.Customers.RequestPasswordReset(r.Context(), in.Email); err != nil {
				return err
			}
			w.WriteHeader(http.StatusAccepted)
			return nil
		},
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/auth/password-reset/confirm", Summary: "Set a new password with a reset token", Tag: "customers",
		Request: PasswordResetConfirm{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			var in PasswordResetConfirm
			if err := a.decodeJSON(w, r, &in); err != nil {
				return err
			}
			if err := a.svc.Customers.ResetPassword(r.Context(), in.Token, in.Password); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		},
	})
}
