package sim

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/econsim/econsim/internal/llmtest"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/planner"
)

func llmConfig(t *testing.T, srv *llmtest.Server, n, archetypes, samples, workers int) Config {
	return llmConfigConc(t, srv, n, archetypes, samples, workers, 4)
}

func llmConfigConc(t *testing.T, srv *llmtest.Server, n, archetypes, samples, workers, conc int) Config {
	t.Helper()
	c, err := llm.New(llm.Config{BaseURL: srv.BaseURL(), Model: "m", Temperature: 1, MaxTokens: 50, Timeout: time.Second,
		MaxConcurrency: conc, Retries: 1, CacheMode: llm.CacheOff}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg := lognormalConfig(n)
	cfg.Workers = workers
	cfg.Behavior = agents.Behavior{Kind: agents.LLM}
	cfg.LLM = c
	cfg.LLMWorkers = &agents.LLMWorkers{Client: c, Archetypes: archetypes, Samples: samples, Reasks: 1, HoursMax: cfg.HoursMax, Elasticity: cfg.Utility.Elasticity}
	return cfg
}

// TestLLMWorkersScaling: every archetype's representative works what the
// model says (here 1000 + seed·500 hours, seed = the sample), and a member
// works its drawn sample × (w_i/w_rep)^e.
func TestLLMWorkersScaling(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		return llmtest.Response{Content: fmt.Sprintf(`{"hours": %d}`, 1000+500**r.Seed)}
	})
	defer srv.Close()
	cfg := llmConfig(t, srv, 5000, 10, 2, 2)
	e, h := mustRun(t, cfg, planner.USFederal())
	w, pop := cfg.LLMWorkers, e.Population()
	for i := 0; i < pop.Len(); i += 97 {
		rep := w.Representative(w.Archetype(i))
		base := pop.Hours[i] / math.Pow(pop.Skill[i]/pop.Skill[rep], 0.5)
		if math.Abs(base-1000) > 1e-9 && math.Abs(base-1500) > 1e-9 && pop.Hours[i] != cfg.HoursMax {
			t.Fatalf("worker %d works %v, i.e. %v at its representative's wage; want 1000 or 1500", i, pop.Hours[i], base)
		}
	}
	if got := h[0].Extra[0]; got != 20 {
		t.Errorf("llm_calls = %v, want 10 archetypes × 2 samples", got)
	}
}

// TestLLMWorkersDeterministic: the draws among replies come from seeded
// streams, so 1 and 8 goroutines give the same rounds.
func TestLLMWorkersDeterministic(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		return llmtest.Response{Content: fmt.Sprintf(`{"hours": %d}`, 1200+300**r.Seed)}
	})
	defer srv.Close()
	var runs [][]RoundStats
	for _, workers := range []int{1, 8} {
		_, h := mustRun(t, llmConfig(t, srv, 3*ChunkSize+5, 6, 3, workers), planner.USFederal())
		runs = append(runs, h)
	}
	for r := range runs[0] {
		if !sameBits(runs[0][r].Values(), runs[1][r].Values()) {
			t.Fatalf("round %d differs between 1 and 8 goroutines", r)
		}
	}
}

// TestLLMVoters: every representative ranks the candidates 2, 1, 3 (in the
// prompt's 1-based numbers): the second candidate (the flat 30%) gets every
// first choice under plurality, and under Borda 2N points against N and 0.
func TestLLMVoters(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		if strings.Contains(r.LastUser(), "put to a vote") {
			return llmtest.Response{Content: `{"ranking": [2, 1, 3]}`}
		}
		return llmtest.Response{Content: `{"hours": 2000}`}
	})
	defer srv.Close()
	for _, rule := range []string{"plurality", "borda"} {
		cfg := llmConfig(t, srv, 1000, 7, 1, 2)
		cfg.Rounds = 1
		v := &planner.Vote{Rule: rule, Names: []string{"flat", "fixed"},
			Candidates: []planner.Planner{planner.Flat(0.3), &planner.Fixed{Rates: []float64{.1, .1, .2, .2, .3, .3, .4}}}}
		e, _ := mustRun(t, cfg, v)
		want := []float64{0, 1, 0}
		if rule == "borda" {
			want = []float64{1.0 / 3, 2.0 / 3, 0} // points N, 2N, 0 of 3N
		}
		for c, w := range want {
			if got := v.Shares()[c]; math.Abs(got-w) > 1e-12 {
				t.Errorf("%s: share of candidate %d = %v, want %v", rule, c, got, w)
			}
		}
		if e.Schedule().Rate(0) != 0.3 {
			t.Errorf("%s: the flat 30%% should have won, rates %v", rule, e.Schedule().Rates())
		}
	}
}

// TestLLMArchetypesByOccupation: with US personas, archetypes are
// occupation × skill quantile: every member of an archetype shares its
// representative's occupation, every occupation present has one, and a
// round costs one call per archetype.
func TestLLMArchetypesByOccupation(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response { return llmtest.Response{Content: `{"hours": 1800}`} })
	defer srv.Close()
	cfg := llmConfig(t, srv, 20000, 44, 1, 2)
	cfg.Rounds = 1
	cfg.Skill = agents.SkillDist{Dist: "us_occupations", HoursPerYear: 2080}
	e, h := mustRun(t, cfg, planner.USFederal())
	w, pop := cfg.LLMWorkers, e.Population()
	occs := map[uint8]bool{}
	for i := range pop.Len() {
		if pop.Occupation[i] != pop.Occupation[w.Representative(w.Archetype(i))] {
			t.Fatalf("worker %d (occupation %d) in the archetype of a worker of occupation %d", i, pop.Occupation[i], pop.Occupation[w.Representative(w.Archetype(i))])
		}
		occs[pop.Occupation[i]] = true
	}
	if got := h[0].Extra[0]; got != 44 {
		t.Errorf("llm_calls = %v, want 44", got)
	}
	seen := map[uint8]bool{}
	for a := range 44 {
		seen[pop.Occupation[w.Representative(a)]] = true
	}
	if len(seen) != len(occs) {
		t.Errorf("%d occupations have an archetype, %d are present", len(seen), len(occs))
	}
}
