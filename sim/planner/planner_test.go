package planner

import (
	"context"
	"slices"
	"testing"

	"github.com/econsim/econsim/sim/tax"
)

func TestFixedPlanners(t *testing.T) {
	us, _ := tax.Preset("us_federal_2024")
	req := Request{Cutoffs: us, Bounds: tax.DefaultBounds}
	cases := []struct {
		name string
		p    Planner
		want []float64
	}{
		{"none", None(), []float64{0, 0, 0, 0, 0, 0, 0}},
		{"flat", Flat(0.3), []float64{0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3}},
		{"us_federal", USFederal(), []float64{.10, .12, .22, .24, .32, .35, .37}},
		{"fixed", &Fixed{Rates: []float64{0, .1, .2, .3, .4, .5, .6}}, []float64{0, .1, .2, .3, .4, .5, .6}},
	}
	for _, c := range cases {
		s, err := c.p.Propose(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := s.Rates(); !slices.Equal(got, c.want) {
			t.Errorf("%s rates = %v, want %v", c.name, got, c.want)
		}
	}
	if _, err := (&Fixed{Rates: []float64{.1, .2}}).Propose(context.Background(), req); err == nil {
		t.Error("two rates for seven brackets accepted")
	}
	if _, err := Flat(1.5).Propose(context.Background(), req); err == nil {
		t.Error("rate 1.5 accepted under default bounds")
	}
}
