package scenario

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/econsim/econsim/sim/household"
)

// Discount is savers' utility.discount: one discount factor for every
// household (a number), or permanent patience types, `{ center, spread,
// types }` (types equal masses at the midpoints of equal bins of [center −
// spread, center + spread]) or `{ values = [...], shares = [...] }`.
type Discount struct {
	Value  *float64  `toml:"value,omitempty"`
	Center *float64  `toml:"center,omitempty"`
	Spread *float64  `toml:"spread,omitempty"`
	Types  *int      `toml:"types,omitempty"`
	Values []float64 `toml:"values,omitempty"`
	Shares []float64 `toml:"shares,omitempty"`
}

var _ toml.Unmarshaler = (*Discount)(nil)

// UnmarshalTOML reads a number or a table.
func (d *Discount) UnmarshalTOML(v any) error {
	*d = Discount{}
	if x, ok := number(v); ok {
		d.Value = &x
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("utility.discount: want a number or a table { center, spread, types } or { values, shares }, got %v", v)
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		x := m[k]
		switch k {
		case "center", "spread", "value":
			f, ok := number(x)
			if !ok {
				return fmt.Errorf("utility.discount.%s: want a number, got %v", k, x)
			}
			switch k {
			case "center":
				d.Center = &f
			case "spread":
				d.Spread = &f
			default:
				d.Value = &f
			}
		case "types":
			n, ok := x.(int64)
			if !ok || n < 0 || n > math.MaxInt32 {
				return fmt.Errorf("utility.discount.types: want a whole number, got %v", x)
			}
			t := int(n)
			d.Types = &t
		case "values", "shares":
			list, ok := x.([]any)
			if !ok {
				return fmt.Errorf("utility.discount.%s: want a list of numbers, got %v", k, x)
			}
			out := make([]float64, len(list))
			for i, e := range list {
				if out[i], ok = number(e); !ok {
					return fmt.Errorf("utility.discount.%s[%d]: want a number, got %v", k, i, e)
				}
			}
			if k == "values" {
				d.Values = out
			} else {
				d.Shares = out
			}
		default:
			return fmt.Errorf("utility.discount.%s: unknown key (a table of patience types has center, spread and types, or values and shares)", k)
		}
	}
	return nil
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// MarshalTOML writes a number, or the table as given.
func (d Discount) MarshalTOML() ([]byte, error) {
	if d.Value != nil && d.Center == nil && d.Values == nil {
		return []byte(strconv.FormatFloat(*d.Value, 'g', -1, 64)), nil
	}
	var parts []string
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	list := func(xs []float64) string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = num(x)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	if d.Value != nil {
		parts = append(parts, "value = "+num(*d.Value))
	}
	if d.Center != nil {
		parts = append(parts, "center = "+num(*d.Center))
	}
	if d.Spread != nil {
		parts = append(parts, "spread = "+num(*d.Spread))
	}
	if d.Types != nil {
		parts = append(parts, "types = "+strconv.Itoa(*d.Types))
	}
	if d.Values != nil {
		parts = append(parts, "values = "+list(d.Values))
	}
	if d.Shares != nil {
		parts = append(parts, "shares = "+list(d.Shares))
	}
	return []byte("{ " + strings.Join(parts, ", ") + " }"), nil
}

// set assigns the text of a --set value: a number or an inline table.
func (d *Discount) set(val string) error {
	var doc struct {
		V Discount `toml:"v"`
	}
	if _, err := toml.Decode("v = "+val, &doc); err != nil {
		return fmt.Errorf("want a number or a table { center, spread, types } or { values, shares }, got %q", val)
	}
	*d = doc.V
	return nil
}

// Scalar is the discount factor of households of one type, or the center
// of a range of types, or the largest of a list.
func (d *Discount) Scalar() float64 {
	switch {
	case d == nil:
		return 0
	case d.Value != nil:
		return *d.Value
	case d.Center != nil:
		return *d.Center
	case len(d.Values) == 0:
		return 0
	}
	return slices.Max(d.Values)
}

// share is type i's share in a list (equal without shares).
func (d *Discount) share(i int) float64 {
	if d.Shares != nil && i < len(d.Shares) {
		return d.Shares[i]
	}
	return 1 / float64(len(d.Values))
}

// patience returns the types, nil for one discount factor.
func (d *Discount) patience() []household.Patience {
	switch {
	case d == nil || d.Value != nil:
		return nil
	case d.Center != nil:
		n := 1
		if d.Types != nil {
			n = *d.Types
		}
		return household.UniformPatience(*d.Center, valOr(d.Spread, 0), n)
	}
	out := make([]household.Patience, len(d.Values))
	for i, v := range d.Values {
		out[i] = household.Patience{Discount: v, Share: d.share(i)}
	}
	return out
}

func valOr(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}

// validateDiscount checks the form of utility.discount (its values are
// household.Config's to check).
func (s *Scenario) validateDiscount(v *validator) {
	d := s.Utility.Discount
	if d == nil {
		return
	}
	const key = "utility.discount"
	forms := 0
	for _, given := range []bool{d.Value != nil, d.Center != nil || d.Spread != nil || d.Types != nil, d.Values != nil || d.Shares != nil} {
		if given {
			forms++
		}
	}
	switch {
	case forms > 1:
		v.add(key, "give one form: a number, { center, spread, types } or { values, shares }")
	case d.Center != nil || d.Spread != nil || d.Types != nil:
		if d.Center == nil || d.Spread == nil || d.Types == nil {
			v.add(key, "patience types by a range need center, spread and types together")
		} else if !(*d.Spread >= 0) || math.IsInf(*d.Spread, 0) {
			v.add(key+".spread", "must be non-negative and finite, got %v", *d.Spread)
		} else if *d.Types < 1 || *d.Types > household.MaxPatienceTypes {
			v.add(key+".types", "must be between 1 and %d, got %d", household.MaxPatienceTypes, *d.Types)
		}
	case d.Values != nil || d.Shares != nil:
		if len(d.Values) == 0 || len(d.Values) > household.MaxPatienceTypes {
			v.add(key+".values", "must list between 1 and %d discount factors, got %d", household.MaxPatienceTypes, len(d.Values))
		} else if d.Shares != nil && len(d.Shares) != len(d.Values) {
			v.add(key+".shares", "must have one share per value (%d), got %d", len(d.Values), len(d.Shares))
		}
	}
}
