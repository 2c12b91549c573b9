package recommend

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// OrderLister lists a customer's orders. *order.Service satisfies it.
type OrderLister interface {
	List(ctx context.Context, f order.ListFilter, page commerce.PageRequest) (commerce.Page[order.Order], error)
}

// maxPurchasePages bounds the orders read per request: a customer's
// most recent 2,500 orders.
const maxPurchasePages = 5

// OrderPurchases returns the Purchases of the customers' orders in
// orders: the products of every order that was paid for and not
// cancelled or refunded.
func OrderPurchases(orders OrderLister) Purchases { return orderPurchases{orders} }

type orderPurchases struct{ orders OrderLister }

func (p orderPurchases) Purchased(ctx context.Context, customer commerce.CustomerID) (map[commerce.ProductID]bool, error) {
	bought := map[commerce.ProductID]bool{}
	page := commerce.PageRequest{Limit: commerce.MaxPageLimit}
	for range maxPurchasePages {
		res, err := p.orders.List(ctx, order.ListFilter{CustomerID: customer}, page)
		if err != nil {
			return nil, err
		}
		for _, o := range res.Items {
			switch o.Status {
			case order.StatusPending, order.StatusPaymentPending, order.StatusCancelled, order.StatusRefunded:
				continue
			}
			for _, l := range o.Lines {
				bought[l.ProductID] = true
			}
		}
		if res.NextCursor == "" {
			break
		}
		page.Cursor = res.NextCursor
	}
	return bought, nil
}
