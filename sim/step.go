package sim

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// ErrBudget is returned by Run when the next round would exceed MaxCost.
var ErrBudget = errors.New("the LLM budget would be exceeded")

// Run steps the remaining rounds, handing each round's statistics to rec
// (which may be nil). It stops at the first error or when ctx is done.
//
// With an LLM budget (MaxCost) it stops cleanly, returning ErrBudget, before
// a round whose cost, estimated as the last round's, would take the total
// LLM cost past the budget. Cost is the priced cost of the completions used,
// so a replay from the cache stops at the same round.
func (e *Engine) Run(ctx context.Context, rec Recorder) error {
	for !e.Done() {
		if e.cfg.MaxCost > 0 && e.cfg.LLM != nil && e.round > 0 {
			if spent := e.cfg.LLM.Usage().Cost; spent+e.report.lastLLM.Cost > e.cfg.MaxCost {
				return fmt.Errorf("%w: $%.4f spent, the next round would cost about $%.4f, the budget is $%.4f",
					ErrBudget, spent, e.report.lastLLM.Cost, e.cfg.MaxCost)
			}
		}
		s, err := e.Step(ctx)
		if err != nil {
			return err
		}
		if rec != nil {
			if err := rec.Record(s); err != nil {
				return fmt.Errorf("round %d: record: %w", s.Round, err)
			}
		}
	}
	return nil
}

// Step runs one round and returns its statistics, valid until the next Step.
func (e *Engine) Step(ctx context.Context) (*RoundStats, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if e.Done() {
		return nil, fmt.Errorf("sim: all %d rounds have run", e.cfg.Rounds)
	}
	t := e.round
	if e.cfg.LLM != nil {
		e.report.spent = e.cfg.LLM.Usage()
	}
	if t%e.cfg.Period == 0 {
		req := planner.Request{Round: t, Cutoffs: e.cfg.Cutoffs, Bounds: e.cfg.Bounds, Current: e.now.sched, Model: &e.model, System: e.cfg.System}
		if e.house != nil { // savers' model: stationary equilibria
			req.Model = &e.house.model
		}
		if e.cfg.Behavior.Kind == agents.LLM {
			req.Voters = voters{e}
		}
		s, err := e.planner.Propose(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("round %d: planner: %w", t, err)
		}
		if s.Brackets() != len(e.cfg.Cutoffs) {
			return nil, fmt.Errorf("round %d: planner proposed %d brackets, scenario has %d", t, s.Brackets(), len(e.cfg.Cutoffs))
		}
		all, noCredit, err := e.prepare(s)
		if err != nil {
			return nil, fmt.Errorf("round %d: planner's schedule: %w", t, err)
		}
		e.now.sched, e.now.eff, e.now.resp, e.now.noCredit = s, all.sched, all.resp, noCredit
	}
	if err := e.computeAny(ctx); err != nil {
		return nil, fmt.Errorf("round %d: %w", t, err)
	}
	// the household columns first: planners may maximise them
	e.stats.Extra, e.stats.extraNames = e.stats.Extra[:0], e.report.extra
	if e.house != nil {
		e.stats.Extra = appendColumns(e.stats.Extra, houseColumns, &e.house.cols)
		if IsReformObjective(e.cfg.Objective) { // the schedule in force against the status quo
			_, v := e.house.model.gains(ctx, e.now.sched)
			e.stats.Extra = append(e.stats.Extra, v...)
		}
		if f := e.house.fore; f != nil {
			e.stats.Extra = appendColumns(e.stats.Extra, foresightColumns, f)
		}
	}
	if e.cfg.System != nil {
		e.stats.Extra = appendColumns(e.stats.Extra, systemColumns, &e.stats)
	}
	e.fillObjective(&e.stats)
	if name, x, bad := e.stats.nonFinite(); bad {
		return nil, fmt.Errorf("round %d: metric %s is %v: the scenario's numbers overflow or leave some worker nothing to consume (check very large or very small values: skills, kappa, cutoffs, hours_max)", t, name, x)
	}
	e.planner.Observe(planner.Observation{Round: t, Schedule: e.now.sched, Stats: &e.stats, Income: e.pop.Income})
	if g, ok := e.planner.(planner.Gapper); ok {
		if gap, ok := g.Gap(); ok {
			e.stats.StackelbergGap = gap
		}
	}
	if e.cfg.LLM != nil {
		u := e.cfg.LLM.Usage().Sub(e.report.spent)
		e.report.lastLLM = u
		e.stats.Extra = appendColumns(e.stats.Extra, llmColumns, &u)
	}
	if r, ok := e.planner.(planner.Reporter); ok {
		e.stats.Extra = r.Report(e.stats.Extra)
	}
	e.round++
	return &e.stats, nil
}

