package pareto

import (
	"context"
	"math"
	"testing"

	"github.com/econsim/econsim/internal/testenv"
	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
	"github.com/econsim/econsim/sim/welfare"
)

func engine(t *testing.T, cfg sim.Config) *sim.Engine {
	t.Helper()
	e, err := sim.New(cfg, planner.None())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func eqProd(t *testing.T) []Objective {
	objs, err := ParseObjectives("equality,productivity")
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// TestFlatTaxFront: a flat rate t with quasi-linear workers (κ = 1) and a
// full rebate scales every income by (1−t)^e, so
// equality(t) = 1 − (1−t)·G* and productivity(t) = M·(1−t)^e, with
// G* = Gini(w^(1+e))·N/(N−1) and M = mean w^(1+e): every t is
// Pareto-optimal. The computed front must lie on that curve and span it.
func TestFlatTaxFront(t *testing.T) {
	const e = 0.5
	cfg := sim.Config{Seed: 2, Agents: 2000, Rounds: 1, Period: 1, HoursMax: 1e12,
		Skill:   agents.SkillDist{Dist: "lognormal", Mu: 3, Sigma: 0.6},
		Utility: agents.Utility{Kind: agents.Quasilinear, Elasticity: e, Kappa: 1},
		Cutoffs: []float64{0}, Bounds: tax.DefaultBounds, Redistribution: sim.Redistribution{Kind: "lump_sum"}}
	eng := engine(t, cfg)
	pot := make([]float64, cfg.Agents)
	for i, w := range eng.Population().Skill {
		pot[i] = math.Pow(w, 1+e)
	}
	n := float64(cfg.Agents)
	gstar, M := welfare.Gini(pot)*n/(n-1), welfare.Mean(pot)
	ev := &Evaluator{Model: eng.Model(), Cutoffs: cfg.Cutoffs, Bounds: cfg.Bounds, Objs: eqProd(t)}
	res, err := Exact(context.Background(), ev, Options{})
	if err != nil {
		t.Fatal(err)
	}
	prevT := -1.0
	minT, maxT := 1.0, 0.0
	for _, p := range res.Front {
		rate := p.Rates[0]
		eq, prod := 1-(1-rate)*gstar, M*math.Pow(1-rate, e)
		if math.Abs(p.Values[0]-eq) > 1e-6 || math.Abs(p.Values[1]/prod-1) > 1e-6 {
			t.Fatalf("t = %v: (%v, %v) off the curve (%v, %v)", rate, p.Values[0], p.Values[1], eq, prod)
		}
		minT, maxT = min(minT, rate), max(maxT, rate)
		if prevT >= 0 && rate-prevT > 0.1 {
			t.Errorf("gap in the front from t = %v to %v", prevT, rate)
		}
		prevT = rate
	}
	if minT > 0.01 || maxT < 0.95 || len(res.Front) < 20 {
		t.Errorf("front spans t ∈ [%v, %v] with %d points; want [0, ~1] densely", minT, maxT, len(res.Front))
	}
	t.Logf("%d front points from %d evaluations", len(res.Front), res.Evaluations)
}

func pt(a, b float64) Point { return Point{Rates: []float64{a}, Values: []float64{a, b}} }

// TestFrontFilter: dominated points never reported, ties kept, duplicates once.
func TestFrontFilter(t *testing.T) {
	objs := eqProd(t)
	ps := []Point{pt(1, 1), pt(2, 0), pt(1, 1), pt(0.5, 0.5), pt(1, 0.5), pt(0, 2)}
	f := Front(ps, objs)
	want := [][2]float64{{0, 2}, {1, 1}, {2, 0}}
	if len(f) != len(want) {
		t.Fatalf("front %v, want %v", f, want)
	}
	for i, w := range want {
		if f[i].Values[0] != w[0] || f[i].Values[1] != w[1] {
			t.Errorf("front[%d] = %v, want %v", i, f[i].Values, w)
		}
	}
	// Minimising the second objective flips which points survive.
	min2, _ := ParseObjectives("equality,-productivity")
	f = Front(ps, min2)
	if len(f) != 1 || f[0].Values[0] != 2 {
		t.Errorf("front with -productivity %v, want only (2, 0)", f)
	}
	for _, bad := range []string{"equality", "equality,equality", "equality,happiness", ""} {
		if _, err := ParseObjectives(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// Hypervolume of {(1,1)} above (0,0) in unit spans is 1; adding (2,0.5)
	// adds (2−1)·0.5.
	hv := Hypervolume2([]Point{pt(1, 1), pt(2, 0.5)}, objs, [2]float64{0, 0}, [2]float64{1, 1})
	if math.Abs(hv-1.5) > 1e-12 {
		t.Errorf("hypervolume %v, want 1.5", hv)
	}
}

// TestAmortisedMatchesExact: on the quickstart population with the seven
// 2024 brackets, the amortised front's hypervolume is within 2% of the
// exact front's while using at most a third of its true evaluations.
func TestAmortisedMatchesExact(t *testing.T) {
	testenv.SkipUnlessLong(t, "thousands of model evaluations")
	cut, _ := tax.Preset("us_federal_2024")
	cfg := sim.Config{Seed: 1, Agents: 5000, Rounds: 1, Period: 1, HoursMax: 5000,
		Skill:   agents.SkillDist{Dist: "lognormal", Mu: 3, Sigma: 0.6},
		Utility: agents.Utility{Kind: agents.Quasilinear, Elasticity: 0.5, Kappa: 4e-6},
		Cutoffs: cut, Bounds: tax.DefaultBounds, Redistribution: sim.Redistribution{Kind: "lump_sum"}}
	eng := engine(t, cfg)
	objs := eqProd(t)
	exEv := &Evaluator{Model: eng.Model(), Cutoffs: cut, Bounds: cfg.Bounds, Objs: objs}
	ex, err := Exact(context.Background(), exEv, Options{})
	if err != nil {
		t.Fatal(err)
	}
	amEv := &Evaluator{Model: eng.Model(), Cutoffs: cut, Bounds: cfg.Bounds, Objs: objs}
	am, err := Amortised(context.Background(), amEv, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	all := append(append([]Point{}, ex.Front...), am.Front...)
	ref, span := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{}
	hi := [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, p := range all {
		for j := range 2 {
			ref[j], hi[j] = min(ref[j], p.Values[j]), max(hi[j], p.Values[j])
		}
	}
	for j := range 2 {
		span[j] = hi[j] - ref[j]
	}
	hvEx, hvAm := Hypervolume2(ex.Front, objs, ref, span), Hypervolume2(am.Front, objs, ref, span)
	t.Logf("exact: %d evaluations, %d points, hypervolume %.4f; amortised: %d evaluations (%.1f%%), %d points, hypervolume %.4f (%.2f%% of exact), surrogate error %.4f",
		ex.Evaluations, len(ex.Front), hvEx, am.Evaluations, 100*float64(am.Evaluations)/float64(ex.Evaluations), len(am.Front), hvAm, 100*hvAm/hvEx, am.SurrogateError)
	if 3*am.Evaluations > ex.Evaluations {
		t.Errorf("amortised used %d true evaluations, more than a third of exact's %d", am.Evaluations, ex.Evaluations)
	}
	if hvAm < 0.98*hvEx {
		t.Errorf("amortised hypervolume %.4f is not within 2%% of exact's %.4f", hvAm, hvEx)
	}
}

// Under a tax system the Saez reference is the system-aware planner's: the
// same schedule as planner.Saez proposes when told the system, on the same
// incomes (the free market's).
func TestReferencesUnderSystem(t *testing.T) {
	sys := tax.US2024Single()
	cfg := sim.Config{Seed: 3, Agents: 3000, Rounds: 1, Period: 1, HoursMax: 5000,
		Skill:   agents.SkillDist{Dist: "lognormal", Mu: 3.2, Sigma: 0.8},
		Utility: agents.Utility{Kind: agents.Quasilinear, Elasticity: 0.5, Kappa: 4e-6}, Behavior: agents.Behavior{Kind: agents.Rational},
		Cutoffs: sys.Cutoffs, Bounds: tax.Bounds{Min: 0, Max: 0.8}, System: &sys, Redistribution: sim.Redistribution{Kind: "lump_sum"}}
	e := engine(t, cfg)
	refs, err := References(context.Background(), e, cfg.Cutoffs, cfg.Bounds, eqProd(t), 0.5)
	if err != nil {
		t.Fatal(err)
	}
	p := &planner.Saez{Elasticity: 0.5}
	free := tax.MustNew(cfg.Cutoffs, make([]float64, len(cfg.Cutoffs)), cfg.Bounds)
	p.Observe(planner.Observation{Schedule: free, Stats: &sim.RoundStats{}, Income: e.Population().Income})
	want, err := p.Propose(context.Background(), planner.Request{Cutoffs: cfg.Cutoffs, Bounds: cfg.Bounds, System: &sys})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range refs {
		if r.Name != "Saez" {
			continue
		}
		for k, x := range want.Rates() {
			if r.Point.Rates[k] != x {
				t.Fatalf("Saez reference rates %v, want the system-aware %v", r.Point.Rates, want.Rates())
			}
		}
		return
	}
	t.Fatal("no Saez reference")
}

// TestFrontOnePolicyOnce: one policy evaluated twice, with objectives that
// differ in their last digits (a warm-started households' model), is on the
// front once; policies 1e-6 apart are two.
func TestFrontOnePolicyOnce(t *testing.T) {
	objs := eqProd(t)
	a := Point{Rates: []float64{0}, Values: []float64{0.5, 1}}
	b := Point{Rates: []float64{1e-12}, Values: []float64{0.5 + 1e-13, 1 - 1e-13}}
	c := Point{Rates: []float64{1e-6}, Values: []float64{0.5 + 1e-7, 1 - 1e-7}}
	if f := Front([]Point{a, b, a}, objs); len(f) != 1 {
		t.Errorf("front of one policy thrice: %v", f)
	}
	if f := Front([]Point{a, c}, objs); len(f) != 2 {
		t.Errorf("front of two policies: %v", f)
	}
}

// TestSurrogateSkipsNoEquilibrium: policies whose objectives are NaN (no
// equilibrium) are left out of the surrogate's fit instead of making it
// singular; too few finite ones is an error that says so.
func TestSurrogateSkipsNoEquilibrium(t *testing.T) {
	objs := eqProd(t)
	var ps []Point
	for i := range 12 {
		r := float64(i) / 11
		v := []float64{r, 1 - r*r}
		if i%3 == 0 {
			v = []float64{math.NaN(), math.NaN()}
		}
		ps = append(ps, Point{Rates: []float64{r}, Values: v})
	}
	fin := finitePoints(ps)
	if len(fin) != 8 {
		t.Fatalf("%d finite points, want 8", len(fin))
	}
	sur, err := fitSurrogate(fin, frontWeights(fin, objs), objs, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := sur.predict([]float64{0.5}); math.Abs(got[0]-0.5) > 1e-6 || math.Abs(got[1]-0.75) > 1e-6 {
		t.Errorf("surrogate at 0.5: %v, want [0.5 0.75] (the quadratics fit exactly)", got)
	}
}

// TestObjectiveSigns: a bare name follows the metric's direction; a
// leading "-" minimises and "+" maximises whatever the metric.
func TestObjectiveSigns(t *testing.T) {
	objs, err := ParseObjectives("equality,theil,-productivity,+gini_post,revenue")
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, -1, -1, 1, 1}
	for i, o := range objs {
		if o.Sign != want[i] {
			t.Errorf("%s: sign %v, want %v", o.Name, o.Sign, want[i])
		}
		if back, err := ParseObjectives(o.String() + ",welfare_rawls"); err != nil || back[0] != o {
			t.Errorf("%v reads back as %v (%v)", o, back, err)
		}
	}
}
