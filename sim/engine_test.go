package sim

import (
	"context"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/econsim/econsim/internal/testenv"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/rng"
	"github.com/econsim/econsim/sim/tax"
	"github.com/econsim/econsim/sim/welfare"
)

func near(t *testing.T, name string, got, want, rel float64) {
	t.Helper()
	if math.Abs(got-want) > rel*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.12g, want %.12g (relative tolerance %g)", name, got, want, rel)
	}
}

func baseConfig() Config {
	return Config{
		Seed: 1, Agents: 3, Rounds: 2, Period: 1, HoursMax: 5000,
		Skill:          agents.SkillDist{Dist: "values", Values: []float64{10, 20, 40}},
		Utility:        agents.Utility{Kind: agents.Quasilinear, Elasticity: 1, Kappa: 0.01},
		Behavior:       agents.Behavior{Kind: agents.Rational},
		Cutoffs:        []float64{0},
		Bounds:         tax.DefaultBounds,
		Redistribution: Redistribution{Kind: "lump_sum"},
	}
}

func mustRun(t *testing.T, cfg Config, p planner.Planner) (*Engine, []RoundStats) {
	t.Helper()
	e, err := New(cfg, p)
	if err != nil {
		t.Fatal(err)
	}
	var hist []RoundStats
	for !e.Done() {
		s, err := e.Step(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		c := *s
		c.Rates = slices.Clone(s.Rates)
		hist = append(hist, c)
	}
	return e, hist
}

// TestHandComputedRound: skills 10, 20, 40, κ = 0.01, e = 1, flat 25% with a
// lump-sum rebate. Hours l = (1−τ)w/κ = 750, 1500, 3000; incomes 7500,
// 30000, 120000 (mean 52500); revenue 13125 each; c = 0.75z + 13125 =
// 18750, 35625, 103125; u = c − κl²/2 = 15937.5, 24375, 58125. Before
// round 0 workers face no tax: l = w/κ = 1000, 2000, 4000.
func TestHandComputedRound(t *testing.T) {
	_, h := mustRun(t, baseConfig(), planner.Flat(0.25))
	s := h[0]
	giniPre := (2*120000.0 - 2*7500) / (3 * 157500)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"productivity", s.Productivity, 52500},
		{"revenue", s.Revenue, 13125},
		{"transfer", s.Transfer, 13125},
		{"avg_tax_rate", s.AvgTaxRate, 0.25},
		{"labor_mean", s.LaborMean, 1750},
		{"gini_pre", s.GiniPre, giniPre},
		{"gini_post", s.GiniPost, 0.75 * giniPre},
		{"equality", s.Equality, 1 - 0.75*giniPre*1.5},
		{"eq_x_prod", s.EqXProd, (1 - 0.75*giniPre*1.5) * 52500},
		{"welfare_utilitarian", s.WelfareUtilitarian, (15937.5 + 24375 + 58125) / 3},
		{"welfare_rawls", s.WelfareRawls, 15937.5},
		{"welfare_inv_income", s.WelfareInvIncome, (15937.5/7500 + 24375.0/30000 + 58125.0/120000) / (1/7500.0 + 1/30000.0 + 1/120000.0)},
		{"labor_change round 0", s.LaborChange, (250 + 500 + 1000) / 3.0},
		{"labor_change round 1", h[1].LaborChange, 0},
		{"br_regret_max", s.BRRegretMax, 0},
		{"atkinson_1", s.Atkinson1, 1 - math.Cbrt(18750*35625*103125)/(157500/3.0)},
		{"wage", s.Wage, 1},
		{"rate_0", s.Rates[0], 0.25},
	} {
		near(t, c.name, c.got, c.want, 1e-12)
	}
}

// TestTargetedTransfer: with share 1/3 the single lowest earner (7500) gets
// all 39375 of revenue: c = 5625 + 39375 = 45000.
func TestTargetedTransfer(t *testing.T) {
	cfg := baseConfig()
	cfg.Redistribution = Redistribution{Kind: "targeted", Share: 1.0 / 3}
	e, h := mustRun(t, cfg, planner.Flat(0.25))
	near(t, "c of the poorest", e.Population().Consumption[0], 45000, 1e-12)
	near(t, "c of the richest", e.Population().Consumption[2], 90000, 1e-12)
	near(t, "mean transfer", h[1].Transfer, 13125, 1e-12)
	cfg.Redistribution = Redistribution{Kind: "none"}
	_, h = mustRun(t, cfg, planner.Flat(0.25))
	near(t, "no transfer", h[0].Transfer, 0, 0)
	near(t, "gini_post without rebate", h[0].GiniPost, h[0].GiniPre, 1e-12)
}

