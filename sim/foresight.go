package sim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// Reform is a reform households foresaw: its transition path, solved at
// its announcement, and who gains from it.
type Reform struct {
	Announce, Change int // the rounds it was announced and took effect
	Path             *household.Path
	Gains            *household.Gains
	// CEV is each household's g, from its state and wealth at the
	// announcement.
	CEV []float64
	// Seconds is the wall time of the transition's solve.
	Seconds float64
	// OfOptimal is set for LLM savers: the path is the one optimal savers
	// would make, which they are told, and Gains are optimal savers' on it
	// (CEV is nil: no value function stands behind an LLM's replies).
	OfOptimal bool
}

// foresight is what households that foresee prices know: the stationary
// equilibrium of the first policy until a reform is announced; from then
// the transition path it leads to; after the path's horizon, the
// stationary equilibrium after it.
type foresight struct {
	announce, change int                                             // rounds; change 0: the planner sets no reform
	before, next     tax.Schedule                                    // the first policy's schedule, the reform's (once announced)
	after            func(ctx context.Context) (tax.Schedule, error) // the planner's schedule from change on
	reform           *Reform                                         // nil until the announcement
	gap              float64                                         // this round's capital_gap
}

// foresightColumns are the per-round columns of households that foresee
// prices, after the household columns (see docs/metrics.md).
var foresightColumns = []column[foresight]{
	{"capital_gap", func(f *foresight) float64 { return f.gap }},
}

// initForesight prepares perfect foresight: the planner must set its
// schedules in advance, and the reform's announcement must fall in a round.
func (e *Engine) initForesight() error {
	fs, ok := e.planner.(planner.Foreseen)
	change := 0
	if ok {
		change, ok = fs.Foreseen()
	}
	if !ok {
		return field.Errorf("Households.Expectations", "households that foresee prices need a planner that sets its schedules in advance (fixed or none): set expectations to %q for a planner that learns", household.Adaptive)
	}
	f := &foresight{change: change, announce: change - e.cfg.Notice}
	switch {
	case change == 0 && e.cfg.Notice > 0:
		return field.Errorf("Notice", "the planner makes no reform to announce")
	case change > 0 && f.announce < 0:
		return field.Errorf("Notice", "is %d rounds, more than the %d rounds before the reform: it would be announced before round 0", e.cfg.Notice, change)
	}
	f.after = func(ctx context.Context) (tax.Schedule, error) {
		return e.planner.Propose(ctx, planner.Request{Round: change, Cutoffs: e.cfg.Cutoffs, Bounds: e.cfg.Bounds})
	}
	e.house.fore = f
	e.report.extra = append(e.report.extra, columnNames(foresightColumns)...)
	return nil
}

// foreseen is the prices and rule of a round for households that foresee
// them: the path's round (the stationary equilibrium's before an
// announcement), with the reform's transition solved in the round it is
// announced. The rule is nil for optimal savers, who follow h.policy; a
// rule of thumb is followed at the path's prices; LLM savers are asked,
// told the reform and the years ahead. The sample's capital is compared
// with the path's (gap).
func (h *houses) foreseen(ctx context.Context, tp *household.TaxPolicy) (housePrices, agents.Rule, error) {
	f := h.fore
	if h.t == 0 {
		f.before = h.sched
	}
	if f.change > 0 && h.t == f.announce {
		if err := h.announce(ctx); err != nil {
			return housePrices{}, nil, err
		}
	}
	want := f.before
	if f.change > 0 && h.t >= f.change {
		want = f.next
	}
	if !slices.Equal(h.sched.Rates(), want.Rates()) {
		return housePrices{}, nil, fmt.Errorf("the planner's rates %v are not the %v households foresaw", h.sched.Rates(), want.Rates())
	}
	pr := h.stationary.Round()
	if f.reform != nil {
		pr = f.reform.Path.At(h.t - f.announce)
	}
	ws := h.sumWealth(tp.WealthExemption)
	out := housePrices{k: pr.Capital, l: pr.Labor, r: pr.Rate, w: pr.Wage, transfer: pr.Transfer, b: *pr.Budget, rv: pr.Revenue,
		wealth: ws.sum / float64(h.work.n)}
	f.gap = out.wealth/pr.Capital - 1
	if pr.Policy == nil { // a rule of thumb, followed at the path's prices
		return out, pr.Rule, nil
	}
	h.policy = pr.Policy
	if h.cfg.Saver.Saving == agents.SaveLLM && h.llm != nil { // told the reform and the path ahead
		var ahead []agents.Outlook
		announced := ""
		if f.reform != nil {
			announced = h.announcement()
			for j := h.t - f.announce + 1; j <= h.t-f.announce+outlookYears; j++ {
				o := f.reform.Path.At(j)
				ahead = append(ahead, agents.Outlook{Round: f.announce + j, Rate: o.Rate, Wage: o.Wage, Transfer: o.Transfer})
			}
		}
		rule, err := h.askLLM(ctx, &out, announced, ahead)
		return out, rule, err
	}
	return out, nil, nil
}

