package household

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/econsim/econsim/internal/testenv"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/tax"
)

// ssjEconomy is the Sequence-Space Jacobian toolkit's check economy:
// Aiyagari's technology, β 0.96, μ 3 (EIS 1/3), log productivity AR(1)
// with ρ 0.6 and σ 0.4 on 7 Rouwenhorst states, no borrowing, an asset grid
// to 200 with 500 points.
func ssjEconomy() *Config {
	h := Aiyagari(3, 0.6, 0.4, "rouwenhorst")
	h.Saver.GridMax, h.Saver.GridPoints = 200, 500
	return h
}

// wealthTax is a wealth tax of rate x on all wealth, no labour tax.
func wealthTax(x float64) TaxPolicy {
	p := noTax
	p.AssetTaxes = agents.AssetTaxes{Wealth: x}
	return p
}

// TestTransitionSSJ: the toolkit (shade-econ/sequence-jacobian,
// hetblocks.hh_sim.hh with markov_rouwenhorst(0.6, 0.4, 7) and agrid(200,
// 500); a wealth tax on beginning-of-period assets rebated as τ_w·K) gives
// stationary r 0.0306560 without the tax and 0.0401351 with 1%, and after
// an unexpected 1% tax in round 0 the path r₀…r₅ below. Ours, on our own
// grid, within 1e-4; the capital market clears every round to 1e-9.
func TestTransitionSSJ(t *testing.T) {
	testenv.SkipUnlessLong(t, "a 300-round transition and its two stationary equilibria")
	ctx := context.Background()
	h := ssjEconomy()
	before, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	p, err := SolveTransition(ctx, h, AiyagariMarket, before, Reform{Before: noTax, After: wealthTax(0.01)}, true, 300)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("solved in %v, %d Newton steps; r before %.7f, after %.7f, path %.7f", time.Since(start), p.Iterations, before.Market.Rate, p.After.Market.Rate, p.Rate[:6])
	near := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol {
			t.Errorf("%s: %.7f, want %.7f (tolerance %g)", what, got, want, tol)
		}
	}
	near("r before", before.Market.Rate, 0.0306560, 1e-4)
	near("r after", p.After.Market.Rate, 0.0401351, 1e-4)
	for i, want := range []float64{0.0306560, 0.0312325, 0.0317770, 0.0322908, 0.0327756, 0.0332326} {
		near("path r", p.Rate[i], want, 1e-4)
	}
	for i, x := range p.Excess[:len(p.Excess)-1] {
		if math.Abs(x) > 1e-9 {
			t.Errorf("round %d: excess supply of capital %v", i, x)
		}
	}
	if p.Gap > 1e-6 {
		t.Errorf("gap at the horizon %v", p.Gap)
	}
}

// TestNullReform: a reform that changes nothing leaves every round at the
// stationary equilibrium: r within 1e-9 of Before's throughout, for an
// announced reform with revenue returned and an unexpected one without.
func TestNullReform(t *testing.T) {
	if testing.Short() {
		t.Skip("transitions take seconds; -short is the race detector's run")
	}
	ctx := context.Background()
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	for _, c := range []struct {
		redistribute bool
		switchRound  int
	}{{true, 10}, {false, 0}} {
		before, err := SolveStationary(ctx, h, AiyagariMarket, wealthTax(0.005), c.redistribute)
		if err != nil {
			t.Fatal(err)
		}
		p, err := SolveTransition(ctx, h, AiyagariMarket, before, Reform{Before: wealthTax(0.005), After: wealthTax(0.005), Switch: c.switchRound}, c.redistribute, 60)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range p.Rate {
			if math.Abs(r-before.Market.Rate) > 1e-9 {
				t.Fatalf("%+v: round %d r %.12f, stationary %.12f", c, i, r, before.Market.Rate)
			}
		}
	}
}

