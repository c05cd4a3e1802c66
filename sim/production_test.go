package sim

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/planner"
)

func productionConfig(n int) Config {
	cfg := lognormalConfig(n)
	cfg.Market = market.Config{Kind: market.Production, Alpha: 0.33, TFP: 1, Capital: 200000,
		Ownership: "equal", Tolerance: 1e-12}
	return cfg
}

// TestProductionClosedForm: N identical workers (skill s, quasi-linear,
// elasticity e, κ) under a flat rate τ supply L = N·s·((1−τ)·ω·s/κ)^e, and
// ω = (1−α)·tfp·K^α·L^(−α) gives
//
//	ω* = [(1−α)·tfp·K^α·(N·s^(1+e)·((1−τ)/κ)^e)^(−α)]^(1/(1+α·e)).
func TestProductionClosedForm(t *testing.T) {
	for _, c := range []struct{ s, e, tau, alpha, tfp, capital float64 }{
		{20, 0.5, 0.25, 0.33, 1, 200000},
		{35, 1, 0.4, 0.5, 2.5, 1e5},
		{8, 0.3, 0, 0.2, 0.7, 5e4},
	} {
		const n, kappa = 1000, 4e-6
		cfg := baseConfig()
		cfg.Agents = n
		cfg.HoursMax = 1e9
		cfg.Skill = agents.SkillDist{Dist: "values", Values: []float64{c.s}}
		cfg.Utility = agents.Utility{Kind: agents.Quasilinear, Elasticity: c.e, Kappa: kappa}
		cfg.Market = market.Config{Kind: market.Production, Alpha: c.alpha, TFP: c.tfp, Capital: c.capital, Ownership: "equal", Tolerance: 1e-12}
		_, h := mustRun(t, cfg, planner.Flat(c.tau))
		K := c.capital * n
		want := math.Pow((1-c.alpha)*c.tfp*math.Pow(K, c.alpha)*math.Pow(n*math.Pow(c.s, 1+c.e)*math.Pow((1-c.tau)/kappa, c.e), -c.alpha), 1/(1+c.alpha*c.e))
		for _, s := range h {
			near(t, "clearing wage", s.Wage, want, 1e-9)
		}
		t.Logf("%+v: ω* = %.10g, engine %.10g in %v passes", c, want, h[0].Wage, h[0].MarketIterations)
	}
}

// TestProductionAccounting: output = labour income + capital income every
// round (productivity, the mean of total pre-tax income, equals output per
// worker), with skill-weighted ownership, taxed capital income and capital
// accumulation; and the residual is within tolerance.
func TestProductionAccounting(t *testing.T) {
	for _, beh := range []agents.Behavior{{Kind: agents.Rational}, {Kind: agents.Noisy, Noise: 0.2}} {
		cfg := productionConfig(20000)
		cfg.Rounds = 6
		cfg.Behavior = beh
		cfg.Market.Ownership, cfg.Market.OwnershipPower = "skill", 2
		cfg.Market.TaxCapital = true
		cfg.Market.Saving, cfg.Market.Depreciation = 0.2, 0.05
		_, h := mustRun(t, cfg, planner.USFederal())
		for r, s := range h {
			near(t, "output = labour + capital income", s.Productivity, s.Output, 1e-12)
			if math.Abs(s.MarketResidual) > 1e-12 {
				t.Errorf("%s round %d: residual %v above tolerance", beh.Kind, r, s.MarketResidual)
			}
			near(t, "capital share", s.CapitalIncome/s.Output, 0.33, 1e-9)
			if r > 0 {
				// K_t = (1−δ)K_{t−1} + s·Y_{t−1}
				near(t, "capital accumulation", s.Capital, 0.95*h[r-1].Capital+0.2*h[r-1].Output, 1e-12)
			}
		}
	}
}

// TestProductionComparativeStatics: a higher flat tax lowers labour and
// raises the wage (labour is scarcer relative to capital).
func TestProductionComparativeStatics(t *testing.T) {
	cfg := productionConfig(20000)
	cfg.Cutoffs = []float64{0}
	cfg.Rounds = 1
	_, lo := mustRun(t, cfg, planner.Flat(0.2))
	_, hi := mustRun(t, cfg, planner.Flat(0.4))
	if !(hi[0].LaborMean < lo[0].LaborMean && hi[0].Wage > lo[0].Wage) {
		t.Errorf("τ 0.2 → 0.4: labour %v → %v, wage %v → %v; want labour down, wage up",
			lo[0].LaborMean, hi[0].LaborMean, lo[0].Wage, hi[0].Wage)
	}
}

// TestProductionDeterministic: byte-identical with 1 and 8 goroutines.
func TestProductionDeterministic(t *testing.T) {
	var runs [][]RoundStats
	for _, w := range []int{1, 8} {
		cfg := productionConfig(3*ChunkSize + 11)
		cfg.Behavior = agents.Behavior{Kind: agents.Noisy, Noise: 0.2}
		cfg.Market.Saving = 0.1
		cfg.Workers = w
		_, h := mustRun(t, cfg, planner.USFederal())
		runs = append(runs, h)
	}
	for r := range runs[0] {
		if !sameBits(runs[0][r].Values(), runs[1][r].Values()) {
			t.Fatalf("round %d differs between 1 and 8 workers", r)
		}
	}
}

// TestProductionAdaptive: adaptive workers decide on last round's wage; the
// wage paid is the marginal product of what they supply, the accounting
// holds, and the residual left is reported (and shrinks as they settle).
func TestProductionAdaptive(t *testing.T) {
	cfg := productionConfig(10000)
	cfg.Rounds = 30
	cfg.Behavior = agents.Behavior{Kind: agents.Adaptive, Adjustment: 0.5}
	_, h := mustRun(t, cfg, planner.USFederal())
	for _, s := range h {
		near(t, "accounting", s.Productivity, s.Output, 1e-12)
	}
	first, last := math.Abs(h[0].MarketResidual), math.Abs(h[len(h)-1].MarketResidual)
	if !(first > 1e-6 && last < first/100) {
		t.Errorf("residual %v at round 0 and %v at the end; want a visible one that shrinks", first, last)
	}
}

// TestProductionNoWage: a 100% tax leaves nobody working: Step fails with a
// clear error instead of hanging or producing NaN.
func TestProductionNoWage(t *testing.T) {
	cfg := productionConfig(1000)
	cfg.Cutoffs = []float64{0}
	e, err := New(cfg, planner.Flat(1))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Step(context.Background())
	if !errors.Is(err, market.ErrNoWage) {
		t.Errorf("error = %v, want market.ErrNoWage", err)
	}
}
