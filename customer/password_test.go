package customer

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/argon2"
)

var cheap = PasswordParams{Memory: 64, Iterations: 1, Parallelism: 1}

func TestHashPasswordRoundTrip(t *testing.T) {
	h, err := hashPassword("hunter22hunter22", cheap)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$"), h)
	parsed, err := parsePHC(h)
	require.NoError(t, err)
	require.Len(t, parsed.salt, saltLength)
	require.Len(t, parsed.key, keyLength)

	other, err := hashPassword("hunter22hunter22", cheap)
	require.NoError(t, err)
	require.NotEqual(t, h, other, "a fresh salt per hash")

	ok, outdated, err := verifyPassword(h, "hunter22hunter22", cheap)
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, outdated)

	ok, _, err = verifyPassword(h, "hunter22hunter23", cheap)
	require.NoError(t, err)
	require.False(t, ok)

	ok, outdated, err = verifyPassword(h, "hunter22hunter22", PasswordParams{Memory: 128, Iterations: 1, Parallelism: 1})
	require.NoError(t, err)
	require.True(t, ok, "a hash verifies under the parameters it records")
	require.True(t, outdated, "and asks to be rehashed under new ones")
}

// A hash made with other lengths and parameters (as another argon2id
// implementation may write) verifies by what it records, and asks to be
// replaced.
func TestVerifyForeignShape(t *testing.T) {
	p := PasswordParams{Memory: 32, Iterations: 3, Parallelism: 2}
	salt := []byte("somesaltsomesalt!!")
	key := argon2.IDKey([]byte("password"), salt, p.Iterations, p.Memory, p.Parallelism, 24)
	h := encodePHC(p, salt, key)
	ok, outdated, err := verifyPassword(h, "password", cheap)
	require.NoError(t, err)
	require.True(t, ok)
	require.True(t, outdated)
}

func TestParsePHCRejectsMalformed(t *testing.T) {
	good, err := hashPassword("x", cheap)
	require.NoError(t, err)
	parts := strings.Split(good, "$")
	bad := map[string]string{
		"empty":           "",
		"bcrypt":          "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":         strings.Replace(good, "argon2id", "argon2i", 1),
		"old version":     strings.Replace(good, "v=19", "v=16", 1),
		"huge memory":     strings.Replace(good, "m=64", "m=4294967295", 1),
		"zero iterations": strings.Replace(good, "t=1", "t=0", 1),
		"zero lanes":      strings.Replace(good, "p=1", "p=0", 1),
		"unknown param":   strings.Replace(good, "p=1", "p=1,x=2", 1),
		"bad salt":        strings.Join(append(parts[:4:4], "!!!", parts[5]), "$"),
		"short hash":      strings.Join(append(parts[:5:5], "AAAA"), "$"),
		"missing part":    strings.Join(parts[:5], "$"),
	}
	for name, h := range bad {
		_, err := parsePHC(h)
		require.Error(t, err, name)
		ok, _, err := verifyPassword(h, "x", cheap)
		require.Error(t, err, name)
		require.False(t, ok, name)
	}
}
