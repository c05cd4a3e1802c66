package planner

import (
	"context"

	"github.com/econsim/econsim/sim/metric"
	"github.com/econsim/econsim/sim/tax"
)

var (
	_ Planner  = (*WithGap)(nil)
	_ Gapper   = (*WithGap)(nil)
	_ Reporter = (*WithGap)(nil)
)

// WithGap wraps a planner so that it reports the Stackelberg gap
// (planner.report_gap): at every proposal it also runs the search
// optimiser on the workers' model, and each round's gap is that optimum
// minus the objective observed. The wrapped planner's choices are unchanged.
type WithGap struct {
	Planner
	Objective string
	Budget    int // model evaluations per period; default DefaultBudget

	best         float64
	gap          float64
	hasBest, has bool
}

// Propose implements Planner.
func (p *WithGap) Propose(ctx context.Context, req Request) (tax.Schedule, error) {
	s, err := p.Planner.Propose(ctx, req)
	if err != nil || req.Model == nil {
		return s, err
	}
	opt := optimiser{model: req.Model, cutoffs: req.Cutoffs, bounds: req.Bounds, score: metricScore(p.Objective), budget: p.Budget}
	start := []float64(nil)
	if s.Brackets() == len(req.Cutoffs) {
		start = s.Rates()
	}
	if _, v, err := opt.maximise(ctx, start); err == nil {
		p.best, p.hasBest = v, true
	} else if ctx.Err() != nil {
		return s, ctx.Err()
	}
	return s, nil
}

// Observe implements Planner.
func (p *WithGap) Observe(obs Observation) {
	p.Planner.Observe(obs)
	if v, ok := obs.Stats.Metric(p.Objective); ok && p.hasBest {
		p.gap, p.has = p.best-metric.Sign(p.Objective)*v, true
	}
}

// Gap implements Gapper.
func (p *WithGap) Gap() (float64, bool) { return p.gap, p.has }

// Columns implements Reporter when the wrapped planner does.
func (p *WithGap) Columns() []string {
	if r, ok := p.Planner.(Reporter); ok {
		return r.Columns()
	}
	return nil
}

// Report implements Reporter.
func (p *WithGap) Report(dst []float64) []float64 {
	if r, ok := p.Planner.(Reporter); ok {
		return r.Report(dst)
	}
	return dst
}
