package httpapi

import (
	"net/http"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// ReasonRequest is the optional body of routes that move an order: the
// reason recorded in its history.
type ReasonRequest struct {
	Reason string `json:"reason,omitempty"`
}

// orderStatusParam documents the ?status= filter of order lists.
var orderStatusParam = Param{Name: "status", Description: "Only orders in this status (pending, payment_pending, confirmed, processing, packed, shipped, in_transit, out_for_delivery, delivered, cancelled, return_requested, return_approved, refunded)."}

// pagingParams document ?limit= and ?cursor= of paged lists.
var pagingParams = []Param{
	{Name: "limit", Type: "integer", Description: "Items per page; default and maximum as the server sets them."},
	{Name: "cursor", Description: "The next_cursor of the previous page."},
}

func (a *API) orderRoutes() {
	a.add(Route{
		Method: http.MethodGet, Path: "/store/orders", Tag: "orders", Auth: Customer,
		Summary: "The signed-in customer's orders, newest first",
		Query:   append([]Param{orderStatusParam}, pagingParams...), Response: List[order.Order]{},
		handle: reply(paged(func(r *http.Request, page commerce.PageRequest) (commerce.Page[order.Order], error) {
			f := order.ListFilter{CustomerID: callerOf(r).customer, Status: order.Status(r.URL.Query().Get("status"))}
			return a.svc.Orders.List(r.Context(), f, page)
		})),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/store/orders/{id}", Tag: "orders",
		Summary:     "An order: a customer's with their session token, a guest's with its X-Order-Token",
		TokenHeader: OrderTokenHeader,
		Response:    order.Order{},
		handle:      reply(a.ownOrder),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/orders/{id}/cancel", Tag: "orders",
		Summary:      "Cancel a confirmed or processing order: the payment is voided or refunded and the stock given back (the body is optional)",
		TokenHeader:  OrderTokenHeader,
		OptionalBody: true, Request: ReasonRequest{}, Response: order.Order{},
		handle: replyWith(a, func(r *http.Request, in ReasonRequest) (order.Order, error) {
			o, err := a.ownOrder(r)
			if err != nil {
				return order.Order{}, err
			}
			return a.svc.Orders.Cancel(r.Context(), o.ID, order.CustomerActor(callerOf(r).customer), in.Reason)
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/orders/{id}/return", Tag: "orders",
		Summary:      "Ask to return a delivered order (the body is optional)",
		TokenHeader:  OrderTokenHeader,
		OptionalBody: true, Request: ReasonRequest{}, Response: order.Order{},
		handle: replyWith(a, func(r *http.Request, in ReasonRequest) (order.Order, error) {
			o, err := a.ownOrder(r)
			if err != nil {
				return order.Order{}, err
			}
			return a.svc.Orders.Transition(r.Context(), order.TransitionInput{
				OrderID: o.ID, To: order.StatusReturnRequested,
				Actor: order.CustomerActor(callerOf(r).customer), Reason: in.Reason,
			})
		}),
	})
}

// ownOrder returns the order named by the path's {id} if the caller may
// see it: one of the caller's, or a guest order with its X-Order-Token
// (see owned).
func (a *API) ownOrder(r *http.Request) (order.Order, error) {
	return owned(r, a.svc.Orders.Get, func(o order.Order) commerce.CustomerID { return o.CustomerID }, a.mayUseOrder, orderNotFound)
}

func orderNotFound(id commerce.OrderID) error {
	return commerce.Errorf(commerce.CodeNotFound, "order %s not found", id).WithDetail("order_id", id.String())
}
