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

func quickstartConfig(rounds, period int) sim.Config {
	cutoffs, _ := tax.Preset("us_federal_2024")
	return sim.Config{
		Seed: 1, Agents: 5000, Rounds: rounds, Period: period, HoursMax: 5000,
		Skill:          agents.SkillDist{Dist: "lognormal", Mu: 3, Sigma: 0.6},
		Utility:        agents.Utility{Kind: agents.Quasilinear, Elasticity: 0.5, Kappa: 4e-6},
		Cutoffs:        cutoffs,
		Bounds:         tax.DefaultBounds,
		Redistribution: sim.Redistribution{Kind: "lump_sum"},
		Objective:      "eq_x_prod",
	}
}

// TestLearnImproves: from no tax, SPSA on the observed equality ×
// productivity of the quickstart population must end clearly better than
// where it started: it must gain at least three quarters of what the
// model-based search planner finds available (theory: even the best flat
// tax, t* = 1 − e/(G*(1+e)) ≈ 0.3 here, beats no tax by about 6%).
func TestLearnImproves(t *testing.T) {
	cfg := quickstartConfig(600, 1)
	p := &planner.Learn{Objective: "eq_x_prod", Rand: rng.Stream(1, "planner", 0)}
	e, err := sim.New(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	var first, last float64
	n := 0
	for !e.Done() {
		s, err := e.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if s.Round == 0 {
			first = s.Objective
		}
		if s.Round >= cfg.Rounds-50 {
			last += s.Objective
			n++
		}
	}
	last /= float64(n)
	ref, err := sim.New(quickstartConfig(1, 1), &planner.Search{Objective: "eq_x_prod"})
	if err != nil {
		t.Fatal(err)
	}
	best, err := ref.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("eq_x_prod: start %.1f, learn's last 50 rounds %.1f (%+.1f%%), search's optimum %.1f (%+.1f%%); learned rates %.3f",
		first, last, 100*(last/first-1), best.Objective, 100*(best.Objective/first-1), p.Rates())
	if last-first < 0.75*(best.Objective-first) {
		t.Errorf("learn gained %v, want at least 3/4 of the %v search finds", last-first, best.Objective-first)
	}
}

// TestVoteHandComputed: flat tax, quasi-linear workers with κ = 1 and a full
// rebate. Worker i's utility under rate t is
// u_i(t) = ((1−t)·w_i)^(1+e)/(1+e) + t·(1−t)^e·M, M = mean w^(1+e),
// so who prefers which candidate follows by hand, independently of the engine.
func TestVoteHandComputed(t *testing.T) {
	wages := []float64{1, 2, 3, 4, 10}
	const e = 0.5
	cfg := flatConfig(agents.SkillDist{Dist: "values", Values: wages}, len(wages), e)
	var M float64
	for _, w := range wages {
		M += math.Pow(w, 1+e) / float64(len(wages))
	}
	u := func(w, t float64) float64 { return math.Pow((1-t)*w, 1+e)/(1+e) + t*math.Pow(1-t, e)*M }
	rates := []float64{0, 0.3, 0.6} // status quo (no tax), flat 30%, fixed 60%
	for _, rule := range []string{"plurality", "borda"} {
		want := make([]float64, 3)
		for _, w := range wages {
			if rule == "plurality" {
				best := 0
				for c := 1; c < 3; c++ {
					if u(w, rates[c]) > u(w, rates[best]) {
						best = c
					}
				}
				want[best]++
				continue
			}
			for c := range 3 {
				for d := range 3 {
					if d != c && u(w, rates[d]) < u(w, rates[c]) {
						want[c]++
					}
				}
			}
		}
		var total float64
		for _, v := range want {
			total += v
		}
		p := &planner.Vote{Rule: rule, Names: []string{"flat", "fixed"},
			Candidates: []planner.Planner{planner.Flat(0.3), &planner.Fixed{Rates: []float64{0.6}}}}
		got, eng := chosenRate(t, cfg, p)
		win := 0
		for c := range want {
			if math.Abs(p.Shares()[c]-want[c]/total) > 1e-12 {
				t.Errorf("%s: share of candidate %d = %v, want %v", rule, c, p.Shares()[c], want[c]/total)
			}
			if want[c] > want[win] {
				win = c
			}
		}
		if got != rates[win] {
			t.Errorf("%s: chosen rate %v, want %v (shares %v)", rule, got, rates[win], p.Shares())
		}
		if cols := eng.Columns(); cols[len(cols)-1] != "vote_share_fixed" {
			t.Errorf("columns end with %v", cols[len(cols)-3:])
		}
	}
}

// TestGapReport: a fixed US schedule is not the utilitarian optimum (no tax
// is), so the reported gap is positive, and equals the model's optimum minus
// the observed objective.
func TestGapReport(t *testing.T) {
	cfg := quickstartConfig(2, 1)
	cfg.Objective = "utilitarian"
	p := &planner.WithGap{Planner: planner.USFederal(), Objective: "utilitarian", Budget: 100}
	e, err := sim.New(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !(s.StackelbergGap > 0) {
		t.Errorf("gap = %v, want > 0", s.StackelbergGap)
	}
	if r := e.Schedule().Rate(6); r != 0.37 {
		t.Errorf("gap reporting changed the schedule: top rate %v", r)
	}
}
