package sim

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/econsim/econsim/internal/testenv"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// calibratedConfig is the us-2024 economy: the calibrated population under
// the 2024 system.
func calibratedConfig(n int) Config {
	sys := tax.US2024Single()
	return Config{
		Seed: 1, Agents: n, Rounds: 1, Period: 1, HoursMax: 5000,
		Skill:          agents.SkillDist{Dist: agents.USEarnings},
		Utility:        agents.Utility{Kind: agents.Quasilinear, Elasticity: 0.5, Kappa: 4e-6},
		Behavior:       agents.Behavior{Kind: agents.Rational},
		Cutoffs:        sys.Cutoffs,
		Bounds:         tax.Bounds{Min: 0, Max: 0.8},
		System:         &sys,
		Redistribution: Redistribution{Kind: "lump_sum"},
		Workers:        2,
	}
}

// quantileOf is the q-quantile of ascending x whose i-th value stands for
// probability (i + 0.5)/n (the calibration's strata), interpolated.
func quantileOf(x []float64, q float64) float64 {
	pos := q*float64(len(x)) - 0.5
	i := int(math.Floor(pos))
	if i < 0 {
		return x[0]
	}
	if i+1 >= len(x) {
		return x[len(x)-1]
	}
	f := pos - float64(i)
	return x[i] + f*(x[i+1]-x[i])
}

// TestCalibratedBaseline: a baseline round (the statutory 2024 rates) of the
// calibrated population reproduces the target earnings percentiles within
// 0.5% and the hours of every earnings quintile within 1%, for 10⁴ and 10⁶
// workers. Targets are the shipped table's (agents.USEarnings2024, an
// independent reading of the CSV here: the log-linear body's points are
// the published numbers themselves; tail points are computed by hand from
// p90 = 121,470: p95 = 121,470·2^(1/2.00), p99 = p95·5^(1/1.95),
// p99.9 = p99·10^(1/1.81)). p95 lies in the gap the Social Security wage
// base opens ($164,930–172,250 at e = 0.5): its workers earn the gap's
// nearer edge, 0.27% above the target. The top 0.1% is 10 workers at 10⁴,
// too few for a percentile within 0.5%: it is checked at 10⁶ only.
func TestCalibratedBaseline(t *testing.T) {
	p95 := 121470 * math.Pow(2, 1/2.00)
	p99 := p95 * math.Pow(5, 1/1.95)
	targets := []struct{ q, z float64 }{
		{0.10, 29050}, {0.25, 35660}, {0.50, 48060}, {0.75, 76980}, {0.90, 121470},
		{0.95, p95}, {0.99, p99}, {0.999, p99 * math.Pow(10, 1/1.81)},
	}
	hours := [5]float64{1688.5, 1964.2, 2044.7, 2076.8, 2047.2} // data/us_hours_by_wage_quintile_2016.csv
	for _, n := range []int{10_000, 1_000_000} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			if n > 10_000 && !testenv.Long() {
				t.Skip("10⁶ workers: long validation, set ECONSIM_LONG=1")
			}
			e, err := New(calibratedConfig(n), planner.USFederal())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Step(context.Background()); err != nil {
				t.Fatal(err)
			}
			pop := e.Population()
			order := make([]int, n)
			for i := range order {
				order[i] = i
			}
			slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(pop.Income[a], pop.Income[b]) })
			z := make([]float64, n)
			for k, i := range order {
				z[k] = pop.Income[i]
			}
			for _, tg := range targets {
				if tg.q == 0.999 && n < 1_000_000 {
					continue
				}
				got := quantileOf(z, tg.q)
				if rel := got/tg.z - 1; math.Abs(rel) > 0.005 {
					t.Errorf("p%g = %.0f, target %.0f (%+.2f%%)", 100*tg.q, got, tg.z, 100*rel)
				}
			}
			for g := range 5 {
				var sum float64
				members := order[g*n/5 : (g+1)*n/5]
				for _, i := range members {
					sum += pop.Hours[i]
				}
				if got := sum / float64(len(members)); math.Abs(got/hours[g]-1) > 0.01 {
					t.Errorf("quintile %d works %.1f hours, target %.1f", g+1, got, hours[g])
				}
			}
		})
	}
}

// TestSaezOnCalibrated: the Saez planner, having observed the us-2024
// baseline (10⁶ workers: about 4,300 above the top bracket, enough for the
// tail's sample a = m/(m − b) to be near the shipped 1.81; at 10⁵ it is
// 1.73, the top strata's draws dominating the mean), proposes a top income-tax rate whose combined
// rate (with Medicare and the Additional Medicare Tax, 2.35%) is
// (1 − ḡ)/(1 − ḡ + a·e) for the shipped tail coefficient a = 1.81 above the
// top bracket's start ($623,950 of earnings) and ḡ, the inverse-income
// weights' mean over the workers above it weighted by z − b, within 0.01.
// Then Saez and search run on the economy for a few periods.
func TestSaezOnCalibrated(t *testing.T) {
	const n, e, a = 1_000_000, 0.5, 1.81
	cfg := calibratedConfig(n)
	base, err := New(cfg, planner.USFederal())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := base.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	z := base.Population().Income
	p := &planner.Saez{Elasticity: e}
	p.Observe(planner.Observation{Schedule: base.Schedule(), Stats: &RoundStats{}, Income: z})
	s, err := p.Propose(context.Background(), planner.Request{Cutoffs: cfg.Cutoffs, Bounds: cfg.Bounds, System: cfg.System})
	if err != nil {
		t.Fatal(err)
	}
	sys := cfg.System
	top := sys.StandardDeduction + sys.Cutoffs[len(sys.Cutoffs)-1]
	var sumW float64
	for _, x := range z {
		sumW += 1 / max(x, 1)
	}
	var gw, w float64
	for _, x := range z {
		if x > top {
			gw += (1 / max(x, 1)) / (sumW / n) * (x - top)
			w += x - top
		}
	}
	gbar := gw / w
	var m, cnt float64
	for _, x := range z {
		if x > top {
			m += x
			cnt++
		}
	}
	m /= cnt
	t.Logf("%v workers above $%v: a = m/(m − b) = %.4f", cnt, top, m/(m-top))
	want := (1 - gbar) / (1 - gbar + a*e)
	got := s.Rate(len(cfg.Cutoffs)-1) + sys.MedicareRate + sys.AddlMedicareRate
	if math.Abs(got-want) > 0.01 {
		t.Errorf("combined top rate %.4f, want (1 − ḡ)/(1 − ḡ + a·e) = %.4f (ḡ = %.2g)", got, want, gbar)
	}
	t.Logf("combined top rate %.4f, formula %.4f (ḡ = %.2g); proposed rates %.3f", got, want, gbar, s.Rates())

	for _, pl := range []planner.Planner{&planner.Saez{Elasticity: e}, &planner.Search{Objective: "utilitarian", Budget: 40}} {
		c := calibratedConfig(20_000)
		c.Rounds, c.Period = 4, 2
		_, hist := mustRun(t, c, pl)
		for _, h := range hist {
			if math.IsNaN(h.WelfareUtilitarian) || h.Revenue < 0 {
				t.Errorf("%T round %d: welfare %v, revenue %v", pl, h.Round, h.WelfareUtilitarian, h.Revenue)
			}
		}
	}
}
