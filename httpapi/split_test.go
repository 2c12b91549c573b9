package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/recommend"
)

// over returns a shop whose API serves only the services of svc, all of
// them s's, with options changed by opts: one service of a shop split
// into processes.
func (s *shop) over(svc httpapi.Services, opts func(*httpapi.Options)) *shop {
	s.t.Helper()
	o := &httpapi.Options{AdminKey: adminKey, Logger: slog.New(slog.DiscardHandler)}
	if opts != nil {
		opts(o)
	}
	api, err := httpapi.New(svc, o)
	require.NoError(s.t, err)
	sub := &shop{t: s.t, svc: s.svc, api: api, events: s.events, provider: s.provider, index: s.index, tokens: map[string]string{}}
	sub.srv = httptest.NewServer(api)
	s.t.Cleanup(sub.srv.Close)
	return sub
}

// subsets are the Services each service serves its routes from, and
// the options it needs, over s's services.
func subsets(t *testing.T, s *shop) map[httpapi.Service]struct {
	svc  httpapi.Services
	opts func(*httpapi.Options)
} {
	t.Helper()
	recs, err := recommend.NewService(memory.NewRecommendationStore(nil), s.svc.Catalog, s.svc.Inventory, nil)
	require.NoError(t, err)
	type subset = struct {
		svc  httpapi.Services
		opts func(*httpapi.Options)
	}
	return map[httpapi.Service]subset{
		httpapi.ServiceUser: {svc: httpapi.Services{Customers: s.svc.Customers}},
		httpapi.ServiceProduct: {svc: httpapi.Services{
			Catalog: s.svc.Catalog, Search: s.svc.Search, Recommendations: recs, Promotions: s.svc.Promotions,
		}},
		httpapi.ServiceCart: {svc: httpapi.Services{Carts: s.svc.Carts}},
		httpapi.ServiceOrder: {svc: httpapi.Services{Orders: s.svc.Orders}, opts: func(o *httpapi.Options) {
			o.CartReader = s.svc.Carts
		}},
		httpapi.ServicePayment:   {svc: httpapi.Services{Payments: s.svc.Payments}},
		httpapi.ServiceInventory: {svc: httpapi.Services{Inventory: s.svc.Inventory}},
	}
}

// samplePath fills a route's wildcards with values of the right shape
// that name nothing.
func samplePath(path string) string {
	return strings.NewReplacer(
		"{id}", "x-1", "{line}", "x-2", "{sku}", "SKU-NONE", "{code}", "NOCODE",
		"{number}", "1", "{variant_id}", "x-3",
	).Replace(path)
}

// TestEachServiceServesItsRoutes builds an API per service and checks it
// serves exactly the routes the table gives that service, and that every
// other route answers a JSON 404 (or 405 on a path it serves under
// another method), never a 5xx.
func TestEachServiceServesItsRoutes(t *testing.T) {
	s := newShop(t)
	table := httpapi.RouteTable()
	owners := map[httpapi.Service]int{}
	for _, rt := range table {
		require.Contains(t, httpapi.AllServices(), rt.Service, "%s has no owner", rt.Pattern())
		owners[rt.Service]++
	}
	for name, sub := range subsets(t, s) {
		t.Run(string(name), func(t *testing.T) {
			require.NotZero(t, owners[name], "the table gives %s no route", name)
			one := s.over(sub.svc, sub.opts)
			assert.Equal(t, []httpapi.Service{name}, one.api.Services())

			var want, got []string
			servedPaths := map[string]bool{}
			for _, rt := range table {
				if rt.Service == name {
					want = append(want, rt.Pattern())
				}
			}
			for _, rt := range one.api.Routes() {
				if rt.Service == "" { // the API's own document
					continue
				}
				assert.Equal(t, name, rt.Service, rt.Pattern())
				got = append(got, rt.Pattern())
				servedPaths[rt.Path] = true
			}
			assert.ElementsMatch(t, want, got)

			for _, rt := range table {
				body := strings.NewReader("{}")
				req := httptest.NewRequest(rt.Method, samplePath(rt.Path), body)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+adminKey)
				rec := httptest.NewRecorder()
				one.api.ServeHTTP(rec, req)
				assert.Less(t, rec.Code, 500, "%s: %s", rt.Pattern(), rec.Body)
				if rt.Service == name {
					assert.Equal(t, rt.Pattern(), req.Pattern, "%s is not served", rt.Pattern())
					continue
				}
				assert.Equal(t, "/", req.Pattern, "%s is served", rt.Pattern())
				var e httpapi.ErrorBody
				require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e), "%s: %s", rt.Pattern(), rec.Body)
				if servedPaths[rt.Path] {
					assert.Equal(t, http.StatusMethodNotAllowed, rec.Code, rt.Pattern())
					continue
				}
				assert.Equal(t, http.StatusNotFound, rec.Code, rt.Pattern())
				assert.Equal(t, commerce.CodeNotFound, e.Error.Code, rt.Pattern())
			}

			r := one.do(http.MethodGet, "/healthz", "", nil)
			assert.Equal(t, http.StatusOK, r.status)
			assert.JSONEq(t, `{"status":"ok"}`, string(r.body))
			r = one.do(http.MethodGet, "/openapi.json", "", nil)
			require.Equal(t, http.StatusOK, r.status)
			var doc struct {
				Paths map[string]any `json:"paths"`
			}
			r.json(t, &doc)
			for path := range doc.Paths {
				assert.True(t, path == "/openapi.json" || servedPaths[path], "%s documented", path)
			}
		})
	}
}

// TestRouteTableIsTheWholeAPI checks the table is what an API over every
// service serves, /openapi.json aside.
func TestRouteTableIsTheWholeAPI(t *testing.T) {
	s := newShop(t)
	svc := s.svc
	var err error
	svc.Recommendations, err = recommend.NewService(memory.NewRecommendationStore(nil), s.svc.Catalog, s.svc.Inventory, nil)
	require.NoError(t, err)
	whole := s.over(svc, nil)
	var served []httpapi.Route
	for _, rt := range whole.api.Routes() {
		if rt.Service != "" {
			served = append(served, rt)
		}
	}
	table := httpapi.RouteTable()
	require.Equal(t, len(served), len(table))
	for i := range table {
		assert.Equal(t, served[i].Pattern(), table[i].Pattern())
		assert.Equal(t, served[i].Service, table[i].Service, table[i].Pattern())
	}
	assert.Equal(t, slices.DeleteFunc(httpapi.AllServices(), func(s httpapi.Service) bool { return s == httpapi.ServiceNotification }), whole.api.Services())
}

func TestNewNeedsAService(t *testing.T) {
	s := newShop(t)
	_, err := httpapi.New(httpapi.Services{}, nil)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = httpapi.New(httpapi.Services{Orders: s.svc.Orders}, nil)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "checkout cannot tell whose a cart is")
}

func TestHealth(t *testing.T) {
	s := newShop(t)
	r := s.do(http.MethodGet, "/healthz", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `{"status":"ok"}`, string(r.body))
	assert.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
	r = s.do(http.MethodPost, "/healthz", "", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
}