// computeAny runs steps 2–5 of the round: for workers, the LLM decisions
// (if any), the fallback check, and the round; for households, their round
// (before round 0, their stationary equilibrium and starting places).
func (e *Engine) computeAny(ctx context.Context) error {
	if e.house != nil {
		h := e.house
		h.t, h.sched = e.round, e.now.sched
		if e.round == 0 {
			if err := h.start(ctx); err != nil {
				return err
			}
		}
		return h.round(ctx, &e.stats)
	}
	if err := e.decide(ctx); err != nil {
		return err
	}
	if err := e.checkFallbacks(); err != nil {
		return err
	}
	return e.computeRound()
}

// decide asks LLM workers for this round's hours (steps 2's I/O, done before
// the round's arithmetic). They decide at last round's wage.
func (e *Engine) decide(ctx context.Context) error {
	w := e.cfg.LLMWorkers
	if e.cfg.Behavior.Kind != agents.LLM || w == nil {
		return nil
	}
	pop, wage := e.pop, e.econ.last.Wage
	wpow := math.Pow(wage, 1+e.u.Elasticity)
	return w.Decide(ctx, agents.DecideInput{
		Round:    e.round,
		Schedule: e.now.eff,
		Wage:     wage,
		Transfer: func(i int) float64 { return e.now.expect.of(pop.Income[i]) },
		Fallback: func(i int) float64 {
			_, resp, _ := e.facing(&roundIn{resp: e.now.resp, noCredit: e.now.noCredit}, i)
			l, _ := resp.ChoiceK(pop.Skill[i]*wage, pop.Potential[i]*wpow, e.kappa(i), e.now.expect.of(pop.Income[i]), 0)
			return l
		},
	}, pop)
}

// checkFallbacks stops the run when too many of this round's LLM decisions
// fell back to the heuristic: the endpoint is failing, and a run of the
// heuristic dressed as an LLM run would be silently wrong.
func (e *Engine) checkFallbacks() error {
	if e.cfg.LLM == nil {
		return nil
	}
	limit := DefaultMaxFallbackShare
	if p := e.cfg.MaxFallbackShare; p != nil {
		limit = *p
	}
	u := e.cfg.LLM.Usage().Sub(e.report.spent)
	if u.Decisions == 0 || float64(u.Fallbacks) <= limit*float64(u.Decisions) {
		return nil
	}
	return &FallbackError{Fallbacks: u.Fallbacks, Decisions: u.Decisions, Limit: limit, Last: e.cfg.LLM.Status().LastError}
}

// FallbackError stops a run in which more than Config.MaxFallbackShare of a
// round's LLM decisions fell back to the heuristic: the endpoint is failing.
type FallbackError struct {
	Fallbacks, Decisions int64
	Limit                float64 // the share allowed
	Last                 string  // the client's last error, "" if none
}

func (e *FallbackError) Error() string {
	msg := fmt.Sprintf("%d of %d LLM decisions fell back to the heuristic, more than the share allowed (%g)", e.Fallbacks, e.Decisions, e.Limit)
	if e.Last != "" {
		msg += " (last problem: " + e.Last + ")"
	}
	return msg
}

var _ planner.Voters = voters{}

// voters lets LLM workers vote (planner.Voters).
type voters struct{ e *Engine }

func (v voters) Ballots(ctx context.Context, cands []tax.Schedule, rule string, fallback func(i int) []int) ([]float64, error) {
	e := v.e
	transfer := func(i int) float64 { return e.now.expect.of(e.pop.Income[i]) }
	if e.cfg.System != nil { // workers vote on the schedules they would face
		eff := make([]tax.Schedule, len(cands))
		for i, s := range cands {
			var err error
			if eff[i], err = e.effective(s); err != nil {
				return nil, fmt.Errorf("candidate %d: %w", i, err)
			}
		}
		cands = eff
	}
	return e.cfg.LLMWorkers.Ballots(ctx, agents.BallotInput{Candidates: cands, Rule: rule, Wage: e.econ.last.Wage, Transfer: transfer, Fallback: fallback}, e.pop)
}

// fillObjective sets the objective value and marks the gap as not computed.
func (e *Engine) fillObjective(s *RoundStats) {
	s.Objective, _ = s.Metric(e.cfg.Objective)
	s.StackelbergGap = math.NaN()
}
