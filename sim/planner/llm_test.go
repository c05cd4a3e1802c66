package planner

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/econsim/econsim/internal/llmtest"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/tax"
)

type fixedMetrics map[string]float64

func (m fixedMetrics) Metric(name string) (float64, bool) { v, ok := m[name]; return v, ok }

// TestLLMPlannerRatesAndHistory: the reply's rates become the schedule
// (clamped to the bounds); the next prompt lists the period tried with its
// mean outcomes and marks the best; an unusable reply keeps the rates and
// counts a fallback.
func TestLLMPlannerRatesAndHistory(t *testing.T) {
	var last string
	reply := `{"rates": [0.1, 1.7]}`
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		last = r.LastUser()
		return llmtest.Response{Content: reply}
	})
	defer srv.Close()
	c, err := llm.New(llm.Config{BaseURL: srv.BaseURL(), Model: "m", Temperature: 0.5, MaxTokens: 100, Timeout: time.Second,
		MaxConcurrency: 1, CacheMode: llm.CacheOff}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	p := &LLM{Client: c, Objective: "utilitarian"}
	cut := []float64{0, 1000}
	req := Request{Round: 0, Cutoffs: cut, Bounds: tax.DefaultBounds}
	s, err := p.Propose(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if s.Rate(0) != 0.1 || s.Rate(1) != 1 {
		t.Errorf("rates %v, want [0.1 1] (1.7 clamped)", s.Rates())
	}
	if !strings.Contains(last, "No policy has been tried yet") {
		t.Errorf("first prompt: %s", last)
	}
	for _, u := range []float64{10, 20} { // two rounds: mean 15
		p.Observe(Observation{Round: 0, Schedule: s, Stats: fixedMetrics{"utilitarian": u, "productivity": 100, "equality": 0.5}})
	}
	reply = "no idea"
	req.Round, req.Current = 2, s
	s2, err := p.Propose(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if s2.Rate(0) != 0.1 || s2.Rate(1) != 1 || c.Usage().Fallbacks != 1 {
		t.Errorf("after an unusable reply: rates %v, fallbacks %d; want the rates kept and 1", s2.Rates(), c.Usage().Fallbacks)
	}
	if !strings.Contains(last, "rates [0.100, 1.000] → utilitarian 15, productivity 100, equality 0.5000") || !strings.Contains(last, "← best so far") {
		t.Errorf("second prompt lacks the period's mean outcomes:\n%s", last)
	}
}

func TestMaximiseProblem(t *testing.T) {
	// A model whose score is −(r − 0.3)² for a flat rate r: the optimum 0.3.
	m := quadModel{}
	r, v, evals, err := Maximise(context.Background(), Problem{Model: m, Cutoffs: []float64{0}, Bounds: tax.DefaultBounds, Budget: 200,
		Score: func(met Metrics) (float64, error) { x, _ := met.Metric("x"); return x, nil }})
	if err != nil || len(r) != 1 || r[0] < 0.3-1e-6 || r[0] > 0.3+1e-6 || v > 0 || evals == 0 || evals > 200 {
		t.Errorf("got rates %v value %v after %d evaluations (%v); want 0.3, ≤ 200", r, v, evals, err)
	}
}

type quadModel struct{}

func (quadModel) Evaluate(_ context.Context, s tax.Schedule) (Metrics, []float64) {
	d := s.Rate(0) - 0.3
	return fixedMetrics{"x": -d * d}, nil
}

// With a tax system the LLM planner is told its rates are the income tax's
// on taxable income, and what else workers pay and receive.
func TestLLMPromptSystem(t *testing.T) {
	sys := tax.US2024Single()
	p := &LLM{Objective: "utilitarian"}
	msgs := p.prompt(Request{Cutoffs: sys.Cutoffs, Bounds: tax.DefaultBounds, System: &sys})
	user := msgs[1].Content
	for _, want := range []string{"standard deduction of 14600", "Social Security (6.2% of earnings up to 168600)", "credit of 7.65% of earnings up to 632", "Brackets (yearly taxable income): [0, 11600)"} {
		if !strings.Contains(user, want) {
			t.Errorf("prompt lacks %q:\n%s", want, user)
		}
	}
	if plain := p.prompt(Request{Cutoffs: sys.Cutoffs, Bounds: tax.DefaultBounds})[1].Content; strings.Contains(plain, "taxable") {
		t.Errorf("prompt without a system mentions taxable income:\n%s", plain)
	}
}

// TestSearchMinimisesInequality: with an objective where lower is better
// (here a Gini that rises as the flat rate leaves 0.4), the search planner
// finds its minimum, 0.4, and its gap is measured the same way round: a
// round at the predicted optimum has gap 0, one 0.01 above it has gap 0.01.
func TestSearchMinimisesInequality(t *testing.T) {
	p := &Search{Objective: "gini_post", Budget: 200}
	s, err := p.Propose(context.Background(), Request{Model: giniModel{}, Cutoffs: []float64{0}, Bounds: tax.DefaultBounds})
	if err != nil || math.Abs(s.Rate(0)-0.4) > 1e-5 {
		t.Fatalf("proposed %v (%v), want 0.4", s.Rates(), err)
	}
	for _, c := range []struct{ gini, gap float64 }{{0.2, 0}, {0.21, 0.01}} {
		p.Observe(Observation{Stats: fixedMetrics{"gini_post": c.gini}})
		if g, ok := p.Gap(); !ok || math.Abs(g-c.gap) > 1e-9 {
			t.Errorf("gini %v: gap %v, want %v", c.gini, g, c.gap)
		}
	}
}

type giniModel struct{}

func (giniModel) Evaluate(_ context.Context, s tax.Schedule) (Metrics, []float64) {
	d := s.Rate(0) - 0.4
	return fixedMetrics{"gini_post": 0.2 + d*d}, nil
}
