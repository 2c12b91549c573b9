package redis

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// CartStore is a cart.Store on Redis.
//
// A cart is one string key, <prefix><cart ID>, holding the cart as JSON
// (with its version in front) and expiring TTL after its last write; the
// customer index is <prefix>customer:<customer ID>, holding the cart ID
// with the same TTL. Writes use optimistic concurrency on the cart's
// version: the store reads the cart, runs the closure in Go, then one Lua
// script checks that the version (and, for Adopt, the index) is still
// what was read and writes the carts, the index and the events in one
// atomic step; when another writer got in first it reads again and
// retries, up to CartOptions.MaxAttempts. A write is two round trips,
// one with cart.UpdaterFrom.
//
// Events: Redis shares no transaction with a message bus, so the script
// appends each event to the outbox stream (CartStore.OutboxStream) in the
// same step as the change, as the entry Watermill's redisstream publisher
// would write for a message enveloped by Watermill's forwarder; an
// OutboxRelay, made with CartStore.NewOutboxRelay, forwards them from
// there. A crash
// between a write and its publication loses nothing, and delivery is at
// least once.
//
// Reads: a store remembers, for the last 1,024 or so carts of up to
// about 30 lines it wrote or read, the document and the cart decoded
// from it (at most some 16 MB), and answers a read that finds the same
// document with a copy instead of decoding it again; a cart changed by
// another process is decoded.
//
// The host keeps owning the client; the store never closes it.
type CartStore struct {
	client  goredis.UniversalClient
	opts    CartOptions
	decoded *decodedCarts
	// checkWrites makes every write decode the documents it stored and
	// fail unless they hold the carts it remembers for them; tests set it.
	checkWrites bool
}

var (
	_ cart.Store       = (*CartStore)(nil)
	_ cart.UpdaterFrom = (*CartStore)(nil)
)

// NewCartStore returns a store on client. opts may be nil.
func NewCartStore(client goredis.UniversalClient, opts *CartOptions) (*CartStore, error) {
	if client == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: NewCartStore needs a client")
	}
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	return &CartStore{client: client, opts: o, decoded: newDecodedCarts()}, nil
}

// OutboxStream returns the key of the stream the store appends events to,
// the RelayOptions.Stream of its relay.
func (s *CartStore) OutboxStream() string { return s.opts.Outbox }

// Key returns the key of cart id.
func (s *CartStore) Key(id commerce.CartID) string { return s.opts.Prefix + id.String() }

// IndexKey returns the key of customerID's index entry.
func (s *CartStore) IndexKey(customerID commerce.CustomerID) string {
	return s.opts.Prefix + "customer:" + customerID.String()
}

// record is the stored form of a cart. Version comes first: the write
// script reads it from the front of the document.
type record struct {
	Version int64     `json:"version"`
	Cart    cart.Cart `json:"cart"`
}

func encodeCart(c cart.Cart) ([]byte, error) {
	doc, err := json.Marshal(record{Version: c.Version, Cart: c})
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInternal, "redis: encode cart %s: %w", c.ID, err)
	}
	return doc, nil
}

func decodeCart(id commerce.CartID, doc string) (cart.Cart, error) {
	var r record
	// Decoding appends to the lines' capacity: sized from the number of
	// lines (one "sku" each), it needs no regrowth.
	if n := strings.Count(doc, `"sku":`); n > 0 {
		r.Cart.Lines = make([]cart.Line, 0, n)
	}
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		return cart.Cart{}, commerce.Errorf(commerce.CodeInternal, "redis: decode cart %s: %w", id, err)
	}
	if r.Cart.ID != id || r.Cart.Version != r.Version {
		return cart.Cart{}, commerce.Errorf(commerce.CodeInternal, "redis: cart %s: stored document is inconsistent", id)
	}
	// Fresh from JSON, the cart shares nothing and has no empty lines or
	// metadata (they are not encoded), so it needs no Clone.
	return r.Cart, nil
}

// normalize gives c the form decodeCart returns: nil for empty lines,
// codes and metadata.
func normalize(c *cart.Cart) {
	if len(c.Lines) == 0 {
		c.Lines = nil
	}
	if len(c.Codes) == 0 {
		c.Codes = nil
	}
	for i := range c.Lines {
		if len(c.Lines[i].Metadata) == 0 {
			c.Lines[i].Metadata = nil
		}
	}
}

// encodeEvents validates the events of a write and returns the fields of
// their outbox entries (see outboxEntry), or none when the store discards
// them.
func (s *CartStore) encodeEvents(events []commerce.Envelope) ([][]any, error) {
	if s.opts.DiscardEvents || len(events) == 0 {
		return nil, nil
	}
	out := make([][]any, len(events))
	for i, env := range events {
		fields, err := outboxEntry(s.opts.Outbox, env)
		if err != nil {
			return nil, err
		}
		out[i] = fields
	}
	return out, nil
}

