package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/econsim/econsim/internal/llmtest"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/planner"
)

// llmSaverConfig is the benchmark economy with LLM savers on srv.
func llmSaverConfig(t *testing.T, srv *llmtest.Server, n, archetypes int) Config {
	t.Helper()
	c, err := llm.New(llm.Config{BaseURL: srv.BaseURL(), Model: "m", Temperature: 1, MaxTokens: 50, Timeout: time.Second,
		MaxConcurrency: 4, Retries: 1, CacheMode: llm.CacheOff}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg := saverConfig(n, 3, 2)
	cfg.Households.Saver.Saving = "llm"
	cfg.LLM = c
	cfg.LLMSavers = &agents.LLMSavers{Client: c, Archetypes: archetypes, Samples: 1, Reasks: 1}
	return cfg
}

// TestLLMSaversSpendTheShare: every household spends the share the model
// answers (here 0.9 of cash on hand: (1 + τ_c)·c = 0.9·m and a' = 0.1·m),
// the model is asked once per archetype (7 states × 3 wealth groups), and the
// prompt states the representative's savings and cash on hand in dollars.
func TestLLMSaversSpendTheShare(t *testing.T) {
	var mu sync.Mutex
	var prompt string
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		mu.Lock()
		defer mu.Unlock()
		prompt = r.LastUser()
		return llmtest.Response{Content: `{"consume_share": 0.9, "reason": "steady"}`}
	})
	defer srv.Close()
	cfg := llmSaverConfig(t, srv, 6000, 21)
	e, err := New(cfg, planner.Flat(0))
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pop := e.Population()
	// round 0's cash on hand from the wealth households started with is not
	// kept; check a' = 0.1·m through c: (1 + 0)·c = 0.9·m, a' = m − c.
	for i := 0; i < pop.Len(); i += 113 {
		c, a := pop.Consumption[i], pop.Wealth[i]
		if m := c + a; math.Abs(c-0.9*m) > 1e-12*m {
			t.Fatalf("household %d: c %v, a' %v: spent %v of %v, want 0.9", i, c, a, c/m, m)
		}
	}
	if calls := s.Extra[len(householdColumns)]; calls != 21 {
		t.Errorf("llm_calls = %v, want 21 (7 states × 3 wealth groups)", calls)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{"Your savings: $", "In all you have $", "What share of it will you spend?"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("prompt lacks %q:\n%s", want, prompt)
		}
	}
}

// TestLLMSaversFallBack: after unusable replies every household follows its
// own optimal policy (so the round equals the optimal savers', to the bit),
// and the fallbacks are counted; more than max_fallback_share of them stops
// the run, as for LLM workers.
func TestLLMSaversFallBack(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		return llmtest.Response{Content: `{"consume_share": 1.7}`}
	})
	defer srv.Close()
	cfg := llmSaverConfig(t, srv, 4000, 14)
	cfg.MaxFallbackShare = new(1.0) // run on
	e, err := New(cfg, planner.Flat(0))
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if fb := s.Extra[len(householdColumns)+4]; fb != 14 {
		t.Errorf("llm_fallbacks = %v, want 14", fb)
	}
	opt := saverConfig(4000, 3, 2)
	eo, _ := New(opt, planner.Flat(0))
	so, err := eo.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{0, 2, 3, 4} { // r, consumption, wealth, Gini
		if s.Extra[k] != so.Extra[k] {
			t.Errorf("%s = %v under fallbacks, %v optimal", householdColumns[k], s.Extra[k], so.Extra[k])
		}
	}
	cfg2 := llmSaverConfig(t, srv, 4000, 14)
	cfg2.MaxFallbackShare = new(0.5)
	e2, _ := New(cfg2, planner.Flat(0))
	if _, err := e2.Step(context.Background()); err == nil || !strings.Contains(err.Error(), "fell back") {
		t.Errorf("every reply unusable with max_fallback_share 0.5: error %v", err)
	}
}

