package scenario

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Keys lists every dotted key a scenario may set, in declaration order.
func Keys() []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			k := joinKey(prefix, tagName(f))
			if st := tableType(f.Type); st != nil {
				walk(st, k)
				continue
			}
			out = append(out, k)
		}
	}
	walk(reflect.TypeOf(Scenario{}), "")
	return out
}

func tagName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return name
}

// Set applies one override "key=value" to s, parsing value as the key's
// type: integers, numbers (nan and inf are parsed, then rejected by
// validation), strings (quotes optional), and lists of numbers ("[1, 2]" or
// "1,2").
func (s *Scenario) Set(kv string) (key string, err error) {
	key, val, ok := strings.Cut(kv, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return key, fmt.Errorf("want key=value, got %q", kv)
	}
	f, err := s.field(key)
	if err != nil {
		return key, err
	}
	return key, assign(f, strings.TrimSpace(val))
}

// CheckKey reports whether key names a key a scenario may set (a leaf, not
// a table), with the same error Set would give.
func CheckKey(key string) error {
	var s Scenario
	_, err := s.field(key)
	return err
}

// field returns the settable field of s for the dotted key, creating the
// optional tables on its path.
func (s *Scenario) field(key string) (reflect.Value, error) {
	parts := strings.Split(key, ".")
	for _, p := range parts {
		if strings.TrimSpace(p) == "" {
			return reflect.Value{}, fmt.Errorf("malformed key %q: a dotted key has an empty part", key)
		}
	}
	v := reflect.ValueOf(s).Elem()
	for i, p := range parts {
		f, found := fieldByTag(v, p)
		if !found {
			return reflect.Value{}, fmt.Errorf("unknown key%s", suggest(key))
		}
		if i < len(parts)-1 {
			if tableType(f.Type()) == nil {
				return reflect.Value{}, fmt.Errorf("unknown key%s", suggest(key))
			}
			if f.Kind() == reflect.Pointer { // an optional table: create it
				if f.IsNil() {
					f.Set(reflect.New(f.Type().Elem()))
				}
				f = f.Elem()
			}
			v = f
			continue
		}
		if f.Type() == reflect.TypeFor[*Discount]() { // a number or a table
			return f, nil
		}
		if tableType(f.Type()) != nil {
			return reflect.Value{}, fmt.Errorf("is a table: set its keys one by one (e.g. %s.%s=…)", key, tagName(tableType(f.Type()).Field(0)))
		}
		return f, nil
	}
	panic("scenario: unreachable")
}

// tableType returns the struct type of a TOML table field (a struct or a
// pointer to one, for optional tables), or nil.
func tableType(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		return t
	}
	return nil
}

// fieldByTag returns the exported field of struct v whose TOML name is name.
func fieldByTag(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && name != "" && tagName(f) == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func assign(f reflect.Value, val string) error {
	if f.CanAddr() {
		if d, ok := f.Addr().Interface().(**Discount); ok {
			*d = &Discount{}
			return (*d).set(val)
		}
	}
	switch f.Kind() {
	case reflect.String:
		if u, err := strconv.Unquote(val); err == nil {
			val = u
		}
		f.SetString(val)
	case reflect.Int:
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return fmt.Errorf("want an integer, got %q", val)
		}
		f.SetInt(n)
	case reflect.Uint64:
		n, err := strconv.ParseUint(val, 10, 64)
		if err != nil {
			return fmt.Errorf("want a non-negative integer, got %q", val)
		}
		f.SetUint(n)
	case reflect.Float64:
		x, err := parseFloat(val)
		if err != nil {
			return err
		}
		f.SetFloat(x)
	case reflect.Bool:
		b, err := strconv.ParseBool(val)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", val)
		}
		f.SetBool(b)
	case reflect.Pointer:
		p := reflect.New(f.Type().Elem())
		if err := assign(p.Elem(), val); err != nil {
			return err
		}
		f.Set(p)
	case reflect.Slice:
		switch f.Type().Elem().Kind() {
		case reflect.String:
			f.Set(reflect.ValueOf(parseStrings(val)))
			return nil
		case reflect.Slice: // a matrix, as TOML writes it: [[0.9, 0.1], [0.1, 0.9]]
			doc := reflect.New(reflect.StructOf([]reflect.StructField{{Name: "V", Type: f.Type(), Tag: `toml:"V"`}}))
			if _, err := toml.Decode("V = "+val, doc.Interface()); err != nil {
				return fmt.Errorf("want a list of lists of numbers like [[0.9, 0.1], [0.1, 0.9]], got %q", val)
			}
			f.Set(doc.Elem().Field(0))
			return nil
		}
		xs, err := parseFloats(val)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(xs))
	default:
		panic("scenario: no parser for " + f.Kind().String())
	}
	return nil
}

func parseFloat(val string) (float64, error) {
	switch strings.ToLower(val) {
	case "nan", "+nan", "-nan":
		return math.NaN(), nil
	case "inf", "+inf":
		return math.Inf(1), nil
	case "-inf":
		return math.Inf(-1), nil
	}
	x, err := strconv.ParseFloat(strings.ReplaceAll(val, "_", ""), 64)
	if err != nil {
		return 0, fmt.Errorf("want a number, got %q", val)
	}
	return x, nil
}

func parseFloats(val string) ([]float64, error) {
	if strings.HasPrefix(val, "[") {
		var doc struct{ V []float64 }
		if _, err := toml.Decode("V = "+val, &doc); err != nil {
			return nil, fmt.Errorf("want a list of numbers like [0.1, 0.2], got %q", val)
		}
		return doc.V, nil
	}
	var out []float64
	for _, p := range strings.Split(val, ",") {
		x, err := parseFloat(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("want a list of numbers like 0.1,0.2, got %q", val)
		}
		out = append(out, x)
	}
	return out, nil
}

// parseStrings reads `["a", "b"]`, `[a, b]` or `a,b`.
func parseStrings(val string) []string {
	val = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(val), "["), "]")
	out := []string{}
	for _, p := range strings.Split(val, ",") {
		p = strings.TrimSpace(p)
		if u, err := strconv.Unquote(p); err == nil {
			p = u
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// suggest returns " (did you mean X?)" for the closest known key, if close.
func suggest(key string) string {
	best, bestD := "", 4
	for _, k := range Keys() {
		if d := editDistance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
