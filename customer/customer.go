package customer

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mercatohq/mercato/commerce"
)

// Limits on customer fields. They exist so that a hostile client cannot
// store megabytes in a profile.
const (
	// MaxEmailLength is the longest e-mail address accepted, in bytes
	// (RFC 5321 caps a forward path at 254).
	MaxEmailLength = 254
	// MaxNameLength is the longest name accepted, in characters.
	MaxNameLength = 200
	// MaxAddresses is the most addresses one customer's book may hold.
	MaxAddresses = 20
)

// Customer is a person who buys: a guest known only by e-mail, or a
// registered account with a password.
type Customer struct {
	ID commerce.CustomerID `json:"id"`
	// Email is normalised: trimmed and lower-cased. It is unique among
	// customers.
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
	// Phone is empty or in E.164 form, e.g. "+4930123456".
	Phone       string             `json:"phone,omitempty"`
	Addresses   []commerce.Address `json:"addresses"`
	Preferences Preferences        `json:"preferences"`
	// Guest customers have no password and cannot log in until they
	// register with the same e-mail.
	Guest     bool      `json:"guest"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// PasswordHash is the argon2id hash in PHC string form, empty for
	// guests. It is never serialised, and the Service clears it from every
	// Customer it returns: only the store sees it.
	PasswordHash string `json:"-"`
}

// Preferences says through which channels the customer agrees to be
// notified. The notification service reads them before sending.
type Preferences struct {
	Email bool `json:"email"`
	SMS   bool `json:"sms"`
}

// DefaultPreferences are those of a new customer: e-mail yes (order
// confirmations and receipts go there), SMS only after opting in.
func DefaultPreferences() Preferences { return Preferences{Email: true} }

// Clone returns a copy of c that shares no memory with it.
func (c Customer) Clone() Customer {
	if c.Addresses != nil {
		c.Addresses = append([]commerce.Address(nil), c.Addresses...)
	}
	return c
}

// public returns c without its password hash, as the Service hands it out.
func (c Customer) public() Customer {
	c = c.Clone()
	c.PasswordHash = ""
	if c.Addresses == nil {
		c.Addresses = []commerce.Address{}
	}
	return c
}

// NormalizeEmail returns email trimmed and lower-cased, the form in which
// customers are stored and looked up, or an InvalidArgument error when it
// is not a plausible address. Mercato checks the shape only (one "@", a
// local part, a dotted domain, no spaces or control characters); whether
// the mailbox exists is for the mail server to say.
func NormalizeEmail(email string) (string, error) {
	invalid := func(why string) error {
		return commerce.Errorf(commerce.CodeInvalidArgument, "customer: email %s", why).WithDetail("field", "email")
	}
	// Checked before lower-casing, which would replace bad bytes.
	if !utf8.ValidString(email) {
		return "", invalid("is not valid UTF-8")
	}
	e := strings.ToLower(strings.TrimSpace(email))
	switch {
	case e == "":
		return "", invalid("is required")
	case len(e) > MaxEmailLength:
		return "", invalid("is too long")
	case strings.IndexFunc(e, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return "", invalid("contains spaces or control characters")
	}
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || domain == "" || strings.Contains(domain, "@") {
		return "", invalid("must look like name@example.com")
	}
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return "", invalid("must have a domain such as example.com")
	}
	if strings.ContainsAny(e, "<>()[],;:\"\\") {
		return "", invalid("must be a bare address such as name@example.com")
	}
	return e, nil
}

// normalizeName trims name and checks its length and characters.
func normalizeName(name string) (string, error) {
	n := strings.TrimSpace(name)
	invalid := func(why string, args ...any) error {
		return commerce.Errorf(commerce.CodeInvalidArgument, "customer: name "+why, args...).WithDetail("field", "name")
	}
	if !utf8.ValidString(n) {
		return "", invalid("is not valid UTF-8")
	}
	if l := utf8.RuneCountInString(n); l > MaxNameLength {
		return "", invalid("is %d characters long, the limit is %d", l, MaxNameLength)
	}
	if strings.IndexFunc(n, unicode.IsControl) >= 0 {
		return "", invalid("contains control characters")
	}
	return n, nil
}

// normalizePhone trims phone and checks it is empty or E.164, the form
// SMS channels need.
func normalizePhone(phone string) (string, error) {
	p := strings.TrimSpace(phone)
	if p != "" && !commerce.IsE164(p) {
		return "", commerce.Errorf(commerce.CodeInvalidArgument,
			"customer: phone %q is not in E.164 form (+ then 8 to 15 digits, the first not 0)", truncate(p, 32)).WithDetail("field", "phone")
	}
	return p, nil
}

// normalizeAddresses normalises and validates an address book.
func normalizeAddresses(addrs []commerce.Address) ([]commerce.Address, error) {
	if len(addrs) > MaxAddresses {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument,
			"customer: %d addresses, the limit is %d", len(addrs), MaxAddresses).WithDetail("field", "addresses")
	}
	out := make([]commerce.Address, len(addrs))
	for i, a := range addrs {
		a = a.Normalize()
		if err := a.Validate(); err != nil {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "customer: address %d: %w", i, err).WithDetail("field", "addresses")
		}
		out[i] = a
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
