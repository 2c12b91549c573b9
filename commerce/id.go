package commerce

import (
	"crypto/rand"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"
)

// IDKind names the entity an ID belongs to. Kinds are empty structs whose
// only job is to make ID[OrderKind] and ID[CartKind] distinct types, so the
// compiler rejects passing a cart ID where an order ID is expected. Host
// applications may declare their own kinds; a prefix should be short, lower
// case ASCII letters, and unique across the application.
type IDKind interface {
	IDPrefix() string
}

// ID is a typed, prefixed, sortable identifier: "<prefix>_<ULID>", for
// example "ord_01JD3XQ5ZK8N6V0W2T4Y7R9B1C".
//
// The prefix makes an ID self-describing in logs, URLs and support tickets;
// the ULID makes it unique without coordination and makes IDs sort by
// creation time at millisecond resolution. Its 80 random bits come from
// crypto/rand, so an ID cannot be guessed from another one. Within a
// millisecond, IDs minted by one process sort in the order they were
// minted: each adds a random increment of up to 2^40 to the previous one
// (see NewID). An ID names a thing; it is not a secret and grants no
// access, and its order is not a sequence number across processes.
//
// ID is a string underneath so it works as a map key, compares with ==, and
// needs no conversion for database drivers. A conversion such as
// OrderID("x") bypasses validation; values from outside the process must go
// through ParseID or UnmarshalText.
type ID[K IDKind] string

// IDType is satisfied by every ID[K]. Generic functions take it rather than
// IDKind so callers can name the alias they already use:
// NewID[OrderID]() instead of NewID[OrderKind]().
type IDType interface {
	~string
	Prefix() string
}

// idSeparator sits between the prefix and the ULID. It is not a Crockford
// base32 character, so a prefix can never be confused with ULID text.
const idSeparator = '_'

// maxQuotedInput caps how much of a rejected input is echoed in an error
// message, so hostile input cannot bloat logs and responses.
const maxQuotedInput = 64

// idIncrement bounds the random step between two IDs of one millisecond:
// large enough that the next ID cannot be guessed from the previous one
// (about 2^40 candidates), small enough that the 80 bits never overflow in
// a millisecond (2^40 IDs would be needed).
const idIncrement = 1 << 40

// idEntropy is the one piece of package state: the monotonic entropy of
// NewID, over crypto/rand. It must be shared for IDs of one millisecond to
// sort in minting order, and it is safe for concurrent use: the locked
// reader serialises its calls. (ulid.Make's default reader draws from
// math/rand seeded with the clock, whose IDs can be predicted from one
// seen ID; that is why Mercato does not use it.)
var idEntropy = &ulid.LockedMonotonicReader{MonotonicReader: ulid.Monotonic(cryptoEntropy{}, idIncrement)}

// cryptoEntropy is crypto/rand as ulid.Monotonic's entropy, drawing the
// step between two IDs of one millisecond uniformly too. Given a plain
// reader, ulid.Monotonic (v2.1.2) masks the wrong end of the step it
// reads, so the step's low byte is 0 or 1 plus one and the low bits of
// consecutive IDs are predictable; a reader with Int63n is used instead.
type cryptoEntropy struct{}

func (cryptoEntropy) Read(p []byte) (int, error) { return rand.Read(p) }

// Int63n returns a uniform value in [0, n) from crypto/rand, by rejection
// of the values that would bias the modulo.
func (cryptoEntropy) Int63n(n int64) int64 {
	span := uint64(n)
	limit := math.MaxUint64 - math.MaxUint64%span
	var b [8]byte
	for {
		_, _ = rand.Read(b[:]) // crypto/rand never fails: Go crashes the program instead
		if v := binary.LittleEndian.Uint64(b[:]); v < limit {
			return int64(v % span)
		}
	}
}

// NewID returns a fresh ID of type T, e.g. NewID[OrderID](). It is safe for
// concurrent use. The ULID timestamp comes from the wall clock, not from a
// Clock: it records when the ID was minted, not any business time.
func NewID[T IDType]() T {
	var zero T
	prefix := zero.Prefix()

	ms := ulid.Timestamp(time.Now())
	u, err := ulid.New(ms, idEntropy)
	if err != nil {
		// The increments overflowed the 80 bits within one millisecond
		// (never seen in practice): a fresh random ID is still unique,
		// only its order within the millisecond is lost. crypto/rand
		// itself does not fail (Go crashes the program instead).
		u = ulid.MustNew(ms, rand.Reader)
	}
	var text [ulid.EncodedSize]byte
	// MarshalTextTo fails only for a wrongly sized buffer, which text is not.
	_ = u.MarshalTextTo(text[:])

	var b strings.Builder
	b.Grow(len(prefix) + 1 + ulid.EncodedSize)
	b.WriteString(prefix)
	b.WriteByte(idSeparator)
	b.Write(text[:])
	return T(b.String())
}

