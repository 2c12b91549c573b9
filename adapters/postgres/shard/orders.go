package shard

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// OrderStore is the router's order.Store. An order lives in its
// customer's bucket (a guest order without a customer in its cart's),
// unless its idempotency key was recorded first for another bucket, which
// then holds the order with that key: that is how one key stays one order
// across shards.
type OrderStore struct{ r *Router }

var _ order.Store = (*OrderStore)(nil)

// ownerBucket is the bucket an order belongs in: its customer's, or its
// cart's for a guest.
func ownerBucket(o order.Order) (int, error) {
	if !o.CustomerID.IsZero() {
		return BucketOf(o.CustomerID, "customer_id")
	}
	return BucketOf(o.CartID, "cart_id")
}

// Create implements order.Store.
func (s *OrderStore) Create(ctx context.Context, o order.Order, events func(stored order.Order) []commerce.Envelope) (order.Order, bool, error) {
	home, err := BucketOf(o.ID, "id")
	if err != nil {
		return order.Order{}, false, err
	}
	want, err := ownerBucket(o)
	if err != nil {
		return order.Order{}, false, err
	}
	if o.IdempotencyKey == "" {
		return order.Order{}, false, commerce.Errorf(commerce.CodeInvalidArgument, "shard: an order needs an idempotency key").WithDetail("field", "idempotency_key")
	}
	b, err := s.r.claim(ctx, kindOrderKey, o.IdempotencyKey, KeyBucket(o.IdempotencyKey), want, -1)
	if err != nil {
		return order.Order{}, false, err
	}
	if err := s.r.place(ctx, kindOrder, o.ID.String(), home, b); err != nil {
		return order.Order{}, false, err
	}
	var stored order.Order
	created := false
	err = s.r.write(b, func(sh *shardStores) (err error) {
		stored, created, err = sh.stores.Orders.Create(ctx, o, events)
		return err
	})
	return stored, created, err
}

// bucketOf returns the bucket of the order with id.
func (s *OrderStore) bucketOf(ctx context.Context, id commerce.OrderID) (int, error) {
	home, err := BucketOf(id, "id")
	if err != nil {
		return 0, err
	}
	return s.r.locate(ctx, kindOrder, id.String(), home, "order "+id.String())
}

// Get implements order.Store.
func (s *OrderStore) Get(ctx context.Context, id commerce.OrderID) (order.Order, error) {
	b, err := s.bucketOf(ctx, id)
	if err != nil {
		return order.Order{}, err
	}
	var o order.Order
	err = s.r.read(b, func(sh *shardStores) (err error) {
		o, err = sh.stores.Orders.Get(ctx, id)
		return err
	})
	return o, err
}

// GetByIdempotencyKey implements order.Store.
func (s *OrderStore) GetByIdempotencyKey(ctx context.Context, key string) (order.Order, error) {
	b, err := s.r.locate(ctx, kindOrderKey, key, KeyBucket(key), "order")
	if err != nil {
		return order.Order{}, err
	}
	var o order.Order
	err = s.r.read(b, func(sh *shardStores) (err error) {
		o, err = sh.stores.Orders.GetByIdempotencyKey(ctx, key)
		return err
	})
	return o, err
}

// Update implements order.Store.
func (s *OrderStore) Update(ctx context.Context, id commerce.OrderID, fn func(*order.Order) ([]commerce.Envelope, error)) (order.Order, error) {
	b, err := s.bucketOf(ctx, id)
	if err != nil {
		return order.Order{}, err
	}
	var o order.Order
	err = s.r.write(b, func(sh *shardStores) (err error) {
		o, err = sh.stores.Orders.Update(ctx, id, fn)
		return err
	})
	return o, err
}

// Discard implements order.Store. The order's directory entries stay:
// they point to nothing, which reads as not found.
func (s *OrderStore) Discard(ctx context.Context, id commerce.OrderID, fn func(order.Order) ([]commerce.Envelope, error)) error {
	b, err := s.bucketOf(ctx, id)
	if err != nil {
		return err
	}
	return s.r.write(b, func(sh *shardStores) error { return sh.stores.Orders.Discard(ctx, id, fn) })
}

