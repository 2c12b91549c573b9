package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/ratelimit"
)

func TestCustomersRegisterLoginMeLogout(t *testing.T) {
	s := newShop(t)
	ada, token := s.customer("ada@example.com")

	r := s.do(http.MethodGet, "/store/customers/me", token, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var me customer.Customer
	r.json(t, &me)
	assert.Equal(t, ada.ID, me.ID)

	r = s.do(http.MethodPatch, "/store/customers/me", token, map[string]any{"name": "Ada King"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r.json(t, &me)
	assert.Equal(t, "Ada King", me.Name)

	r = s.do(http.MethodPost, "/store/customers", "", map[string]string{"email": "ADA@example.com", "password": "correct horse battery", "name": "x"})
	assert.Equal(t, http.StatusConflict, r.status, "duplicate email: %s", r.body)

	r = s.do(http.MethodPost, "/store/auth/login", "", map[string]string{"email": "ada@example.com", "password": "wrong password!"})
	assert.Equal(t, http.StatusUnauthorized, r.status)
	assert.Equal(t, "unauthenticated", r.errorCode(t))

	r = s.do(http.MethodPost, "/store/auth/logout", token, nil)
	require.Equal(t, http.StatusNoContent, r.status, "%s", r.body)
	r = s.do(http.MethodGet, "/store/customers/me", token, nil)
	assert.Equal(t, http.StatusUnauthorized, r.status, "a logged-out token is refused")
	assert.NotEmpty(t, r.header.Get("WWW-Authenticate"))

	r = s.do(http.MethodGet, "/store/customers/me", "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status)
	r = s.do(http.MethodGet, "/store/customers/me", "garbage", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status)

	r = s.do(http.MethodPost, "/store/auth/password-reset", "", map[string]string{"email": "nobody@example.com"})
	assert.Equal(t, http.StatusAccepted, r.status, "no account enumeration: %s", r.body)
	r = s.do(http.MethodPost, "/store/auth/password-reset/confirm", "", map[string]string{"token": "nope", "password": "another good password"})
	assert.GreaterOrEqual(t, r.status, 400)
	assert.Less(t, r.status, 500)
}

func TestStrictDecoding(t *testing.T) {
	s := newShop(t)
	cases := []struct {
		name   string
		body   string
		ctype  string
		status int
		field  string
	}{
		{"unknown field", `{"email":"a@example.com","password":"correct horse battery","name":"A","admin":true}`, "", 400, "admin"},
		{"wrong type", `{"email":42,"password":"correct horse battery","name":"A"}`, "", 400, "email"},
		{"malformed", `{"email":`, "", 400, ""},
		{"two values", `{"email":"a@example.com","password":"correct horse battery","name":"A"} {}`, "", 400, ""},
		{"empty", ``, "", 400, ""},
		{"not json", `email=a`, "application/x-www-form-urlencoded", 400, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var headers []string
			if tc.ctype != "" {
				headers = []string{"Content-Type", tc.ctype}
			}
			r := s.do(http.MethodPost, "/store/customers", "", tc.body, headers...)
			require.Equal(t, tc.status, r.status, "%s", r.body)
			var e struct {
				Error struct {
					Code    string         `json:"code"`
					Message string         `json:"message"`
					Details map[string]any `json:"details"`
				} `json:"error"`
			}
			r.json(t, &e)
			assert.Equal(t, "invalid_argument", e.Error.Code)
			assert.NotEmpty(t, e.Error.Message)
			if tc.field != "" {
				assert.Equal(t, tc.field, e.Error.Details["field"])
			}
		})
	}
	big := `{"email":"a@example.com","password":"correct horse battery","name":"` + strings.Repeat("x", 2<<20) + `"}`
	r := s.do(http.MethodPost, "/store/customers", "", big)
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.status)

	r = s.do(http.MethodGet, "/store/nowhere", "", nil)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Equal(t, "not_found", r.errorCode(t))
}

func TestWrongMethodIs405(t *testing.T) {
	s := newShop(t)
	r := s.do(http.MethodPut, "/store/customers/me", "", nil)
	require.Equal(t, http.StatusMethodNotAllowed, r.status, "%s", r.body)
	assert.Equal(t, "GET, PATCH", r.header.Get("Allow"))
	assert.Equal(t, "invalid_argument", r.errorCode(t))
}

// TestLoginThrottled: past the per-account limit a login answers 429 with
// Retry-After, whatever the password; an oversized password is 400 naming
// the field.
func TestLoginThrottled(t *testing.T) {
	s := newShop(t, func(c *shopConfig) {
		c.customers = func(o *customer.Options) { o.LoginPerAccount = ratelimit.PerPeriod(2, time.Hour) }
	})
	s.customer("ada@example.com")
	for range 2 {
		r := s.do(http.MethodPost, "/store/auth/login", "", map[string]string{"email": "ada@example.com", "password": "wrong password"})
		require.Equal(t, http.StatusUnauthorized, r.status, "%s", r.body)
	}
	r := s.do(http.MethodPost, "/store/auth/login", "", map[string]string{"email": "ada@example.com", "password": "correct horse battery"})
	require.Equal(t, http.StatusTooManyRequests, r.status, "%s", r.body)
	secs, err := strconv.Atoi(r.header.Get("Retry-After"))
	require.NoError(t, err, "Retry-After: %q", r.header.Get("Retry-After"))
	assert.Positive(t, secs)
	assert.Equal(t, "resource_exhausted", r.errorCode(t))

	r = s.do(http.MethodPost, "/store/auth/login", "", map[string]string{"email": "bob@example.com", "password": strings.Repeat("p", customer.MaxPasswordLength+1)})
	require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	assert.Equal(t, "password", errorBody(t, r).Details["field"])
}
