package agents

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/econsim/econsim/internal/llmtest"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/tax"
)

var wageRe = regexp.MustCompile(`You earn \$([0-9.]+) an hour`)

// hoursModel answers 1000 + 10·w hours for a worker earning $w an hour.
func hoursModel(r llmtest.Request) llmtest.Response {
	w, _ := strconv.ParseFloat(wageRe.FindStringSubmatch(r.Messages[0].Content)[1], 64)
	return llmtest.Response{Content: fmt.Sprintf(`{"hours": %g, "reason": "r"}`, 1000+10*w)}
}

func testClient(t *testing.T, srv *llmtest.Server) *llm.Client {
	t.Helper()
	c, err := llm.New(llm.Config{BaseURL: srv.BaseURL(), Model: "m", Temperature: 0.5, MaxTokens: 100,
		Timeout: 2 * time.Second, MaxConcurrency: 4, Retries: 0, CacheMode: llm.CacheOff,
		BackoffBase: time.Millisecond, BackoffMax: time.Millisecond}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func linearPopulation(n int) *Population {
	skill := make([]float64, n)
	for i := range skill {
		skill[i] = float64(10 + i) // $10 … $10+n−1 an hour, ascending
	}
	u := Utility{Kind: Quasilinear, Elasticity: 0.5, Kappa: 1e-5}
	u.Init()
	return NewPopulation(skill, &u)
}

func decideInput(round int) DecideInput {
	return DecideInput{Round: round, Schedule: tax.MustNew([]float64{0}, []float64{0.2}, tax.DefaultBounds), Wage: 1,
		Transfer: func(int) float64 { return 100 }, Fallback: func(int) float64 { return 7 }}
}

// TestLLMWorkersArchetypesAndScaling: 100 workers in 4 archetypes of 25
// skill quantiles; the median member (index 12 of each) is asked, and every
// member scales its representative's answer by (w_i/w_rep)^e.
func TestLLMWorkersArchetypesAndScaling(t *testing.T) {
	srv := llmtest.New(hoursModel)
	defer srv.Close()
	pop := linearPopulation(100)
	w := &LLMWorkers{Client: testClient(t, srv), Archetypes: 4, Samples: 1, HoursMax: 5000, Elasticity: 0.5}
	if err := w.Decide(context.Background(), decideInput(0), pop); err != nil {
		t.Fatal(err)
	}
	if srv.Requests() != 4 {
		t.Errorf("%d requests, want 4 (one per archetype)", srv.Requests())
	}
	for a := range 4 {
		if rep := w.Representative(a); rep != 25*a+12 {
			t.Errorf("archetype %d: representative %d, want %d", a, rep, 25*a+12)
		}
	}
	for _, i := range []int{0, 12, 37, 99} {
		a := i / 25
		rep := 25*a + 12
		wr := float64(10 + rep)
		want := (1000 + 10*wr) * math.Sqrt(float64(10+i)/wr)
		if got := w.Hours(i, pop, nil); math.Abs(got-want) > 1e-9*want || w.Archetype(i) != a {
			t.Errorf("worker %d: archetype %d, hours %v; want %d, %v", i, w.Archetype(i), got, a, want)
		}
	}
	if u := w.Client.Usage(); u.Fallbacks != 0 || u.Decisions != 4 {
		t.Errorf("usage %+v: want 4 decisions and no fallback", u)
	}
}

// TestLLMWorkersFallbackAndHistory: an unusable reply falls back to the
// heuristic (counted), and from round 1 the prompt carries the
// representative's last rounds.
func TestLLMWorkersFallbackAndHistory(t *testing.T) {
	var prompts []string
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		prompts = append(prompts, r.LastUser())
		if strings.Contains(r.Messages[0].Content, "$10.00") { // the lowest archetype's representative
			return llmtest.Response{Content: `{"hours": -5}`}
		}
		return hoursModel(r)
	})
	defer srv.Close()
	pop := linearPopulation(3)
	// One request at a time, so the prompts slice is written by one handler.
	c2, _ := llm.New(llm.Config{BaseURL: srv.BaseURL(), Model: "m", Temperature: 0.5, MaxTokens: 100, Timeout: time.Second,
		MaxConcurrency: 1, CacheMode: llm.CacheOff}, func(string) string { return "" })
	w := &LLMWorkers{Client: c2, Archetypes: 0, Samples: 1, Reasks: 1, HoursMax: 5000, Elasticity: 0.5}
	if err := w.Decide(context.Background(), decideInput(0), pop); err != nil {
		t.Fatal(err)
	}
	if got := w.Hours(0, pop, nil); got != 7 {
		t.Errorf("worker 0 (unusable replies): hours %v, want the fallback 7", got)
	}
	if u := c2.Usage(); u.Fallbacks != 1 || u.Decisions != 3 {
		t.Errorf("usage %+v: want 3 decisions, 1 fallback", u)
	}
	pop.Hours[1], pop.Income[1], pop.Consumption[1] = 1234, 13574, 11000
	prompts = nil
	if err := w.Decide(context.Background(), decideInput(1), pop); err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(prompts, "\n")
	if !strings.Contains(joined, "- year 1: 1234 hours, income $13,574, take-home $11,000") {
		t.Errorf("round 1 prompts lack the representative's history:\n%s", joined)
	}
}