// TestAdaptiveConvergence: l_t − BR = (1−α)^(t+1)·(l_{−1} − BR).
func TestAdaptiveConvergence(t *testing.T) {
	cfg := baseConfig()
	cfg.Rounds = 5
	cfg.Behavior = agents.Behavior{Kind: agents.Adaptive, Adjustment: 0.3}
	e, h := mustRun(t, cfg, planner.Flat(0.25))
	for i, w := range []float64{10, 20, 40} {
		br, start := 75*w, 100*w
		near(t, "adaptive hours", e.Population().Hours[i], br+math.Pow(0.7, 5)*(start-br), 1e-12)
	}
	if !(h[0].BRRegretMean > h[4].BRRegretMean && h[4].BRRegretMean > 0) {
		t.Errorf("regret should fall but stay positive: %v → %v", h[0].BRRegretMean, h[4].BRRegretMean)
	}
}

func lognormalConfig(n int) Config {
	cfg := baseConfig()
	cfg.Agents = n
	cfg.Rounds = 3
	cfg.Skill = agents.SkillDist{Dist: "lognormal", Mu: 3, Sigma: 0.6}
	cfg.Utility = agents.Utility{Kind: agents.Quasilinear, Elasticity: 0.5, Kappa: 4e-6}
	cfg.Cutoffs, _ = tax.Preset("us_federal_2024")
	return cfg
}

// TestMetricsMatchReference recomputes every metric from the population
// with the package welfare reference functions (which sort) and checks the
// engine's fused single-pass values, for sorted and unsorted populations,
// through each of the choice pass's loops: rational workers
// (choiceRational), noisy ones (choiceNoisy, which hands the sort its
// bounds), noisy ones in the production economy (the general loop) and
// noisy ones under the 2024 system with the credit by age (choiceFixed).
func TestMetricsMatchReference(t *testing.T) {
	n := 3*ChunkSize + 17
	noisy := agents.Behavior{Kind: agents.Noisy, Noise: 0.3}
	production := lognormalConfig(n)
	production.Behavior = noisy
	production.Market = market.Config{Kind: market.Production, Alpha: 0.33, TFP: 1, Capital: 200000,
		Ownership: "equal", Saving: 0.2, Depreciation: 0.05, Tolerance: 1e-10}
	ages := systemConfig()
	ages.Agents, ages.Rounds = n, 3
	ages.Skill = agents.SkillDist{Dist: "us_occupations", HoursPerYear: 2080}
	ages.Behavior = noisy
	cases := []struct {
		name string
		cfg  Config
	}{{"rational", lognormalConfig(n)}, {"noisy", lognormalConfig(n)}, {"noisy, production", production}, {"noisy, credit by age", ages}}
	cases[1].cfg.Behavior = noisy
	for _, c := range cases {
		e, h := mustRun(t, c.cfg, planner.USFederal())
		p, s := e.Population(), h[len(h)-1]
		if c.name != "rational" && slices.IsSorted(p.Income) {
			t.Fatalf("%s: incomes in order, which the case is to avoid", c.name)
		}
		near(t, c.name+" gini_pre", s.GiniPre, welfare.Gini(p.Income), 1e-10)
		near(t, c.name+" gini_post", s.GiniPost, welfare.Gini(p.Consumption), 1e-10)
		near(t, c.name+" utilitarian", s.WelfareUtilitarian, welfare.Utilitarian(p.Utility), 1e-10)
		near(t, c.name+" inv_income", s.WelfareInvIncome, welfare.InvIncome(p.Income, p.Utility), 1e-10)
		near(t, c.name+" rawls", s.WelfareRawls, welfare.Rawls(p.Utility), 0)
		near(t, c.name+" atkinson", s.Atkinson1, welfare.Atkinson1(p.Consumption), 1e-10)
		near(t, c.name+" theil", s.Theil, welfare.Theil(p.Consumption), 1e-10)
		near(t, c.name+" productivity", s.Productivity, welfare.Mean(p.Income), 1e-12)
		if c.name != "rational" && !(s.BRRegretMean > 0) {
			t.Errorf("%s: noisy workers have zero regret", c.name)
		}
	}
}

