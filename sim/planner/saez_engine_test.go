package planner_test

import (
	"context"
	"math"
	"testing"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/rng"
	"github.com/econsim/econsim/sim/tax"
)

// TestSaezEstimatesElasticity: rational quasi-linear workers with e = 0.5
// earn z = a·(1−τ)^e·w^(1+e) when interior, so Δ ln z = e·Δ ln(1 − τ); the
// planner's regression (which also sees bunched workers, for whom Δ ln z = 0)
// must come close to the true 0.5 from a prior of 1.5.
func TestSaezEstimatesElasticity(t *testing.T) {
	cutoffs, _ := tax.Preset("us_federal_2024")
	cfg := sim.Config{
		Seed: 5, Agents: 20000, Rounds: 12, Period: 2, HoursMax: 5000,
		Skill:          agents.SkillDist{Dist: "lognormal", Mu: 3, Sigma: 0.6},
		Utility:        agents.Utility{Kind: agents.Quasilinear, Elasticity: 0.5, Kappa: 4e-6},
		Cutoffs:        cutoffs,
		Bounds:         tax.DefaultBounds,
		Redistribution: sim.Redistribution{Kind: "lump_sum"},
	}
	p := &planner.Saez{Prior: 1.5, Smoothing: 1, Rand: rng.Stream(5, "planner", 0)}
	e, err := sim.New(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	got := p.CurrentElasticity()
	t.Logf("estimated elasticity %.4f (true 0.5)", got)
	if math.Abs(got-0.5) > 0.05 {
		t.Errorf("estimated elasticity %v, want 0.5 ± 0.05", got)
	}
	for k := range cutoffs {
		if r := e.Schedule().Rate(k); r < 0 || r > 1 {
			t.Errorf("rate %d = %v outside [0, 1]", k, r)
		}
	}
}

// TestSaezAgreesWithSearchRawls: with Rawlsian weights the Saez rates are
// the revenue-maximising rates of every bracket above the worst-off worker's
// (its transfer is all the worst-off gets from them), which is what the
// Stackelberg search maximising the worst-off's utility finds by trial. The
// Saez planner reaches its fixed point over periods; the search optimises
// once, through the workers' model. Tolerance 2e-3.
func TestSaezAgreesWithSearchRawls(t *testing.T) {
	cutoffs := []float64{0, 30000, 60000, 120000}
	cfg := sim.Config{
		Seed: 11, Agents: 3000, Rounds: 40, Period: 1, HoursMax: 5000,
		Skill:          agents.SkillDist{Dist: "pareto", Alpha: 3, Min: 10},
		Utility:        agents.Utility{Kind: agents.Quasilinear, Elasticity: 0.5, Kappa: 4e-6},
		Behavior:       agents.Behavior{Kind: agents.Rational},
		Cutoffs:        cutoffs,
		Bounds:         tax.DefaultBounds,
		Redistribution: sim.Redistribution{Kind: "lump_sum"},
		Objective:      "rawls",
	}
	saez := &planner.Saez{Weights: "rawls", Elasticity: 0.5}
	es, err := sim.New(cfg, saez)
	if err != nil {
		t.Fatal(err)
	}
	if err := es.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	cfg.Rounds = 1
	es2, err := sim.New(cfg, &planner.Search{Objective: "rawls", Budget: 4000})
	if err != nil {
		t.Fatal(err)
	}
	if err := es2.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	worst := es.Population().Income[0] // lowest skill, lowest income
	for k, lo := range cutoffs {
		a, b := es.Schedule().Rate(k), es2.Schedule().Rate(k)
		t.Logf("bracket %d (from %v): saez %.5f, search %.5f", k, lo, a, b)
		if k+1 < len(cutoffs) && cutoffs[k+1] <= worst || lo <= worst && (k+1 == len(cutoffs) || worst < cutoffs[k+1]) {
			continue // the worst-off's own bracket (or below it)
		}
		if math.Abs(a-b) > 2e-3 {
			t.Errorf("bracket %d: saez %.5f, search %.5f, want within 2e-3", k, a, b)
		}
	}
}
