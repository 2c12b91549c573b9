package shard

import (
	"hash/fnv"

	"github.com/mercatohq/mercato/commerce"
)

// Buckets is the fixed number of virtual buckets. Data is placed in a
// bucket, and the Map assigns buckets to shards, so adding a shard moves
// whole buckets instead of rehashing every customer. The number never
// changes for a shop: it is baked into every ID minted with [NewID].
const Buckets = 1024

// crockford is the ULID alphabet.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// ulidLen is the length of a ULID's text.
const ulidLen = 26

// decode32 maps a Crockford character to its value, or -1.
func decode32(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		for i := 10; i < len(crockford); i++ {
			if crockford[i] == c {
				return i
			}
		}
	}
	return -1
}

// BucketOf returns the bucket an ID carries: its ULID read as a number,
// modulo Buckets, which is the value of its last two characters. A ULID's
// low bits are random, so for an ID minted by commerce.NewID this is
// hash(id) % Buckets; [NewID] mints IDs whose low bits name a chosen
// bucket. A malformed ID is InvalidArgument naming field, and never
// reaches a shard.
func BucketOf[T commerce.IDType](id T, field string) (int, error) {
	var zero T
	s := string(id)
	if !validFor(zero.Prefix(), s) {
		return 0, commerce.Errorf(commerce.CodeInvalidArgument, "shard: %s is not a valid %s id", field, zero.Prefix()).
			WithDetail("field", field)
	}
	return tail(s), nil
}

// validFor reports whether s is "<prefix>_<ULID>" in canonical form.
func validFor(prefix string, s string) bool {
	if len(s) != len(prefix)+1+ulidLen || s[:len(prefix)] != prefix || s[len(prefix)] != '_' {
		return false
	}
	if s[len(prefix)+1] > '7' { // a ULID's first character holds 3 bits
		return false
	}
	for i := len(prefix) + 1; i < len(s); i++ {
		if decode32(s[i]) < 0 {
			return false
		}
	}
	return true
}

// tail is the bucket held by the last two characters of a valid ID.
func tail(s string) int {
	return decode32(s[len(s)-2])<<5 | decode32(s[len(s)-1])
}

// NewID returns a fresh ID of type T that carries bucket: a
// commerce.NewID whose last two ULID characters are replaced by the
// bucket, so BucketOf finds it without a lookup. It keeps 70 random bits
// and the millisecond timestamp, so it stays unique and sorts by
// millisecond (not by minting order within one). A bucket outside
// [0, Buckets) is InvalidArgument.
func NewID[T commerce.IDType](bucket int) (T, error) {
	if bucket < 0 || bucket >= Buckets {
		var zero T
		return zero, commerce.Errorf(commerce.CodeInvalidArgument, "shard: bucket %d does not exist (0..%d)", bucket, Buckets-1).
			WithDetail("field", "bucket")
	}
	b := []byte(commerce.NewID[T]())
	b[len(b)-2] = crockford[bucket>>5]
	b[len(b)-1] = crockford[bucket&31]
	return T(b), nil
}

// KeyBucket returns the home bucket of a natural key: an e-mail, an
// idempotency key, a provider reference. A key that embeds a Mercato ID
// ("order:ord_01J…:payment", "checkout-cus_01J…-3") lives with the first
// such ID, so the keys Mercato derives from an order or a customer land on
// that order's or customer's shard; any other key hashes (FNV-1a) to a
// bucket.
func KeyBucket(key string) int {
	if b, ok := embeddedBucket(key); ok {
		return b
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(key)) // a hash.Hash never fails
	return int(h.Sum64() % Buckets)
}

// embeddedBucket finds the first "<lower-case prefix>_<ULID>" in key.
func embeddedBucket(key string) (int, bool) {
	for i := 1; i+ulidLen < len(key); i++ {
		if key[i] != '_' || key[i-1] < 'a' || key[i-1] > 'z' {
			continue
		}
		end := i + 1 + ulidLen
		if end > len(key) {
			return 0, false
		}
		if end < len(key) && decode32(key[end]) >= 0 {
			continue // longer than a ULID: not an ID
		}
		start := i - 1
		for start > 0 && key[start-1] >= 'a' && key[start-1] <= 'z' {
			start--
		}
		if validFor(key[start:i], key[start:end]) {
			return tail(key[start:end]), true
		}
	}
	return 0, false
}
