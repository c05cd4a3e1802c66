package sim

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/econsim/econsim/internal/testenv"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// saverConfig is Aiyagari's benchmark economy with n households.
func saverConfig(n, rounds, workers int) Config {
	return Config{Seed: 7, Agents: n, Rounds: rounds, Period: rounds, HoursMax: 1,
		Skill: agents.SkillDist{Dist: "values", Values: []float64{1}}, Cutoffs: []float64{0}, Bounds: tax.DefaultBounds,
		Redistribution: Redistribution{Kind: "lump_sum"}, Market: household.AiyagariMarket,
		Households: household.Aiyagari(3, 0.6, 0.4, "tauchen"), Workers: workers}
}

// runSavers runs cfg under a zero tax and returns every round's values.
func runSavers(t *testing.T, cfg Config) (*Engine, [][]float64) {
	t.Helper()
	return runSaversWith(t, cfg, planner.Flat(0))
}

// runSaversWith runs cfg under the planner p.
func runSaversWith(t *testing.T, cfg Config, p planner.Planner) (*Engine, [][]float64) {
	t.Helper()
	e, err := New(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]float64
	for !e.Done() {
		s, err := e.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, s.Values())
	}
	return e, rows
}

// columnOf returns the named column of rows.
func columnOf(e *Engine, rows [][]float64, name string) []float64 {
	k := slices.Index(e.Columns(), name)
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r[k]
	}
	return out
}

// TestSaversDeterministic: the same rounds, to the bit, on 1, 2 and 8
// goroutines (20,000 households: three chunks).
func TestSaversDeterministic(t *testing.T) {
	_, want := runSavers(t, saverConfig(20000, 4, 1))
	for _, w := range []int{2, 8} {
		e, got := runSavers(t, saverConfig(20000, 4, w))
		for r := range want {
			for k := range want[r] {
				if math.Float64bits(got[r][k]) != math.Float64bits(want[r][k]) && !(math.IsNaN(got[r][k]) && math.IsNaN(want[r][k])) {
					t.Fatalf("%d workers: round %d %s = %v, want %v (1 worker)", w, r, e.Columns()[k], got[r][k], want[r][k])
				}
			}
		}
	}
}

// TestSimulationMatchesHistogram: 10⁶ households drawn from the stationary
// distribution and simulated for 30 rounds (each re-solving its policy at
// the round's prices) keep the histogram's mean wealth and wealth Gini
// within sampling error: |mean − K| < 4 standard errors (sd of wealth/√N,
// from the histogram) and the Gini within 0.003.
func TestSimulationMatchesHistogram(t *testing.T) {
	testenv.SkipUnlessLong(t, "10⁶ households for 30 rounds")
	e, rows := runSavers(t, saverConfig(1_000_000, 30, 2))
	st := e.Stationary()
	h := st.Histogram
	var m2 float64
	w := h.ByWealth()
	for j, a := range h.Grid {
		m2 += w[j] * a * a
	}
	se := math.Sqrt(m2-st.Market.Capital*st.Market.Capital) / math.Sqrt(1e6)
	wealth, gini := columnOf(e, rows, "wealth_mean"), columnOf(e, rows, "wealth_gini")
	last := len(rows) - 1
	if d := wealth[last] - st.Market.Capital; math.Abs(d) > 4*se {
		t.Errorf("round 29: mean wealth %.5f, histogram %.5f: off by %.2g, more than 4 standard errors (%.2g)", wealth[last], st.Market.Capital, d, 4*se)
	}
	if d := gini[last] - st.WealthGini; math.Abs(d) > 0.003 {
		t.Errorf("round 29: wealth Gini %.5f, histogram %.5f", gini[last], st.WealthGini)
	}
	t.Logf("mean wealth %.5f vs %.5f (se %.2g); Gini %.5f vs %.5f", wealth[last], st.Market.Capital, se, gini[last], st.WealthGini)
}

// TestSaversConverge: households that start with 1.6 times the stationary
// capital, expecting each round's prices to persist, run their wealth down
// to the stationary equilibrium: r, averaged over rounds 80–119, within
// 5e-4 of the stationary r (50,000 households).
func TestSaversConverge(t *testing.T) {
	testenv.SkipUnlessLong(t, "200 rounds")
	cfg := saverConfig(50000, 120, 2)
	cfg.Households.InitialWealth, cfg.Households.InitialValue = "value", 10.5 // K* ≈ 6.45
	e, rows := runSavers(t, cfg)
	r := columnOf(e, rows, "interest_rate")
	mean := 0.0
	for _, x := range r[80:] {
		mean += x / 40
	}
	want := e.Stationary().Market.Rate
	if math.Abs(mean-want) > 5e-4 {
		t.Errorf("r averaged over rounds 80–119 = %.5f, stationary %.5f", mean, want)
	}
	t.Logf("r: round 0 %.5f, 25 %.5f, 50 %.5f, 100 %.5f, mean 80–119 %.5f; stationary %.5f", r[0], r[25], r[50], r[100], mean, want)
}

// TestSaversNearTheBound: with μ = 1 and i.i.d. productivity the stationary r
// (4.06%) is 0.1 pp below 1/β − 1, and in 5,000 households a round's r
// crosses it by sampling noise; households then expect the highest return
// at which wealth stays bounded, and the run goes on (it used to stop with
// "wealth grows without bound").
func TestSaversNearTheBound(t *testing.T) {
	cfg := saverConfig(5000, 20, 2)
	cfg.Seed = 1
	cfg.Households = household.Aiyagari(1, 0, 0.4, "tauchen")
	e, rows := runSavers(t, cfg)
	r := columnOf(e, rows, "interest_rate")
	above := 0
	for _, x := range r {
		if x > 1/0.96-1 {
			above++
		}
	}
	if above == 0 {
		t.Fatalf("no round's r crossed 1/β − 1 (max %.5f): the test no longer exercises the cap", slices.Max(r))
	}
	t.Logf("%d of %d rounds had r above 1/β − 1; max r %.5f", above, len(r), slices.Max(r))
}
