package pareto

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// Options tune the front's computation.
type Options struct {
	Points int    // scalarisations (weight vectors); default 21
	Budget int    // evaluations per scalarisation in exact mode; default 200
	Rounds int    // amortised mode: verify-and-refit rounds at most; default 8
	Seed   uint64 // amortised mode: the design's random stream
}

func (o *Options) defaults() {
	if o.Points <= 0 {
		o.Points = 21
	}
	if o.Budget <= 0 {
		o.Budget = 200
	}
	if o.Rounds <= 0 {
		o.Rounds = 8
	}
}

// Result is a computed front.
type Result struct {
	Mode           string  `json:"mode"`
	Front          []Point `json:"front"`
	Evaluations    int     `json:"true_evaluations"`
	SurrogateError float64 `json:"surrogate_error,omitempty"` // amortised: mean |surrogate − truth| / range at the last verified points
}

// archiving is a planner.Model that records every true evaluation.
type archiving struct{ ev *Evaluator }

func (a archiving) Evaluate(ctx context.Context, s tax.Schedule) (planner.Metrics, []float64) {
	m, u := a.ev.Model.Evaluate(ctx, s)
	a.ev.Archive = append(a.ev.Archive, pointOf(s.Rates(), m, a.ev.Objs))
	return m, u
}

// Exact computes the front by solving every scalarisation on the true model.
func Exact(ctx context.Context, ev *Evaluator, o Options) (*Result, error) {
	o.defaults()
	start := ev.Evals()
	err := scalarised(ctx, space{archiving{ev}, ev.Cutoffs, ev.Bounds, ev.Objs}, o.Points, o.Budget, func([]float64) error { return nil })
	if err != nil {
		return nil, err
	}
	return &Result{Mode: "exact", Front: Front(ev.Archive[start:], ev.Objs), Evaluations: ev.Evals() - start}, nil
}

// Amortised computes the front from quadratic surrogates, verifying their
// front with true evaluations and refitting.
func Amortised(ctx context.Context, ev *Evaluator, o Options) (*Result, error) {
	o.defaults()
	start := ev.Evals()
	k := len(ev.Cutoffs)
	lo, hi := ev.Bounds.Min, ev.Bounds.Max
	nfeat := 1 + k + k*(k+1)/2
	n0 := max(2*nfeat, 10)
	rng := rand.New(rand.NewPCG(o.Seed, 0x70617265746f))
	// Latin hypercube: each rate's range cut into n0 strata, one point per
	// stratum, strata shuffled independently per rate; plus the two corners.
	design := make([][]float64, n0)
	for i := range design {
		design[i] = make([]float64, k)
	}
	for j := range k {
		perm := rng.Perm(n0)
		for i := range design {
			design[i][j] = lo + (hi-lo)*(float64(perm[i])+rng.Float64())/float64(n0)
		}
	}
	design = append(design, fill(k, lo), fill(k, hi))
	for _, r := range design {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if _, err := ev.Eval(ctx, r); err != nil {
			return nil, err
		}
	}
	res := &Result{Mode: "amortised"}
	for round := range o.Rounds {
		// After the first round the fit favours the points near the true
		// front found so far (weight exp(−(d/0.1)²), d the normalised
		// distance in objective space): the surrogate is refined where the
		// front is, which a single global quadratic cannot be everywhere.
		pts := finitePoints(ev.Archive[start:])
		if nf := 1 + k + k*(k+1)/2; len(pts) < nf {
			return nil, fmt.Errorf("only %d of the %d policies evaluated have finite objectives (the others have no equilibrium, or their metrics overflow): too few to fit a surrogate of %d coefficients; use --mode exact, or narrow tax.rate_min and tax.rate_max", len(pts), ev.Evals()-start, nf)
		}
		var w []float64
		if round > 0 {
			w = frontWeights(pts, ev.Objs)
		}
		sur, err := fitSurrogate(pts, w, ev.Objs, k)
		if err != nil {
			return nil, err
		}
		var cands [][]float64
		// Scalarisations on the surrogate cost nothing: twice as many.
		err = scalarised(ctx, space{sur, ev.Cutoffs, ev.Bounds, ev.Objs}, 2*o.Points, 400, func(r []float64) error {
			cands = append(cands, r)
			return nil
		})
		if err != nil {
			return nil, err
		}
		// Verify the surrogate's front with true evaluations.
		span := spans(ev.Archive[start:], len(ev.Objs))
		var errSum float64
		var nerr int
		for _, r := range cands {
			p, err := ev.Eval(ctx, r)
			if err != nil {
				return nil, err
			}
			pred := sur.predict(p.Rates)
			for j := range ev.Objs {
				errSum += math.Abs(pred[j]-p.Values[j]) / span[j]
				nerr++
			}
		}
		res.SurrogateError = errSum / float64(nerr)
		if res.SurrogateError < 0.005 {
			break
		}
	}
	res.Front = Front(ev.Archive[start:], ev.Objs)
	res.Evaluations = ev.Evals() - start
	return res, nil
}

