package agents

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/tax"
	"golang.org/x/sync/errgroup"
)

// BallotInput is what the engine tells the workers when they vote.
type BallotInput struct {
	Candidates []tax.Schedule
	Rule       string              // "plurality" or "borda"
	Wage       float64             // the wage index
	Transfer   func(i int) float64 // the transfer worker i expects
	Fallback   func(i int) []int   // worker i's ranking by its own utilities
}

// Ballots asks each archetype's representative, Samples times, to rank the
// candidate schedules, and returns each candidate's score under the rule
// ("plurality": first choices; "borda": C−1 points for a first place down to
// 0 for the last). Every worker counts once: an archetype's members share its
// sample ballots equally. A representative without a usable reply ranks by
// in.Fallback (and a fallback is counted).
func (w *LLMWorkers) Ballots(ctx context.Context, in BallotInput, pop *Population) ([]float64, error) {
	cands, rule, wage, transfer, fallback := in.Candidates, in.Rule, in.Wage, in.Transfer, in.Fallback
	w.ensure(pop)
	samples := max(w.Samples, 1)
	nc := len(cands)
	ballots := make([][][]int, w.k)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(w.Client.MaxConcurrency())
	for a := range w.k {
		ballots[a] = make([][]int, samples)
		r := w.Representative(a)
		msgs := w.ballotPrompt(cands, pop, r, wage, transfer(r))
		for s := range samples {
			g.Go(func() error {
				var reply struct {
					Ranking []int `json:"ranking"`
				}
				check := func(raw json.RawMessage) error {
					if err := json.Unmarshal(raw, &reply); err != nil {
						return err
					}
					seen := make([]bool, nc)
					for _, c := range reply.Ranking {
						if c < 1 || c > nc || seen[c-1] {
							return fmt.Errorf(`"ranking" must list each candidate number from 1 to %d once`, nc)
						}
						seen[c-1] = true
					}
					if len(reply.Ranking) != nc {
						return fmt.Errorf(`"ranking" must list all %d candidates`, nc)
					}
					return nil
				}
				_, ok, err := w.Client.AskJSON(gctx, msgs, s, w.Reasks, check)
				if err != nil {
					return fmt.Errorf("llm voters, archetype %d: %w", a, err)
				}
				if !ok {
					ballots[a][s] = fallback(r)
					w.Client.AddFallback()
					return nil
				}
				rank := make([]int, nc)
				for i, c := range reply.Ranking {
					rank[i] = c - 1
				}
				ballots[a][s] = rank
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	scores := make([]float64, nc)
	for a := range w.k {
		size := float64(w.size(a)) / float64(samples)
		for _, rank := range ballots[a] {
			if rule == "borda" {
				for pos, c := range rank {
					scores[c] += size * float64(nc-1-pos)
				}
			} else {
				scores[rank[0]] += size
			}
		}
	}
	return scores, nil
}

func (w *LLMWorkers) ballotPrompt(cands []tax.Schedule, pop *Population, r int, wage, tr float64) []llm.Message {
	sys := w.system(pop, r, wage, `{"ranking": [candidate numbers, best first], "reason": "<one short sentence>"}`)
	var b strings.Builder
	b.WriteString("The income tax for the coming years is put to a vote. Tax revenue keeps being shared equally among everyone.\n")
	h := math.Round(0.4 * w.HoursMax)
	z := pop.Skill[r] * wage * h
	for i, s := range cands {
		fmt.Fprintf(&b, "Candidate %d: %s. At %g hours you would pay $%s in tax.\n", i+1, s.Prose(), h, tax.Money(s.Tax(z)))
	}
	if tr != 0 {
		fmt.Fprintf(&b, "This year you expect about $%s from the shared revenue.\n", tax.Money(tr))
	}
	b.WriteString("Rank all the candidates, the one you prefer first.")
	return []llm.Message{{Role: "system", Content: sys}, {Role: "user", Content: b.String()}}
}