// TestTransitionRefusals: what the solver does not handle is said, not
// solved wrongly.
func TestTransitionRefusals(t *testing.T) {
	if testing.Short() {
		t.Skip("transitions take seconds; -short is the race detector's run")
	}
	ctx := context.Background()
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	before, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	subsidy := noTax // a 90% wage subsidy: no stationary equilibrium after it
	subsidy.Labor = tax.MustNew([]float64{0}, []float64{-0.9}, tax.Bounds{Min: -1, Max: 1})
	elasticRule := &Config{Saver: agents.Saver{RiskAversion: 3, Discount: 0.96, Saving: agents.SaveFixedRate, Share: 0.2}, Productivity: h.Productivity, Hours: &Hours{Kappa: 1, Elasticity: 0.5, Max: 1}}
	llm := &Config{Saver: agents.Saver{RiskAversion: 3, Discount: 0.96, Saving: agents.SaveLLM}, Productivity: h.Productivity}
	for name, c := range map[string]struct {
		h       *Config
		rf      Reform
		horizon int
		want    string
	}{
		"short horizon":        {h, Reform{Before: noTax, After: wealthTax(0.01), Switch: 5}, 6, "must extend at least two rounds past"},
		"huge horizon":         {h, Reform{Before: noTax, After: wealthTax(0.01)}, 1_000_000, "is over 2000"},
		"elastic hours, rules": {elasticRule, Reform{Before: noTax, After: noTax}, 60, "not rules of thumb"},
		"LLM savers":           {llm, Reform{Before: noTax, After: noTax}, 60, "not LLM savers"},
		"no equilibrium after": {h, Reform{Before: noTax, After: subsidy}, 60, "the stationary equilibrium after the reform"},
	} {
		if _, err := SolveTransition(ctx, c.h, AiyagariMarket, before, c.rf, true, c.horizon); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", name, err, c.want)
		}
	}
	if _, err := SolveTransition(ctx, h, AiyagariMarket, before, Reform{Before: noTax, After: wealthTax(0.01)}, true, 8); !errors.Is(err, ErrHorizon) {
		t.Errorf("a horizon of 8 rounds: %v, want ErrHorizon", err)
	}
}

// TestNewtonAgreesWithDampedFixedPoint: the path Newton's method finds is
// the one a damped fixed point on the capital path (K ← K + λ·(A − K), the
// transfer ← revenue) converges to, to 1e-8 in capital per household.
func TestNewtonAgreesWithDampedFixedPoint(t *testing.T) {
	testenv.SkipUnlessLong(t, "hundreds of path evaluations")
	ctx := context.Background()
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	before, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	rf := Reform{Before: noTax, After: wealthTax(0.005), Switch: 5}
	const horizon = 200
	p, err := SolveTransition(ctx, h, AiyagariMarket, before, rf, true, horizon)
	if err != nil {
		t.Fatal(err)
	}
	newton := append([]float64(nil), p.Capital...)
	steps := dampedPath(t, &pathEval{h: h, m: AiyagariMarket, rf: &rf, p: p, redistribute: true, n: horizon})
	worst := 0.0
	for i, k := range p.Capital {
		worst = max(worst, math.Abs(k-newton[i]))
	}
	t.Logf("damped fixed point: %d steps; largest difference in capital %.3g", steps, worst)
	if steps == 5000 || worst > 1e-8 {
		t.Errorf("after %d steps the damped path differs from Newton's by %.3g", steps, worst)
	}
}

// dampedPath solves e's path by a damped fixed point from the jump to the
// equilibrium after: capital K ← K + 0.2·(A − K), every other unknown (the
// transfer, labour) ← what households pay or supply, until every residual
// is below 1e-11; it returns the steps taken (5000 when it did not get
// there), e.p holding the path.
func dampedPath(t *testing.T, e *pathEval) int {
	t.Helper()
	x := e.initial()
	const damping = 0.2
	steps := 0
	for ; steps < 5000; steps++ {
		res, err := e.eval(context.Background(), x)
		if err != nil {
			t.Fatal(err)
		}
		if maxAbs(res) < 1e-11 {
			break
		}
		for i := range res {
			if i < e.n-1 {
				x[i] += damping * res[i]
			} else {
				x[i] += res[i]
			}
		}
	}
	return steps
}

// TestTransitionCoarse is a transition on a coarse grid, quick enough for
// the race detector's run (-short): the ends solved side by side, the
// Jacobian's inputs side by side, the path clearing every round to 1e-9.
func TestTransitionCoarse(t *testing.T) {
	ctx := context.Background()
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	h.Saver.GridPoints = 60
	before, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		t.Fatal(err)
	}
	p, err := SolveTransition(ctx, h, AiyagariMarket, before, Reform{Before: noTax, After: wealthTax(0.01), Switch: 3}, true, 200)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range p.Excess[:p.Horizon()-1] {
		if math.Abs(x) > 1e-9 {
			t.Errorf("round %d: excess supply %v, want within 1e-9", i, x)
		}
	}
	if !(p.Rate[p.Horizon()-1] > p.Rate[0]) {
		t.Errorf("r %v at the start and %v at the horizon: a wealth tax should raise it", p.Rate[0], p.Rate[p.Horizon()-1])
	}
}
