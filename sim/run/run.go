// Package run is one run of a scenario: it builds the engine, runs the
// rounds and writes the run's folder — scenario.toml (the resolved
// scenario), rounds.csv (as the rounds go), agents.csv (a sample of the
// final workers) and summary.json last, whose presence marks the run
// complete. The command's run, every run of a sweep and the Pareto tools go
// through it.
package run

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/scenario"
	"github.com/econsim/econsim/sim/tax"
)

// Options are how one scenario is run.
type Options struct {
	Workers int  // goroutines for agent updates (≥ 1; 0 means 1); never changes results
	Force   bool // replace a completed run in the folder (it stays until the new one is complete)
	// SkipAgents leaves out agents.csv (the final workers' sample, about
	// 1 MB at 10,000 workers): sweeps do unless their file asks for it.
	SkipAgents bool
	Getenv     func(string) string   // reads the LLM key
	MaxCost    float64               // > 0 overrides llm.max_cost
	Source     string                // the scenario's file, named in scenario.toml's header
	Version    string                // the program's version, recorded in summary.json
	Observe    func(*sim.RoundStats) // called after every round (progress); may be nil
	// Warm is a stationary equilibrium of households of nearby parameters
	// that the first one's solve starts from (household.Config.Warm); nil
	// for none.
	Warm *household.Stationary
	// Waiting is called about once a second, from another goroutine, while
	// the rounds run with an LLM (a progress line for slow or failing
	// endpoints); may be nil.
	Waiting func(llm.Status)
}

// ErrMaxCostWithoutLLM is returned when a budget is given to a run without an LLM.
var ErrMaxCostWithoutLLM = errors.New("--max-cost applies only to scenarios that use an LLM")

// Engine builds the engine of a validated scenario: its population, its
// planner and, when the scenario uses one, its LLM client (the key read
// through o.Getenv).
func Engine(ctx context.Context, s *scenario.Scenario, o Options) (*sim.Engine, sim.Config, error) {
	eng, cfg, _, err := timedEngine(ctx, s, o)
	return eng, cfg, err
}

// timedEngine is Engine with the planner timed (its proposals, which hold
// its model evaluations) for summary.json.
func timedEngine(ctx context.Context, s *scenario.Scenario, o Options) (*sim.Engine, sim.Config, *timedPlanner, error) {
	cfg, pl, err := s.Build(max(o.Workers, 1), o.Getenv)
	if err != nil {
		return nil, cfg, nil, err
	}
	if o.MaxCost > 0 {
		if cfg.LLM == nil {
			return nil, cfg, nil, ErrMaxCostWithoutLLM
		}
		cfg.MaxCost = o.MaxCost
	}
	if cfg.LLM != nil {
		// the engine stops cleanly before a round the last one's cost says
		// would pass the budget; the client refuses any request that could,
		// the first round's too
		cfg.LLM.SetBudget(cfg.MaxCost)
	}
	if cfg.Households != nil {
		cfg.Households.Warm = o.Warm
	}
	tp := &timedPlanner{Planner: pl}
	eng, err := sim.NewContext(ctx, cfg, tp)
	return eng, cfg, tp, s.Locate(err)
}

var (
	_ planner.Gapper   = (*timedPlanner)(nil)
	_ planner.Reporter = (*timedPlanner)(nil)
)

// timedPlanner measures the wall time of a planner's proposals (the engine
// reads no clock; the run does). It passes the optional interfaces through:
// Gap and the columns are the wrapped planner's, or none.
type timedPlanner struct {
	planner.Planner
	spent time.Duration
}

// Propose implements planner.Planner.
func (t *timedPlanner) Propose(ctx context.Context, req planner.Request) (tax.Schedule, error) {
	start := time.Now()
	s, err := t.Planner.Propose(ctx, req)
	t.spent += time.Since(start)
	return s, err
}

// Gap implements planner.Gapper when the wrapped planner does.
func (t *timedPlanner) Gap() (float64, bool) {
	if g, ok := t.Planner.(planner.Gapper); ok {
		return g.Gap()
	}
	return 0, false
}

// Foreseen implements planner.Foreseen for the wrapped planner (not ok
// when it does not).
func (t *timedPlanner) Foreseen() (int, bool) {
	if f, ok := t.Planner.(planner.Foreseen); ok {
		return f.Foreseen()
	}
	return 0, false
}

// Columns implements planner.Reporter when the wrapped planner does.
func (t *timedPlanner) Columns() []string {
	if r, ok := t.Planner.(planner.Reporter); ok {
		return r.Columns()
	}
	return nil
}

// Report implements planner.Reporter when the wrapped planner does.
func (t *timedPlanner) Report(dst []float64) []float64 {
	if r, ok := t.Planner.(planner.Reporter); ok {
		return r.Report(dst)
	}
	return dst
}

