package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// cookieSigner signs the values of the shop's cookies with HMAC-SHA256,
// so that a cookie the shop did not set is ignored: knowing a cart's or
// an order's ID is not enough to claim it. The cookie's name is part of
// what is signed, so a value signed for one cookie is refused in another.
type cookieSigner struct {
	key []byte
}

// newCookieSigner derives the signing key from secret (the session key),
// or draws a random one when secret is empty: cookies then end with the
// process, as customer sessions do.
func newCookieSigner(secret string) *cookieSigner {
	if secret == "" {
		key := make([]byte, 32)
		_, _ = rand.Read(key) // crypto/rand never fails
		return &cookieSigner{key: key}
	}
	// A key of its own: the session key also signs customer tokens, and
	// a MAC made here must never verify there.
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("mercato storefront cookies"))
	return &cookieSigner{key: mac.Sum(nil)}
}

// mac is the MAC of value in the cookie (or form field) name.
func (s *cookieSigner) mac(name, value string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(name))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return m.Sum(nil)
}

// sign returns value with its MAC appended: "value.mac".
func (s *cookieSigner) sign(name, value string) string {
	return value + "." + base64.RawURLEncoding.EncodeToString(s.mac(name, value))
}

// verify returns the value of a signed cookie, and whether its MAC is
// right. The comparison takes constant time.
func (s *cookieSigner) verify(name, signed string) (string, bool) {
	i := strings.LastIndexByte(signed, '.')
	if i < 0 {
		return "", false
	}
	value := signed[:i]
	got, err := base64.RawURLEncoding.DecodeString(signed[i+1:])
	if err != nil || !hmac.Equal(got, s.mac(name, value)) {
		return "", false
	}
	return value, true
}
