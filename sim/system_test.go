package sim

import (
	"context"
	"math"
	"testing"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// systemConfig is workers from $8/h to $400/h under the 2024 system.
func systemConfig() Config {
	sys := tax.US2024Single()
	cfg := baseConfig()
	cfg.Agents, cfg.Rounds = 400, 2
	cfg.Skill = agents.SkillDist{Dist: "lognormal", Mu: 3, Sigma: 0.9}
	cfg.Utility = agents.Utility{Kind: agents.Quasilinear, Elasticity: 0.5, Kappa: 4e-6}
	cfg.Cutoffs = sys.Cutoffs
	cfg.Bounds = tax.Bounds{Min: 0, Max: 0.8}
	cfg.System = &sys
	return cfg
}

// Under a tax system every worker best-responds to the system's taxes — a
// brute-force search over hours on the parts (not the compiled schedule)
// finds nothing better — and the parts' columns are the parts' means.
func TestSystemRound(t *testing.T) {
	cfg := systemConfig()
	e, s := stepOnce(t, cfg)
	sys, rates := *cfg.System, tax.USFederalRates()
	u := cfg.Utility
	u.Init()
	pop := e.Population()
	var inc, pay, cred float64
	for i, w := range pop.Skill {
		z := pop.Income[i]
		inc += sys.IncomeTax(z, rates)
		pay += sys.PayrollTax(z)
		cred += sys.Credit(z)
		bestOnGrid(t, i, pop.Hours[i], cfg.HoursMax, 0.5, func(l float64) float64 { return w*l - sys.Total(w*l, rates) - u.Disutility(l) })
	}
	n := float64(cfg.Agents)
	cols := columnsOf(e, s)
	near(t, "income_tax", cols["income_tax"], inc/n, 1e-9)
	near(t, "payroll_tax", cols["payroll_tax"], pay/n, 1e-9)
	near(t, "eitc", cols["eitc"], cred/n, 1e-9)
	near(t, "income_tax + payroll_tax − eitc", cols["income_tax"]+cols["payroll_tax"]-cols["eitc"], s.Revenue, 1e-12)
	for k, r := range rates {
		if s.Rates[k] != r {
			t.Errorf("rate_%d = %v, want the planner's %v", k, s.Rates[k], r)
		}
	}
	if eff := e.Effective(); eff.Brackets() != len(sys.Kinks()) {
		t.Errorf("the effective schedule has %d brackets, want one per kink (%d)", eff.Brackets(), len(sys.Kinks()))
	}
}

// The model a planner asks compiles its candidates with the system: a
// model evaluation of the statutory rates is the round itself.
func TestSystemModel(t *testing.T) {
	e, s := stepOnce(t, systemConfig())
	want := s.Revenue
	m, _ := e.Model().Evaluate(context.Background(), e.Schedule())
	got, _ := m.Metric("revenue")
	near(t, "model revenue", got, want, 1e-12)
}

// Bounds that would let a combined marginal rate pass 1 are refused, naming
// the field.
func TestSystemBounds(t *testing.T) {
	cfg := systemConfig()
	cfg.Bounds.Max = 0.9
	err := cfg.Validate()
	if err == nil {
		t.Fatal("rate_max 0.9 with 15.3% of payroll tax and phase-out accepted")
	}
	cfg = systemConfig()
	cfg.System.Payroll = false
	cfg.Bounds.Min = -1
	if err := cfg.Validate(); err == nil {
		t.Fatal("rate_min −1 with the credit's −7.65% phase-in accepted")
	}
}

// With ages (US personas), the credit reaches only workers aged 25–64: each
// worker best-responds to the taxes it owes — with the credit or without —
// and the eitc column sums the eligible workers' credits alone.
func TestSystemCreditAges(t *testing.T) {
	cfg := systemConfig()
	cfg.Agents = 3000
	cfg.Skill = agents.SkillDist{Dist: "us_occupations", HoursPerYear: 2080}
	// Low wages, so that many earn within the credit's range.
	cfg.Utility.Kappa = 4e-5
	e, s := stepOnce(t, cfg)
	sys, rates := *cfg.System, tax.USFederalRates()
	u := cfg.Utility
	u.Init()
	pop := e.Population()
	var cred float64
	young, inRange := 0, 0
	for i, w := range pop.Skill {
		z := pop.Income[i]
		eligible := pop.Age[i] >= 25 && pop.Age[i] <= 64
		owed := sys
		if !eligible {
			owed.EITC = false
			young++
		} else {
			cred += sys.Credit(z)
		}
		if z < 18591 {
			inRange++
		}
		bestOnGrid(t, i, pop.Hours[i], 3000, 0.25, func(l float64) float64 { return w*l - owed.Total(w*l, rates) - u.Disutility(l) })
	}
	if young == 0 || inRange == 0 {
		t.Fatalf("the test needs workers outside 25–64 (%d) and in the credit's range (%d)", young, inRange)
	}
	near(t, "eitc", columnsOf(e, s)["eitc"], cred/float64(cfg.Agents), 1e-9)
}

// stepOnce runs the first round of cfg under the statutory rates.
func stepOnce(t *testing.T, cfg Config) (*Engine, *RoundStats) {
	t.Helper()
	e, err := New(cfg, planner.USFederal())
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return e, s
}

// columnsOf returns a round's rounds.csv row by column name.
func columnsOf(e *Engine, s *RoundStats) map[string]float64 {
	cols := map[string]float64{}
	for k, name := range e.Columns() {
		cols[name] = s.Values()[k]
	}
	return cols
}

// bestOnGrid fails when some hours on a grid of the given step up to hmax
// give worker i more than its hours do (relative 1e-6).
func bestOnGrid(t *testing.T, i int, hours, hmax, step float64, value func(l float64) float64) {
	t.Helper()
	got := value(hours)
	for l := 0.0; l <= hmax; l += step {
		if v := value(l); v > got+1e-6*math.Max(1, math.Abs(got)) {
			t.Fatalf("worker %d works %.2f h for %.4f, but %.2f h gives %.4f", i, hours, got, l, v)
		}
	}
}

// Noisy and adaptive quasi-linear workers' regret, computed in the choice
// pass, is each worker's utility at its best response minus its utility at
// its hours (the transfer cancels), recomputed here from the round's
// state: mean and max to 1e-9.
func TestRegretOfNoisyWorkers(t *testing.T) {
	for _, beh := range []agents.Behavior{{Kind: agents.Noisy, Noise: 0.2}, {Kind: agents.Adaptive, Adjustment: 0.3}} {
		cfg := lognormalConfig(20000)
		cfg.Behavior = beh
		cfg.Rounds = 3
		e, err := New(cfg, planner.USFederal())
		if err != nil {
			t.Fatal(err)
		}
		var s *RoundStats
		for range 3 {
			if s, err = e.Step(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		u := cfg.Utility
		u.Init()
		sched := e.Schedule()
		r := agents.NewResponse(u, sched, cfg.HoursMax)
		pop := e.Population()
		var sum, mx float64
		for i, w := range pop.Skill {
			l, z := r.Choice(w, u.Potential(w), 0, 0)
			reg := (sched.Net(z) - u.Disutility(l)) - (sched.Net(pop.Income[i]) - u.Disutility(pop.Hours[i]))
			sum += max(reg, 0)
			mx = max(mx, reg)
		}
		near(t, beh.Kind.String()+" br_regret_mean", s.BRRegretMean, sum/float64(cfg.Agents), 1e-9)
		near(t, beh.Kind.String()+" br_regret_max", s.BRRegretMax, mx, 1e-9)
		if !(s.BRRegretMean > 0) {
			t.Errorf("%v: regret %v, want positive", beh.Kind, s.BRRegretMean)
		}
	}
}

// The choice pass's loop for rational workers (choiceRational) worker by
// worker: hours and income are ChoiceK's to 1e-9 (no bracket hand-over; on
// falling schedules it shares the run thresholds, so every 97th worker is
// also checked against a grid of hours a tenth of an hour apart, with
// utility from Net directly), take-home pay is Net(income) exactly, and a
// tax system's payroll tax and credit are the direct sums over workers to
// 1e-9 — under a convex schedule, one whose rates fall, and the us-2024
// system on the calibrated population (each worker its own κ).
func TestChoicePassIsTheBestResponse(t *testing.T) {
	falling := &planner.Fixed{Rates: []float64{0.3, 0.25, 0.2, 0.35, 0.1, 0.4, 0.2}}
	for _, c := range []struct {
		name string
		cfg  Config
		p    planner.Planner
	}{
		{"convex", lognormalConfig(3*ChunkSize + 17), planner.USFederal()},
		{"falling", lognormalConfig(3*ChunkSize + 17), falling},
		{"us-2024", calibratedConfig(3*ChunkSize + 17), planner.USFederal()},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Rounds = 2
			e, h := mustRun(t, c.cfg, c.p)
			pop, sched, sys := e.Population(), e.Effective(), e.System()
			u := c.cfg.Utility
			u.Init()
			r := agents.NewResponse(u, sched, c.cfg.HoursMax)
			lump := h[len(h)-1].Transfer
			var pay, cred float64
			for i, w := range pop.Skill {
				kappa := u.Kappa
				if pop.Kappa != nil {
					kappa = pop.Kappa[i]
				}
				l, z := r.ChoiceK(w, pop.Potential[i], kappa, lump, 0)
				if math.Abs(l-pop.Hours[i]) > 1e-9*max(1, l) || math.Abs(z-pop.Income[i]) > 1e-9*max(1, z) {
					t.Fatalf("worker %d: %v h for %v, ChoiceK says %v h for %v", i, pop.Hours[i], pop.Income[i], l, z)
				}
				if want := sched.Net(pop.Income[i]) + lump; pop.Consumption[i] != want {
					t.Fatalf("worker %d: consumption %v, Net(income) + transfer = %v", i, pop.Consumption[i], want)
				}
				if i%97 == 0 {
					bestOnGrid(t, i, pop.Hours[i], c.cfg.HoursMax, 0.1, func(l float64) float64 {
						return sched.Net(w*l) + lump - u.DisutilityK(l, kappa)
					})
				}
				if sys != nil {
					pay += sys.PayrollTax(pop.Income[i])
					cred += sys.Credit(pop.Income[i])
				}
			}
			n := float64(c.cfg.Agents)
			if sys != nil {
				s := h[len(h)-1]
				near(t, "payroll tax", s.payroll, pay/n, 1e-9)
				near(t, "credit", s.credit, cred/n, 1e-9)
				if !(s.credit > 0) {
					t.Error("no worker received the credit: the test says nothing about it")
				}
			}
		})
	}
}

// The choice pass's loop for noisy workers (choiceNoisy) worker by worker:
// income is skill × hours and take-home pay Net(income) exactly, hours at
// most the cap; the hours' log-ratio to the best response (ChoiceK) has
// mean −σ²/2 and standard deviation σ, as exp(σ·N(0,1) − σ²/2) gives, to
// 4 standard errors (workers at the cap left out); a tax system's payroll
// tax and credit are the direct sums over workers to 1e-9 — under the
// federal schedule and the us-2024 system on the calibrated population.
func TestNoisyChoicePass(t *testing.T) {
	const sigma = 0.2
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"convex", lognormalConfig(3*ChunkSize + 17)},
		{"us-2024", calibratedConfig(3*ChunkSize + 17)},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Rounds = 2
			c.cfg.Behavior = agents.Behavior{Kind: agents.Noisy, Noise: sigma}
			e, h := mustRun(t, c.cfg, planner.USFederal())
			pop, sched, sys := e.Population(), e.Effective(), e.System()
			u := c.cfg.Utility
			u.Init()
			r := agents.NewResponse(u, sched, c.cfg.HoursMax)
			lump := h[len(h)-1].Transfer
			var pay, cred, sum, sum2, m float64
			for i, w := range pop.Skill {
				kappa := u.Kappa
				if pop.Kappa != nil {
					kappa = pop.Kappa[i]
				}
				l := pop.Hours[i]
				if l > c.cfg.HoursMax || pop.Income[i] != w*l {
					t.Fatalf("worker %d: %v h at skill %v for income %v (cap %v)", i, l, w, pop.Income[i], c.cfg.HoursMax)
				}
				if want := sched.Net(pop.Income[i]) + lump; pop.Consumption[i] != want {
					t.Fatalf("worker %d: consumption %v, Net(income) + transfer = %v", i, pop.Consumption[i], want)
				}
				if br, _ := r.ChoiceK(w, pop.Potential[i], kappa, lump, 0); br > 0 && l < c.cfg.HoursMax {
					x := math.Log(l / br)
					sum += x
					sum2 += x * x
					m++
				}
				if sys != nil {
					pay += sys.PayrollTax(pop.Income[i])
					cred += sys.Credit(pop.Income[i])
				}
			}
			mean := sum / m
			sd := math.Sqrt(sum2/m - mean*mean)
			if se := sigma / math.Sqrt(m); math.Abs(mean+sigma*sigma/2) > 4*se {
				t.Errorf("log(hours / best response) has mean %v over %v workers, want %v ± %v", mean, m, -sigma*sigma/2, 4*se)
			}
			if se := sigma / math.Sqrt(2*m); math.Abs(sd-sigma) > 4*se {
				t.Errorf("log(hours / best response) has sd %v, want %v ± %v", sd, sigma, 4*se)
			}
			n := float64(c.cfg.Agents)
			if sys != nil {
				s := h[len(h)-1]
				near(t, "payroll tax", s.payroll, pay/n, 1e-9)
				near(t, "credit", s.credit, cred/n, 1e-9)
			}
		})
	}
}
