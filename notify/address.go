package notify

import (
	"net/mail"
	"strings"
)

// looksLikeEmail reports whether s is a bare address (no display name)
// with a local part and a dotted domain. Deliverability is the provider's
// to judge; this only keeps obvious garbage away from it.
func looksLikeEmail(s string) bool {
	if s == "" || len(s) > 254 || strings.ContainsAny(s, " \r\n<>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}