func fill(k int, v float64) []float64 {
	r := make([]float64, k)
	for i := range r {
		r[i] = v
	}
	return r
}

// spans is each objective's range over the points (1 where it is flat).
func spans(ps []Point, m int) []float64 {
	s := make([]float64, m)
	for j := range m {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range ps {
			if v := p.Values[j]; !math.IsNaN(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		s[j] = hi - lo
		if !(s[j] > 0) {
			s[j] = 1
		}
	}
	return s
}

// surrogate is a quadratic model of each objective in the rates; it is a
// planner.Model whose metrics are the predicted objectives.
type surrogate struct {
	objs []Objective
	coef [][]float64 // per objective, per feature
}

// features are 1, x_i and x_i·x_j (i ≤ j).
func features(x []float64) []float64 {
	f := append([]float64{1}, x...)
	for i := range x {
		for j := i; j < len(x); j++ {
			f = append(f, x[i]*x[j])
		}
	}
	return f
}

// frontWeights weighs each point by its closeness to the non-dominated
// points among them, in objective space normalised by each objective's range.
func frontWeights(ps []Point, objs []Objective) []float64 {
	front := Front(ps, objs)
	span := spans(ps, len(objs))
	w := make([]float64, len(ps))
	for i, p := range ps {
		d2 := math.Inf(1)
		for _, f := range front {
			var s float64
			for j := range objs {
				d := (p.Values[j] - f.Values[j]) / span[j]
				s += d * d
			}
			d2 = min(d2, s)
		}
		w[i] = math.Exp(-d2/0.01) + 1e-3
	}
	return w
}

// finitePoints returns the points whose every objective is finite: a
// policy with no equilibrium evaluates to NaN, which would poison a fit.
func finitePoints(ps []Point) []Point {
	var out []Point
	for _, p := range ps {
		if !slices.ContainsFunc(p.Values, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }) {
			out = append(out, p)
		}
	}
	return out
}

// fitSurrogate fits each objective by (weighted, when w is not nil) least
// squares (QR), with a tiny ridge so that a design short of points still
// gives a unique fit.
func fitSurrogate(ps []Point, w []float64, objs []Objective, k int) (*surrogate, error) {
	nf := len(features(make([]float64, k)))
	rows := len(ps) + nf
	a := mat.NewDense(rows, nf, nil)
	sw := func(i int) float64 {
		if w == nil {
			return 1
		}
		return math.Sqrt(w[i])
	}
	for i, p := range ps {
		f := features(p.Rates)
		for j := range f {
			f[j] *= sw(i)
		}
		a.SetRow(i, f)
	}
	const ridge = 1e-8
	for j := range nf {
		a.Set(len(ps)+j, j, ridge)
	}
	s := &surrogate{objs: objs}
	for j := range objs {
		b := mat.NewVecDense(rows, nil)
		for i, p := range ps {
			v := p.Values[j]
			if math.IsNaN(v) {
				v = 0
			}
			b.SetVec(i, v*sw(i))
		}
		var x mat.VecDense
		if err := x.SolveVec(a, b); err != nil {
			return nil, fmt.Errorf("fitting the surrogate of %s: %w", objs[j].Name, err)
		}
		s.coef = append(s.coef, mat.Col(nil, 0, &x))
	}
	return s, nil
}

func (s *surrogate) predict(x []float64) []float64 {
	f := features(x)
	out := make([]float64, len(s.coef))
	for j, c := range s.coef {
		for i, v := range f {
			out[j] += c[i] * v
		}
	}
	return out
}

// Evaluate implements planner.Model with the predictions.
func (s *surrogate) Evaluate(_ context.Context, sch tax.Schedule) (planner.Metrics, []float64) {
	return predicted{s.objs, s.predict(sch.Rates())}, nil
}

type predicted struct {
	objs []Objective
	v    []float64
}

func (p predicted) Metric(name string) (float64, bool) {
	for j, o := range p.objs {
		if o.Name == name || "welfare_"+name == o.Name || name == "welfare_"+o.Name {
			return p.v[j], true
		}
	}
	var s sim.RoundStats
	return s.Metric(name)
}

// Hypervolume2 is the area dominated by a 2-objective front (oriented to
// maximise) above the reference point ref, in units of the given spans.
func Hypervolume2(front []Point, objs []Objective, ref, span [2]float64) float64 {
	type xy struct{ x, y float64 }
	var pts []xy
	for _, p := range front {
		v := oriented(p, objs)
		pts = append(pts, xy{(v[0] - ref[0]) / span[0], (v[1] - ref[1]) / span[1]})
	}
	// Sort by x descending; sweep keeping the best y so far.
	for i := 1; i < len(pts); i++ {
		for j := i; j > 0 && pts[j].x > pts[j-1].x; j-- {
			pts[j], pts[j-1] = pts[j-1], pts[j]
		}
	}
	var area, bestY float64
	for _, p := range pts {
		if p.x <= 0 || p.y <= bestY {
			continue
		}
		area += p.x * (p.y - bestY)
		bestY = p.y
	}
	return area
}
