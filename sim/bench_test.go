package sim

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// BenchmarkRound times one round of rational quasi-linear workers under the
// seven-bracket US schedule with every metric computed, on all cores, and
// reports agent-rounds per second.
func BenchmarkRound(b *testing.B) { benchRounds(b, false, agents.Rational) }

// BenchmarkRoundNoisy is BenchmarkRound with noisy workers, whose incomes
// leave the skill order (the Gini needs sorted incomes).
func BenchmarkRoundNoisy(b *testing.B) { benchRounds(b, false, agents.Noisy) }

// BenchmarkRoundProduction is BenchmarkRound in the production economy with
// capital accumulating (so the wage moves and the market is cleared to
// tolerance 1e-10 every round).
func BenchmarkRoundProduction(b *testing.B) { benchRounds(b, true, agents.Rational) }

// BenchmarkRoundUS2024 is BenchmarkRound on the us-2024 economy: the
// calibrated population (each worker its own κ) under the 2024 system,
// whose schedule of gross earnings has 14 brackets and falls twice (so
// every best response compares local optima). The target: within 20% of
// BenchmarkRound in the same run.
func BenchmarkRoundUS2024(b *testing.B) {
	for _, n := range []int{1e4, 1e5, 1e6} {
		b.Run(fmt.Sprintf("agents=%.0e", float64(n)), func(b *testing.B) {
			cfg := calibratedConfig(n)
			cfg.Workers = runtime.GOMAXPROCS(0)
			cfg.Rounds, cfg.Period = 1<<30, 1<<30
			benchSteps(b, cfg, n)
		})
	}
}

// benchSteps times e.Step after the first round (the planner's proposal
// is not the round's cost) and reports agent-rounds per second.
func benchSteps(b *testing.B, cfg Config, n int) {
	e, err := New(cfg, planner.USFederal())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.Step(ctx); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.Step(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "agent-rounds/s")
}

func benchRounds(b *testing.B, production bool, beh agents.BehaviorKind) {
	for _, c := range []struct {
		name string
		n    int
	}{{"agents=1e4", 1e4}, {"agents=1e5", 1e5}, {"agents=1e6", 1e6}, {"agents=1e7", 1e7}} {
		b.Run(c.name, func(b *testing.B) {
			if testing.Short() && c.n > 1e6 {
				b.Skip("short mode")
			}
			cfg := lognormalConfig(c.n)
			cfg.Behavior = agents.Behavior{Kind: beh, Noise: 0.1}
			cfg.Workers = runtime.GOMAXPROCS(0)
			cfg.Rounds = 1 << 30
			cfg.Period = 1 << 30
			if production {
				cfg.Market = market.Config{Kind: market.Production, Alpha: 0.33, TFP: 1, Capital: 200000,
					Ownership: "equal", Saving: 0.2, Depreciation: 0.05, Tolerance: 1e-10}
			}
			e, err := New(cfg, planner.USFederal())
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if _, err := e.Step(ctx); err != nil { // the planner's proposal is not the round's cost
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.Step(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(c.n)*float64(b.N)/b.Elapsed().Seconds(), "agent-rounds/s")
			if production {
				b.ReportMetric(e.stats.MarketIterations, "passes/round")
			}
		})
	}
}

// BenchmarkBareLoop is the reference for BenchmarkRound: the least a round
// must do — every worker's best response, tax, consumption with the lump-sum
// transfer and utility, written to the population's slices, with the sums
// of income, tax and utility — on the same population, schedule, chunks and
// goroutines, and nothing else (no welfare metrics, no Gini, no regret, no
// planner). BenchmarkRound / BenchmarkBareLoop, measured alternately, is the
// engine's overhead.
func BenchmarkBareLoop(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
	}{{"agents=1e6", 1e6}, {"agents=1e7", 1e7}} {
		b.Run(c.name, func(b *testing.B) {
			if testing.Short() && c.n > 1e6 {
				b.Skip("short mode")
			}
			cfg := lognormalConfig(c.n)
			cfg.Workers = runtime.GOMAXPROCS(0)
			e, err := New(cfg, planner.USFederal())
			if err != nil {
				b.Fatal(err)
			}
			sched := tax.MustNew(cfg.Cutoffs, tax.USFederalRates(), tax.DefaultBounds)
			resp := agents.NewResponse(e.u, sched, cfg.HoursMax)
			pop, u := e.pop, &e.u
			parts := make([][3]float64, e.work.nChunks)
			transfer := 0.0
			b.ResetTimer()
			for b.Loop() {
				e.work.parallel(func(ch, lo, hi int) {
					var sz, stx, su float64
					for i := lo; i < hi; i++ {
						l, z := resp.Choice(pop.Skill[i], pop.Potential[i], transfer, 0)
						nz := sched.Net(z)
						ci := nz + transfer
						ui := u.Value(ci, l)
						pop.Hours[i], pop.Income[i], pop.Consumption[i], pop.Utility[i] = l, z, ci, ui
						sz += z
						stx += z - nz
						su += ui
					}
					parts[ch] = [3]float64{sz, stx, su}
				})
				var tx float64
				for _, p := range parts {
					tx += p[1]
				}
				transfer = tx / float64(c.n)
			}
			b.ReportMetric(float64(c.n)*float64(b.N)/b.Elapsed().Seconds(), "agent-rounds/s")
		})
	}
}

