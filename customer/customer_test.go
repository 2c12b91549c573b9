package customer

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{
		"ada@example.com":             "ada@example.com",
		"  Ada.Lovelace@Example.COM ": "ada.lovelace@example.com",
		"a+tag@sub.example.co.uk":     "a+tag@sub.example.co.uk",
		"zoë@exämple.de":              "zoë@exämple.de",
	}
	for in, want := range good {
		got, err := NormalizeEmail(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got)
	}
	for _, in := range []string{"", " ", "ada", "ada@", "@example.com", "ada@example", "ada@@example.com",
		"ada@.example.com", "ada@example.com.", "ada @example.com", "ada@exa\tmple.com", "<ada@example.com>",
		"\"ada\"@example.com", "ada@example..com", strings.Repeat("a", 250) + "@x.io", "ad\xffa@example.com"} {
		_, err := NormalizeEmail(in)
		require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%q: %v", in, err)
	}
}

func TestNormalizePhone(t *testing.T) {
	for _, ok := range []string{"", "+4930123456", " +14155550100 ", "+123456789012345"} {
		_, err := normalizePhone(ok)
		require.NoError(t, err, ok)
	}
	for _, bad := range []string{"4930123456", "+0301234567", "+1234567", "+1234567890123456", "+49 30 123456", "+49-30-123456"} {
		_, err := normalizePhone(bad)
		require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), bad)
	}
}

func TestPublicHidesHash(t *testing.T) {
	c := Customer{PasswordHash: "$argon2id$...", Addresses: []commerce.Address{{Name: "A"}}}
	p := c.public()
	require.Empty(t, p.PasswordHash)
	p.Addresses[0].Name = "changed"
	require.Equal(t, "A", c.Addresses[0].Name, "public returns a copy")
}
