package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
)

// hostileFixture is a shop with one of everything a route's path can
// name, and a signed-in customer.
type hostileFixture struct {
	s     *shop
	token string
	// real maps the path segment before a placeholder ("carts",
	// "items", ...) to an ID that exists.
	real map[string]string
}

func newHostileFixture(t testing.TB) *hostileFixture {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 100)
	_, token := s.customer("hostile@example.com")
	o := s.placeOrder(token, "MUG-1")
	c := s.newCart(token)
	line := s.addItem(c.ID, token, "MUG-1", 1).Lines[0]
	require.NotEmpty(t, o.PaymentIDs)
	p, code := s.percentCode("HOSTILE10", 1000, 5)
	card := s.giftCard(5000)
	r := s.do(http.MethodPost, "/store/carts/"+c.ID.String()+"/codes", token, map[string]string{"code": code})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	return &hostileFixture{s: s, token: token, real: map[string]string{
		"products": line.ProductID.String(), "variants": line.VariantID.String(),
		"carts": c.ID.String(), "items": line.ID.String(), "orders": o.ID.String(),
		"payments": o.PaymentIDs[0].String(), "inventory": "MUG-1",
		"promotions": p.ID.String(), "promotion-codes": code, "codes": code, "gift-cards": card.GiftCard.ID.String(),
	}}
}

// path fills rt's placeholders with existing IDs, except that the one at
// index hostile (counting placeholders from 0) is value, already escaped.
func (f *hostileFixture) path(rt httpapi.Route, hostile int, value string) string {
	segs := strings.Split(rt.Path, "/")
	n := 0
	for i, seg := range segs {
		if !strings.HasPrefix(seg, "{") {
			continue
		}
		if n == hostile {
			segs[i] = value
		} else {
			segs[i] = url.PathEscape(f.real[segs[i-1]])
		}
		n++
	}
	return strings.Join(segs, "/")
}

// send serves one request straight through the API's handler, so that a
// panic fails the test rather than being swallowed by an http.Server, and
// checks the answer: never a 5xx, and every error the documented JSON.
func (f *hostileFixture) send(t *testing.T, rt httpapi.Route, path string, body []byte, header http.Header) {
	t.Helper()
	req := httptest.NewRequest(rt.Method, "http://shop.test"+path, bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	switch rt.Auth {
	case httpapi.Admin:
		req.Header.Set("Authorization", "Bearer "+adminKey)
	case httpapi.Customer:
		req.Header.Set("Authorization", "Bearer "+f.token)
	}
	if rt.Header != "" && req.Header.Get(rt.Header) == "" {
		req.Header.Set(rt.Header, "hostile-"+commerce.NewID[commerce.OrderID]().String())
	}
	w := httptest.NewRecorder()
	f.s.api.ServeHTTP(w, req)
	what := rt.Method + " " + path + " " + truncated(body)
	if w.Code >= 500 {
		t.Errorf("%s: %d %s", what, w.Code, w.Body)
		return
	}
	if w.Code < 400 {
		return
	}
	var e httpapi.ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Errorf("%s: %d with a body that is not the error shape: %s", what, w.Code, w.Body)
	}
}