// TestFlatRebateIdentity: gini_post = (1−t)·gini_pre under a flat rate with
// a full lump-sum rebate, on a lognormal population.
func TestFlatRebateIdentity(t *testing.T) {
	cfg := lognormalConfig(20000)
	cfg.Cutoffs = []float64{0}
	for _, rate := range []float64{0, 0.3, 0.7} {
		_, h := mustRun(t, cfg, planner.Flat(rate))
		near(t, "gini_post", h[2].GiniPost, (1-rate)*h[2].GiniPre, 1e-12)
	}
}

// TestDeterministicAcrossWorkers: byte-identical statistics for 1 and 8
// goroutines, with noise so that every random stream is exercised, and
// (but in -short) with enough noisy workers for the radix sort's parallel
// path (more than two of its 2^17-key spans).
func TestDeterministicAcrossWorkers(t *testing.T) {
	type run struct {
		beh agents.Behavior
		n   int
	}
	noisy := agents.Behavior{Kind: agents.Noisy, Noise: 0.2}
	cases := []run{{agents.Behavior{Kind: agents.Rational}, 5*ChunkSize + 3}, {noisy, 5*ChunkSize + 3},
		{agents.Behavior{Kind: agents.Adaptive, Adjustment: 0.4}, 5*ChunkSize + 3}}
	if !testing.Short() {
		cases = append(cases, run{noisy, 2<<17 + 5})
	}
	for _, c := range cases {
		beh := c.beh
		var runs [][]RoundStats
		for _, w := range []int{1, 8} {
			cfg := lognormalConfig(c.n)
			cfg.Behavior = beh
			cfg.Workers = w
			_, h := mustRun(t, cfg, planner.USFederal())
			runs = append(runs, h)
		}
		for r := range runs[0] {
			a, b := runs[0][r].Values(), runs[1][r].Values()
			for i := range a {
				if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
					t.Fatalf("%s round %d %s: %v with 1 worker, %v with 8", beh.Kind, r, MetricNames(7)[i], a[i], b[i])
				}
			}
		}
	}
}

// TestConfigErrors: every problem of a hand-built Config is a field error
// naming the Config's field (never a file's key).
func TestConfigErrors(t *testing.T) {
	cfg := baseConfig()
	cfg.Agents = 0
	cfg.Period = 0
	cfg.Market = market.Config{Kind: market.Production, Alpha: 1.5, TFP: 1, Capital: 1, Ownership: "equal", Tolerance: 1e-9}
	cfg.Redistribution = Redistribution{Kind: "targeted", Share: 2}
	_, err := New(cfg, planner.None())
	var names []string
	for _, fe := range field.All(err) {
		names = append(names, fe.Name)
	}
	if !slices.Equal(names, []string{"Agents", "Period", "Market.Alpha", "Redistribution.Share"}) {
		t.Errorf("field errors %v (%v)", names, err)
	}
}

// TestEdgePopulations: a single worker and workers who cannot earn give
// finite metrics with the documented conventions.
func TestEdgePopulations(t *testing.T) {
	cfg := baseConfig()
	cfg.Agents = 1
	_, h := mustRun(t, cfg, planner.Flat(0.25))
	s := h[0]
	near(t, "single gini", s.GiniPost, 0, 0)
	near(t, "single equality", s.Equality, 1, 0)
	near(t, "single productivity", s.Productivity, 7500, 1e-12) // wage 10: l = 0.75·10/0.01 = 750 hours, z = 7500
	cfg = baseConfig()
	cfg.Skill = agents.SkillDist{Dist: "values", Values: []float64{0}}
	_, h = mustRun(t, cfg, planner.Flat(0.25))
	for i, v := range h[0].Values() {
		if MetricNames(1)[i] == "stackelberg_gap" { // NaN by design: no planner computed it
			continue
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Errorf("%s = %v with zero wages", MetricNames(1)[i], v)
		}
	}
	near(t, "zero-wage gini", h[0].GiniPre, 0, 0)
	near(t, "zero-wage atkinson", h[0].Atkinson1, 0, 0)
}