// List implements order.Store. A customer's orders are read from the
// customer's shard alone. Any other list asks every shard for a page from
// the same cursor and merges them: the first Limit orders of the union,
// newest first, are exactly the first Limit of the whole list, because
// each of them is among the first Limit of its own shard. The cursor has
// the single-database store's form, so every shard reads it. A shard that
// is down fails the list (a page with a hole would not be exact).
func (s *OrderStore) List(ctx context.Context, f order.ListFilter, page commerce.PageRequest) (commerce.Page[order.Order], error) {
	if !f.CustomerID.IsZero() {
		b, err := BucketOf(f.CustomerID, "customer_id")
		if err != nil {
			return commerce.Page[order.Order]{}, err
		}
		var out commerce.Page[order.Order]
		err = s.r.read(b, func(sh *shardStores) (err error) {
			out, err = sh.stores.Orders.List(ctx, f, page)
			return err
		})
		return out, err
	}
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[order.Order]{}, err
	}
	if page.Cursor != "" {
		var c orderCursor
		if err := commerce.DecodeCursor(page.Cursor, &c); err != nil {
			return commerce.Page[order.Order]{}, err
		}
	}
	pages := make([]commerce.Page[order.Order], len(s.r.shards))
	errs := s.r.each(ctx, func(ctx context.Context, i int, sh *shardStores) (err error) {
		pages[i], err = sh.stores.Orders.List(ctx, f, page)
		return err
	})
	if err := firstError(errs); err != nil {
		return commerce.Page[order.Order]{}, err
	}
	more := false
	var all []order.Order
	for _, p := range pages {
		all = append(all, p.Items...)
		more = more || p.HasMore()
	}
	items, cut := mergeNewestFirst(all, page.Limit, func(o order.Order) (time.Time, string, int) {
		return o.CreatedAt, o.ID.String(), int(o.Version)
	})
	out := commerce.Page[order.Order]{Items: items}
	if (cut || more) && len(items) > 0 {
		last := items[len(items)-1]
		if out.NextCursor, err = commerce.EncodeCursor(orderCursor{CreatedAt: last.CreatedAt, ID: last.ID}); err != nil {
			return commerce.Page[order.Order]{}, err
		}
	}
	return out, nil
}

// orderCursor has the form of the single-database store's cursor: the
// creation time and ID of the last order of a page.
type orderCursor struct {
	CreatedAt time.Time        `json:"c"`
	ID        commerce.OrderID `json:"i"`
}

// Unsettled implements order.Store over every shard, oldest first. A
// shard that is unreachable is logged and left for the next pass, so
// recovery goes on for the customers of the other shards.
func (s *OrderStore) Unsettled(ctx context.Context, before time.Time, limit int) ([]order.Order, error) {
	if limit <= 0 {
		return []order.Order{}, nil
	}
	lists := make([][]order.Order, len(s.r.shards))
	errs := s.r.each(ctx, func(ctx context.Context, i int, sh *shardStores) (err error) {
		lists[i], err = sh.stores.Orders.Unsettled(ctx, before, limit)
		return err
	})
	var all []order.Order
	for i, err := range errs {
		switch {
		case err == nil:
			all = append(all, lists[i]...)
		case commerce.Code(err) == commerce.CodeUnavailable && ctx.Err() == nil:
			s.r.log.WarnContext(ctx, "shard: unsettled orders of an unreachable shard are left for the next pass",
				"shard", s.r.shards[i].name, "err", err)
		default:
			return nil, err
		}
	}
	out, _ := mergeOldestFirst(all, limit, func(o order.Order) (time.Time, string, int) {
		return o.UpdatedAt, o.ID.String(), int(o.Version)
	})
	return out, nil
}
