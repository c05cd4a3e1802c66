package sim

import (
	"context"
	"runtime"
	"testing"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/planner"
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