// ParseID parses s as an ID of type T, e.g. ParseID[OrderID](s). An empty
// string, another kind's prefix, or a ULID that is malformed or not in
// canonical upper-case form is rejected with CodeInvalidArgument. Accepting
// only the canonical form keeps == and map lookups meaningful.
func ParseID[T IDType](s string) (T, error) {
	var zero T
	if err := validateID(zero.Prefix(), s); err != nil {
		return zero, err
	}
	return T(s), nil
}

// String returns the ID's text form.
func (id ID[K]) String() string { return string(id) }

// Prefix returns the prefix of K without the separator, e.g. "ord". It
// depends only on the type, so it works on the zero ID.
func (ID[K]) Prefix() string {
	var k K
	return k.IDPrefix()
}

// Validate reports whether id is well formed for its kind. It matters for
// IDs that did not come through ParseID: conversions and zero values.
func (id ID[K]) Validate() error { return validateID(id.Prefix(), string(id)) }

// IsZero reports whether id is empty, the conventional "not set" value for
// optional references.
func (id ID[K]) IsZero() bool { return id == "" }

// Time returns the UTC instant, at millisecond precision, encoded in the ID's
// ULID. It returns the zero time for an invalid ID, so callers that need to
// tell the two apart should call Validate first.
func (id ID[K]) Time() time.Time {
	if id.Validate() != nil {
		return time.Time{}
	}
	u, err := ulid.ParseStrict(string(id[len(id)-ulid.EncodedSize:]))
	if err != nil {
		return time.Time{}
	}
	return ulid.Time(u.Time()).UTC()
}

// MarshalText implements encoding.TextMarshaler. It refuses to emit a
// malformed ID so that whatever Mercato writes it can read back. The zero ID
// marshals to the empty string.
func (id ID[K]) MarshalText() ([]byte, error) {
	if id.IsZero() {
		return []byte{}, nil
	}
	if err := id.Validate(); err != nil {
		return nil, err
	}
	return []byte(id), nil
}

// UnmarshalText implements encoding.TextUnmarshaler, so decoding JSON into a
// struct with ID fields rejects malformed or wrong-kind IDs with
// CodeInvalidArgument. The empty string decodes to the zero ID: absence is
// not malformation, and whether a reference is required is the service's
// rule to enforce.
func (id *ID[K]) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*id = ""
		return nil
	}
	s := string(text)
	if err := validateID(id.Prefix(), s); err != nil {
		return err
	}
	*id = ID[K](s)
	return nil
}

// validateID checks s against "<prefix>_<canonical ULID>" without
// allocating on success, because it runs on every request that carries an ID.
func validateID(prefix, s string) error {
	if s == "" {
		return invalidIDError(prefix, s, "empty")
	}
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok || rest == "" || rest[0] != idSeparator {
		return invalidIDError(prefix, s, "want prefix "+truncQuote(prefix+string(idSeparator)))
	}
	text := rest[1:]
	if len(text) != ulid.EncodedSize {
		return invalidIDError(prefix, s, "want a 26-character ULID after the prefix")
	}
	if _, err := ulid.ParseStrict(text); err != nil {
		return invalidIDError(prefix, s, "malformed ULID")
	}
	for i := 0; i < len(text); i++ {
		if 'a' <= text[i] && text[i] <= 'z' {
			return invalidIDError(prefix, s, "ULID must be upper case")
		}
	}
	return nil
}

func invalidIDError(prefix, s, reason string) error {
	return Errorf(CodeInvalidArgument, "invalid %s id %s: %s", prefix, truncQuote(s), reason).
		WithDetail("expected_prefix", prefix)
}

// truncQuote quotes s for an error message, escaping control characters
// and cutting it at maxQuotedInput bytes.
func truncQuote(s string) string {
	if len(s) > maxQuotedInput {
		return strconv.Quote(s[:maxQuotedInput]) + "..."
	}
	return strconv.Quote(s)
}

// The entity kinds Mercato ships. Each kind's prefix is part of the public
// contract: it appears in stored data and URLs, so it never changes.

// OrderKind is the kind of OrderID.
type OrderKind struct{}

// IDPrefix implements IDKind.
func (OrderKind) IDPrefix() string { return "ord" }

// OrderID identifies an order: "ord_<ULID>".
type OrderID = ID[OrderKind]

