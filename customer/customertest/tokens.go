package customertest

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
)

// kidOf returns the "kid" header of a token without verifying it.
func kidOf(t *testing.T, token string) string {
	t.Helper()
	tok, _, err := jwt.NewParser().ParseUnverified(token, &jwt.RegisteredClaims{})
	require.NoError(t, err)
	kid, _ := tok.Header["kid"].(string)
	return kid
}

// forge signs claims with method and key under kid ("" for no kid).
func forge(t *testing.T, method jwt.SigningMethod, kid string, key any, claims jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	require.NoError(t, err)
	return s
}

// hmacWithHeader builds a token whose header claims alg but whose
// signature is HMAC-SHA256 with key: the algorithm-confusion attack.
func hmacWithHeader(t *testing.T, alg, kid string, key []byte, claims jwt.Claims) string {
	t.Helper()
	enc := base64.RawURLEncoding
	header, err := json.Marshal(map[string]string{"alg": alg, "typ": "JWT", "kid": kid})
	require.NoError(t, err)
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

func testRejectedTokens(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore)
	ada := e.register("ada@example.com")
	bob := e.register("bob@example.com")
	s := e.login("ada@example.com")
	now := e.clock.Now()

	// valid returns claims for Ada's live session that the service would
	// accept; each case breaks one thing.
	valid := func() jwt.RegisteredClaims {
		return jwt.RegisteredClaims{
			Subject:   ada.ID.String(),
			ID:        s.ID.String(),
			Issuer:    issuer,
			Audience:  jwt.ClaimStrings{audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
		}
	}
	with := func(edit func(*jwt.RegisteredClaims)) jwt.RegisteredClaims {
		c := valid()
		edit(&c)
		return c
	}
	// The forger's baseline is accepted, so every rejection below is due
	// to the one thing each case breaks.
	_, err := e.svc.Authenticate(e.ctx, forge(t, jwt.SigningMethodHS256, "a", keyA, valid()))
	require.NoError(t, err)

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	parts := strings.Split(s.Token, ".")
	require.Len(t, parts, 3)
	tampered := func() string {
		raw, err := base64.RawURLEncoding.DecodeString(parts[1])
		require.NoError(t, err)
		changed := strings.Replace(string(raw), ada.ID.String(), bob.ID.String(), 1)
		require.NotEqual(t, string(raw), changed)
		return parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(changed)) + "." + parts[2]
	}()
	noneToken := forge(t, jwt.SigningMethodNone, "a", jwt.UnsafeAllowNoneSignatureType, valid())

	cases := map[string]string{
		"empty":                   "",
		"garbage":                 "not.a.token",
		"oversized":               strings.Repeat("a", 10000),
		"tampered payload":        tampered,
		"signature stripped":      parts[0] + "." + parts[1] + ".",
		"wrong key":               forge(t, jwt.SigningMethodHS256, "a", keyB, valid()),
		"unknown kid":             forge(t, jwt.SigningMethodHS256, "zzz", keyA, valid()),
		"no kid":                  forge(t, jwt.SigningMethodHS256, "", keyA, valid()),
		"alg none":                noneToken,
		"alg none, no signature":  strings.TrimSuffix(noneToken, "."),
		"HS512":                   forge(t, jwt.SigningMethodHS512, "a", keyA, valid()),
		"RS256":                   forge(t, jwt.SigningMethodRS256, "a", rsaKey, valid()),
		"RS256 header, HMAC body": hmacWithHeader(t, "RS256", "a", keyA, valid()),
		"expired":                 forge(t, jwt.SigningMethodHS256, "a", keyA, with(func(c *jwt.RegisteredClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Second)) })),
		"no expiry":               forge(t, jwt.SigningMethodHS256, "a", keyA, with(func(c *jwt.RegisteredClaims) { c.ExpiresAt = nil })),
		"issued in the future":    forge(t, jwt.SigningMethodHS256, "a", keyA, with(func(c *jwt.RegisteredClaims) { c.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour)) })),
		"wrong issuer":            forge(t, jwt.SigningMethodHS256, "a", keyA, with(func(c *jwt.RegisteredClaims) { c.Issuer = "evil" })),
		"no issuer":               forge(t, jwt.SigningMethodHS256, "a", keyA, with(func(c *jwt.RegisteredClaims) { c.Issuer = "" })),
		"wrong audience":          forge(t, jwt.SigningMethodHS256, "a", keyA, with(func(c *jwt.RegisteredClaims) { c.Audience = jwt.ClaimStrings{"admin"} })),
		"unknown session":         forge(t, jwt.SigningMethodHS256, "a", keyA, with(func(c *jwt.RegisteredClaims) { c.ID = commerce.NewID[commerce.SessionID]().String() })),
		"someone else's session":  forge(t, jwt.SigningMethodHS256, "a", keyA, with(func(c *jwt.RegisteredClaims) { c.Subject = bob.ID.String() })),
		"malformed subject":       forge(t, jwt.SigningMethodHS256, "a", keyA, with(func(c *jwt.RegisteredClaims) { c.Subject = "admin" })),
		"malformed session":       forge(t, jwt.SigningMethodHS256, "a", keyA, with(func(c *jwt.RegisteredClaims) { c.ID = "" })),
	}
	var first error
	for name, token := range cases {
		_, err := e.svc.Authenticate(e.ctx, token)
		requireCode(t, commerce.CodeUnauthenticated, err, name)
		if first == nil {
			first = err
		}
		require.Equal(t, first.Error(), err.Error(), "%s: every rejection reads the same", name)
	}

	// The real token is fine until its session expires with it.
	_, err = e.svc.Authenticate(e.ctx, s.Token)
	require.NoError(t, err)
	e.clock.Advance(customer.DefaultSessionTTL + time.Second)
	_, err = e.svc.Authenticate(e.ctx, s.Token)
	requireCode(t, commerce.CodeUnauthenticated, err, "expired")
}