// TestLLMWorkersOccupationArchetypes: with personas and at least as many
// archetypes as occupations, every archetype's members share one occupation
// and its representative is one of them; sizes add up to N.
func TestLLMWorkersOccupationArchetypes(t *testing.T) {
	skill, occ, age := SamplePersonas(5000, 2080, rand.New(rand.NewPCG(1, 2)))
	u := Utility{Kind: Quasilinear, Elasticity: 0.5, Kappa: 1e-5}
	u.Init()
	pop := NewPopulation(skill, &u)
	pop.Occupation, pop.Age = occ, age
	w := &LLMWorkers{Archetypes: 40}
	w.group(pop)
	if w.k != 40 {
		t.Fatalf("%d archetypes, want 40", w.k)
	}
	total := 0
	for a := range w.k {
		total += w.size(a)
		if rep := w.Representative(a); w.Archetype(rep) != a {
			t.Errorf("archetype %d's representative %d belongs to %d", a, rep, w.Archetype(rep))
		}
	}
	for i := range pop.Len() {
		if occ[i] != occ[w.Representative(w.Archetype(i))] {
			t.Fatalf("worker %d (occupation %d) is in an archetype of occupation %d", i, occ[i], occ[w.Representative(w.Archetype(i))])
		}
	}
	if total != 5000 {
		t.Errorf("sizes add to %d, want 5000", total)
	}
}

// TestLLMWorkersSamplesDrawSeeded: with 3 samples, a member draws one of its
// archetype's replies from the stream it is given, so the same stream gives
// the same choice.
func TestLLMWorkersSamplesDrawSeeded(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		return llmtest.Response{Content: fmt.Sprintf(`{"hours": %d}`, 1000+100*(*r.Seed))}
	})
	defer srv.Close()
	pop := linearPopulation(10)
	w := &LLMWorkers{Client: testClient(t, srv), Archetypes: 1, Samples: 3, HoursMax: 5000, Elasticity: 0.5}
	if err := w.Decide(context.Background(), decideInput(0), pop); err != nil {
		t.Fatal(err)
	}
	rep := w.Representative(0)
	seen := map[float64]bool{}
	for s := range 30 {
		a := w.Hours(rep, pop, rand.New(rand.NewPCG(uint64(s), 1)))
		b := w.Hours(rep, pop, rand.New(rand.NewPCG(uint64(s), 1)))
		if a != b {
			t.Fatalf("the same stream drew %v and %v", a, b)
		}
		seen[a] = true
	}
	for _, h := range []float64{1000, 1100, 1200} {
		if !seen[h] {
			t.Errorf("sample %v never drawn in 30 draws: %v", h, seen)
		}
	}
}

// TestLLMWorkersBallots: 10 workers in 3 archetypes of 4, 3 and 3 (skill
// quantiles; representatives earn $11, $15 and $18) rank three candidates
// [2,1,3], [1,3,2] and [3,1,2]. Plurality: 3, 4, 3 first choices. Borda
// (2, 1, 0 points): c1 = 4·1 + 3·2 + 3·1 = 13, c2 = 4·2 = 8, c3 = 3·1 + 3·2 = 9.
func TestLLMWorkersBallots(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		switch {
		case strings.Contains(r.Messages[0].Content, "$11.00"):
			return llmtest.Response{Content: `{"ranking": [2, 1, 3]}`}
		case strings.Contains(r.Messages[0].Content, "$15.00"):
			return llmtest.Response{Content: `{"ranking": [1, 3, 2]}`}
		}
		return llmtest.Response{Content: `{"ranking": [3, 1, 2]}`}
	})
	defer srv.Close()
	pop := linearPopulation(10)
	w := &LLMWorkers{Client: testClient(t, srv), Archetypes: 3, Samples: 1, HoursMax: 5000, Elasticity: 0.5}
	var cands []tax.Schedule
	for _, r := range []float64{0, 0.2, 0.4} {
		cands = append(cands, tax.MustNew([]float64{0}, []float64{r}, tax.DefaultBounds))
	}
	for _, c := range []struct {
		rule string
		want []float64
	}{{"plurality", []float64{3, 4, 3}}, {"borda", []float64{13, 8, 9}}} {
		scores, err := w.Ballots(context.Background(), BallotInput{Candidates: cands, Rule: c.rule, Wage: 1,
			Transfer: func(int) float64 { return 0 }, Fallback: func(int) []int { return []int{0, 1, 2} }}, pop)
		if err != nil {
			t.Fatal(err)
		}
		for j := range c.want {
			if math.Abs(scores[j]-c.want[j]) > 1e-12 {
				t.Errorf("%s: scores %v, want %v", c.rule, scores, c.want)
				break
			}
		}
	}
}
