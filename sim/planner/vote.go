package planner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/econsim/econsim/sim/tax"
)

var (
	_ Planner  = (*Vote)(nil)
	_ Reporter = (*Vote)(nil)
)

// Vote is democratic choice of the schedule. Every tax period the workers
// vote among candidates: the status quo (no tax before round 0), the
// proposals of the named candidate planners, and Perturbations schedules
// that move each status-quo rate by a uniform draw in ±Spread (from Rand).
// A heuristic worker votes by its utility under its best response to each
// candidate, transfers included, as predicted by the workers' model.
//
//	plurality: each worker votes for its best candidate; most votes wins.
//	borda:     each worker gives a candidate one point per candidate it
//	           likes strictly less, and half a point per tie; most points wins.
//
// Ties go to the earlier candidate, the status quo first. LLM workers
// (Request.Voters) vote as the model answers for their archetype; a
// representative without a usable answer votes by its utilities. The vote shares
// (votes, or points, over their total) are reported every round as columns
// vote_share_<candidate>.
type Vote struct {
	Rule          string // "plurality" (default) or "borda"
	Names         []string
	Candidates    []Planner // proposal makers, one per name
	Perturbations int
	Spread        float64 // default DefaultSpread
	Rand          *rand.Rand

	utils  [][]float64 // utilities by candidate and agent, reused
	scores []float64
	shares []float64
}

// Columns implements Reporter.
func (p *Vote) Columns() []string {
	cols := []string{"vote_share_status_quo"}
	for _, n := range p.Names {
		cols = append(cols, "vote_share_"+n)
	}
	for i := range p.Perturbations {
		cols = append(cols, fmt.Sprintf("vote_share_perturbation_%d", i+1))
	}
	return cols
}

// Report implements Reporter.
func (p *Vote) Report(dst []float64) []float64 {
	if p.shares == nil {
		return append(dst, make([]float64, len(p.Columns()))...)
	}
	return append(dst, p.shares...)
}

// Shares returns the last election's vote shares by candidate.
func (p *Vote) Shares() []float64 { return append([]float64(nil), p.shares...) }

// Observe implements Planner; the candidate planners observe too.
func (p *Vote) Observe(obs Observation) {
	for _, c := range p.Candidates {
		c.Observe(obs)
	}
}

// Propose implements Planner.
func (p *Vote) Propose(ctx context.Context, req Request) (tax.Schedule, error) {
	if req.Model == nil {
		return tax.Schedule{}, errors.New("vote planner needs the workers' response model")
	}
	k := len(req.Cutoffs)
	quo := req.Current
	if quo.Brackets() != k { // before round 0: no tax, as far as the bounds allow
		var err error
		if quo, err = tax.New(req.Cutoffs, clampAll(make([]float64, k), req.Bounds), req.Bounds); err != nil {
			return tax.Schedule{}, err
		}
	}
	cands := []tax.Schedule{quo}
	for i, c := range p.Candidates {
		s, err := c.Propose(ctx, req)
		if err != nil {
			return tax.Schedule{}, fmt.Errorf("candidate %s: %w", p.Names[i], err)
		}
		cands = append(cands, s)
	}
	spread := p.Spread
	if spread == 0 {
		spread = DefaultSpread
	}
	for range p.Perturbations {
		r := quo.Rates()
		for i := range r {
			r[i] += spread * (2*p.Rand.Float64() - 1)
		}
		s, err := tax.New(req.Cutoffs, clampAll(r, req.Bounds), req.Bounds)
		if err != nil {
			return tax.Schedule{}, err
		}
		cands = append(cands, s)
	}
	for len(p.utils) < len(cands) {
		p.utils = append(p.utils, nil)
	}
	for c, s := range cands {
		_, u := req.Model.Evaluate(ctx, s)
		p.utils[c] = append(p.utils[c][:0], u...)
	}
	if req.Voters != nil { // LLM workers vote as the model answers for them
		nc := len(cands)
		scores, err := req.Voters.Ballots(ctx, cands, p.Rule, func(i int) []int { return p.ranking(i, nc) })
		if err != nil {
			return tax.Schedule{}, err
		}
		p.setScores(scores)
	} else {
		p.tally(len(cands))
	}
	win := 0
	for c := range cands {
		if p.scores[c] > p.scores[win] {
			win = c
		}
	}
	return cands[win], nil
}

// tally counts the votes of every worker over the first nc candidates.
func (p *Vote) tally(nc int) {
	p.scores = append(p.scores[:0], make([]float64, nc)...)
	n := len(p.utils[0])
	for i := range n {
		if p.Rule == "borda" {
			for c := range nc {
				uc := p.utils[c][i]
				for d := range nc {
					switch ud := p.utils[d][i]; {
					case d == c:
					case ud < uc:
						p.scores[c]++
					case ud == uc:
						p.scores[c] += 0.5
					}
				}
			}
			continue
		}
		best := 0
		for c := 1; c < nc; c++ {
			if p.utils[c][i] > p.utils[best][i] {
				best = c
			}
		}
		p.scores[best]++
	}
	p.setScores(p.scores)
}

// ranking orders the candidates for worker i by its utility under each,
// best first (ties by candidate order): a heuristic voter's ballot.
func (p *Vote) ranking(i, nc int) []int {
	r := make([]int, nc)
	for c := range r {
		r[c] = c
	}
	slices.SortStableFunc(r, func(a, b int) int { return cmp.Compare(p.utils[b][i], p.utils[a][i]) })
	return r
}

// setScores keeps the scores and their shares of the total.
func (p *Vote) setScores(scores []float64) {
	p.scores = append(p.scores[:0], scores...)
	var total float64
	for _, s := range p.scores {
		total += s
	}
	p.shares = append(p.shares[:0], p.scores...)
	for c := range p.shares {
		if total > 0 {
			p.shares[c] /= total
		}
	}
}

func clampAll(r []float64, b tax.Bounds) []float64 {
	for i := range r {
		r[i] = b.Clamp(r[i])
	}
	return r
}
