package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// Recorder receives every round's statistics. Recorders never change the
// engine's state; an error from one stops Run.
type Recorder interface {
	Record(s *RoundStats) error
}

// Engine runs the rounds of one scenario. It is not safe for concurrent use.
type Engine struct {
	cfg     Config
	planner planner.Planner
	pop     *agents.Population
	u       agents.Utility
	round   int
	now     inForce    // the planner's schedule and what workers face under it
	econ    economy    // the market: wage, capital, last clearing
	house   *houses    // households that save, with their model; nil for workers
	work    workspace  // chunks and the round's reused buffers
	stats   RoundStats // the last round's
	model   model      // the workers' model (planners ask it)
	report  reporting  // columns beyond the contract's, LLM usage
}

// inForce is the schedule in force and what workers face under it.
type inForce struct {
	sched tax.Schedule // the planner's
	eff   tax.Schedule // what workers face: sched compiled with the tax system (sched without one)
	resp  *agents.Response
	// noCredit is what workers the system's credit does not reach face
	// (outside its ages, in a population with ages); nil otherwise.
	noCredit *faced
	// expect is what workers expect to receive this round: last round's
	// transfers.
	expect transferRule
}

// workspace is how the population is split into chunks and the buffers a
// round reuses.
type workspace struct {
	workers int // goroutines
	nChunks int
	parts   []chunkSums
	scratch []float64 // sort buffer, allocated on first need
	radix   []float64 // the radix sort's second buffer (mostly untouched when it sorts into scratch)
	// rankSums's runs of sorted incomes by bracket and their sums by chunk
	runStarts []int
	runSums   []float64
}

// reporting is what the engine adds to the contract's metrics: the extra
// columns' names, and the LLM usage it reports by round.
type reporting struct {
	extra   []string  // columns after the rates: the households', the system's, llm_*, then the planner's
	spent   llm.Usage // LLM usage before this round
	lastLLM llm.Usage // LLM usage of the last round
}

// systemColumns are the per-round parts of a tax system (per-worker means;
// income_tax + payroll_tax − eitc = revenue), present with a system.
var systemColumns = []string{"income_tax", "payroll_tax", "eitc"}

// llmColumns are the per-round LLM columns, present when an LLM is used.
var llmColumns = []string{"llm_calls", "llm_tokens_in", "llm_tokens_out", "llm_cost", "llm_fallbacks"}

// ErrBudget is returned by Run when the next round would exceed MaxCost.
var ErrBudget = errors.New("the LLM budget would be exceeded")

// New validates cfg, draws the population from the stream (seed, "skill", 0)
// and places every worker at its best response to a zero tax with no
// transfer, the status quo before round 0.
func New(cfg Config, p planner.Planner) (*Engine, error) {
	return NewContext(context.Background(), cfg, p)
}

// NewContext is New stopped by ctx: the calibration of a large population
// checks it as it goes.
func NewContext(ctx context.Context, cfg Config, p planner.Planner) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, fmt.Errorf("sim: no planner")
	}
	if cfg.Objective == "" {
		cfg.Objective = "utilitarian"
	}
	u := cfg.Utility
	u.Init()
	pop, err := newPopulation(ctx, cfg, &u)
	if err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, planner: p, pop: pop, u: u}
	e.work.workers = max(cfg.Workers, 1)
	e.work.nChunks = (cfg.Agents + ChunkSize - 1) / ChunkSize
	e.work.parts = make([]chunkSums, e.work.nChunks)
	e.model.e = e
	if cfg.Households != nil {
		if err := e.initHouses(); err != nil {
			return nil, err
		}
	}
	if cfg.System != nil {
		e.report.extra = append(e.report.extra, systemColumns...)
	}
	if cfg.LLM != nil {
		e.report.extra = append(e.report.extra, llmColumns...)
	}
	if r, ok := p.(planner.Reporter); ok {
		e.report.extra = append(e.report.extra, r.Columns()...)
	}
	e.initEconomy()
	if e.house != nil { // placed before round 0, under its policy
		return e, nil
	}
	if err := e.statusQuo(); err != nil {
		return nil, err
	}
	return e, nil
}

// statusQuo places every worker at its best response to a zero tax with no
// transfer (in the production economy, at that economy's clearing wage):
// the state before round 0.
func (e *Engine) statusQuo() error {
	free := tax.MustNew([]float64{0}, []float64{0}, tax.Bounds{Min: 0, Max: 1})
	in := roundIn{sched: free, resp: agents.NewResponse(e.u, free, e.cfg.HoursMax), beh: agents.Behavior{Kind: agents.Rational}}
	pop := e.pop
	st := state{pop.Hours, pop.Income, pop.Consumption, pop.Utility}
	_, cl, err := e.compute(st, in, &e.stats)
	if err != nil {
		return fmt.Errorf("status quo before round 0: %w", err)
	}
	e.econ.last = cl
	return nil
}

