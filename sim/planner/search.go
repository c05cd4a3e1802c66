package planner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"

	"github.com/econsim/econsim/sim/metric"
	"github.com/econsim/econsim/sim/tax"
)

var (
	_ Planner = (*Search)(nil)
	_ Gapper  = (*Search)(nil)
)

// Search is the Stackelberg leader with a model: at the start of every tax
// period it maximises Objective over the bracket rates, asking the workers'
// response model for the outcome of each candidate schedule.
//
// Method (deterministic): with one bracket, a grid of 21 flat rates across
// the bounds, then golden-section search around the best grid point down to
// a width of 1e-7. With K > 1 brackets, the best of the flat grid and the
// schedule in force starts a Nelder–Mead search (gonum/optimize) in the K
// rates, restarted from its own result while budget remains; rates outside
// the bounds are clamped and pay a quadratic penalty. The best schedule
// evaluated is kept, whatever the optimiser reports.
type Search struct {
	Objective string // metric to maximise (objective names: utilitarian, rawls, …)
	Budget    int    // model evaluations per tax period; default DefaultBudget

	best    float64 // the score (metric.Sign × objective) at the last optimum, predicted by the model
	hasBest bool
	gap     float64
	hasGap  bool
	evals   int // evaluations used at the last proposal
}

// Propose implements Planner.
func (p *Search) Propose(ctx context.Context, req Request) (tax.Schedule, error) {
	if req.Model == nil {
		return tax.Schedule{}, errors.New("search planner needs the workers' response model")
	}
	opt := optimiser{model: req.Model, cutoffs: req.Cutoffs, bounds: req.Bounds, score: metricScore(p.Objective), budget: p.Budget}
	var start []float64
	if req.Current.Brackets() == len(req.Cutoffs) {
		start = req.Current.Rates()
	}
	rates, val, err := opt.maximise(ctx, start)
	if err != nil {
		return tax.Schedule{}, err
	}
	p.best, p.hasBest, p.evals = val, true, opt.evals
	return tax.New(req.Cutoffs, rates, req.Bounds)
}

// Observe implements Planner: it updates the Stackelberg gap.
func (p *Search) Observe(obs Observation) {
	if v, ok := obs.Stats.Metric(p.Objective); ok && p.hasBest {
		p.gap, p.hasGap = p.best-metric.Sign(p.Objective)*v, true
	}
}

// Gap implements Gapper.
func (p *Search) Gap() (float64, bool) { return p.gap, p.hasGap }

// Evaluations returns the model evaluations used at the last proposal.
func (p *Search) Evaluations() int { return p.evals }

// Score turns a model evaluation into the number an optimiser maximises.
type Score func(Metrics) (float64, error)

// metricScore scores by one metric, oriented by its direction
// (metric.Sign): a metric where lower is better is minimised.
func metricScore(name string) Score {
	sign := metric.Sign(name)
	return func(m Metrics) (float64, error) {
		v, ok := m.Metric(name)
		if !ok {
			return 0, fmt.Errorf("unknown objective %q", name)
		}
		return sign * v, nil
	}
}

// Problem is what Maximise optimises: the rates of Cutoffs, inside Bounds,
// that maximise Score over the workers' Model, with at most Budget
// evaluations (0: DefaultBudget); Start, if not nil, is evaluated too.
type Problem struct {
	Model   Model
	Cutoffs []float64
	Bounds  tax.Bounds
	Score   Score
	Budget  int
	Start   []float64
}

// Maximise solves p by the method of Search. It returns the best rates,
// their score and the evaluations used.
func Maximise(ctx context.Context, p Problem) ([]float64, float64, int, error) {
	o := optimiser{model: p.Model, cutoffs: p.Cutoffs, bounds: p.Bounds, score: p.Score, budget: p.Budget}
	r, v, err := o.maximise(ctx, p.Start)
	return r, v, o.evals, err
}

// optimiser maximises a score over the rates of a fixed set of cutoffs.
type optimiser struct {
	model   Model
	cutoffs []float64
	bounds  tax.Bounds
	score   Score
	budget  int

	evals   int
	best    []float64
	bestVal float64
	scratch []float64
}

var errBudget = errors.New("evaluation budget spent")

