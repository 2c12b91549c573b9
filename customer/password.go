package customer

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/mercatohq/mercato/commerce"
)

// PasswordParams are the argon2id cost parameters new hashes are made
// with. Existing hashes keep the parameters they were made with (the PHC
// string records them) and are upgraded at the customer's next login.
type PasswordParams struct {
	// Memory in KiB. OWASP's minimum for argon2id is 19456 (19 MiB).
	Memory uint32
	// Iterations (argon2's t).
	Iterations uint32
	// Parallelism (argon2's p), the number of lanes.
	Parallelism uint8
}

// DefaultPasswordParams are OWASP's recommended argon2id minimum:
// m=19456 KiB, t=2, p=1.
var DefaultPasswordParams = PasswordParams{Memory: 19456, Iterations: 2, Parallelism: 1}

// Sizes of the salt and of the derived key, in bytes.
const (
	saltLength = 16
	keyLength  = 32
)

// Bounds that keep hashing affordable whatever a stored hash claims, so a
// corrupted or planted hash cannot make one login allocate gigabytes.
const (
	maxMemoryKiB   = 1 << 20 // 1 GiB
	maxIterations  = 64
	maxStoredKey   = 128
	maxStoredSalt  = 64
	minStoredSalt  = 8
	minStoredKey   = 16
	argon2Version  = argon2.Version
	phcAlgorithmID = "argon2id"
)

func (p PasswordParams) validate() error {
	switch {
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > maxMemoryKiB:
		return fmt.Errorf("memory must be between 8*parallelism and %d KiB, got %d", maxMemoryKiB, p.Memory)
	case p.Iterations < 1 || p.Iterations > maxIterations:
		return fmt.Errorf("iterations must be between 1 and %d, got %d", maxIterations, p.Iterations)
	case p.Parallelism < 1:
		return fmt.Errorf("parallelism must be at least 1")
	}
	return nil
}

// hashPassword returns the PHC string of password under p with a fresh
// random salt.
func hashPassword(password string, p PasswordParams) (string, error) {
	salt := make([]byte, saltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", commerce.Errorf(commerce.CodeInternal, "customer: read random salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, keyLength)
	return encodePHC(p, salt, key), nil
}

func encodePHC(p PasswordParams, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$%s$v=%d$m=%d,t=%d,p=%d$%s$%s", phcAlgorithmID, argon2Version,
		p.Memory, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// phcHash is a parsed PHC string.
type phcHash struct {
	params PasswordParams
	salt   []byte
	key    []byte
}

// parsePHC parses an argon2id PHC string:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func parsePHC(s string) (phcHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != phcAlgorithmID {
		return phcHash{}, fmt.Errorf("not an argon2id PHC string")
	}
	if parts[2] != "v="+strconv.Itoa(argon2Version) {
		return phcHash{}, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	var h phcHash
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return phcHash{}, fmt.Errorf("malformed parameter %q", kv)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return phcHash{}, fmt.Errorf("malformed parameter %q", kv)
		}
		switch k {
		case "m":
			h.params.Memory = uint32(n)
		case "t":
			h.params.Iterations = uint32(n)
		case "p":
			if n > 255 {
				return phcHash{}, fmt.Errorf("parallelism %d out of range", n)
			}
			h.params.Parallelism = uint8(n)
		default:
			return phcHash{}, fmt.Errorf("unknown parameter %q", k)
		}
	}
	if err := h.params.validate(); err != nil {
		return phcHash{}, err
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(h.salt) < minStoredSalt || len(h.salt) > maxStoredSalt {
		return phcHash{}, fmt.Errorf("malformed salt")
	}
	if h.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(h.key) < minStoredKey || len(h.key) > maxStoredKey {
		return phcHash{}, fmt.Errorf("malformed hash")
	}
	return h, nil
}

// verifyPassword reports whether password matches the PHC string encoded,
// comparing in constant time, and whether the hash was made with
// parameters other than current and should be replaced. A malformed hash
// is an Internal error: it never matches.
func verifyPassword(encoded, password string, current PasswordParams) (ok, outdated bool, err error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, false, commerce.Errorf(commerce.CodeInternal, "customer: stored password hash: %w", err)
	}
	key := argon2.IDKey([]byte(password), h.salt, h.params.Iterations, h.params.Memory, h.params.Parallelism, uint32(len(h.key)))
	if subtle.ConstantTimeCompare(key, h.key) != 1 {
		return false, false, nil
	}
	return true, h.params != current || len(h.key) != keyLength || len(h.salt) != saltLength, nil
}
