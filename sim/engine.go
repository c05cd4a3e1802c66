package sim

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/econsim/econsim/sim/agents"
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
	workers int
	nChunks int

	round int
	sched tax.Schedule
	resp  *agents.Response
	econ  economy

	// What workers expect to receive this round: last round's transfers.
	expect transferRule

	parts   []chunkSums
	scratch []float64 // sort buffer, allocated on first need
	stats   RoundStats
	model   model
	extra   []string // the planner's extra columns
}

// New validates cfg, draws the population from the stream (seed, "skill", 0)
// and places every worker at its best response to a zero tax with no
// transfer, the status quo before round 0.
func New(cfg Config, p planner.Planner) (*Engine, error) {
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
	skill := cfg.Skill.Sample(cfg.Agents, Stream(cfg.Seed, "skill", 0))
	e := &Engine{
		cfg:     cfg,
		planner: p,
		pop:     agents.NewPopulation(skill, &u),
		u:       u,
		workers: max(cfg.Workers, 1),
		nChunks: (cfg.Agents + ChunkSize - 1) / ChunkSize,
	}
	e.parts = make([]chunkSums, e.nChunks)
	e.model.e = e
	if r, ok := p.(planner.Reporter); ok {
		e.extra = r.Columns()
	}
	e.initEconomy()
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
	if _, cl, err := e.compute(st, in, &e.stats); err != nil {
		return fmt.Errorf("status quo before round 0: %w", err)
	} else {
		e.econ.last = cl
	}
	return nil
}

// Population returns the workers; read it between rounds only.
func (e *Engine) Population() *agents.Population { return e.pop }

// Schedule returns the schedule in force (zero before round 0).
func (e *Engine) Schedule() tax.Schedule { return e.sched }

// Round returns the number of rounds completed.
func (e *Engine) Round() int { return e.round }

// Done reports whether every round of the scenario has run.
func (e *Engine) Done() bool { return e.round >= e.cfg.Rounds }

// Run steps the remaining rounds, handing each round's statistics to rec
// (which may be nil). It stops at the first error or when ctx is done.
func (e *Engine) Run(ctx context.Context, rec Recorder) error {
	for !e.Done() {
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
	if t%e.cfg.Period == 0 {
		req := planner.Request{Round: t, Cutoffs: e.cfg.Cutoffs, Bounds: e.cfg.Bounds, Current: e.sched, Model: &e.model}
		s, err := e.planner.Propose(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("round %d: planner: %w", t, err)
		}
		if s.Brackets() != len(e.cfg.Cutoffs) {
			return nil, fmt.Errorf("round %d: planner proposed %d brackets, scenario has %d", t, s.Brackets(), len(e.cfg.Cutoffs))
		}
		e.sched = s
		e.resp = agents.NewResponse(e.u, s, e.cfg.HoursMax)
	}
	if err := e.step(); err != nil {
		return nil, fmt.Errorf("round %d: %w", t, err)
	}
	e.fillObjective(&e.stats)
	e.planner.Observe(planner.Observation{Round: t, Schedule: e.sched, Stats: &e.stats, Income: e.pop.Income})
	if g, ok := e.planner.(planner.Gapper); ok {
		if gap, ok := g.Gap(); ok {
			e.stats.StackelbergGap = gap
		}
	}
	if r, ok := e.planner.(planner.Reporter); ok {
		e.stats.Extra = r.Report(e.stats.Extra[:0])
	}
	e.round++
	return &e.stats, nil
}

// fillObjective sets the objective value and marks the gap as not computed.
func (e *Engine) fillObjective(s *RoundStats) {
	s.Objective, _ = s.Metric(e.cfg.Objective)
	s.StackelbergGap = math.NaN()
}

// Columns returns the names of RoundStats.Values in order: the contract's
// metrics, the rates, then any columns the planner adds.
func (e *Engine) Columns() []string {
	return append(MetricNames(len(e.cfg.Cutoffs)), e.extra...)
}

// parallel calls fn for every chunk, on up to e.workers goroutines that all
// exit before it returns. Chunk c covers agents [c·ChunkSize, (c+1)·ChunkSize).
func (e *Engine) parallel(fn func(c, lo, hi int)) {
	n := e.cfg.Agents
	span := func(c int) (int, int) { return c * ChunkSize, min((c+1)*ChunkSize, n) }
	w := min(e.workers, e.nChunks)
	if w <= 1 {
		for c := range e.nChunks {
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
				if c >= e.nChunks {
					return
				}
				lo, hi := span(c)
				fn(c, lo, hi)
			}
		})
	}
	wg.Wait()
}