// eval returns the objective at rates (clamped to the bounds), keeping the best.
func (o *optimiser) eval(ctx context.Context, rates []float64) (float64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if o.evals >= o.budget {
		return 0, errBudget
	}
	o.evals++
	if o.scratch == nil {
		o.scratch = make([]float64, len(rates))
	}
	for i, r := range rates {
		o.scratch[i] = o.bounds.Clamp(r)
	}
	s, err := tax.New(o.cutoffs, o.scratch, o.bounds)
	if err != nil {
		return 0, err
	}
	m, _ := o.model.Evaluate(ctx, s)
	v, err := o.score(m)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(v) {
		v = math.Inf(-1)
	}
	if o.best == nil || v > o.bestVal {
		o.best = append(o.best[:0], o.scratch...)
		o.bestVal = v
	}
	return v, nil
}

// maximise returns the best rates found and their objective value.
func (o *optimiser) maximise(ctx context.Context, start []float64) ([]float64, float64, error) {
	if o.budget <= 0 {
		o.budget = DefaultBudget
	}
	k := len(o.cutoffs)
	lo, hi := o.bounds.Min, o.bounds.Max
	err := o.run(ctx, k, lo, hi, start)
	if err != nil && !errors.Is(err, errBudget) {
		return nil, 0, err
	}
	if o.best == nil {
		return nil, 0, errors.New("no schedule evaluated (budget 0?)")
	}
	return slices.Clone(o.best), o.bestVal, nil
}

func (o *optimiser) run(ctx context.Context, k int, lo, hi float64, start []float64) error {
	// A grid of flat schedules.
	const grid = 21
	flat := make([]float64, k)
	bestG, bestV := lo, math.Inf(-1)
	for i := range grid {
		r := lo + (hi-lo)*float64(i)/(grid-1)
		for j := range flat {
			flat[j] = r
		}
		v, err := o.eval(ctx, flat)
		if err != nil {
			return err
		}
		if v > bestV {
			bestG, bestV = r, v
		}
	}
	if k == 1 {
		return o.golden(ctx, max(lo, bestG-(hi-lo)/(grid-1)), min(hi, bestG+(hi-lo)/(grid-1)))
	}
	if start != nil {
		if _, err := o.eval(ctx, start); err != nil {
			return err
		}
	}
	for o.evals < o.budget {
		before := o.bestVal
		x0 := slices.Clone(o.best)
		if err := o.nelderMead(ctx, x0, 0.1*(hi-lo)); err != nil {
			return err
		}
		if o.bestVal <= before+1e-12*math.Max(1, math.Abs(before)) {
			return nil // a restart found nothing better: converged
		}
	}
	return nil
}

// golden narrows [a, b] around the maximum of a unimodal objective.
func (o *optimiser) golden(ctx context.Context, a, b float64) error {
	const invPhi = 0.6180339887498949
	x := []float64{0}
	f := func(r float64) (float64, error) { x[0] = r; return o.eval(ctx, x) }
	c, d := b-invPhi*(b-a), a+invPhi*(b-a)
	fc, err := f(c)
	if err != nil {
		return err
	}
	fd, err := f(d)
	if err != nil {
		return err
	}
	for b-a > 1e-7 {
		if fc >= fd {
			b, d, fd = d, c, fc
			c = b - invPhi*(b-a)
			if fc, err = f(c); err != nil {
				return err
			}
		} else {
			a, c, fc = c, d, fd
			d = a + invPhi*(b-a)
			if fd, err = f(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// nelderMead minimises the negated, penalised objective from x0.
func (o *optimiser) nelderMead(ctx context.Context, x0 []float64, size float64) error {
	var stop error
	fn := func(x []float64) float64 {
		if stop != nil {
			return math.Inf(1)
		}
		var pen float64
		for _, r := range x {
			d := r - o.bounds.Clamp(r)
			pen += d * d
		}
		v, err := o.eval(ctx, x)
		if err != nil {
			stop = err
			return math.Inf(1)
		}
		return -v + 1e3*math.Max(1, math.Abs(v))*pen
	}
	settings := &optimize.Settings{
		FuncEvaluations: o.budget - o.evals,
		Converger:       &optimize.FunctionConverge{Absolute: 1e-10, Relative: 1e-10, Iterations: 50},
	}
	_, err := optimize.Minimize(optimize.Problem{Func: fn}, x0, settings, &optimize.NelderMead{SimplexSize: size})
	if stop != nil {
		return stop
	}
	if err != nil && o.evals < o.budget {
		return fmt.Errorf("nelder-mead: %w", err)
	}
	return nil
}
