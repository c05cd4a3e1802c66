package planner_test

import (
	"context"
	"math"
	"testing"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
	"github.com/econsim/econsim/sim/welfare"
)

// flatConfig: quasi-linear workers with κ = 1, a flat tax and a full
// lump-sum rebate, hours never capped. Income is z_i = (1−t)^e·w_i^(1+e).
func flatConfig(skill agents.SkillDist, n int, e float64) sim.Config {
	return sim.Config{
		Seed: 3, Agents: n, Rounds: 1, Period: 1, HoursMax: 1e12,
		Skill:          skill,
		Utility:        agents.Utility{Kind: agents.Quasilinear, Elasticity: e, Kappa: 1},
		Behavior:       agents.Behavior{Kind: agents.Rational},
		Cutoffs:        []float64{0},
		Bounds:         tax.DefaultBounds,
		Redistribution: sim.Redistribution{Kind: "lump_sum"},
	}
}

func chosenRate(t *testing.T, cfg sim.Config, p planner.Planner) (float64, *sim.Engine) {
	t.Helper()
	e, err := sim.New(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e.Schedule().Rate(0), e
}

// potentials returns w_i^(1+e) for the engine's population.
func potentials(e *sim.Engine, el float64) []float64 {
	s := e.Population().Skill
	p := make([]float64, len(s))
	for i, w := range s {
		p[i] = math.Pow(w, 1+el)
	}
	return p
}

// TestSearchRecoversTheory checks the search planner against the closed
// forms for a flat tax with a full rebate (κ = 1):
//
//	utilitarian: t* = 0
//	rawls:       t* = (1 − m/M)/(1 − m/M + e), m = min w^(1+e), M = mean w^(1+e)
//	eq_x_prod:   t* = max(0, 1 − e/(G*(1+e))), G* = Gini(w^(1+e))·N/(N−1)
func TestSearchRecoversTheory(t *testing.T) {
	pops := []struct {
		name  string
		skill agents.SkillDist
		n     int
	}{
		{"small", agents.SkillDist{Dist: "values", Values: []float64{1, 2, 3, 5, 8, 13}}, 6},
		{"lognormal", agents.SkillDist{Dist: "lognormal", Mu: 3, Sigma: 0.6}, 20000},
	}
	for _, pop := range pops {
		for _, el := range []float64{0.25, 0.5} {
			cfg := flatConfig(pop.skill, pop.n, el)
			// Utilitarian.
			got, e := chosenRate(t, cfg, &planner.Search{Objective: "utilitarian"})
			t.Logf("%s e=%v utilitarian: theory 0, search %.6f", pop.name, el, got)
			if math.Abs(got) > 1e-3 {
				t.Errorf("%s e=%v utilitarian: t = %v, want 0", pop.name, el, got)
			}
			p := potentials(e, el)
			m, M := p[0], welfare.Mean(p)
			for _, w := range p {
				m = math.Min(m, w)
			}
			want := (1 - m/M) / (1 - m/M + el)
			got, _ = chosenRate(t, cfg, &planner.Search{Objective: "rawls"})
			t.Logf("%s e=%v rawls: theory %.6f, search %.6f", pop.name, el, want, got)
			if math.Abs(got-want) > 1e-3 {
				t.Errorf("%s e=%v rawls: t = %.6f, want %.6f", pop.name, el, got, want)
			}
			n := float64(len(p))
			gstar := welfare.Gini(p) * n / (n - 1)
			want = math.Max(0, 1-el/(gstar*(1+el)))
			got, _ = chosenRate(t, cfg, &planner.Search{Objective: "eq_x_prod"})
			t.Logf("%s e=%v eq_x_prod: theory %.6f, search %.6f", pop.name, el, want, got)
			if math.Abs(got-want) > 1e-3 {
				t.Errorf("%s e=%v eq_x_prod: t = %.6f, want %.6f (G* = %.4f)", pop.name, el, got, want, gstar)
			}
		}
	}
}

// TestSearchMultiBracket: on two brackets, the search must find a schedule
// at least as good as the best flat one (it starts from there), and for the
// utilitarian objective the optimum is no tax at all.
func TestSearchMultiBracket(t *testing.T) {
	cfg := flatConfig(agents.SkillDist{Dist: "lognormal", Mu: 3, Sigma: 0.6}, 5000, 0.5)
	cfg.Cutoffs = []float64{0, 500}
	s := &planner.Search{Objective: "utilitarian", Budget: 300}
	e, err := sim.New(cfg, s)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k := range 2 {
		if r := e.Schedule().Rate(k); r > 1e-3 {
			t.Errorf("rate %d = %v, want 0", k, r)
		}
	}
	if s.Evaluations() > 300 {
		t.Errorf("used %d evaluations, budget 300", s.Evaluations())
	}
	if gap := st.StackelbergGap; !(math.Abs(gap) < 1e-9*math.Abs(st.Objective)) {
		t.Errorf("stackelberg gap right after optimising = %v, want 0", gap)
	}
}

// TestSearchDeterministic: the same seed gives the same schedule.
func TestSearchDeterministic(t *testing.T) {
	cfg := flatConfig(agents.SkillDist{Dist: "lognormal", Mu: 3, Sigma: 0.6}, 3000, 0.5)
	cfg.Cutoffs = []float64{0, 300, 900}
	var rates [][]float64
	for range 2 {
		e, err := sim.New(cfg, &planner.Search{Objective: "eq_x_prod", Budget: 200})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		rates = append(rates, e.Schedule().Rates())
	}
	for k := range rates[0] {
		if math.Float64bits(rates[0][k]) != math.Float64bits(rates[1][k]) {
			t.Fatalf("rates differ between identical runs: %v vs %v", rates[0], rates[1])
		}
	}
}