// Scenario runs s into the folder dir: it takes the folder (record.Begin:
// a completed run there is refused with record.ErrCompleted unless
// o.Force), writes scenario.toml first, rounds.csv as the rounds go,
// agents.csv, summary.json last, and commits the folder. A run stopped by
// its LLM budget ends cleanly with a summary saying so; any other error
// leaves rounds.csv with the rounds done and no summary.
func Scenario(ctx context.Context, s *scenario.Scenario, dir string, o Options) (*record.Summary, error) {
	folder, err := record.Begin(dir, o.Force)
	if err != nil {
		return nil, err
	}
	defer folder.Close()
	sum, err := write(ctx, s, folder.Dir, o)
	if err != nil {
		return nil, err
	}
	return sum, folder.Commit()
}

// write runs s and writes its files into dir.
func write(ctx context.Context, s *scenario.Scenario, dir string, o Options) (*record.Summary, error) {
	workers := max(o.Workers, 1)
	eng, cfg, timed, err := timedEngine(ctx, s, o)
	if err != nil {
		return nil, err
	}
	resolved, err := s.Encode()
	if err != nil {
		return nil, err
	}
	header := fmt.Sprintf("# Resolved from %s by sim %s: every default filled, rerunnable as is.\n\n", filepath.ToSlash(o.Source), o.Version)
	if err := record.WriteFile(filepath.Join(dir, "scenario.toml"), append([]byte(header), resolved...)); err != nil {
		return nil, err
	}
	rounds, err := record.NewRounds(dir, eng.Columns())
	if err != nil {
		return nil, err
	}
	start := time.Now()
	stopWaiting := watchLLM(cfg.LLM, o.Waiting)
	hist := sim.NewHistory(s.Rounds, s.Tax.Period, eng.Columns())
	runErr := eng.Run(ctx, observer{rounds, hist, o.Observe})
	stopWaiting()
	wall := time.Since(start).Seconds()
	if err := rounds.Close(); err != nil {
		return nil, errors.Join(runErr, err)
	}
	stopReason, runErr := stopped(s, runErr)
	if runErr != nil {
		return nil, fmt.Errorf("stopped after %d of %d rounds: %w (rounds.csv in %s holds the completed rounds; no summary.json was written)", rounds.Rows(), s.Rounds, runErr, dir)
	}
	sched := eng.Schedule()
	sum := &record.Summary{
		Name: s.Name, Seed: s.Seed, Agents: s.Population.Agents, Rounds: s.Rounds, Version: o.Version,
		Final: record.Floats(hist.Final()), MeanLastPeriod: record.Floats(hist.MeanLastPeriod()),
		RoundsDone: hist.Rounds(), StopReason: stopReason,
		Schedule:       record.Schedule{Cutoffs: sched.Cutoffs(), Rates: sched.Rates()},
		ConvergedRound: hist.ConvergedRound(),
		Perf: record.Perf{WallSeconds: wall, Workers: workers, ModelEvaluations: eng.ModelEvaluations(), PlannerSeconds: timed.spent.Seconds(),
			AgentRoundsPerSec: float64(s.Population.Agents) * float64(hist.Rounds()) / max(wall, 1e-9)},
	}
	if cfg.LLM != nil {
		u := cfg.LLM.Usage()
		sum.LLM = &record.LLM{Calls: u.Calls, CacheHits: u.CacheHits, Requests: u.Requests, Retries: u.Retries,
			TokensIn: u.TokensIn, TokensOut: u.TokensOut, Cost: u.Cost, SpentCost: u.SpentCost, Fallbacks: u.Fallbacks}
	}
	if st := eng.Stationary(); st != nil {
		sum.Equilibrium = Equilibrium(st)
	}
	var cev []float64
	if rf := eng.Reform(); rf != nil {
		sum.Reform, sum.Perf.TransitionSeconds, cev = reform(rf), rf.Seconds, rf.CEV
		if err := record.WriteTransition(dir, transition(rf, cfg.Market)); err != nil {
			return nil, err
		}
		if err := record.WriteGains(dir, gains(rf)); err != nil {
			return nil, err
		}
	}
	pop := eng.Population()
	if o.SkipAgents {
		return sum, record.WriteSummary(dir, sum)
	}
	if err := record.WriteAgents(dir, record.Agents{Skill: pop.Skill, Hours: pop.Hours, Income: pop.Income, Consumption: pop.Consumption, Utility: pop.Utility,
		Wealth: pop.Wealth, Productivity: eng.Productivity(), Kappa: pop.Kappa, CEV: cev, Discount: eng.Discount()}); err != nil {
		return nil, err
	}
	if err := record.WriteSummary(dir, sum); err != nil {
		return nil, err
	}
	return sum, nil
}

// watchLLM calls fn with the client's status every second until the
// returned stop is called; stop returns after the goroutine has exited.
func watchLLM(c *llm.Client, fn func(llm.Status)) (stop func()) {
	if c == nil || fn == nil {
		return func() {}
	}
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fn(c.Status())
			}
		}
	}()
	return func() { close(done); <-exited }
}

var _ sim.Recorder = observer{}

// observer passes rounds to the CSV recorder and the history, then to an
// optional callback.
type observer struct {
	*record.Rounds
	hist *sim.History
	fn   func(*sim.RoundStats)
}

