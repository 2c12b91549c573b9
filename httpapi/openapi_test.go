package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requiredRoutes are the operations the shop's clients rely on; each
// must be served and documented.
var requiredRoutes = []string{
	"POST /store/customers",
	"POST /store/auth/login",
	"POST /store/auth/logout",
	"GET /store/customers/me",
	"GET /openapi.json",
	"POST /store/carts",
	"GET /store/carts/mine",
	"GET /store/carts/{id}",
	"POST /store/carts/{id}/items",
	"PATCH /store/carts/{id}/items/{line}",
	"DELETE /store/carts/{id}/items/{line}",
	"DELETE /store/carts/{id}/items",
	"POST /store/carts/{id}/merge",
	"POST /store/carts/{id}/checkout",
	"GET /store/orders",
	"GET /store/orders/{id}",
	"POST /store/orders/{id}/cancel",
	"POST /store/orders/{id}/return",
	"GET /admin/orders",
	"GET /admin/orders/{id}",
	"POST /admin/orders/{id}/transitions",
	"POST /admin/orders/{id}/process",
	"POST /admin/orders/{id}/pack",
	"POST /admin/orders/{id}/ship",
	"POST /admin/orders/{id}/in-transit",
	"POST /admin/orders/{id}/out-for-delivery",
	"POST /admin/orders/{id}/deliver",
	"POST /admin/orders/{id}/cancel",
	"POST /admin/orders/{id}/request-return",
	"POST /admin/orders/{id}/approve-return",
	"POST /admin/orders/{id}/refund",
	"GET /admin/orders/{id}/payments",
	"GET /admin/payments/{id}",
	"GET /admin/payments/{id}/refunds",
	"POST /admin/payments/{id}/refunds",
	"POST /webhooks/stripe",
	"GET /store/products",
	"GET /store/products/{id}",
	"GET /store/products/{id}/reviews",
	"POST /store/products/{id}/reviews",
	"GET /store/brands",
	"GET /store/brands/{id}",
	"GET /store/categories",
	"GET /store/categories/{id}",
	"GET /store/search",
	"GET /store/search/suggest",
	"POST /admin/brands",
	"GET /admin/brands",
	"GET /admin/brands/{id}",
	"POST /admin/categories",
	"GET /admin/categories",
	"GET /admin/categories/{id}",
	"POST /admin/products",
	"GET /admin/products",
	"POST /admin/products/import",
	"GET /admin/products/{id}",
	"PATCH /admin/products/{id}",
	"POST /admin/products/{id}/archive",
	"DELETE /admin/products/{id}",
	"POST /admin/products/{id}/variants",
	"PUT /admin/products/{id}/variants/{variant_id}",
	"DELETE /admin/products/{id}/variants/{variant_id}",
	"GET /admin/inventory/{sku}",
	"PUT /admin/inventory/{sku}",
	"POST /admin/inventory/{sku}/adjust",
	"GET /admin/inventory/{sku}/movements",
	"POST /store/carts/{id}/codes",
	"DELETE /store/carts/{id}/codes/{code}",
	"POST /admin/promotions",
	"GET /admin/promotions",
	"GET /admin/promotions/{id}",
	"PUT /admin/promotions/{id}",
	"POST /admin/promotions/{id}/deactivate",
	"POST /admin/promotion-codes",
	"GET /admin/promotion-codes",
	"GET /admin/promotion-codes/{code}",
	"PATCH /admin/promotion-codes/{code}",
	"POST /admin/promotion-codes/{code}/deactivate",
	"POST /admin/gift-cards",
	"GET /admin/gift-cards",
	"GET /admin/gift-cards/{id}",
	"POST /admin/gift-cards/balance",
	"POST /admin/gift-cards/{id}/deactivate",
}

// TestOpenAPIDocument fetches /openapi.json and checks it is a valid
// OpenAPI 3.1 document that lists every route the API serves and every
// required one.
func TestOpenAPIDocument(t *testing.T) {
	s := newShop(t)
	r := s.do(http.MethodGet, "/openapi.json", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	var doc map[string]any
	r.json(t, &doc)
	problems := validateOpenAPI(doc)
	assert.Empty(t, problems, "the document is invalid")

	documented := map[string]bool{}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		for method := range item.(map[string]any) {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	for _, rt := range s.api.Routes() {
		assert.True(t, documented[rt.Method+" "+rt.Path], "served but not documented: %s %s", rt.Method, rt.Path)
	}
	for _, want := range requiredRoutes {
		assert.True(t, documented[want], "required route missing: %s", want)
	}
}

var methods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true, "trace": true}

// validateOpenAPI checks what makes an OpenAPI 3.1 document usable: the
// version and info, operations with unique IDs and responses, path
// parameters that match their templates, and $refs that resolve.
func validateOpenAPI(doc map[string]any) []string {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		bad("openapi version %q is not 3.1.x", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == nil || info["version"] == nil {
		bad("info needs a title and a version")
	}
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	paths, ok := doc["paths"].(map[string]any)
	if !ok || len(paths) == 0 {
		bad("no paths")
	}
	ids := map[string]string{}
	template := regexp.MustCompile(`\{([^}]+)\}`)
	for path, rawItem := range paths {
		if !strings.HasPrefix(path, "/") {
			bad("path %q does not start with /", path)
		}
		var inPath []string
		for _, m := range template.FindAllStringSubmatch(path, -1) {
			inPath = append(inPath, m[1])
		}
		sort.Strings(inPath)
		item, _ := rawItem.(map[string]any)
		for method, rawOp := range item {
			where := strings.ToUpper(method) + " " + path
			if !methods[method] {
				bad("%s: %q is not an HTTP method", where, method)
				continue
			}
			op, _ := rawOp.(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" {
				bad("%s: no operationId", where)
			} else if other, dup := ids[id]; dup {
				bad("%s: operationId %q also used by %s", where, id, other)
			}
			ids[id] = where
			responses, _ := op["responses"].(map[string]any)
			if len(responses) == 0 {
				bad("%s: no responses", where)
			}
			for code, raw := range responses {
				resp, _ := raw.(map[string]any)
				if code != "default" && !regexp.MustCompile(`^[1-5]\d\d$`).MatchString(code) {
					bad("%s: response code %q", where, code)
				}
				if _, ok := resp["description"].(string); !ok {
					bad("%s: response %s needs a description", where, code)
				}
			}
			var declared []string
			params, _ := op["parameters"].([]any)
			for _, raw := range params {
				p, _ := raw.(map[string]any)
				in, _ := p["in"].(string)
				if p["name"] == nil || !map[string]bool{"path": true, "query": true, "header": true, "cookie": true}[in] {
					bad("%s: parameter %v needs a name and a valid in", where, p)
				}
				if p["schema"] == nil {
					bad("%s: parameter %v needs a schema", where, p["name"])
				}
				if in == "path" {
					if p["required"] != true {
						bad("%s: path parameter %v must be required", where, p["name"])
					}
					declared = append(declared, p["name"].(string))
				}
			}
			sort.Strings(declared)
			if strings.Join(declared, ",") != strings.Join(inPath, ",") {
				bad("%s: path parameters %v do not match the template's %v", where, declared, inPath)
			}
		}
	}
	raw, _ := json.Marshal(doc)
	for _, m := range regexp.MustCompile(`"\$ref":"([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
		name, ok := strings.CutPrefix(m[1], "#/components/schemas/")
		if !ok || schemas[name] == nil {
			bad("$ref %s does not resolve", m[1])
		}
	}
	return problems
}