// Model returns the workers' response model (what planners ask): rounds
// computed on scratch memory at the engine's current state — or, for
// households that save, stationary equilibria. Valid while the engine is
// not stepping.
func (e *Engine) Model() planner.Model {
	if e.house != nil {
		return &e.house.model
	}
	return &e.model
}

// ModelEvaluations returns how many times the workers' model was evaluated
// (by planners, report_gap, the Pareto tools): each costs about a round.
func (e *Engine) ModelEvaluations() int {
	if e.house != nil {
		return e.model.evals + e.house.model.evals
	}
	return e.model.evals
}

// Population returns the workers; read it between rounds only.
func (e *Engine) Population() *agents.Population { return e.pop }

// Schedule returns the planner's schedule in force (zero before round 0).
func (e *Engine) Schedule() tax.Schedule { return e.now.sched }

// System returns the tax system the planner's rates are part of (nil: the
// rates apply to gross earnings).
func (e *Engine) System() *tax.USSingle { return e.cfg.System }

// Effective returns the schedule of gross earnings workers face: the
// planner's compiled with the tax system, or the planner's without one.
func (e *Engine) Effective() tax.Schedule { return e.now.eff }

// effective compiles the planner's schedule s with the tax system (s itself
// without one).
func (e *Engine) effective(s tax.Schedule) (tax.Schedule, error) {
	if e.cfg.System == nil {
		return s, nil
	}
	return e.cfg.System.Compile(s.Rates(), tax.Bounds{Min: -1, Max: 1})
}

// faced is a schedule of gross earnings and the best response to it.
type faced struct {
	sched tax.Schedule
	resp  *agents.Response
}

// prepare returns what workers face under the planner's schedule s: the
// schedule compiled with the tax system and the best response to it, and,
// when workers have ages and the system pays a credit, the same for the
// workers the credit does not reach (nil otherwise).
func (e *Engine) prepare(s tax.Schedule) (faced, *faced, error) {
	if h := e.cfg.Households; h != nil {
		if err := h.Taxes.CheckInstrument(s); err != nil {
			return faced{}, nil, err
		}
	}
	eff, err := e.effective(s)
	if err != nil {
		return faced{}, nil, err
	}
	all := faced{eff, agents.NewResponse(e.u, eff, e.cfg.HoursMax)}
	sys := e.cfg.System
	if sys == nil || !sys.EITC || e.pop.Age == nil {
		return all, nil, nil
	}
	nc, err := sys.WithoutCredit().Compile(s.Rates(), tax.Bounds{Min: -1, Max: 1})
	if err != nil {
		return faced{}, nil, err
	}
	return all, &faced{nc, agents.NewResponse(e.u, nc, e.cfg.HoursMax)}, nil
}

// creditless reports whether worker i is one the system's credit does not
// reach (never without ages or a credit).
func (e *Engine) creditless(i int) bool {
	return e.pop.Age != nil && e.cfg.System != nil && !e.cfg.System.CreditAge(float64(e.pop.Age[i]))
}

// Round returns the number of rounds completed.
func (e *Engine) Round() int { return e.round }

// Done reports whether every round of the scenario has run.
func (e *Engine) Done() bool { return e.round >= e.cfg.Rounds }

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
		e.stats.Extra = append(e.stats.Extra, e.house.cols...)
	}
	if e.cfg.System != nil {
		s := &e.stats
		s.Extra = append(s.Extra, s.Revenue-s.payroll+s.credit, s.payroll, s.credit)
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
		e.stats.Extra = append(e.stats.Extra, float64(u.Calls), float64(u.TokensIn), float64(u.TokensOut), u.Cost, float64(u.Fallbacks))
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
		if e.round == 0 {
			if err := e.startHouses(ctx); err != nil {
				return err
			}
		}
		return e.houseRound(ctx)
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
	limit := e.cfg.MaxFallbackShare
	if limit <= 0 {
		limit = 0.5
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

// Columns returns the names of RoundStats.Values in order: the contract's
// metrics, the rates, then llm_* (with an LLM), then any columns the planner
// adds.
func (e *Engine) Columns() []string {
	return append(MetricNames(len(e.cfg.Cutoffs)), e.report.extra...)
}

// parallel calls fn for every chunk, on up to e.work.workers goroutines that all
// exit before it returns. Chunk c covers agents [c·ChunkSize, (c+1)·ChunkSize).
func (e *Engine) parallel(fn func(c, lo, hi int)) {
	n := e.cfg.Agents
	span := func(c int) (int, int) { return c * ChunkSize, min((c+1)*ChunkSize, n) }
	w := min(e.work.workers, e.work.nChunks)
	if w <= 1 {
		for c := range e.work.nChunks {
			lo, hi := span(c)
			fn(c, lo, hi)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= e.work.nChunks {
					return
				}
				lo, hi := span(c)
				fn(c, lo, hi)
			}
		})
	}
	wg.Wait()
}