func truncated(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// hostileSegments are path values no client should send.
var hostileSegments = []string{
	"x", "%20", "%00", "%25", "%C3%BC", "%FF%FE", "..", "-1", "1e999",
	"ord_", "cart_00000000000000000000000000", "prod_" + strings.Repeat("Z", 26),
	strings.Repeat("a", 4000),
}

// hostileBodies are request bodies no client should send.
var hostileBodies = []string{
	"", " ", "null", "0", "-1", "1e999", "true", `"x"`, "[]", "[{}]", "{}", "{", "}", `{"a":1}{}`, `{} []`,
	`{"x":"` + "\xff\xfe" + `"}`, "\ufeff{}", strings.Repeat("[", 100000), `{"a":` + strings.Repeat(`{"a":`, 20000) + `1` + strings.Repeat("}", 20001),
	`{"` + strings.Repeat("k", 100000) + `":1}`,
}

// hostileValues are JSON values put in each field of a route's body.
var hostileValues = []string{
	"null", "true", "-1", "0", "1.5", "1e308", "-9223372036854775809", "18446744073709551616",
	`""`, `" "`, `"` + strings.Repeat("x", 20000) + `"`, `"\u0000"`, `"ü"`, "[]", "[null]", `[{"a":1}]`, "{}", `{"amount":1}`,
	`{"amount":-1,"currency":"USD"}`, `{"amount":9223372036854775807,"currency":"USD"}`, `{"amount":1,"currency":"XXX"}`,
}

// hostileQueries are values of each query parameter.
var hostileQueries = []string{"", " ", "-1", "0", "1.5", "abc", "1e999", "99999999999999999999", strings.Repeat("q", 5000), "\x00", "ü", "%"}

// TestNoRouteAnswers5xxToHostileInput sends every route malformed IDs,
// bodies, field values, query parameters and headers. Whatever a client
// sends, the API never panics and never answers 5xx: a client mistake
// is a 4xx with the JSON error shape.
func TestNoRouteAnswers5xxToHostileInput(t *testing.T) {
	f := newHostileFixture(t)
	for _, rt := range f.s.api.Routes() {
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			var okBody []byte
			if rt.Request != nil {
				okBody = []byte("{}")
			}
			for i := range strings.Count(rt.Path, "{") {
				for _, v := range hostileSegments {
					f.send(t, rt, f.path(rt, i, v), okBody, nil)
				}
			}
			path := f.path(rt, -1, "")
			for _, q := range append(rt.Query, httpapi.Param{Name: "limit"}, httpapi.Param{Name: "cursor"}) {
				for _, v := range hostileQueries {
					f.send(t, rt, path+"?"+url.Values{q.Name: {v}}.Encode(), okBody, nil)
				}
			}
			if rt.Header != "" {
				for _, v := range []string{" ", "a b", "ü", strings.Repeat("k", 5000)} {
					f.send(t, rt, path, okBody, http.Header{rt.Header: {v}})
				}
			}
			if rt.Request == nil {
				return
			}
			for _, b := range hostileBodies {
				f.send(t, rt, path, []byte(b), nil)
			}
			f.send(t, rt, path, []byte("{}"), http.Header{"Content-Type": {"text/plain"}})
			f.send(t, rt, path, []byte("{}"), http.Header{"Content-Type": {"application/json; charset=\x00"}})
			for _, field := range jsonFields(reflect.TypeOf(rt.Request)) {
				for _, v := range hostileValues {
					f.send(t, rt, path, []byte(`{"`+field+`":`+v+`}`), nil)
					f.send(t, rt, path, []byte(`[{"`+field+`":`+v+`}]`), nil)
				}
			}
		})
	}
}

// jsonFields returns the JSON names of struct t's fields, those of
// embedded structs included.
func jsonFields(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var names []string
	for _, sf := range reflect.VisibleFields(t) {
		if !sf.IsExported() || sf.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = sf.Name
		}
		names = append(names, name)
	}
	return names
}

// FuzzAPI sends fuzzed path values, queries and bodies to every route,
// with the checks of TestNoRouteAnswers5xxToHostileInput. As a test it
// runs its seeds; `go test -fuzz=FuzzAPI ./httpapi` searches further.
func FuzzAPI(f *testing.F) {
	fx := newHostileFixture(f)
	routes := fx.s.api.Routes()
	f.Add(uint8(0), "", "", []byte(nil))
	f.Add(uint8(3), "x", "limit=-1", []byte(`{"sku":"MUG-1","quantity":1}`))
	f.Add(uint8(9), "%FF", "q=a&facets=brand", []byte(`{"email":"a@example.com","payment_method":"pm_card_visa","shipping_address":{}}`))
	f.Add(uint8(20), "", "cursor=zz", []byte(`{"amount":{"amount":1,"currency":"USD"}}`))
	f.Fuzz(func(t *testing.T, route uint8, segment, query string, body []byte) {
		rt := routes[int(route)%len(routes)]
		path := fx.path(rt, 0, url.PathEscape(segment))
		if segment == "" {
			path = fx.path(rt, -1, "")
		}
		if q, err := url.ParseQuery(query); err == nil && len(q) > 0 {
			path += "?" + q.Encode()
		}
		fx.send(t, rt, path, body, nil)
	})
}
