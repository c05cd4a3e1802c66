package sim

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/econsim/econsim/internal/llmtest"
	"github.com/econsim/econsim/sim/planner"
)

// BenchmarkLLMRound: LLM workers in 32 archetypes against the test server
// answering in 50 ms, with 8 requests in flight at most. It reports rounds
// per second, LLM calls per agent-round, and the most requests the server
// saw at once (the limit is kept full while calls are pending).
func BenchmarkLLMRound(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("agents=%d", n), func(b *testing.B) {
			srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
				return llmtest.Response{Content: fmt.Sprintf(`{"hours": %d, "reason": "ok"}`, 1500+100**r.Seed)}
			})
			srv.Delay = 50 * time.Millisecond
			defer srv.Close()
			t := &testing.T{}
			cfg := llmConfigConc(t, srv, n, 32, 1, 2, 8)
			cfg.Rounds, cfg.Period = 1<<30, 1<<30
			e, err := New(cfg, planner.USFederal())
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.Step(ctx); err != nil {
					b.Fatal(err)
				}
			}
			rounds := float64(b.N)
			b.ReportMetric(rounds/b.Elapsed().Seconds(), "rounds/s")
			b.ReportMetric(float64(cfg.LLM.Usage().Calls)/(rounds*float64(n)), "calls/agent-round")
			b.ReportMetric(float64(srv.MaxInFlight()), "max-in-flight")
		})
	}
}
