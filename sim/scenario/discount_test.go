package scenario

import (
	"math"
	"strings"
	"testing"

	"github.com/econsim/econsim/sim/household"
)

// TestDiscountForms: utility.discount as a number, a range of types or a
// list, in the file and by --set; the types are the hand-worked ones, and
// the resolved file reloads to the same.
func TestDiscountForms(t *testing.T) {
	for _, c := range []struct {
		name string
		doc  string
		sets []string
		want []household.Patience // nil: one discount factor
	}{
		{"a number", saverDoc + "[utility]\ndiscount = 0.95\n", nil, nil},
		// 3 types of 0.95 ± 0.015: 0.94, 0.95, 0.96, a third each
		{"a range", saverDoc + "[utility]\ndiscount = { center = 0.95, spread = 0.015, types = 3 }\n", nil,
			[]household.Patience{{Discount: 0.94, Share: 1.0 / 3}, {Discount: 0.95, Share: 1.0 / 3}, {Discount: 0.96, Share: 1.0 / 3}}},
		{"a list", saverDoc + "[utility]\ndiscount = { values = [0.9, 0.97], shares = [0.25, 0.75] }\n", nil,
			[]household.Patience{{Discount: 0.9, Share: 0.25}, {Discount: 0.97, Share: 0.75}}},
		{"a list of equal shares", saverDoc, []string{"utility.discount={ values = [0.9, 0.97] }"},
			[]household.Patience{{Discount: 0.9, Share: 0.5}, {Discount: 0.97, Share: 0.5}}},
		{"a range by --set", saverDoc, []string{"utility.discount={center=0.95,spread=0.015,types=3}"},
			[]household.Patience{{Discount: 0.94, Share: 1.0 / 3}, {Discount: 0.95, Share: 1.0 / 3}, {Discount: 0.96, Share: 1.0 / 3}}},
	} {
		s, err := Parse("f.toml", []byte(c.doc), c.sets)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		h := s.EngineConfig(1).Households
		check := func(label string, got []household.Patience) {
			if len(got) != len(c.want) {
				t.Fatalf("%s%s: types %+v, want %+v", c.name, label, got, c.want)
			}
			for j := range got {
				if math.Abs(got[j].Discount-c.want[j].Discount) > 1e-15 || math.Abs(got[j].Share-c.want[j].Share) > 1e-15 {
					t.Errorf("%s%s: type %d %+v, want %+v", c.name, label, j, got[j], c.want[j])
				}
			}
		}
		check("", h.Patience)
		if c.want != nil && h.Expectations != household.Adaptive {
			t.Errorf("%s: expectations %q, want adaptive by default for several types", c.name, h.Expectations)
		}
		enc, err := s.Encode()
		if err != nil {
			t.Fatal(err)
		}
		s2, err := Parse("r.toml", enc, nil)
		if err != nil {
			t.Fatalf("%s: the resolved file does not reload: %v\n%s", c.name, err, enc)
		}
		check(" (reloaded)", s2.EngineConfig(1).Households.Patience)
	}
}

// TestDiscountErrors: every form of utility.discount is checked at its key.
func TestDiscountErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		doc  string
		sets []string
		want string
	}{
		{"two forms", saverDoc + "[utility]\ndiscount = { value = 0.9, center = 0.95, spread = 0.01, types = 2 }\n", nil, "f.toml:10: utility.discount: give one form"},
		{"no spread", saverDoc, []string{"utility.discount={center=0.95,types=3}"}, "utility.discount: patience types by a range need center, spread and types together"},
		{"no types", saverDoc, []string{"utility.discount={center=0.95,spread=0.01,types=0}"}, "utility.discount.types: must be between 1 and 64, got 0"},
		{"many types", saverDoc, []string{"utility.discount={center=0.95,spread=0.01,types=65}"}, "utility.discount.types: must be between 1 and 64"},
		{"negative spread", saverDoc, []string{"utility.discount={center=0.95,spread=-0.01,types=3}"}, "utility.discount.spread: must be non-negative"},
		{"past 1", saverDoc, []string{"utility.discount={center=0.95,spread=0.09,types=3}"}, "utility.discount: every discount factor must be in (0, 1), got 1.01"},
		{"shares", saverDoc, []string{"utility.discount={values=[0.9,0.95],shares=[0.5,0.6]}"}, "utility.discount: the shares sum to 1.1, not 1"},
		{"shares length", saverDoc, []string{"utility.discount={values=[0.9,0.95],shares=[1]}"}, "utility.discount.shares: must have one share per value (2), got 1"},
		{"empty list", saverDoc, []string{"utility.discount={values=[]}"}, "utility.discount.values: must list between 1 and 64"},
		{"unknown key", saverDoc + "[utility]\ndiscount = { middle = 0.95 }\n", nil, "utility.discount.middle: unknown key"},
		{"a string", saverDoc, []string{"utility.discount=patient"}, "--set: utility.discount: want a number or a table"},
		{"a string in the file", saverDoc + "[utility]\ndiscount = \"patient\"\n", nil, "utility.discount"},
		{"foresight", saverDoc, []string{"utility.discount={center=0.95,spread=0.01,types=2}", "agents.expectations=perfect_foresight"}, "agents.expectations: a transition with several patience types is not solved yet"},
		{"rules", saverDoc, []string{"utility.discount={center=0.95,spread=0.01,types=2}", "agents.saving=fixed_rate"}, "utility.discount: discount factors that differ are for optimal savers"},
		{"a transition objective", saverDoc, []string{"utility.discount={center=0.95,spread=0.01,types=2}", "planner.kind=search", "planner.instrument=capital_rate", "planner.objective=cev_utilitarian"}, "planner.objective: \"cev_utilitarian\" counts the transition, which is not solved yet for households of several patience types"},
	} {
		_, err := Parse("f.toml", []byte(c.doc), c.sets)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}
