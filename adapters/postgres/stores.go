package postgres

import (
	"github.com/jackc/pgx/v5/pgxpool"
)

// Stores is every store of this package on one pool, for a host that
// keeps all of Mercato's durable state in PostgreSQL.
type Stores struct {
	Catalog       *CatalogStore
	Customers     *CustomerStore
	Inventory     *InventoryStore
	Orders        *OrderStore
	Payments      *PaymentStore
	Notifications *NotifyStore
	Promotions    *PromotionStore
}

// NewStores returns every store on pool with the same opts (so their
// events go to one outbox), as the individual constructors would. The
// schema must have been brought up to date by Migrate.
func NewStores(pool *pgxpool.Pool, opts *Options) (*Stores, error) {
	var s Stores
	var err error
	if s.Catalog, err = NewCatalogStore(pool, opts); err != nil {
		return nil, err
	}
	if s.Customers, err = NewCustomerStore(pool, opts); err != nil {
		return nil, err
	}
	if s.Inventory, err = NewInventoryStore(pool, opts); err != nil {
		return nil, err
	}
	if s.Orders, err = NewOrderStore(pool, opts); err != nil {
		return nil, err
	}
	if s.Payments, err = NewPaymentStore(pool, opts); err != nil {
		return nil, err
	}
	if s.Notifications, err = NewNotifyStore(pool, opts); err != nil {
		return nil, err
	}
	if s.Promotions, err = NewPromotionStore(pool, opts); err != nil {
		return nil, err
	}
	return &s, nil
}
