package httpapi

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// OpenAPI returns the API's OpenAPI 3.1 document, built from its routes.
func (a *API) OpenAPI() map[string]any {
	s := &schemas{defs: map[string]any{}}
	errRef := s.of(reflect.TypeFor[ErrorBody]())
	paths := map[string]any{}
	for _, rt := range a.routes {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = operation(s, rt, errRef)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Mercato API",
			"version":     "1.0.0",
			"description": "The store API (/store), the admin API (/admin) and the payment provider's webhook of a Mercato shop.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": s.defs,
			"securitySchemes": map[string]any{
				"customer": map[string]any{"type": "http", "scheme": "bearer", "description": "A customer session token from POST /store/auth/login."},
				"admin":    map[string]any{"type": "http", "scheme": "bearer", "description": "The shop's admin key."},
			},
		},
	}
}

var pathParam = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

// operationID names a route for generated clients: the method and the
// path's words, e.g. post_store_carts_id_items.
func operationID(rt Route) string {
	words := nonWord.Split(strings.ToLower(rt.Method+" "+rt.Path), -1)
	var kept []string
	for _, w := range words {
		if w != "" {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, "_")
}

func operation(s *schemas, rt Route, errRef map[string]any) map[string]any {
	op := map[string]any{"operationId": operationID(rt), "summary": rt.Summary}
	if rt.Tag != "" {
		op["tags"] = []string{rt.Tag}
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range rt.Query {
		typ := q.Type
		if typ == "" {
			typ = "string"
		}
		schema := map[string]any{"type": typ}
		if q.Repeated {
			schema = map[string]any{"type": "array", "items": map[string]any{"type": typ}}
		}
		p := map[string]any{"name": q.Name, "in": "query", "required": q.Required, "schema": schema}
		if q.Description != "" {
			p["description"] = q.Description
		}
		if q.Repeated {
			p["style"], p["explode"] = "form", true
		}
		params = append(params, p)
	}
	if rt.Header != "" {
		params = append(params, map[string]any{"name": rt.Header, "in": "header", "required": true, "schema": map[string]any{"type": "string"}})
	}
	if rt.TokenHeader != "" {
		params = append(params, map[string]any{
			"name": rt.TokenHeader, "in": "header", "required": false, "schema": map[string]any{"type": "string"},
			"description": "The guest resource's capability token, answered when it was created; needed unless the resource is the signed-in customer's.",
		})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if rt.Request != nil {
		mediaType := rt.RequestType
		if mediaType == "" {
			mediaType = "application/json"
		}
		op["requestBody"] = map[string]any{
			"required": !rt.OptionalBody,
			"content":  map[string]any{mediaType: map[string]any{"schema": s.of(reflect.TypeOf(rt.Request))}},
		}
	}
	ok := map[string]any{"description": http.StatusText(rt.Status)}
	if rt.Response != nil {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": s.of(reflect.TypeOf(rt.Response))}}
	}
	op["responses"] = map[string]any{
		strconv.Itoa(rt.Status): ok,
		"default": map[string]any{
			"description": "An error: the status fits its code.",
			"content":     map[string]any{"application/json": map[string]any{"schema": errRef}},
		},
	}
	switch rt.Auth {
	case Customer:
		op["security"] = []any{map[string]any{"customer": []string{}}}
	case Admin:
		op["security"] = []any{map[string]any{"admin": []string{}}}
	default:
		// A token is optional: without one the caller is a guest.
		op["security"] = []any{map[string]any{}, map[string]any{"customer": []string{}}}
	}
	return op
}

// openAPIRoute serves the document at /openapi.json.
func (a *API) openAPIRoute() {
	a.add(Route{
		Method: http.MethodGet, Path: "/openapi.json", Summary: "This API's OpenAPI 3.1 document", Tag: "meta",
		Response: map[string]any{},
		handle: reply(func(*http.Request) (map[string]any, error) {
			return a.OpenAPI(), nil
		}),
	})
}