// BenchmarkHouseholds is a round of Aiyagari's benchmark economy of savers
// with every metric on (three radix sorts: wealth, income, consumption),
// after the stationary equilibrium is solved and the households placed;
// each round re-solves the policy at the round's prices (warm).
func BenchmarkHouseholds(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
	}{{"agents=1e5", 1e5}, {"agents=1e6", 1e6}, {"agents=1e7", 1e7}} {
		b.Run(c.name, func(b *testing.B) {
			if testing.Short() && c.n > 1e6 {
				b.Skip("short mode")
			}
			cfg := saverConfig(c.n, 1<<30, runtime.GOMAXPROCS(0))
			e, err := New(cfg, planner.Flat(0))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if _, err := e.Step(ctx); err != nil { // the stationary solve is not the round's cost
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.Step(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(c.n)*float64(b.N)/b.Elapsed().Seconds(), "household-rounds/s")
		})
	}
}

// BenchmarkModelEvaluate times one evaluation of the workers' model at 10⁶
// workers — what search and report_gap pay for every candidate — on the
// statutory schedule (convex) and on one whose rates fall (non-convex, the
// kind a search explores), and reports milliseconds per evaluation.
func BenchmarkModelEvaluate(b *testing.B) {
	for _, c := range []struct {
		name  string
		rates []float64
	}{{"convex", tax.USFederalRates()}, {"nonconvex", []float64{0.3, 0.25, 0.2, 0.35, 0.1, 0.4, 0.2}}} {
		b.Run(c.name, func(b *testing.B) {
			cfg := lognormalConfig(1e6)
			cfg.Workers = runtime.GOMAXPROCS(0)
			cfg.Rounds, cfg.Period = 1<<30, 1<<30
			e, err := New(cfg, planner.USFederal())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.Step(context.Background()); err != nil {
				b.Fatal(err)
			}
			s := tax.MustNew(cfg.Cutoffs, c.rates, tax.DefaultBounds)
			m := e.Model()
			b.ResetTimer()
			for b.Loop() {
				m.Evaluate(context.Background(), s)
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/eval")
		})
	}
}

// BenchmarkNew is the engine's set-up for the BenchmarkRound population:
// skills drawn and sorted, potentials, the status quo round.
func BenchmarkNew(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
	}{{"agents=1e6", 1e6}, {"agents=1e7", 1e7}} {
		n := c.n
		b.Run(c.name, func(b *testing.B) {
			if testing.Short() && n > 1e6 {
				b.Skip("short mode")
			}
			cfg := lognormalConfig(n)
			cfg.Workers = runtime.GOMAXPROCS(0)
			for b.Loop() {
				if _, err := New(cfg, planner.USFederal()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
