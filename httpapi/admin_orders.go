package httpapi

import (
	"context"
	"net/http"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// TransitionRequest is the body of POST /admin/orders/{id}/transitions.
type TransitionRequest struct {
	// To is the status to move the order to.
	To order.Status `json:"to"`
	// Reason is recorded in the order's history; optional.
	Reason string `json:"reason,omitempty"`
	// Shipment describes the shipment; only with to "shipped".
	Shipment *order.Shipment `json:"shipment,omitempty"`
}

// ShipRequest is the optional body of POST /admin/orders/{id}/ship.
type ShipRequest struct {
	Carrier        string `json:"carrier,omitempty"`
	TrackingNumber string `json:"tracking_number,omitempty"`
	TrackingURL    string `json:"tracking_url,omitempty"`
	Reason         string `json:"reason,omitempty"`
}

// transitionRoutes are the convenience routes of the order state
// machine's moves after checkout: POST /admin/orders/{id}/<verb>.
var transitionRoutes = []struct {
	verb    string
	to      order.Status
	summary string
}{
	{"process", order.StatusProcessing, "Start fulfilling a confirmed order"},
	{"pack", order.StatusPacked, "Mark a processing order packed"},
	{"in-transit", order.StatusInTransit, "Mark a shipped order in transit"},
	{"out-for-delivery", order.StatusOutForDelivery, "Mark an order in transit out for delivery"},
	{"deliver", order.StatusDelivered, "Mark an order out for delivery delivered"},
	{"cancel", order.StatusCancelled, "Cancel a confirmed or processing order: the payment is voided or refunded and the stock given back"},
	{"request-return", order.StatusReturnRequested, "Record a return request for a delivered order on the customer's behalf"},
	{"approve-return", order.StatusReturnApproved, "Approve a requested return"},
	{"refund", order.StatusRefunded, "Refund an order whose return was approved: what was captured is refunded and the units restocked"},
}

func (a *API) adminOrderRoutes() {
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/orders", Tag: "admin orders", Auth: Admin,
		Summary:  "Every order, newest first",
		Query:    append([]Param{orderStatusParam, {Name: "customer_id", Description: "Only this customer's orders."}}, pagingParams...),
		Response: List[order.Order]{},
		handle: reply(paged(func(r *http.Request, page commerce.PageRequest) (commerce.Page[order.Order], error) {
			f := order.ListFilter{Status: order.Status(r.URL.Query().Get("status"))}
			if s := r.URL.Query().Get("customer_id"); s != "" {
				id, err := commerce.ParseID[commerce.CustomerID](s)
				if err != nil {
					return commerce.Page[order.Order]{}, commerce.Errorf(commerce.CodeInvalidArgument, "customer_id %q is not a customer ID", truncate(s)).WithDetail("field", "customer_id")
				}
				f.CustomerID = id
			}
			return a.svc.Orders.List(r.Context(), f, page)
		})),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/orders/{id}", Tag: "admin orders", Auth: Admin,
		Summary: "An order", Response: order.Order{},
		handle: reply(byID(a.svc.Orders.Get)),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/orders/{id}/transitions", Tag: "admin orders", Auth: Admin,
		Summary: "Move an order along the state machine to any status its arrows allow; moving to the current status changes nothing",
		Request: TransitionRequest{}, Response: order.Order{},
		handle: withID("id", func(id commerce.OrderID) handler {
			return replyWith(a, func(r *http.Request, in TransitionRequest) (order.Order, error) {
				if in.Shipment != nil && in.To != order.StatusShipped {
					return order.Order{}, commerce.Errorf(commerce.CodeInvalidArgument, "a shipment goes only with a move to %s", order.StatusShipped).WithDetail("field", "shipment")
				}
				return a.transition(r.Context(), order.TransitionInput{OrderID: id, To: in.To, Reason: in.Reason, Shipment: in.Shipment})
			})
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/orders/{id}/ship", Tag: "admin orders", Auth: Admin,
		Summary:      "Ship a packed order with its carrier and tracking (the body is optional); capturing at shipment, the payment is captured first",
		OptionalBody: true, Request: ShipRequest{}, Response: order.Order{},
		handle: withID("id", func(id commerce.OrderID) handler {
			return replyWith(a, func(r *http.Request, in ShipRequest) (order.Order, error) {
				var sh *order.Shipment
				if in.Carrier != "" || in.TrackingNumber != "" || in.TrackingURL != "" {
					sh = &order.Shipment{Carrier: in.Carrier, TrackingNumber: in.TrackingNumber, TrackingURL: in.TrackingURL}
				}
				return a.transition(r.Context(), order.TransitionInput{OrderID: id, To: order.StatusShipped, Reason: in.Reason, Shipment: sh})
			})
		}),
	})
	for _, tr := range transitionRoutes {
		a.add(Route{
			Method: http.MethodPost, Path: "/admin/orders/{id}/" + tr.verb, Tag: "admin orders", Auth: Admin,
			Summary:      tr.summary + " (the body is optional)",
			OptionalBody: true, Request: ReasonRequest{}, Response: order.Order{},
			handle: withID("id", func(id commerce.OrderID) handler {
				return replyWith(a, func(r *http.Request, in ReasonRequest) (order.Order, error) {
					return a.transition(r.Context(), order.TransitionInput{OrderID: id, To: tr.to, Reason: in.Reason})
				})
			}),
		})
	}
}

// transition moves an order as the admin.
func (a *API) transition(ctx context.Context, in order.TransitionInput) (order.Order, error) {
	in.Actor = order.ActorAdmin
	return a.svc.Orders.Transition(ctx, in)
}
