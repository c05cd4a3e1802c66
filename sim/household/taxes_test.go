package household

import (
	"context"
	"math"
	"testing"

	"github.com/econsim/econsim/internal/testenv"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/tax"
)

// stationaryConsumption is Σ mass·c(a, s) over the histogram.
func stationaryConsumption(st *Stationary) float64 {
	g := st.Histogram.Grid
	G := len(g)
	c := 0.0
	for k, x := range st.Histogram.Mass {
		ck, _ := st.Rule.Decide(k/G, g[k%G], st.Budget.Cash(g[k%G], k/G))
		c += x * ck
	}
	return c
}

// TestStationaryTaxesBalance: with capital, wealth, consumption and HSV
// labour taxes all returned lump-sum, the stationary economy's resources
// balance — C = Y − δK, the national accounts' identity, which holds only
// if every tax paid comes back as the transfer — and the transfer equals
// the revenue; a capital tax raises the pre-tax r, while the after-tax
// return stays below 1/β − 1 (precautionary saving).
func TestStationaryTaxesBalance(t *testing.T) {
	testenv.SkipUnlessLong(t, "five stationary equilibria with taxes (serial code: nothing for the race detector)")
	hsv := &tax.HSV{Lambda: 0.9, Progressivity: 0.15}
	base, err := SolveStationary(context.Background(), Aiyagari(3, 0.6, 0.4, "tauchen"), AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		p    TaxPolicy
	}{
		{"capital 30%", TaxPolicy{Labor: noTax.Labor, AssetTaxes: agents.AssetTaxes{Capital: 0.3}}},
		{"wealth 1% above 5", TaxPolicy{Labor: noTax.Labor, AssetTaxes: agents.AssetTaxes{Wealth: 0.01, WealthExemption: 5}}},
		{"consumption 10%", TaxPolicy{Labor: noTax.Labor, AssetTaxes: agents.AssetTaxes{Consumption: 0.1}}},
		{"all with HSV", TaxPolicy{Labor: noTax.Labor, HSV: hsv, AssetTaxes: agents.AssetTaxes{Capital: 0.2, Wealth: 0.005, Consumption: 0.05}}},
	} {
		st, err := SolveStationary(context.Background(), Aiyagari(3, 0.6, 0.4, "tauchen"), AiyagariMarket, c.p, true)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		eq := st.Market
		C := stationaryConsumption(st)
		if want := eq.Output - 0.08*eq.Capital; math.Abs(C-want) > 1e-6*want {
			t.Errorf("%s: C = %.9f, Y − δK = %.9f", c.name, C, want)
		}
		if math.Abs(st.Transfer-st.Revenue.Total()) > 1e-10*st.Market.Wage { // the solver's tolerance
			t.Errorf("%s: transfer %v, revenue %v", c.name, st.Transfer, st.Revenue.Total())
		}
		after := (1-c.p.Capital)*eq.Rate - c.p.Wealth
		if c.p.Capital > 0 && !(eq.Rate > base.Market.Rate) {
			t.Errorf("%s: r = %v, not above the untaxed %v", c.name, eq.Rate, base.Market.Rate)
		}
		if !(after < 1/0.96-1) {
			t.Errorf("%s: after-tax return %v is not below 1/β − 1", c.name, after)
		}
		t.Logf("%s: r %.5f (untaxed %.5f), K %.4f, transfer %.5f = labour %.5f + capital %.5f + wealth %.5f + consumption %.5f",
			c.name, eq.Rate, base.Market.Rate, eq.Capital, st.Transfer, st.Revenue.Labor, st.Revenue.Capital, st.Revenue.Wealth, st.Revenue.Consumption)
	}
}

