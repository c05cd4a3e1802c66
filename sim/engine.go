package sim

import (
	"context"
	"fmt"

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

// reporting is what the engine adds to the contract's metrics: the extra
// columns' names, and the LLM usage it reports by round.
type reporting struct {
	extra   []string  // columns after the rates: the households', the system's, llm_*, then the planner's
	spent   llm.Usage // LLM usage before this round
	lastLLM llm.Usage // LLM usage of the last round
}

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
		cfg.Objective = DefaultObjective
	}
	u := cfg.Utility
	u.Init()
	pop, err := newPopulation(ctx, cfg, &u)
	if err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg, planner: p, pop: pop, u: u}
	e.work.n, e.work.workers = cfg.Agents, max(cfg.Workers, 1)
	e.work.nChunks = (cfg.Agents + ChunkSize - 1) / ChunkSize
	e.work.parts = make([]chunkSums, e.work.nChunks)
	e.model.e = e
	if cfg.Households != nil {
		if err := e.initHouses(); err != nil {
			return nil, err
		}
	}
	if cfg.System != nil {
		e.report.extra = append(e.report.extra, columnNames(systemColumns)...)
	}
	if cfg.LLM != nil {
		e.report.extra = append(e.report.extra, columnNames(llmColumns)...)
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

// Columns returns the names of RoundStats.Values in order: the contract's
// metrics, the rates, then the extra columns (columns.go): the households'
// (for savers), the tax system's parts, llm_* (with an LLM), then any the
// planner adds.
func (e *Engine) Columns() []string {
	return append(MetricNames(len(e.cfg.Cutoffs)), e.report.extra...)
}
