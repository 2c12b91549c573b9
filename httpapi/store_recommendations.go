package httpapi

import (
	"net/http"
	"strconv"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
)

// SessionHeader names a guest's session for recommendations: a client
// that sends it (any token of up to 128 letters, digits, '-', '_' or
// '.', such as its cart ID) has the products it views counted together.
// A signed-in customer is known by their token instead.
const SessionHeader = "X-Session-ID"

// recommendationLimit documents ?limit= of the recommendation routes.
var recommendationLimit = Param{
	Name: "limit", Type: "integer",
	Description: "How many products: default 10, from 1 to 50 (anything else is 400).",
}

// recommendationRoutes registers the recommendation reads, served when
// the shop has a recommender: without one they are not served (404) nor
// documented.
func (a *API) recommendationRoutes() {
	a.add(Route{
		Method: http.MethodGet, Path: "/store/products/{id}/recommendations", Tag: "recommendations",
		Summary: "Products to show beside a product (by ID or handle): bought together with it, then popular in its category and in the shop; active and in stock",
		Query:   []Param{recommendationLimit}, Response: List[recommend.Recommendation]{},
		handle: reply(func(r *http.Request) (List[recommend.Recommendation], error) {
			rec, n, err := a.recommendations(r)
			if err != nil {
				return List[recommend.Recommendation]{}, err
			}
			p, err := a.storeProduct(r.Context(), r.PathValue("id"))
			if err != nil {
				return List[recommend.Recommendation]{}, err
			}
			recs, err := rec.ForProduct(r.Context(), p.ID, n)
			return listOf(recs), err
		}),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/store/customers/me/recommendations", Tag: "recommendations", Auth: Customer,
		Summary: "Products for the signed-in customer from what they viewed, carted and bought, then popular ones; never what they bought; active and in stock",
		Query:   []Param{recommendationLimit}, Response: List[recommend.Recommendation]{},
		handle: reply(func(r *http.Request) (List[recommend.Recommendation], error) {
			rec, n, err := a.recommendations(r)
			if err != nil {
				return List[recommend.Recommendation]{}, err
			}
			recs, err := rec.ForCustomer(r.Context(), callerOf(r).customer, n)
			return listOf(recs), err
		}),
	})
}

// recommendations returns the recommender and the ?limit= asked for:
// InvalidArgument for a limit that is not a whole number from 1 to
// recommend.MaxLimit.
func (a *API) recommendations(r *http.Request) (*recommend.Service, int, error) {
	n := recommend.DefaultLimit
	if s := r.URL.Query().Get("limit"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > recommend.MaxLimit {
			return nil, 0, commerce.Errorf(commerce.CodeInvalidArgument, "limit must be a whole number from 1 to %d", recommend.MaxLimit).WithDetail("field", "limit")
		}
		n = v
	}
	return a.svc.Recommendations, n, nil
}

// recordView counts a view of product for recommendations, when the
// shop tracks them and the caller is known (a customer, or a guest
// sending SessionHeader). It never fails or delays the request.
func (a *API) recordView(r *http.Request, product commerce.ProductID) {
	if a.opts.Activity == nil {
		return
	}
	session := r.Header.Get(SessionHeader)
	if !validSession(session) {
		session = ""
	}
	a.opts.Activity.Viewed(product, session, callerOf(r).customer)
}

// validSession reports whether s is a session token the API passes on:
// it becomes a key in the activity log, so it is kept short and plain.
func validSession(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}
