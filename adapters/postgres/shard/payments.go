package shard

import (
	"context"
	"strconv"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// PaymentStore is the router's payment.Store. A payment lives in its
// order's bucket (the bucket its OrderID carries), unless its idempotency
// key was recorded first for another bucket; its refunds and webhook
// events live with it.
type PaymentStore struct{ r *Router }

var _ payment.Store = (*PaymentStore)(nil)

// Create implements payment.Store.
func (s *PaymentStore) Create(ctx context.Context, p payment.Payment, events []commerce.Envelope) (payment.Payment, bool, error) {
	home, err := BucketOf(p.ID, "id")
	if err != nil {
		return payment.Payment{}, false, err
	}
	want, err := BucketOf(p.OrderID, "order_id")
	if err != nil {
		return payment.Payment{}, false, err
	}
	if p.IdempotencyKey == "" {
		return payment.Payment{}, false, commerce.Errorf(commerce.CodeInvalidArgument, "shard: a payment needs an idempotency key").WithDetail("field", "idempotency_key")
	}
	b, err := s.r.claim(ctx, kindPaymentKey, p.IdempotencyKey, KeyBucket(p.IdempotencyKey), want, -1)
	if err != nil {
		return payment.Payment{}, false, err
	}
	if err := s.r.place(ctx, kindPayment, p.ID.String(), home, b); err != nil {
		return payment.Payment{}, false, err
	}
	var stored payment.Payment
	created := false
	err = s.r.write(b, func(sh *shardStores) (err error) {
		stored, created, err = sh.stores.Payments.Create(ctx, p, events)
		return err
	})
	return stored, created, err
}

func (s *PaymentStore) bucketOf(ctx context.Context, id commerce.PaymentID, field string) (int, error) {
	home, err := BucketOf(id, field)
	if err != nil {
		return 0, err
	}
	return s.r.locate(ctx, kindPayment, id.String(), home, "payment "+id.String())
}

// Get implements payment.Store.
func (s *PaymentStore) Get(ctx context.Context, id commerce.PaymentID) (payment.Payment, error) {
	b, err := s.bucketOf(ctx, id, "id")
	if err != nil {
		return payment.Payment{}, err
	}
	var p payment.Payment
	err = s.r.read(b, func(sh *shardStores) (err error) {
		p, err = sh.stores.Payments.Get(ctx, id)
		return err
	})
	return p, err
}

// GetByIdempotencyKey implements payment.Store.
func (s *PaymentStore) GetByIdempotencyKey(ctx context.Context, key string) (payment.Payment, error) {
	b, err := s.r.locate(ctx, kindPaymentKey, key, KeyBucket(key), "payment")
	if err != nil {
		return payment.Payment{}, err
	}
	var p payment.Payment
	err = s.r.read(b, func(sh *shardStores) (err error) {
		p, err = sh.stores.Payments.GetByIdempotencyKey(ctx, key)
		return err
	})
	return p, err
}

// refKey is a provider reference as directory text.
func refKey(provider, ref string) string {
	return strconv.Itoa(len(provider)) + ":" + provider + ":" + ref
}

// GetByProviderRef implements payment.Store.
func (s *PaymentStore) GetByProviderRef(ctx context.Context, provider, ref string) (payment.Payment, error) {
	key := refKey(provider, ref)
	b, err := s.r.locate(ctx, kindProviderRef, key, KeyBucket(key), "payment")
	if err != nil {
		return payment.Payment{}, err
	}
	var p payment.Payment
	err = s.r.read(b, func(sh *shardStores) (err error) {
		p, err = sh.stores.Payments.GetByProviderRef(ctx, provider, ref)
		return err
	})
	return p, err
}

// ListByOrder implements payment.Store, from the order's shard alone.
func (s *PaymentStore) ListByOrder(ctx context.Context, orderID commerce.OrderID) ([]payment.Payment, error) {
	b, err := BucketOf(orderID, "order_id")
	if err != nil {
		return nil, err
	}
	var out []payment.Payment
	err = s.r.read(b, func(sh *shardStores) (err error) {
		out, err = sh.stores.Payments.ListByOrder(ctx, orderID)
		return err
	})
	return out, err
}

// withRef wraps fn so that a provider reference it sets is recorded for
// bucket b (whose gate the caller holds) before the change commits.
func (s *PaymentStore) withRef(ctx context.Context, b int, fn func(*payment.Payment) ([]commerce.Envelope, error)) func(*payment.Payment) ([]commerce.Envelope, error) {
	return func(p *payment.Payment) ([]commerce.Envelope, error) {
		old := p.ProviderRef
		events, err := fn(p)
		if err != nil || p.ProviderRef == old || p.ProviderRef == "" {
			return events, err
		}
		return events, s.takeRef(ctx, p.Provider, p.ProviderRef, p.ID, b)
	}
}

// takeRef records a provider reference for bucket b. A reference recorded
// for another bucket is taken over only if no payment there holds it.
func (s *PaymentStore) takeRef(ctx context.Context, provider, ref string, id commerce.PaymentID, b int) error {
	key := refKey(provider, ref)
	home := KeyBucket(key)
	for range 3 {
		got, err := s.r.claim(ctx, kindProviderRef, key, home, b, b)
		if err != nil || got == b {
			return err
		}
		// The caller's transaction holds a connection: ask through the
		// directory pool (see shardStores.side).
		var held bool
		err = s.r.read(got, func(sh *shardStores) error {
			return sh.side.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM payment_payments
				WHERE provider = $1 AND provider_ref = $2 AND id <> $3)`, provider, ref, id).Scan(&held)
		})
		if err != nil {
			return classify(err, "look up a provider reference", s.r.on(got).name)
		}
		if held {
			return commerce.Errorf(commerce.CodeConflict, "shard: another payment holds this provider reference").WithDetail("field", "provider_ref")
		}
		if moved, err := s.r.retarget(ctx, kindProviderRef, key, home, got, b, b); err != nil || moved {
			return err
		}
	}
	return commerce.Errorf(commerce.CodeUnavailable, "shard: the provider reference's directory entry keeps changing; retry")
}

// Update implements payment.Store.
func (s *PaymentStore) Update(ctx context.Context, id commerce.PaymentID, fn func(*payment.Payment) ([]commerce.Envelope, error)) (payment.Payment, error) {
	b, err := s.bucketOf(ctx, id, "id")
	if err != nil {
		return payment.Payment{}, err
	}
	var p payment.Payment
	err = s.r.write(b, func(sh *shardStores) (err error) {
		p, err = sh.stores.Payments.Update(ctx, id, s.withRef(ctx, b, fn))
		return err
	})
	return p, err
}

// CreateRefund implements payment.Store. The refund lives with its
// payment, whose shard's unique constraint keeps its key to one refund.
func (s *PaymentStore) CreateRefund(ctx context.Context, r payment.Refund, check func(p payment.Payment, existing []payment.Refund) ([]commerce.Envelope, error)) (payment.Refund, bool, error) {
	home, err := BucketOf(r.ID, "id")
	if err != nil {
		return payment.Refund{}, false, err
	}
	b, err := s.bucketOf(ctx, r.PaymentID, "payment_id")
	if err != nil {
		return payment.Refund{}, false, err
	}
	if err := s.r.place(ctx, kindRefund, r.ID.String(), home, b); err != nil {
		return payment.Refund{}, false, err
	}
	var stored payment.Refund
	created := false
	err = s.r.write(b, func(sh *shardStores) (err error) {
		stored, created, err = sh.stores.Payments.CreateRefund(ctx, r, check)
		return err
	})
	return stored, created, err
}

func (s *PaymentStore) refundBucket(ctx context.Context, id commerce.RefundID) (int, error) {
	home, err := BucketOf(id, "id")
	if err != nil {
		return 0, err
	}
	return s.r.locate(ctx, kindRefund, id.String(), home, "refund "+id.String())
}

// UpdateRefund implements payment.Store.
func (s *PaymentStore) UpdateRefund(ctx context.Context, id commerce.RefundID, fn func(*payment.Payment, *payment.Refund) ([]commerce.Envelope, error)) (payment.Refund, error) {
	b, err := s.refundBucket(ctx, id)
	if err != nil {
		return payment.Refund{}, err
	}
	var out payment.Refund
	err = s.r.write(b, func(sh *shardStores) (err error) {
		out, err = sh.stores.Payments.UpdateRefund(ctx, id, func(p *payment.Payment, r *payment.Refund) ([]commerce.Envelope, error) {
			var events []commerce.Envelope
			_, err := s.withRef(ctx, b, func(p *payment.Payment) (ev []commerce.Envelope, err error) {
				events, err = fn(p, r)
				return events, err
			})(p)
			return events, err
		})
		return err
	})
	return out, err
}

// GetRefund implements payment.Store.
func (s *PaymentStore) GetRefund(ctx context.Context, id commerce.RefundID) (payment.Refund, error) {
	b, err := s.refundBucket(ctx, id)
	if err != nil {
		return payment.Refund{}, err
	}
	var out payment.Refund
	err = s.r.read(b, func(sh *shardStores) (err error) {
		out, err = sh.stores.Payments.GetRefund(ctx, id)
		return err
	})
	return out, err
}

// ListRefunds implements payment.Store. An unknown payment has no refunds.
func (s *PaymentStore) ListRefunds(ctx context.Context, id commerce.PaymentID) ([]payment.Refund, error) {
	b, err := s.bucketOf(ctx, id, "payment_id")
	if commerce.Code(err) == commerce.CodeNotFound {
		return []payment.Refund{}, nil
	}
	if err != nil {
		return nil, err
	}
	var out []payment.Refund
	err = s.r.read(b, func(sh *shardStores) (err error) {
		out, err = sh.stores.Payments.ListRefunds(ctx, id)
		return err
	})
	return out, err
}

// ApplyWebhook implements payment.Store on the payment's shard, where its
// webhook events are recorded.
func (s *PaymentStore) ApplyWebhook(ctx context.Context, provider, eventID string, id commerce.PaymentID, fn func(*payment.Payment) ([]commerce.Envelope, error)) (bool, error) {
	b, err := s.bucketOf(ctx, id, "id")
	if err != nil {
		return false, err
	}
	applied := false
	err = s.r.write(b, func(sh *shardStores) (err error) {
		applied, err = sh.stores.Payments.ApplyWebhook(ctx, provider, eventID, id, s.withRef(ctx, b, fn))
		return err
	})
	return applied, err
}