// indexFor returns the index key a write of c points at c: that of its
// customer when c is an active customer's cart.
func (s *CartStore) indexFor(c cart.Cart) string {
	if c.Status != cart.StatusActive || c.CustomerID.IsZero() {
		return ""
	}
	return s.IndexKey(c.CustomerID)
}

func checkTTL(ctx context.Context, doing string, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "redis: %s: %w", doing, err)
	}
	if ttl < time.Millisecond {
		return commerce.Errorf(commerce.CodeInvalidArgument, "redis: %s: ttl %s is below a millisecond", doing, ttl)
	}
	return nil
}

func notFound(id commerce.CartID) error {
	return commerce.Errorf(commerce.CodeNotFound, "redis: cart %s not found", id)
}

// Create implements cart.Store.
func (s *CartStore) Create(ctx context.Context, c cart.Cart, ttl time.Duration, events []commerce.Envelope) error {
	if err := checkTTL(ctx, "create cart", ttl); err != nil {
		return err
	}
	if c.Version != 1 {
		return commerce.Errorf(commerce.CodeInvalidArgument, "redis: create cart %s: a new cart has version 1, not %d", c.ID, c.Version)
	}
	doc, err := encodeCart(c)
	if err != nil {
		return err
	}
	evs, err := s.encodeEvents(events)
	if err != nil {
		return err
	}
	var w scriptWrite
	w.cart(s.Key(c.ID), 0, doc, s.indexFor(c), c.ID.String())
	res, err := w.run(ctx, s.client, ttl, s.opts.Outbox, evs)
	switch {
	case err != nil:
		return err
	case res == resultExists:
		return commerce.Errorf(commerce.CodeConflict, "redis: cart %s already exists", c.ID)
	case res != resultOK:
		return commerce.Errorf(commerce.CodeInternal, "redis: create cart %s: %s", c.ID, res)
	}
	return s.remember(c, doc)
}

// Get implements cart.Store.
func (s *CartStore) Get(ctx context.Context, id commerce.CartID) (cart.Cart, error) {
	doc, err := s.client.Get(ctx, s.Key(id)).Result()
	if errors.Is(err, goredis.Nil) {
		return cart.Cart{}, notFound(id)
	}
	if err != nil {
		return cart.Cart{}, classify(err, "get cart")
	}
	return s.decode(id, doc)
}

// decode is decodeCart, answered from the carts the store remembers
// when doc is one of their documents (see decodedCarts).
func (s *CartStore) decode(id commerce.CartID, doc string) (cart.Cart, error) {
	if c, ok := s.decoded.get(id, doc); ok {
		return c, nil
	}
	c, err := decodeCart(id, doc)
	if err != nil {
		return cart.Cart{}, err
	}
	if s.decoded.fits(len(doc)) {
		s.decoded.put(c.Clone(), []byte(doc))
	}
	return c, nil
}

// remember notes that doc, just stored, holds c, when c is what
// decoding doc gives back: its times in UTC, as the cart service makes
// them (another zone would come back as a fixed offset).
func (s *CartStore) remember(c cart.Cart, doc []byte) error {
	if !s.decoded.fits(len(doc)) || !decodedTimes(c) {
		return nil
	}
	c = c.Clone() // decodeCart's form, and the store's own copy
	if s.checkWrites {
		stored, err := decodeCart(c.ID, string(doc))
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(stored, c) {
			return commerce.Errorf(commerce.CodeInternal, "redis: cart %s: remembered %+v, stored %+v", c.ID, c, stored)
		}
	}
	s.decoded.put(c, doc)
	return nil
}

// CustomerCart implements cart.Store.
func (s *CartStore) CustomerCart(ctx context.Context, customerID commerce.CustomerID) (commerce.CartID, error) {
	v, err := s.client.Get(ctx, s.IndexKey(customerID)).Result()
	if errors.Is(err, goredis.Nil) {
		return "", commerce.Errorf(commerce.CodeNotFound, "redis: customer %s has no cart", customerID)
	}
	if err != nil {
		return "", classify(err, "get customer cart")
	}
	return commerce.CartID(v), nil
}

// Update implements cart.Store.
func (s *CartStore) Update(ctx context.Context, id commerce.CartID, ttl time.Duration, fn cart.UpdateFunc) (cart.Cart, error) {
	return s.update(ctx, id, nil, ttl, fn)
}

// UpdateFrom implements cart.UpdaterFrom: the first attempt writes as of
// seen without reading the cart.
func (s *CartStore) UpdateFrom(ctx context.Context, seen cart.Cart, ttl time.Duration, fn cart.UpdateFunc) (cart.Cart, error) {
	return s.update(ctx, seen.ID, &seen, ttl, fn)
}

