package customer

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

type nopStore struct{ Store }

func TestNewServiceDefaults(t *testing.T) {
	svc, err := NewService(nopStore{}, &Options{Password: cheap})
	require.NoError(t, err)
	require.Equal(t, DefaultSessionTTL, svc.opts.SessionTTL)
	require.Equal(t, DefaultResetTTL, svc.opts.ResetTTL)
	require.Equal(t, DefaultMinPasswordLength, svc.opts.MinPasswordLength)
	require.Len(t, svc.opts.Keys[svc.opts.CurrentKeyID], MinKeyLength, "a random key when none is given")

	o, err := (*Options)(nil).resolved()
	require.NoError(t, err)
	require.Equal(t, DefaultPasswordParams, o.Password)
	require.Equal(t, PasswordParams{Memory: 19456, Iterations: 2, Parallelism: 1}, o.Password, "OWASP's minimum")

	one, err := NewService(nopStore{}, &Options{Password: cheap, Keys: map[string][]byte{"k": make([]byte, 32)}})
	require.NoError(t, err)
	require.Equal(t, "k", one.opts.CurrentKeyID, "a single key is current")
}

func TestNewServiceRejectsBadOptions(t *testing.T) {
	key := make([]byte, MinKeyLength)
	bad := map[string]*Options{
		"short key":            {Keys: map[string][]byte{"k": make([]byte, MinKeyLength-1)}},
		"empty key ID":         {Keys: map[string][]byte{"": key}},
		"current not in ring":  {Keys: map[string][]byte{"k": key}, CurrentKeyID: "other"},
		"current without ring": {CurrentKeyID: "k"},
		"ambiguous current":    {Keys: map[string][]byte{"k": key, "l": key}},
		"negative TTL":         {SessionTTL: -1},
		"negative reset TTL":   {ResetTTL: -1},
		"min length":           {MinPasswordLength: -1},
		"memory too small":     {Password: PasswordParams{Memory: 4, Iterations: 1, Parallelism: 1}},
		"no iterations":        {Password: PasswordParams{Memory: 64, Parallelism: 1}},
		"no lanes":             {Password: PasswordParams{Memory: 64, Iterations: 1}},
	}
	for name, o := range bad {
		_, err := NewService(nopStore{}, o)
		require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%s: %v", name, err)
	}
	_, err := NewService(nil, nil)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

func TestNewServiceCopiesKeys(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	ring := map[string][]byte{"k": key}
	svc, err := NewService(nopStore{}, &Options{Password: cheap, Keys: ring})
	require.NoError(t, err)
	key[0] = 'X'
	delete(ring, "k")
	require.Equal(t, byte('0'), svc.opts.Keys["k"][0], "the caller cannot change the ring afterwards")
}