// TestLLMSaversSamples: with two replies per archetype (0.5 and 0.9 of cash
// on hand, by the request's sample seed), every household spends one of
// them, both are used, and the choice does not depend on the goroutines.
func TestLLMSaversSamples(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		return llmtest.Response{Content: fmt.Sprintf(`{"consume_share": %v}`, []float64{0.5, 0.9}[*r.Seed%2])}
	})
	defer srv.Close()
	var cons [2][]float64
	for k, workers := range []int{1, 2} {
		cfg := llmSaverConfig(t, srv, 20000, 14)
		cfg.LLMSavers.Samples, cfg.Workers = 2, workers
		e, err := New(cfg, planner.Flat(0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
		pop := e.Population()
		seen := map[float64]int{}
		for i := range pop.Len() {
			c, a := pop.Consumption[i], pop.Wealth[i]
			share := math.Round(c/(c+a)*1e9) / 1e9
			if share != 0.5 && share != 0.9 {
				t.Fatalf("household %d spent %v of its cash on hand", i, share)
			}
			seen[share]++
		}
		if seen[0.5] == 0 || seen[0.9] == 0 {
			t.Errorf("shares used %v, want both", seen)
		}
		cons[k] = slices.Clone(pop.Consumption)
	}
	if !slices.Equal(cons[0], cons[1]) {
		t.Error("consumption differs between 1 and 2 goroutines")
	}
}

// TestLLMSaversCallsCapped: with more archetypes than households, a state's
// wealth groups stop at its households (a group of the same members as the
// one before takes its reply): 300 households asked for 100,000 archetypes
// cost at most 300 calls a round, not 100,000, and each household still
// spends the share the model answers.
func TestLLMSaversCallsCapped(t *testing.T) {
	srv := llmtest.New(func(llmtest.Request) llmtest.Response {
		return llmtest.Response{Content: `{"consume_share": 0.8}`}
	})
	defer srv.Close()
	e, err := New(llmSaverConfig(t, srv, 300, 100_000), planner.Flat(0))
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.Step(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if calls := s.Extra[len(householdColumns)]; calls > 300 || calls < 7 {
		t.Errorf("llm_calls = %v, want between 7 and the 300 households", calls)
	} else {
		t.Logf("%v calls", calls)
	}
	pop := e.Population()
	for i := range pop.Len() {
		if c, a := pop.Consumption[i], pop.Wealth[i]; math.Abs(c-0.8*(c+a)) > 1e-12*(c+a) {
			t.Fatalf("household %d spent %v of %v, want 0.8", i, c, c+a)
		}
	}
}

// TestFallbackShareZero: max_fallback_share 0 stops a run at its first
// fallback (one unusable reply of 14 archetypes' here), where the default
// share, 0.5, lets it run on.
func TestFallbackShareZero(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		if r.N == 1 {
			return llmtest.Response{Content: `{"consume_share": 1.7}`}
		}
		return llmtest.Response{Content: `{"consume_share": 0.9}`}
	})
	defer srv.Close()
	for _, c := range []struct {
		share *float64
		stops bool
	}{{new(0.0), true}, {nil, false}} {
		cfg := llmSaverConfig(t, srv, 4000, 14)
		cfg.LLMSavers.Reasks = 0 // the unusable reply is not asked again
		cfg.MaxFallbackShare = c.share
		e, err := New(cfg, planner.Flat(0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Step(context.Background())
		var fe *FallbackError
		if stopped := errors.As(err, &fe); stopped != c.stops || (!c.stops && err != nil) {
			t.Errorf("share %v: error %v, want a stop: %v", c.share, err, c.stops)
		}
	}
}

// TestLLMSaversForesee: LLM savers who foresee a reform are told it and
// the path's prices for the coming years, from its announcement; the path
// and who gains are optimal savers' (no household g), and the prompts
// before the announcement say nothing of it.
func TestLLMSaversForesee(t *testing.T) {
	if testing.Short() {
		t.Skip("solves a transition")
	}
	var mu sync.Mutex
	prompts := map[int]string{}
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		mu.Lock()
		defer mu.Unlock()
		u := r.LastUser()
		var year int
		fmt.Sscanf(u, "Year %d.", &year)
		prompts[year-1] = u
		return llmtest.Response{Content: `{"consume_share": 0.3, "reason": "steady"}`}
	})
	defer srv.Close()
	cfg := llmSaverConfig(t, srv, 3000, 7)
	cfg.Rounds, cfg.Period, cfg.Notice = 6, 2, 2
	h := *cfg.Households
	h.Saver.GridPoints = 150
	h.Taxes.Instrument = household.WealthRate
	h.Expectations, h.Horizon = household.PerfectForesight, 250
	cfg.Households = &h
	e, err := New(cfg, &planner.Fixed{Rates: []float64{0}, SwitchRound: 4, After: []float64{0.01}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	rf := e.Reform()
	if rf == nil || !rf.OfOptimal || rf.CEV != nil || rf.Announce != 2 {
		t.Fatalf("reform %+v: want optimal savers' gains, no household g, announced in round 2", rf)
	}
	if strings.Contains(prompts[1], "announced") || strings.Contains(prompts[1], "Expected") {
		t.Errorf("round 1, before the announcement, was told of it:\n%s", prompts[1])
	}
	want := fmt.Sprintf("year 4: interest %.2f%%", 100*rf.Path.At(1).Rate)
	for _, s := range []string{"The government has announced that from year 5 the wealth tax will be 1% (it is 0% until then).", want} {
		if !strings.Contains(prompts[2], s) {
			t.Errorf("round 2's prompt lacks %q:\n%s", s, prompts[2])
		}
	}
}
