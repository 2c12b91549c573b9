package httpapi

import (
	"encoding"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// schemas builds JSON Schemas (the OpenAPI 3.1 dialect) from Go types by
// their encoding/json shape, collecting named struct types as components.
type schemas struct {
	defs map[string]any
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	moneyType   = reflect.TypeFor[commerce.Money]()
	rawType     = reflect.TypeFor[json.RawMessage]()
	textMarshal = reflect.TypeFor[encoding.TextMarshaler]()
	anyType     = reflect.TypeFor[any]()
)

// of returns the schema of t: a $ref for named structs, inline otherwise.
func (s *schemas) of(t reflect.Type) map[string]any {
	switch {
	case t == nil || t == anyType:
		return map[string]any{}
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == moneyType:
		s.defs["Money"] = map[string]any{
			"type":        "object",
			"description": "An amount in the currency's minor units (cents), and the ISO 4217 currency.",
			"properties": map[string]any{
				"amount":   map[string]any{"type": "integer", "format": "int64"},
				"currency": map[string]any{"type": "string", "pattern": "^[A-Z]{3}$"},
			},
			"required":             []string{"amount", "currency"},
			"additionalProperties": false,
		}
		return map[string]any{"$ref": "#/components/schemas/Money"}
	case t == rawType:
		return map[string]any{}
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Struct && t.Implements(textMarshal) {
		return map[string]any{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return s.of(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": s.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.of(t.Elem())}
	case reflect.Struct:
		name := schemaName(t)
		if name == "" {
			return s.object(t)
		}
		if _, ok := s.defs[name]; !ok {
			s.defs[name] = nil // a placeholder stops recursion
			s.defs[name] = s.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// object is the inline schema of struct t.
func (s *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	s.fields(t, props, &required)
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func (s *schemas) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != timeType && ft != moneyType {
				s.fields(ft, props, required)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = s.of(f.Type)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && f.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

// schemaName names a struct type's component: its Go name, with generic
// arguments spelt out (List[catalog.Product] is ListProduct).
func schemaName(t reflect.Type) string {
	name := t.Name()
	if name == "" {
		return ""
	}
	if base, args, ok := strings.Cut(name, "["); ok {
		var b strings.Builder
		b.WriteString(base)
		for _, a := range strings.Split(strings.TrimSuffix(args, "]"), ",") {
			if j := strings.LastIndex(a, "."); j >= 0 {
				a = a[j+1:]
			}
			b.WriteString(nonWord.ReplaceAllString(a, ""))
		}
		return b.String()
	}
	pkg := t.PkgPath()
	if j := strings.LastIndex(pkg, "/"); j >= 0 {
		pkg = pkg[j+1:]
	}
	// Types of different packages may share a name (order.Line, cart.Line).
	if pkg != "httpapi" && pkg != "" {
		return strings.ToUpper(pkg[:1]) + pkg[1:] + name
	}
	return name
}
