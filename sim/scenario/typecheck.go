package scenario

import (
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/BurntSushi/toml"
)

// typeErrors finds every key of a syntactically valid document whose value
// has the wrong type for its field. The decoder stops at the first such key;
// this lists them all, so a user fixes a file in one pass. Unknown keys are
// left to the decoder's undecoded-keys report.
func typeErrors(file string, data []byte, lines map[string]int) Errors {
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil
	}
	var errs Errors
	var walk func(m map[string]any, t reflect.Type, prefix string)
	walk = func(m map[string]any, t reflect.Type, prefix string) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			f, ok := fieldTypeByTag(t, k)
			if !ok {
				continue
			}
			key := joinKey(prefix, k)
			if st := tableType(f); st != nil {
				if sub, ok := m[k].(map[string]any); ok {
					walk(sub, st, key)
					continue
				}
			}
			if want, ok := fits(m[k], f); !ok {
				errs = append(errs, &Error{File: file, Line: lineOf(lines, key), Key: key,
					Msg: fmt.Sprintf("wrong type: want %s, got %s", want, tomlType(m[k]))})
			}
		}
	}
	walk(doc, reflect.TypeOf(Scenario{}), "")
	slices.SortStableFunc(errs, func(a, b *Error) int { return a.Line - b.Line })
	return errs
}

// fieldTypeByTag is fieldByTag on a type.
func fieldTypeByTag(t reflect.Type, name string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && name != "" && tagName(f) == name {
			return f.Type, true
		}
	}
	return nil, false
}

// fits reports whether a decoded TOML value can fill a field of type t
// under the decoder's rules (an integer fills a float, not the reverse),
// and names what t wants.
func fits(v any, t reflect.Type) (string, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		_, ok := v.(string)
		return "a string", ok
	case reflect.Int, reflect.Uint64:
		_, ok := v.(int64)
		return "an integer", ok
	case reflect.Float64:
		switch v.(type) {
		case int64, float64:
			return "a number", true
		}
		return "a number", false
	case reflect.Bool:
		_, ok := v.(bool)
		return "true or false", ok
	case reflect.Slice:
		want := "a list of " + map[bool]string{true: "strings", false: "numbers"}[t.Elem().Kind() == reflect.String]
		xs, ok := v.([]any)
		if !ok {
			return want, false
		}
		for _, x := range xs {
			if _, ok := fits(x, t.Elem()); !ok {
				return want, false
			}
		}
		return want, true
	case reflect.Struct:
		_, ok := v.(map[string]any)
		return "a table", ok
	}
	return t.String(), true
}

// tomlType names a decoded value's TOML type.
func tomlType(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case int64:
		return fmt.Sprintf("the integer %d", x)
	case float64:
		return fmt.Sprintf("the float %v", x)
	case bool:
		return fmt.Sprintf("%v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%T", v)
}
