package planner_test

import (
	"context"
	"math"
	"testing"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/planner"
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
	p := &planner.Saez{Prior: 1.5, Smoothing: 1, Rand: sim.Stream(5, "planner", 0)}
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
