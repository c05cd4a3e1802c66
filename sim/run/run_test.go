package run

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/scenario"
)

const tiny = `name = "tiny"
rounds = 4
[population]
agents = 50
skill = { dist = "values", values = [10.0, 20.0, 40.0] }
[tax]
cutoffs = [0]
period = 2
[planner]
kind = "flat"
rate = 0.25
`

func parse(t *testing.T, doc string, sets ...string) *scenario.Scenario {
	t.Helper()
	s, err := scenario.Parse("tiny.toml", []byte(doc), sets)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestScenarioWritesItsFolder: the four files, summary.json last; its
// numbers are the last round's (a flat 25% on wages 10, 20, 40 with κ and e
// at their defaults is checked by the engine's tests; here the summary must
// agree with rounds.csv's last row and the schedule with the scenario).
func TestScenarioWritesItsFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	var rounds int
	sum, err := Scenario(context.Background(), parse(t, tiny), dir, Options{Workers: 2, Source: "tiny.toml", Version: "test",
		Observe: func(*sim.RoundStats) { rounds++ }})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"scenario.toml", "rounds.csv", "agents.csv", "summary.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if rounds != 4 || sum.RoundsDone != 4 || sum.Agents != 50 || sum.Version != "test" {
		t.Errorf("observed %d rounds; summary %+v", rounds, sum)
	}
	if len(sum.Schedule.Rates) != 1 || sum.Schedule.Rates[0] != 0.25 || float64(sum.Final["rate_0"]) != 0.25 {
		t.Errorf("schedule %+v, final rate %v; want 0.25", sum.Schedule, sum.Final["rate_0"])
	}
	back, err := record.ReadSummary(dir)
	if err != nil || back.Final["productivity"] != sum.Final["productivity"] {
		t.Errorf("summary.json reads back as %+v (%v)", back, err)
	}
	head, _ := os.ReadFile(filepath.Join(dir, "scenario.toml"))
	if !strings.HasPrefix(string(head), "# Resolved from tiny.toml by sim test") {
		t.Errorf("scenario.toml header: %.80s", head)
	}
	// A completed folder is refused, and replaced with Force.
	if _, err := Scenario(context.Background(), parse(t, tiny), dir, Options{}); !errors.Is(err, record.ErrCompleted) {
		t.Errorf("rerun: %v, want ErrCompleted", err)
	}
	sum2, err := Scenario(context.Background(), parse(t, tiny, "planner.rate=0.5"), dir, Options{Force: true})
	if err != nil || sum2.Schedule.Rates[0] != 0.5 {
		t.Fatalf("forced rerun: %+v %v", sum2, err)
	}
	if back, _ := record.ReadSummary(dir); back.Schedule.Rates[0] != 0.5 {
		t.Errorf("the folder holds rate %v after --force, want 0.5", back.Schedule.Rates[0])
	}
}

// TestMaxCostNeedsAnLLM: a budget for a run without an LLM is refused
// before anything is written.
func TestMaxCostNeedsAnLLM(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Scenario(context.Background(), parse(t, tiny), dir, Options{MaxCost: 1}); !errors.Is(err, ErrMaxCostWithoutLLM) {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "scenario.toml")); err == nil {
		t.Error("scenario.toml written for a refused run")
	}
}

// TestInterruptedRunKeepsRounds: a cancelled run writes no summary and says
// where the rounds done are.
func TestInterruptedRunKeepsRounds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dir := filepath.Join(t.TempDir(), "out")
	_, err := Scenario(ctx, parse(t, tiny), dir, Options{Observe: func(s *sim.RoundStats) {
		if s.Round == 1 {
			cancel()
		}
	}})
	if err == nil || !strings.Contains(err.Error(), "stopped after 2 of 4 rounds") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, record.SummaryFile)); err == nil {
		t.Error("an interrupted run wrote summary.json")
	}
}

// TestWatchLLMStops: the status goroutine exits when stopped, and is not
// started without a client or a callback.
func TestWatchLLMStops(t *testing.T) {
	watchLLM(nil, func(llm.Status) { t.Error("called without a client") })()
	c, err := llm.New(llm.Config{BaseURL: "http://127.0.0.1:1/v1", Model: "m", MaxTokens: 1, Timeout: 1, MaxConcurrency: 1, CacheMode: llm.CacheOff}, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop := watchLLM(c, func(llm.Status) {})
	stop() // returns only after the goroutine exited
}

// TestModelEvaluationsCounted: a fixed schedule evaluates no model; search
// evaluates at most its budget per tax period (4 rounds, period 2: 2
// proposals of ≤ 30).
func TestModelEvaluationsCounted(t *testing.T) {
	sum, err := Scenario(context.Background(), parse(t, tiny), filepath.Join(t.TempDir(), "a"), Options{})
	if err != nil || sum.Perf.ModelEvaluations != 0 {
		t.Fatalf("flat: %d evaluations (%v), want 0", sum.Perf.ModelEvaluations, err)
	}
	sum, err = Scenario(context.Background(), parse(t, tiny, "planner.kind=search", "planner.budget=30"), filepath.Join(t.TempDir(), "b"), Options{})
	if err != nil || sum.Perf.ModelEvaluations < 1 || sum.Perf.ModelEvaluations > 60 {
		t.Fatalf("search: %d evaluations (%v), want 1 … 60", sum.Perf.ModelEvaluations, err)
	}
	if p := sum.Perf.PlannerSeconds; !(p > 0 && p <= sum.Perf.WallSeconds) {
		t.Errorf("search: planner_seconds %v, want in (0, wall_seconds %v]", p, sum.Perf.WallSeconds)
	}
}

// TestTimedPlannerPassesThrough: timing the planner keeps what the engine
// asks of it — the vote planner's columns and a reported gap — and a planner
// without them adds none.
func TestTimedPlannerPassesThrough(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "v")
	sum, err := Scenario(context.Background(), parse(t, tiny, "planner.kind=vote", "planner.rate=0.25", "planner.candidates=[\"none\", \"flat\"]", "planner.report_gap=true", "planner.budget=10"), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	head, err := os.ReadFile(filepath.Join(dir, "rounds.csv"))
	if err != nil {
		t.Fatal(err)
	}
	first := strings.SplitN(string(head), "\n", 2)[0]
	if !strings.Contains(first, "vote_share_status_quo") {
		t.Errorf("rounds.csv header lacks the vote planner's columns: %s", first)
	}
	if g, ok := sum.Final["stackelberg_gap"]; !ok || g != g {
		t.Errorf("stackelberg_gap %v (present %v), want a number: the gap passes through", g, ok)
	}
}