// CartKind is the kind of CartID.
type CartKind struct{}

// IDPrefix implements IDKind.
func (CartKind) IDPrefix() string { return "cart" }

// CartID identifies a cart: "cart_<ULID>".
type CartID = ID[CartKind]

// PaymentKind is the kind of PaymentID.
type PaymentKind struct{}

// IDPrefix implements IDKind.
func (PaymentKind) IDPrefix() string { return "pay" }

// PaymentID identifies a payment: "pay_<ULID>".
type PaymentID = ID[PaymentKind]

// CustomerKind is the kind of CustomerID.
type CustomerKind struct{}

// IDPrefix implements IDKind.
func (CustomerKind) IDPrefix() string { return "cus" }

// CustomerID identifies a customer account: "cus_<ULID>".
type CustomerID = ID[CustomerKind]

// ProductKind is the kind of ProductID.
type ProductKind struct{}

// IDPrefix implements IDKind.
func (ProductKind) IDPrefix() string { return "prod" }

// ProductID identifies a catalog product: "prod_<ULID>".
type ProductID = ID[ProductKind]

// VariantKind is the kind of VariantID.
type VariantKind struct{}

// IDPrefix implements IDKind.
func (VariantKind) IDPrefix() string { return "var" }

// VariantID identifies a purchasable product variant (a SKU): "var_<ULID>".
type VariantID = ID[VariantKind]

// ReservationKind is the kind of ReservationID.
type ReservationKind struct{}

// IDPrefix implements IDKind.
func (ReservationKind) IDPrefix() string { return "res" }

// ReservationID identifies an inventory reservation: "res_<ULID>".
type ReservationID = ID[ReservationKind]

// EventKind is the kind of EventID.
type EventKind struct{}

// IDPrefix implements IDKind.
func (EventKind) IDPrefix() string { return "evt" }

// EventID identifies a domain event; handlers deduplicate deliveries by it:
// "evt_<ULID>".
type EventID = ID[EventKind]

// CategoryKind is the kind of CategoryID.
type CategoryKind struct{}

// IDPrefix implements IDKind.
func (CategoryKind) IDPrefix() string { return "cat" }

// CategoryID identifies a catalog category: "cat_<ULID>".
type CategoryID = ID[CategoryKind]

// BrandKind is the kind of BrandID.
type BrandKind struct{}

// IDPrefix implements IDKind.
func (BrandKind) IDPrefix() string { return "brand" }

// BrandID identifies a brand: "brand_<ULID>".
type BrandID = ID[BrandKind]

// ReviewKind is the kind of ReviewID.
type ReviewKind struct{}

// IDPrefix implements IDKind.
func (ReviewKind) IDPrefix() string { return "rev" }

// ReviewID identifies a product review: "rev_<ULID>".
type ReviewID = ID[ReviewKind]

// SessionKind is the kind of SessionID.
type SessionKind struct{}

// IDPrefix implements IDKind.
func (SessionKind) IDPrefix() string { return "sess" }

// SessionID identifies a customer session: "sess_<ULID>". It names the
// session; it is not a bearer secret and must not be used as one.
type SessionID = ID[SessionKind]

// NotificationKind is the kind of NotificationID.
type NotificationKind struct{}

// IDPrefix implements IDKind.
func (NotificationKind) IDPrefix() string { return "ntf" }

// NotificationID identifies an outgoing notification: "ntf_<ULID>".
type NotificationID = ID[NotificationKind]

// RefundKind is the kind of RefundID.
type RefundKind struct{}

// IDPrefix implements IDKind.
func (RefundKind) IDPrefix() string { return "ref" }

// RefundID identifies a refund: "ref_<ULID>".
type RefundID = ID[RefundKind]

// LineKind is the kind of LineID.
type LineKind struct{}

// IDPrefix implements IDKind.
func (LineKind) IDPrefix() string { return "line" }

// LineID identifies a line item in a cart or order: "line_<ULID>".
type LineID = ID[LineKind]

// PromotionKind is the kind of PromotionID.
type PromotionKind struct{}

// IDPrefix implements IDKind.
func (PromotionKind) IDPrefix() string { return "promo" }

// PromotionID identifies a promotion: "promo_<ULID>".
type PromotionID = ID[PromotionKind]

// GiftCardKind is the kind of GiftCardID.
type GiftCardKind struct{}

// IDPrefix implements IDKind.
func (GiftCardKind) IDPrefix() string { return "gc" }

// GiftCardID identifies a gift card: "gc_<ULID>". It names the card in
// admin screens and ledgers; it is not the secret code that spends it.
type GiftCardID = ID[GiftCardKind]