func (s *CartStore) update(ctx context.Context, id commerce.CartID, seen *cart.Cart, ttl time.Duration, fn cart.UpdateFunc) (cart.Cart, error) {
	if err := checkTTL(ctx, "update cart", ttl); err != nil {
		return cart.Cart{}, err
	}
	for attempt := range s.opts.MaxAttempts {
		var cur cart.Cart
		if attempt == 0 && seen != nil {
			cur = *seen // the caller's copy, ours to change
		} else {
			var err error
			if cur, err = s.Get(ctx, id); err != nil {
				return cart.Cart{}, err
			}
		}
		read := cur.Version
		events, err := fn(&cur)
		if err != nil {
			return cart.Cart{}, err
		}
		cur.ID, cur.Version = id, read+1
		res, err := s.write(ctx, ttl, events, "", "", cartWrite{cart: cur, expect: read})
		if err != nil {
			return cart.Cart{}, err
		}
		switch res {
		case resultOK:
			normalize(&cur)
			return cur, nil
		case resultMissing:
			return cart.Cart{}, notFound(id)
		}
	}
	return cart.Cart{}, s.contended(id)
}

// Adopt implements cart.Store.
func (s *CartStore) Adopt(ctx context.Context, id commerce.CartID, customerID commerce.CustomerID, ttl time.Duration, fn cart.AdoptFunc) (cart.Cart, *cart.Cart, error) {
	if err := checkTTL(ctx, "adopt cart", ttl); err != nil {
		return cart.Cart{}, nil, err
	}
	indexKey := s.IndexKey(customerID)
	for range s.opts.MaxAttempts {
		vals, err := s.client.MGet(ctx, s.Key(id), indexKey).Result()
		if err != nil {
			return cart.Cart{}, nil, classify(err, "read carts")
		}
		doc, ok := vals[0].(string)
		if !ok {
			return cart.Cart{}, nil, notFound(id)
		}
		c, err := s.decode(id, doc)
		if err != nil {
			return cart.Cart{}, nil, err
		}
		indexed, _ := vals[1].(string)
		var owned *cart.Cart
		if indexed != "" && indexed != id.String() {
			o, err := s.Get(ctx, commerce.CartID(indexed))
			switch {
			case err == nil:
				owned = &o
			case commerce.Code(err) != commerce.CodeNotFound:
				return cart.Cart{}, nil, err
			}
		}
		read := c.Version
		var ownedBefore cart.Cart
		if owned != nil {
			ownedBefore = owned.Clone()
		}
		events, err := fn(&c, owned)
		if err != nil {
			return cart.Cart{}, nil, err
		}
		writes := make([]cartWrite, 0, 2)
		if owned != nil {
			if reflect.DeepEqual(*owned, ownedBefore) {
				// Left alone: not written, but still required unchanged,
				// since fn's decision rested on it.
				*owned = ownedBefore
				writes = append(writes, cartWrite{cart: ownedBefore, expect: ownedBefore.Version, checkOnly: true})
			} else {
				owned.ID, owned.Version = ownedBefore.ID, ownedBefore.Version+1
				writes = append(writes, cartWrite{cart: *owned, expect: ownedBefore.Version})
			}
		}
		// The adopted cart goes last, so its index entry wins if both
		// claim one.
		c.ID, c.Version = id, read+1
		writes = append(writes, cartWrite{cart: c, expect: read})
		res, err := s.write(ctx, ttl, events, indexKey, indexed, writes...)
		if err != nil {
			return cart.Cart{}, nil, err
		}
		if res == resultOK {
			if owned != nil {
				normalize(owned)
			}
			normalize(&c)
			return c, owned, nil
		}
		// MISSING may be the owned cart expiring: read again to see.
	}
	return cart.Cart{}, nil, s.contended(id)
}

// cartWrite is a cart to store, conditional on the stored one being at
// version expect; with checkOnly the condition is all there is.
type cartWrite struct {
	cart      cart.Cart
	expect    int64
	checkOnly bool
}

// write runs writeScript for carts and events, conditional on indexKey
// holding indexed when indexKey is set.
func (s *CartStore) write(ctx context.Context, ttl time.Duration, events []commerce.Envelope, indexKey, indexed string, carts ...cartWrite) (string, error) {
	evs, err := s.encodeEvents(events)
	if err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", commerce.Errorf(commerce.CodeUnavailable, "redis: write cart: %w", err)
	}
	var w scriptWrite
	if indexKey != "" {
		w.checkIndex(indexKey, indexed)
	}
	docs := make([][]byte, len(carts))
	for i, cw := range carts {
		if cw.checkOnly {
			w.cart(s.Key(cw.cart.ID), cw.expect, nil, "", "")
			continue
		}
		if docs[i], err = encodeCart(cw.cart); err != nil {
			return "", err
		}
		w.cart(s.Key(cw.cart.ID), cw.expect, docs[i], s.indexFor(cw.cart), cw.cart.ID.String())
	}
	res, err := w.run(ctx, s.client, ttl, s.opts.Outbox, evs)
	if err != nil || res != resultOK {
		return res, err
	}
	for i, cw := range carts {
		if docs[i] != nil {
			if err := s.remember(cw.cart, docs[i]); err != nil {
				return "", err
			}
		}
	}
	return res, nil
}

func (s *CartStore) contended(id commerce.CartID) error {
	return commerce.Errorf(commerce.CodeConflict, "redis: cart %s: gave up after %d attempts lost to concurrent writes", id, s.opts.MaxAttempts)
}