// outlookYears is how many years ahead LLM savers who foresee a reform's
// path are told its prices.
const outlookYears = 5

// announcement says what the reform announced is: the instrument, its rate
// before and after, and the round it takes effect.
func (h *houses) announcement() string {
	f := h.fore
	when := fmt.Sprintf("from year %d", f.change+1)
	if _, name, ok := household.InstrumentRange(h.cfg.Taxes.Instrument); ok {
		return fmt.Sprintf("that %s the %s will be %.4g%% (it is %.4g%% until then)", when, name, 100*f.next.Rate(0), 100*f.before.Rate(0))
	}
	return fmt.Sprintf("that %s the marginal tax rates on labour income will be %v (they are %v until then)", when, f.next.Rates(), f.before.Rates())
}

// announce solves the transition of the reform announced this round, from
// the stationary equilibrium of the first policy, and who gains from it:
// every household's g at its state and wealth now.
func (h *houses) announce(ctx context.Context) error {
	f := h.fore
	after, err := f.after(ctx)
	if err != nil {
		return fmt.Errorf("the reform's schedule: %w", err)
	}
	rf := household.Reform{Before: h.cfg.Taxes.Policy(f.before), After: h.cfg.Taxes.Policy(after), Switch: f.change - f.announce}
	start := time.Now()
	hh := h.cfg
	if hh.Saver.Saving == agents.SaveLLM { // the path they are told: optimal savers'
		opt := *hh
		opt.Saver.Saving = agents.SaveOptimal
		hh = &opt
	}
	p, err := household.SolveTransition(ctx, hh, h.market, h.stationary, rf, h.redistribute, h.cfg.TransitionHorizon())
	if errors.Is(err, household.ErrHorizon) {
		return field.Errorf("Households.Horizon", "the transition after the reform announced in round %d: %v", f.announce, err)
	}
	if err != nil {
		return fmt.Errorf("the transition after the reform announced in round %d: %w", f.announce, err)
	}
	secs := time.Since(start).Seconds()
	gains, err := p.Gains(ctx, &hh.Saver)
	if err != nil {
		return fmt.Errorf("who gains from the reform announced in round %d: %w", f.announce, err)
	}
	r := &Reform{Announce: f.announce, Change: f.change, Path: p, Gains: gains, Seconds: secs, OfOptimal: hh != h.cfg}
	f.reform, f.next = r, after
	if r.OfOptimal { // who gains is optimal savers', not what LLM households would say
		return nil
	}
	r.CEV = make([]float64, h.work.n)
	pop := h.pop
	h.work.parallel(func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			r.CEV[i] = gains.Of(int(pop.State[i]), pop.Wealth[i])
		}
	})
	return nil
}

// Reform returns the reform households foresaw, once announced (nil
// before, and for households that do not foresee prices).
func (e *Engine) Reform() *Reform {
	if e.house == nil || e.house.fore == nil {
		return nil
	}
	return e.house.fore.reform
}
