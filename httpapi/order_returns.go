package httpapi

import (
	"net/http"
	"strconv"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// ReturnRequest is the body of POST /store/orders/{id}/returns and
// POST /admin/orders/{id}/returns: some of the order's units to return.
type ReturnRequest struct {
	// Lines name SKUs of the order and how many units of each.
	Lines []order.ReturnLine `json:"lines"`
	// Reason is recorded with the return; optional.
	Reason string `json:"reason,omitempty"`
}

// returnRoutes are the routes of partial returns: a customer (or the shop
// on their behalf) requests one; the shop approves and refunds it.
func (a *API) returnRoutes() {
	a.add(Route{
		Method: http.MethodPost, Path: "/store/orders/{id}/returns", Tag: "orders",
		Summary: "Ask to return some units of a delivered order; the refund, prorated with its share of tax (and of shipping, as the shop is configured), is recorded with the return. The order may be returned in several returns, never more than was bought",
		Request: ReturnRequest{}, Response: order.Order{}, Status: http.StatusCreated,
		handle: replyWith(a, func(r *http.Request, in ReturnRequest) (order.Order, error) {
			o, err := a.ownOrder(r)
			if err != nil {
				return order.Order{}, err
			}
			got, _, err := a.svc.Orders.RequestReturn(r.Context(), order.ReturnInput{
				OrderID: o.ID, Lines: in.Lines, Reason: in.Reason, Actor: order.CustomerActor(callerOf(r).customer),
			})
			return got, err
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/orders/{id}/returns", Tag: "admin orders", Auth: Admin,
		Summary: "Record a return of some units of a delivered order on the customer's behalf",
		Request: ReturnRequest{}, Response: order.Order{}, Status: http.StatusCreated,
		handle: withID("id", func(id commerce.OrderID) handler {
			return replyWith(a, func(r *http.Request, in ReturnRequest) (order.Order, error) {
				got, _, err := a.svc.Orders.RequestReturn(r.Context(), order.ReturnInput{OrderID: id, Lines: in.Lines, Reason: in.Reason, Actor: order.ActorAdmin})
				return got, err
			})
		}),
	})
	steps := []struct {
		verb, summary string
		step          func(r *http.Request, id commerce.OrderID, n int) (order.Order, order.Return, error)
	}{
		{"approve", "Approve a requested return; approving again changes nothing", func(r *http.Request, id commerce.OrderID, n int) (order.Order, order.Return, error) {
			return a.svc.Orders.ApproveReturn(r.Context(), id, n, order.ActorAdmin)
		}},
		{"refund", "Refund an approved return: its prorated refund is paid back to the order's payment; refunding again pays nothing twice", func(r *http.Request, id commerce.OrderID, n int) (order.Order, order.Return, error) {
			return a.svc.Orders.RefundReturn(r.Context(), id, n, order.ActorAdmin)
		}},
	}
	for _, st := range steps {
		a.add(Route{
			Method: http.MethodPost, Path: "/admin/orders/{id}/returns/{number}/" + st.verb, Tag: "admin orders", Auth: Admin,
			Summary: st.summary, Response: order.Order{},
			handle: withID("id", func(id commerce.OrderID) handler {
				return reply(func(r *http.Request) (order.Order, error) {
					n, err := strconv.Atoi(r.PathValue("number"))
					if err != nil || n < 1 {
						return order.Order{}, commerce.Errorf(commerce.CodeInvalidArgument, "the return number must be a positive integer").WithDetail("field", "number")
					}
					o, _, err := st.step(r, id, n)
					return o, err
				})
			}),
		})
	}
}