func (o observer) Record(s *sim.RoundStats) error {
	if err := o.Rounds.Record(s); err != nil {
		return err
	}
	o.hist.Record(s)
	if o.fn != nil {
		o.fn(s)
	}
	return nil
}

// stopped sorts the error a run stopped with: a stop at the LLM budget is
// clean (its reason is returned, the error nil); a failing endpoint's says
// what to do; a value the run found it cannot work with is named at the
// scenario's key and line (still a failed run, exit status 1).
func stopped(s *scenario.Scenario, runErr error) (reason string, err error) {
	if errors.Is(runErr, sim.ErrBudget) {
		return runErr.Error(), nil
	}
	var fe *sim.FallbackError
	if errors.As(runErr, &fe) {
		runErr = fmt.Errorf("%w; fix the endpoint, or set llm.max_fallback_share = 1 to run on with fallbacks", runErr)
	}
	var located scenario.Errors
	if errors.As(s.Locate(runErr), &located) {
		runErr = errors.New(located.Error())
	}
	return "", runErr
}

// reform is summary.json's reform.
func reform(rf *sim.Reform) *record.Reform {
	g, p := rf.Gains, rf.Path
	out := &record.Reform{Households: "simulated", AnnounceRound: rf.Announce, SwitchRound: rf.Change, Horizon: p.Horizon(), HorizonGap: p.Gap, NewtonSteps: p.Iterations,
		MeanCEV: record.Float(g.MeanCEV), UtilitarianCEV: record.Float(g.UtilitarianCEV), ShareGaining: record.Float(g.ShareGaining),
		SteadyStateCEV: record.Float(g.SteadyStateCEV), After: Equilibrium(p.After)}
	if rf.OfOptimal {
		out.Households = "optimal savers"
	}
	for _, x := range g.ByWealthQuintile {
		out.CEVByWealthQuintile = append(out.CEVByWealthQuintile, record.Float(x))
	}
	for _, x := range g.ByState {
		out.CEVByState = append(out.CEVByState, record.Float(x))
	}
	return out
}

// transition is transition.csv's columns: the path's rounds, numbered as
// the run's.
func transition(rf *sim.Reform, m market.Config) *record.Transition {
	p := rf.Path
	t := &record.Transition{}
	for j := range p.Horizon() {
		r := p.At(j)
		t.Round = append(t.Round, rf.Announce+j)
		t.Rate, t.Wage, t.Capital, t.Labor = append(t.Rate, r.Rate), append(t.Wage, r.Wage), append(t.Capital, r.Capital), append(t.Labor, r.Labor)
		t.Output, t.Transfer = append(t.Output, m.Output(r.Capital, r.Labor)), append(t.Transfer, r.Transfer)
		t.LaborTax, t.CapitalTax = append(t.LaborTax, r.Revenue.Labor), append(t.CapitalTax, r.Revenue.Capital)
		t.WealthTax, t.ConsumptionTax = append(t.WealthTax, r.Revenue.Wealth), append(t.ConsumptionTax, r.Revenue.Consumption)
		t.Excess = append(t.Excess, r.Excess)
	}
	return t
}

// gains is gains.csv's columns: g at every (state, grid point) of the
// distribution at the announcement, with the point's wealth percentile.
func gains(rf *sim.Reform) *record.Gains {
	h := rf.Path.Before.Histogram
	g, mass := h.Grid, h.Mass
	G, n := len(g), len(mass)/len(g)
	pct := make([]float64, G)
	below := 0.0
	for j := range G {
		m := 0.0
		for s := range n {
			m += mass[s*G+j]
		}
		pct[j] = below + m/2
		below += m
	}
	out := &record.Gains{}
	for k, x := range mass {
		s, j := k/G, k%G
		out.State, out.Wealth, out.Percentile = append(out.State, s), append(out.Wealth, g[j]), append(out.Percentile, 100*pct[j]/below)
		out.Mass, out.CEV = append(out.Mass, x), append(out.CEV, rf.Gains.CEV[k])
	}
	return out
}

// Equilibrium is summary.json's record of the stationary equilibrium st.
func Equilibrium(st *household.Stationary) *record.Equilibrium {
	eq := st.Market
	return &record.Equilibrium{InterestRate: eq.Rate, Wage: eq.Wage, Capital: eq.Capital, Output: eq.Output, CapitalOutput: eq.Capital / eq.Output,
		Labor: eq.Labor, HoursMean: st.HoursMean,
		SavingRate: st.SavingRate, WealthGini: st.WealthGini, WealthTop1Share: st.WealthTop1, WealthTop10Share: st.WealthTop10,
		ConstrainedShare: st.Constrained, EulerError: record.Float(st.EulerError), GridMax: st.GridMax, Evaluations: eq.Iterations,
		LaborTaxRevenue: st.Revenue.Labor, CapitalTaxRevenue: st.Revenue.Capital, WealthTaxRevenue: st.Revenue.Wealth,
		ConsumptionTaxRevenue: st.Revenue.Consumption, Transfer: st.Transfer}
}
