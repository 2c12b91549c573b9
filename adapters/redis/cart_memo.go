package redis

import (
	"hash/maphash"
	"sync/atomic"
	"time"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// decodedSlots is how many carts a store remembers decoded: enough for a
// busy shop's recent carts to mostly keep their slot between a buyer's
// requests.
const decodedSlots = 1024

// maxDecodedDoc is the largest document a store remembers, some 30 lines
// (a line is about 290 bytes of JSON): a slot holds the document and
// about as much again decoded, so the memo stays within some 16 MB
// however large carts grow. Larger carts are decoded at every read.
const maxDecodedDoc = 8 << 10

// decodedCarts remembers, for the carts this store wrote or read last,
// the stored document and the cart it decodes to. Decoding a cart's JSON
// is the largest cost of reading it, and a cart is read again soon after
// it is written: every change reads the cart first, then writes it, and
// the buyer's next request reads what that write stored. A read whose
// document is byte for byte one remembered for the same cart returns a
// copy of the remembered cart instead of decoding; any other document,
// written by another process or changed in any way, is decoded as
// before. So the memo saves work but never changes what a read returns.
//
// Slots are picked by a hash of the cart ID and replaced whole, without a
// lock; a remembered cart is never changed, and leaves only as a Clone.
type decodedCarts struct {
	hashKey maphash.Seed
	slots   [decodedSlots]atomic.Pointer[decodedCart]
}

// decodedCart is a stored document and the cart it decodes to.
type decodedCart struct {
	doc  []byte
	cart cart.Cart
}

func newDecodedCarts() *decodedCarts { return &decodedCarts{hashKey: maphash.MakeSeed()} }

func (m *decodedCarts) slot(id commerce.CartID) *atomic.Pointer[decodedCart] {
	return &m.slots[maphash.String(m.hashKey, string(id))%decodedSlots]
}

// get returns a copy of cart id as doc holds it, if doc is the document
// remembered for id.
func (m *decodedCarts) get(id commerce.CartID, doc string) (cart.Cart, bool) {
	d := m.slot(id).Load()
	if d == nil || d.cart.ID != id || string(d.doc) != doc {
		return cart.Cart{}, false
	}
	return d.cart.Clone(), true
}

// put remembers c as what doc decodes to. doc must fit; c must be in
// decodeCart's form (Clone gives it), and put keeps it, so the caller must
// not change it after.
func (m *decodedCarts) put(c cart.Cart, doc []byte) {
	m.slot(c.ID).Store(&decodedCart{doc: doc, cart: c})
}

// fits reports whether a document of n bytes is small enough to remember.
func (*decodedCarts) fits(n int) bool { return n <= maxDecodedDoc }

// decodedTimes reports whether every time of c reads back from JSON
// unchanged: in UTC, which also means without a monotonic clock reading
// (time.Now's are in time.Local; UTC and In drop the reading).
func decodedTimes(c cart.Cart) bool {
	utc := func(t time.Time) bool { return t.Location() == time.UTC }
	if !utc(c.CreatedAt) || !utc(c.UpdatedAt) || !utc(c.ExpiresAt) {
		return false
	}
	for _, l := range c.Lines {
		if !utc(l.AddedAt) {
			return false
		}
	}
	return true
}
