package httpapi

import (
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
		handle: func(w http.ResponseWriter, r *http.Request) error {
			page, err := pageOf(r)
			if err != nil {
				return err
			}
			f := order.ListFilter{Status: order.Status(r.URL.Query().Get("status"))}
			if s := r.URL.Query().Get("customer_id"); s != "" {
				if f.CustomerID, err = commerce.ParseID[commerce.CustomerID](s); err != nil {
					return commerce.Errorf(commerce.CodeInvalidArgument, "customer_id %q is not a customer ID", truncate(s)).WithDetail("field", "customer_id")
				}
			}
			return a.writeOrders(w, r, f, page)
		},
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/orders/{id}", Tag: "admin orders", Auth: Admin,
		Summary: "An order", Response: order.Order{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			id, err := pathID[commerce.OrderID](r, "id")
			if err != nil {
				return err
			}
			o, err := a.svc.Orders.Get(r.Context(), id)
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, o)
			return nil
		},
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/orders/{id}/transitions", Tag: "admin orders", Auth: Admin,
		Summary: "Move an order along the state machine to any status its arrows allow; moving to the current status changes nothing",
		Request: TransitionRequest{}, Response: order.Order{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			id, err := pathID[commerce.OrderID](r, "id")
			if err != nil {
				return err
			}
			var in TransitionRequest
			if err := a.decodeJSON(w, r, &in); err != nil {
				return err
			}
			if in.Shipment != nil && in.To != order.StatusShipped {
				return commerce.Errorf(commerce.CodeInvalidArgument, "a shipment goes only with a move to %s", order.StatusShipped).WithDetail("field", "shipment")
			}
			return a.transition(w, r, order.TransitionInput{OrderID: id, To: in.To, Reason: in.Reason, Shipment: in.Shipment})
		},
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/orders/{id}/ship", Tag: "admin orders", Auth: Admin,
		Summary:      "Ship a packed order with its carrier and tracking (the body is optional); capturing at shipment, the payment is captured first",
		OptionalBody: true, Request: ShipRequest{}, Response: order.Order{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			id, err := pathID[commerce.OrderID](r, "id")
			if err != nil {
				return err
			}
			var in ShipRequest
			if err := a.decodeOptionalJSON(w, r, &in); err != nil {
				return err
			}
			var sh *order.Shipment
			if in.Carrier != "" || in.TrackingNumber != "" || in.TrackingURL != "" {
				sh = &order.Shipment{Carrier: in.Carrier, TrackingNumber: in.TrackingNumber, TrackingURL: in.TrackingURL}
			}
			return a.transition(w, r, order.TransitionInput{OrderID: id, To: order.StatusShipped, Reason: in.Reason, Shipment: sh})
		},
	})
	for _, tr := range transitionRoutes {
		a.add(Route{
			Method: http.MethodPost, Path: "/admin/orders/{id}/" + tr.verb, Tag: "admin orders", Auth: Admin,
			Summary:      tr.summary + " (the body is optional)",
			OptionalBody: true, Request: ReasonRequest{}, Response: order.Order{},
			handle: func(w http.ResponseWriter, r *http.Request) error {
				id, err := pathID[commerce.OrderID](r, "id")
				if err != nil {
					return err
				}
				var in ReasonRequest
				if err := a.decodeOptionalJSON(w, r, &in); err != nil {
					return err
				}
				return a.transition(w, r, order.TransitionInput{OrderID: id, To: tr.to, Reason: in.Reason})
			},
		})
	}
}

// transition moves an order as the admin and answers it.
func (a *API) transition(w http.ResponseWriter, r *http.Request, in order.TransitionInput) error {
	in.Actor = order.ActorAdmin
	o, err := a.svc.Orders.Transition(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}
