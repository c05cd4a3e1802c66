package sim

import (
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/tax"
)

// transferRule says what each worker receives: everyone gets Lump; under a
// targeted rule, workers with income ≤ Threshold also get Share.
type transferRule struct {
	Lump      float64
	Targeted  bool
	Threshold float64
	Share     float64
}

func (r transferRule) of(z float64) float64 {
	if r.Targeted && z <= r.Threshold {
		return r.Share
	}
	return r.Lump
}

// chunkSums are one chunk's partial results, combined in chunk order.
type chunkSums struct {
	// pass 1; supply is the clearing passes' Σ skill·hours; payroll and
	// credit are a tax system's parts
	z, tax, l, dl, supply float64
	payroll, credit       float64
	// tally is, with a tax system, the workers (first K) and their earnings
	// (next K) in each bracket of the compiled schedule, for the system's
	// parts; allocated once, reused every round.
	tally         []float64
	noise         []float64 // scratch for a block's noise factors (noisy workers)
	zFirst, zLast float64
	zSorted       bool
	zMin, zMax    float64 // the least and greatest income, where zBounds says a loop found them
	zBounds       bool
	// pass 2
	popTotals
	rankZ, rankC      float64
	regret, regretMax float64
	cFirst, cLast     float64
	cSorted           bool
}

// state is where a round's per-worker results go: the population itself for
// a real round, scratch slices for a model evaluation. hours holds last
// round's hours on entry.
type state struct {
	hours, income, cons, util []float64
}

// roundIn is what one round is computed from.
type roundIn struct {
	sched tax.Schedule // the schedule of gross earnings workers face
	rates []float64    // the planner's rates (sched's without a tax system)
	resp  *agents.Response
	// noCredit is what workers outside the credit's ages face (nil: the
	// same as everyone).
	noCredit *faced
	beh      agents.Behavior
	expect   transferRule // transfers workers expect
	noise    uint64       // index of the round's noise streams
	// brValue is set by the choice pass when it left in st.util each
	// worker's utility at its best response without transfers (quasi-linear
	// workers of a fixed market who did not take it), for the welfare pass's
	// regret.
	brValue bool
}

// facing returns what worker i faces in this round: the schedule and the
// best response to it — those of the workers the tax system's credit does
// not reach (noCredit true) when it is one of them — pointing into in.
func (e *Engine) facing(in *roundIn, i int) (sched *tax.Schedule, resp *agents.Response, noCredit bool) {
	if in.noCredit != nil && e.creditless(i) {
		return &in.noCredit.sched, in.noCredit.resp, true
	}
	return &in.sched, in.resp, false
}

// computeRound computes steps 2–5 of the round under e.now.sched into e.stats
// and commits what the next round starts from: the transfers workers
// expect, the market's clearing, and capital. (Step, the exported method,
// runs the whole round: the planner, LLM decisions, this, observation.)
func (e *Engine) computeRound() error {
	in := roundIn{sched: e.now.eff, rates: e.now.sched.Rates(), resp: e.now.resp, noCredit: e.now.noCredit, beh: e.cfg.Behavior, expect: e.now.expect, noise: uint64(e.round)}
	pop := e.pop
	rule, cl, err := e.compute(state{pop.Hours, pop.Income, pop.Consumption, pop.Utility}, in, &e.stats)
	if err != nil {
		return err
	}
	e.now.expect = rule
	e.econ.last = cl
	if e.econ.cfg.Kind == market.Production {
		e.econ.capital = e.econ.cfg.Accumulate(cl.Capital, cl.Output)
	}
	e.stats.Round = e.round
	return nil
}

// compute runs steps 2–5 of the round from in into st and out, and returns
// the transfers paid (which workers expect next round) and the market's
// clearing. Its parts, in the order of the round:
//
//	clear         step 3 first: the wage (and profits) that clear the market
//	choicePass    steps 2–4 in one pass: choices, incomes, taxes
//	redistribute  step 4: who receives the revenue (and the sorted incomes
//	              when they left skill order)
//	welfarePass   steps 4–5 in one pass: consumption, utility, the welfare
//	              sums, the Gini's rank sums, regret
//	fillStats     step 5: RoundStats from the sums
func (e *Engine) compute(st state, in roundIn, out *RoundStats) (transferRule, market.Clearing, error) {
	of, cl, err := e.clear(st, &in)
	if err != nil {
		return transferRule{}, cl, err
	}
	t1 := e.choicePass(st, &in, &of)
	rd := e.redistribute(st, t1)
	t2 := e.welfarePass(st, &in, &of, rd.rule)
	e.fillStats(out, st, &in, &of, cl, t1, rd, t2)
	return rd.rule, cl, nil
}
