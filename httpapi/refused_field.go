package httpapi

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// refusedField finds the value in raw, a JSON document for a value of
// type t, that its own type refuses to decode (an UnmarshalJSON or
// UnmarshalText error), and returns its path, such as
// "shipping_address.country" or "variants[0].prices[1]". encoding/json
// reports such errors without saying where they were. ok is false when no
// value is refused; path is "" when raw as a whole is.
//
// It decodes raw again piece by piece, so it is for the error path only.
func refusedField(t reflect.Type, raw []byte) (path string, ok bool) {
	if t == nil {
		return "", false
	}
	t = indirect(t)
	if string(raw) == "null" {
		return "", false // encoding/json leaves the value alone
	}
	if pt := reflect.PointerTo(t); pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler) {
		return "", json.Unmarshal(raw, reflect.New(t).Interface()) != nil
	}
	switch t.Kind() {
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return "", false
		}
		for key, val := range obj {
			ft, name, found := jsonField(t, key)
			if !found {
				continue
			}
			if sub, ok := refusedField(ft, val); ok {
				return join(name, sub), true
			}
		}
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return "", false
		}
		for i, val := range items {
			if sub, ok := refusedField(t.Elem(), val); ok {
				return "[" + strconv.Itoa(i) + "]" + dotted(sub), true
			}
		}
	case reflect.Map:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return "", false
		}
		for key, val := range obj {
			if sub, ok := refusedField(t.Elem(), val); ok {
				return join(key, sub), true
			}
		}
	}
	return "", false
}

// jsonField returns the type and JSON name of struct t's field that key
// decodes into, matching as encoding/json does: the exact name first,
// then ignoring case; fields of embedded structs included.
func jsonField(t reflect.Type, key string) (reflect.Type, string, bool) {
	var (
		folded     reflect.Type
		foldedName string
	)
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			if f.Anonymous && indirect(f.Type).Kind() == reflect.Struct {
				continue // its fields are visible themselves
			}
			name = f.Name
		}
		switch {
		case name == key:
			return f.Type, name, true
		case folded == nil && strings.EqualFold(name, key):
			folded, foldedName = f.Type, name
		}
	}
	return folded, foldedName, folded != nil
}

func indirect(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// join appends sub, the path inside name, to name.
func join(name, sub string) string {
	if sub == "" || sub[0] == '[' {
		return name + sub
	}
	return name + "." + sub
}

// dotted is sub as it follows an index: "[0].amount", "[0][1]".
func dotted(sub string) string {
	if sub == "" || sub[0] == '[' {
		return sub
	}
	return "." + sub
}