// TestRulesOfThumbClosedForm: the heuristic savers' stationary economies
// have closed forms (α 0.36, δ 0.08, L = 1, no taxes):
//   - fixed_rate σ: the aggregate is Solow's K' = (1 − δ)K + σY, so
//     δK = σY and K = (σ/δ)^(1/(1−α)); the saving rate is σ;
//   - buffer_stock Θ: mean wealth tracks the mean target Θ·w (no household
//     is clamped), so K = Θ·(1 − α)·K^α and K = (Θ·(1 − α))^(1/(1−α)).
func TestRulesOfThumbClosedForm(t *testing.T) {
	for _, c := range []struct {
		saving agents.SavingRule
		param  float64
		want   float64
	}{
		{"fixed_rate", 0.25, math.Pow(0.25/0.08, 1/0.64)},
		{"fixed_rate", 0.1, math.Pow(0.1/0.08, 1/0.64)},
		{"buffer_stock", 3, math.Pow(3*0.64, 1/0.64)},
	} {
		h := Aiyagari(3, 0.6, 0.4, "tauchen")
		h.Saver.Saving = c.saving
		h.Saver.Share, h.Saver.Target, h.Saver.Speed = c.param, c.param, 0.2
		st, err := SolveStationary(context.Background(), h, AiyagariMarket, noTax, true)
		if err != nil {
			t.Fatalf("%s %v: %v", c.saving, c.param, err)
		}
		if k := st.Market.Capital; math.Abs(k-c.want) > 1e-6*c.want {
			t.Errorf("%s %v: K = %.9f, closed form %.9f", c.saving, c.param, k, c.want)
		}
		if c.saving == "fixed_rate" && math.Abs(st.SavingRate-c.param) > 1e-6 {
			t.Errorf("fixed_rate %v: saving rate %v", c.param, st.SavingRate)
		}
		if !math.IsNaN(st.EulerError) {
			t.Errorf("%s: Euler error %v, want NaN (not solved)", c.saving, st.EulerError)
		}
	}
}

// TestElasticStationary: savers who choose hours. The stationary economy's
// resources balance (C = Y − δK, with L the hours households choose, the
// labour tax returned lump-sum), the labour market clears at the wage
// (K/L is the firm's at r), mean hours respond to a labour tax (a flat 30%
// tax with its revenue returned lowers them), and the Euler errors stay
// small.
func TestElasticStationary(t *testing.T) {
	testenv.SkipUnlessLong(t, "two stationary equilibria with hours (serial code)")
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	h.Hours = &Hours{Kappa: 0.5, Elasticity: 0.5, Max: 5}
	st, err := SolveStationary(context.Background(), h, AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	eq := st.Market
	C := stationaryConsumption(st)
	if want := eq.Output - 0.08*eq.Capital; math.Abs(C-want) > 1e-6*want {
		t.Errorf("C = %.9f, Y − δK = %.9f", C, want)
	}
	if d := eq.Capital/eq.Labor - AiyagariMarket.CapitalRatio(eq.Rate); math.Abs(d) > 1e-9 {
		t.Errorf("K/L off the firm's ratio by %v", d)
	}
	taxed := TaxPolicy{Labor: tax.MustNew([]float64{0}, []float64{0.3}, tax.DefaultBounds)}
	st2, err := SolveStationary(context.Background(), h, AiyagariMarket, taxed, true)
	if err != nil {
		t.Fatal(err)
	}
	if !(st2.HoursMean < st.HoursMean) {
		t.Errorf("mean hours %v under a 30%% labour tax, %v without", st2.HoursMean, st.HoursMean)
	}
	if C2 := stationaryConsumption(st2); math.Abs(C2-(st2.Market.Output-0.08*st2.Market.Capital)) > 1e-6*C2 {
		t.Errorf("taxed: C = %v, Y − δK = %v", C2, st2.Market.Output-0.08*st2.Market.Capital)
	}
	if st.EulerError > -5 {
		t.Errorf("Euler error %v, want below −5", st.EulerError)
	}
	t.Logf("r %.5f, K %.4f, L %.4f, hours %.4f, Euler %.2f; with a 30%% labour tax: r %.5f, hours %.4f, L %.4f",
		eq.Rate, eq.Capital, eq.Labor, st.HoursMean, st.EulerError, st2.Market.Rate, st2.HoursMean, st2.Market.Labor)
}
