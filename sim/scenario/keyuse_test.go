package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// ignoredOK are keys whose value reaches no engine part by design: the
// name and folder of the outputs.
var ignoredOK = map[string]string{
	"name":       "labels outputs",
	"output.dir": "where outputs go",
}

// TestEveryKeyIsUsed: for every key of every shipped single-run scenario,
// a value the scenario accepts changes what the engine is built from (its
// Config or its planner), or the key is refused with a reason: no key is
// accepted and then silently ignored. The values tried are the current
// one moved (numbers), flipped (booleans), or each of its kind's names.
func TestEveryKeyIsUsed(t *testing.T) {
	if testing.Short() {
		t.Skip("every key of every scenario")
	}
	files, _ := filepath.Glob("../../scenarios/*.toml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		base, err := Parse(file, data, nil)
		if err != nil { // a sweep file
			continue
		}
		if base.usesLLM() {
			continue // the planner is built with its client
		}
		want := engineOf(t, base)
		for _, key := range Keys() {
			if strings.HasPrefix(key, "llm.") || ignoredOK[key] != "" {
				continue
			}
			for _, val := range tryValues(t, base, key) {
				s, err := Parse(file, data, []string{key + "=" + val})
				if err != nil {
					continue // refused, with its reason
				}
				if got := engineOf(t, s); got == want && !sameValue(t, base, s, key) {
					t.Errorf("%s: %s = %s is accepted but changes nothing the engine is built from", filepath.Base(file), key, val)
				}
			}
		}
	}
}

// engineOf renders what the engine is built from: the Config and the
// planner, with every pointer followed.
func engineOf(t *testing.T, s *Scenario) string {
	t.Helper()
	p, err := s.NewPlanner()
	if err != nil {
		return "planner error: " + err.Error()
	}
	return fmt.Sprintf("%+v\n%#v", deref(reflect.ValueOf(s.EngineConfig(1))), deref(reflect.ValueOf(p)))
}

// deref renders v with its pointers followed, so equal configurations
// print alike.
func deref(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "nil"
		}
		return "&" + deref(v.Elem())
	case reflect.Struct:
		var b strings.Builder
		b.WriteString("{")
		for i := range v.NumField() {
			fmt.Fprintf(&b, "%s:%s ", v.Type().Field(i).Name, deref(v.Field(i)))
		}
		return b.String() + "}"
	case reflect.Slice:
		var b strings.Builder
		b.WriteString("[")
		for i := range v.Len() {
			b.WriteString(deref(v.Index(i)) + " ")
		}
		return b.String() + "]"
	case reflect.Func:
		return "func"
	}
	return fmt.Sprint(v)
}

// sameValue reports whether the key resolved to the value it had anyway
// (setting a default to itself changes nothing, rightly).
func sameValue(t *testing.T, a, b *Scenario, key string) bool {
	t.Helper()
	fa, err1 := a.field(key)
	fb, err2 := b.field(key)
	return err1 == nil && err2 == nil && reflect.DeepEqual(fa.Interface(), fb.Interface())
}

// kindNames are the names a string key may take.
var kindNames = []string{"lognormal", "pareto", "uniform", "values", "gb2", "us_occupations", "us_earnings_2024",
	"quasilinear", "isoelastic", "crra", "rational", "noisy", "adaptive", "saver", "lump_sum", "none", "targeted",
	"flat", "fixed", "us_federal", "saez", "search", "learn", "vote", "fixed_wage", "production",
	"us_2024_single", "brackets", "hsv", "labor", "capital_rate", "wealth_rate", "consumption_rate", "elastic", "inelastic",
	"ar1", "markov", "tauchen", "rouwenhorst", "stationary", "zero", "value", "optimal", "fixed_rate", "buffer_stock",
	"us_federal_2024", "us_federal_2018_scaled", "skill", "equal", "utilitarian", "rawls", "borda", "plurality"}

// tryValues are the values tried for key: the current one moved.
func tryValues(t *testing.T, s *Scenario, key string) []string {
	t.Helper()
	f, err := s.field(key)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	ty := f.Type()
	if ty.Kind() == reflect.Pointer {
		if !f.IsNil() {
			f = f.Elem()
		}
		ty = ty.Elem()
	}
	num := func() float64 {
		if f.Kind() == reflect.Pointer || !f.IsValid() {
			return 0
		}
		switch f.Kind() {
		case reflect.Float64:
			return f.Float()
		case reflect.Int:
			return float64(f.Int())
		}
		return 0
	}
	switch ty.Kind() {
	case reflect.Float64:
		x := num()
		return []string{strconv.FormatFloat(x*0.9+0.013, 'g', -1, 64), strconv.FormatFloat(x*1.1+0.3, 'g', -1, 64)}
	case reflect.Int:
		x := int(num())
		return []string{strconv.Itoa(x + 1), strconv.Itoa(x*2 + 10)}
	case reflect.Uint64:
		return []string{"7"}
	case reflect.Bool:
		return []string{"true", "false"}
	case reflect.String:
		return kindNames
	case reflect.Slice:
		return []string{"[0.05]", "[0, 0.3]", "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]"}
	}
	return nil
}
