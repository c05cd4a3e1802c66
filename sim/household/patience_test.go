package household

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/econsim/econsim/internal/testenv"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/tax"
)

// TestUniformPatience: the types are the midpoints of equal bins of
// [center − spread, center + spread], worked by hand for 4 types of
// 0.95 ± 0.02: 0.935, 0.945, 0.955, 0.965, a quarter each.
func TestUniformPatience(t *testing.T) {
	want := []float64{0.935, 0.945, 0.955, 0.965}
	for j, p := range UniformPatience(0.95, 0.02, 4) {
		if math.Abs(p.Discount-want[j]) > 1e-15 || p.Share != 0.25 {
			t.Errorf("type %d: %+v, want discount %v, share 0.25", j, p, want[j])
		}
	}
	if p := UniformPatience(0.95, 0.02, 1); len(p) != 1 || p[0].Discount != 0.95 {
		t.Errorf("one type: %+v, want the center", p)
	}
}

// TestOneTypeUnchanged: one patience type is the households of one
// discount factor, to the bit.
func TestOneTypeUnchanged(t *testing.T) {
	ctx := context.Background()
	h := Aiyagari(3, 0.6, 0.4, "rouwenhorst")
	h.Saver.GridPoints = 100
	a, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	h.Patience = []Patience{{Discount: 0.96, Share: 1}}
	b, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	if a.Market != b.Market || !reflect.DeepEqual(a.Histogram.Mass, b.Histogram.Mass) || a.WealthGini != b.WealthGini {
		t.Errorf("one type: %+v, Gini %v; without types %+v, Gini %v", b.Market, b.WealthGini, a.Market, a.WealthGini)
	}
}

// TestPatienceTypes: with several types, each type's capital is what a
// solve of that type alone finds at the equilibrium's prices (its policy
// by the endogenous grid method and its distribution, cold), their total
// is the capital the firm rents, the mixture's mass is the types' by
// share, and patience that differs concentrates wealth.
func TestPatienceTypes(t *testing.T) {
	testenv.SkipUnlessLong(t, "stationary equilibria of several types")
	ctx := context.Background()
	h := Aiyagari(3, 0.6, 0.4, "rouwenhorst")
	h.Saver.GridPoints = 200
	one, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	h.Patience = UniformPatience(0.95, 0.015, 3)
	st, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	g := st.Histogram.Grid
	total := 0.0
	for j, te := range st.Types {
		sv := h.Saver
		sv.Discount = te.Discount
		pol, err := sv.Solve(ctx, st.Chain, &st.Budget, g, nil, 1e-12)
		if err != nil {
			t.Fatal(err)
		}
		hs, err := agents.Stationary(ctx, st.Chain, pol, &st.Budget, g, nil, 1e-14)
		if err != nil {
			t.Fatal(err)
		}
		if k := hs.Mean(); math.Abs(k-te.Capital) > 1e-8*k {
			t.Errorf("type %d (β %v): capital %.12f in the equilibrium, %.12f solved alone", j, te.Discount, te.Capital, k)
		}
		total += te.Share * te.Capital
	}
	if k := st.Market.Capital; math.Abs(total-k) > 1e-6*k {
		t.Errorf("the types hold %.9f, the firm rents %.9f", total, k)
	}
	for k, x := range st.Histogram.Mass {
		want := 0.0
		for _, te := range st.Types {
			want += te.Share * te.Histogram.Mass[k]
		}
		if math.Abs(x-want) > 1e-15 {
			t.Fatalf("mixture mass %v at %d, the types' %v", x, k, want)
		}
	}
	if !(st.WealthGini > one.WealthGini) {
		t.Errorf("wealth Gini %v with β 0.95 ± 0.015, %v with 0.96 for all", st.WealthGini, one.WealthGini)
	}
	t.Logf("β 0.95 ± 0.015 in 3 types: r %.4f%%, K %.4f, wealth Gini %.4f, top 1%% %.4f (one type of 0.96: r %.4f%%, Gini %.4f); capital by type %.3f, %.3f, %.3f",
		100*st.Market.Rate, st.Market.Capital, st.WealthGini, st.WealthTop1, 100*one.Market.Rate, one.WealthGini, st.Types[0].Capital, st.Types[1].Capital, st.Types[2].Capital)
}

// TestPatienceErrors: the types are checked at their key.
func TestPatienceErrors(t *testing.T) {
	h := Aiyagari(3, 0.6, 0.4, "rouwenhorst")
	for _, c := range []struct {
		name string
		p    []Patience
		want string
	}{
		{"discount of 1", []Patience{{1, 0.5}, {0.9, 0.5}}, "Patience: every discount factor must be in (0, 1)"},
		{"shares", []Patience{{0.95, 0.5}, {0.9, 0.6}}, "Patience: the shares sum to 1.1"},
		{"zero share", []Patience{{0.95, 0}, {0.9, 1}}, "Patience: every share must be positive"},
	} {
		h.Patience = c.p
		if err := h.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	h.Patience = UniformPatience(0.95, 0.01, 2)
	h.Expectations = PerfectForesight
	if err := h.Validate(); err == nil || !strings.Contains(err.Error(), "several patience types is not solved yet") {
		t.Errorf("perfect foresight with types: %v", err)
	}
}

// TestPatienceTypesBalance: the national accounts' identity C = Y − δK
// holds for households of three patience types, each consuming by its own
// policy, with a 20% capital income tax and a 1% wealth tax returned
// lump-sum (the transfer their revenue), and with hours a choice under a
// 20% labour tax.
func TestPatienceTypesBalance(t *testing.T) {
	testenv.SkipUnlessLong(t, "stationary equilibria of several types")
	ctx := context.Background()
	taxed := wealthTax(0.01)
	taxed.AssetTaxes.Capital = 0.2
	for _, elastic := range []bool{false, true} {
		h := Aiyagari(3, 0.6, 0.4, "rouwenhorst")
		h.Saver.GridPoints = 200
		h.Patience = UniformPatience(0.95, 0.015, 3)
		p := taxed
		if elastic {
			h.Hours = &Hours{Kappa: 0.5, Elasticity: 0.5, Max: 5}
			p.Labor = tax.MustNew([]float64{0}, []float64{0.2}, tax.DefaultBounds)
		}
		st, err := SolveStationary(ctx, h, AiyagariMarket, p, true)
		if err != nil {
			t.Fatal(err)
		}
		g := st.Histogram.Grid
		G := len(g)
		c := 0.0
		for _, te := range st.Types {
			for k, x := range te.Histogram.Mass {
				s, a := k/G, g[k%G]
				ck, _, _, _ := te.Policy.ChooseHours(s, st.Budget.Cash(a, s))
				if !elastic {
					ck, _ = te.Policy.Choose(s, st.Budget.Cash(a, s))
				}
				c += te.Share * x * ck
			}
		}
		eq := st.Market
		if want := eq.Output - AiyagariMarket.Depreciation*eq.Capital; math.Abs(c-want) > 1e-6*want {
			t.Errorf("elastic %v: C = %.9f, Y − δK = %.9f", elastic, c, want)
		}
		if d := st.Revenue.Total() - st.Transfer; math.Abs(d) > 1e-9 {
			t.Errorf("elastic %v: revenue less the transfer %.3g", elastic, d)
		}
	}
}