// TestGOMAXPROCS: the same run under GOMAXPROCS 1 and the machine's value.
func TestGOMAXPROCS(t *testing.T) {
	cfg := lognormalConfig(2*ChunkSize + 5)
	cfg.Workers = 4
	_, a := mustRun(t, cfg, planner.USFederal())
	old := runtime.GOMAXPROCS(1)
	_, b := mustRun(t, cfg, planner.USFederal())
	runtime.GOMAXPROCS(old)
	for r := range a {
		if !sameBits(a[r].Values(), b[r].Values()) {
			t.Fatalf("round %d differs under GOMAXPROCS 1", r)
		}
	}
}

func sameBits(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

// TestModelEvaluateAllocations: a model evaluation on a million workers
// allocates only small constant things (the prepared response, the rates,
// the goroutines of the two passes), never memory proportional to the
// population (8 MB per slice here), so planners may evaluate many candidates.
func TestModelEvaluateAllocations(t *testing.T) {
	testenv.SkipUnlessLong(t, "a million workers")
	cfg := lognormalConfig(1_000_000)
	cfg.Workers = 2
	e, err := New(cfg, planner.USFederal())
	if err != nil {
		t.Fatal(err)
	}
	cut, _ := tax.Preset("us_federal_2024")
	s := tax.MustNew(cut, tax.USFederalRates(), tax.DefaultBounds)
	e.model.Evaluate(context.Background(), s) // first use allocates the scratch slices
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const runs = 5
	for range runs {
		e.model.Evaluate(context.Background(), s)
	}
	runtime.ReadMemStats(&after)
	if perEval := (after.TotalAlloc - before.TotalAlloc) / runs; perEval > 64<<10 {
		t.Errorf("%d bytes allocated per evaluation, want under 64 KiB", perEval)
	}
}

// TestNonFiniteMetricsStopTheRun: a wage of 1e300 overflowed every income
// to +Inf and the run ended "successfully" with null metrics.
func TestNonFiniteMetricsStopTheRun(t *testing.T) {
	cfg := baseConfig()
	cfg.Skill.Values = []float64{10, 1e306, 40} // 5000 hours × 1e306 overflows
	e, err := New(cfg, planner.Flat(0.25))
	if err != nil {
		t.Fatal(err)
	}
	err = e.Run(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "round 0: metric productivity is +Inf") {
		t.Fatalf("got %v, want a stop at round 0 naming productivity", err)
	}
	if e.Round() != 0 {
		t.Errorf("%d rounds counted as done", e.Round())
	}
}

// TestSplitMix64Reference: the first two outputs of Vigna's splitmix64.c
// from state 0 (its published reference sequence).
func TestSplitMix64Reference(t *testing.T) {
	const gamma = 0x9e3779b97f4a7c15
	if got := rng.SplitMix64(0); got != 0xe220a8397b1dcdaf {
		t.Errorf("rng.SplitMix64(0) = %#x, want 0xe220a8397b1dcdaf", got)
	}
	if got := rng.SplitMix64(gamma); got != 0x6e789e6aa1b965f4 {
		t.Errorf("second output %#x, want 0x6e789e6aa1b965f4", got)
	}
}

// TestGiniPostWithoutSecondSort: for noisy workers under a lump-sum rebate
// or none, the Gini of consumption comes from the sorted incomes (each
// bracket's run of them through its take-home pay, TestRankSums), not from
// a second sort; under a targeted transfer (consumption not monotone in
// income) the engine sorts consumption itself. Either way it is the Gini
// of the sorted consumption, to 1e-12 (rounding in a different order).
func TestGiniPostWithoutSecondSort(t *testing.T) {
	for _, red := range []Redistribution{{Kind: "lump_sum"}, {Kind: "none"}, {Kind: "targeted", Share: 0.3}} {
		cfg := lognormalConfig(3*ChunkSize + 17)
		cfg.Behavior = agents.Behavior{Kind: agents.Noisy, Noise: 0.3}
		cfg.Redistribution = red
		e, h := mustRun(t, cfg, planner.USFederal())
		c := slices.Clone(e.Population().Consumption)
		slices.Sort(c)
		if got, want := h[len(h)-1].GiniPost, welfare.GiniSorted(c); math.Abs(got-want) > 1e-12*want {
			t.Errorf("%s: gini_post %.17g, want %.17g (the sorted consumption's)", red.Kind, got, want)
		}
	}
}
