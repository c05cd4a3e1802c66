package pareto

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/metric"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// Objective is a metric and its direction.
type Objective struct {
	Name string
	Sign float64 // +1 to maximise, −1 to minimise
}

// String is the objective as ParseObjectives reads it: the bare name when
// it goes the metric's way, else with its sign.
func (o Objective) String() string {
	switch {
	case o.Sign == metric.Sign(o.Name):
		return o.Name
	case o.Sign < 0:
		return "-" + o.Name
	}
	return "+" + o.Name
}

// ParseObjectives reads "equality,productivity" or "equality,-theil": a
// leading "-" minimises, a leading "+" maximises, and a bare name follows
// the metric's direction (metric.Sign: theil and the other inequality
// indices are minimised, a metric with no direction is maximised).
func ParseObjectives(list string) ([]Objective, error) {
	var out []Objective
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		o := Objective{Name: f, Sign: metric.Sign(f)}
		if name, ok := strings.CutPrefix(f, "-"); ok {
			o = Objective{Name: name, Sign: -1}
		} else if name, ok := strings.CutPrefix(f, "+"); ok {
			o = Objective{Name: name, Sign: 1}
		}
		if !sim.IsObjective(o.Name) {
			return nil, fmt.Errorf("unknown objective %q (a metric name such as equality, productivity, utilitarian, rawls, revenue)", o.Name)
		}
		if slices.ContainsFunc(out, func(p Objective) bool { return p.Name == o.Name }) {
			return nil, fmt.Errorf("objective %q given twice", o.Name)
		}
		out = append(out, o)
	}
	if len(out) < 2 {
		return nil, fmt.Errorf("a front needs at least two objectives, got %d", len(out))
	}
	return out, nil
}

// Point is one evaluated schedule.
type Point struct {
	Rates   []float64          `json:"rates"`
	Values  []float64          `json:"objectives"` // objective values, as the metrics report them
	Metrics map[string]float64 `json:"metrics"`    // every metric of the contract
}

// Evaluator evaluates schedules through the workers' model and keeps every
// evaluation.
type Evaluator struct {
	Model   planner.Model
	Cutoffs []float64
	Bounds  tax.Bounds
	Objs    []Objective

	Archive []Point
}

// Evals is the number of true evaluations so far.
func (ev *Evaluator) Evals() int { return len(ev.Archive) }

// Eval evaluates rates (clamped to the bounds).
func (ev *Evaluator) Eval(ctx context.Context, rates []float64) (Point, error) {
	r := make([]float64, len(rates))
	for i, x := range rates {
		r[i] = ev.Bounds.Clamp(x)
	}
	s, err := tax.New(ev.Cutoffs, r, ev.Bounds)
	if err != nil {
		return Point{}, err
	}
	m, _ := ev.Model.Evaluate(ctx, s)
	p := pointOf(r, m, ev.Objs)
	ev.Archive = append(ev.Archive, p)
	return p, nil
}

func pointOf(r []float64, m planner.Metrics, objs []Objective) Point {
	p := Point{Rates: r, Metrics: map[string]float64{}}
	if st, ok := m.(*sim.RoundStats); ok {
		names := sim.MetricNames(len(st.Rates))
		for i, v := range st.Values() {
			// The objective and gap columns describe a planner, not a schedule.
			if i < len(names) && !math.IsNaN(v) && names[i] != "objective" && names[i] != "stackelberg_gap" {
				p.Metrics[names[i]] = v
			}
		}
	}
	for _, o := range objs {
		v, _ := m.Metric(o.Name)
		p.Values = append(p.Values, v)
	}
	return p
}

// oriented is the point's objective vector, all to be maximised.
func oriented(p Point, objs []Objective) []float64 {
	v := make([]float64, len(objs))
	for j, o := range objs {
		v[j] = o.Sign * p.Values[j]
		if math.IsNaN(v[j]) {
			v[j] = math.Inf(-1)
		}
	}
	return v
}

// Dominates reports whether a is at least as good as b on every objective
// (higher is better) and better on one. Equal points do not dominate each
// other.
func Dominates(a, b []float64) bool {
	better := false
	for j := range a {
		if a[j] < b[j] {
			return false
		}
		if a[j] > b[j] {
			better = true
		}
	}
	return better
}

// Front returns the non-dominated points, each objective vector once (the
// first evaluated), sorted by the first objective.
func Front(points []Point, objs []Objective) []Point {
	var out []Point
	vecs := make([][]float64, len(points))
	for i, p := range points {
		vecs[i] = oriented(p, objs)
	}
	for i, p := range points {
		dominated := false
		for j := range points {
			if j != i && Dominates(vecs[j], vecs[i]) {
				dominated = true
				break
			}
			if j < i && (slices.Equal(vecs[j], vecs[i]) || sameRates(points[j].Rates, points[i].Rates)) { // a duplicate of an earlier point
				dominated = true
				break
			}
		}
		if !dominated {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b Point) int { return cmpFloat(a.Values[0], b.Values[0]) })
	return out
}

// sameRates reports whether two policies' rates agree to 1e-9: one policy
// evaluated twice, whose objectives may differ in their last digits (a
// model warm-started from different points, as households' equilibria are).
func sameRates(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Abs(x-y) <= 1e-9 })
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// weights returns a lattice of weight vectors on the simplex for m
// objectives with about n points, without the corners (the anchors).
func weights(m, n int) [][]float64 {
	h := 1
	for count(m, h+1) <= n+m {
		h++
	}
	var out [][]float64
	var rec func(prefix []int, left int)
	rec = func(prefix []int, left int) {
		if len(prefix) == m-1 {
			w := append(slices.Clone(prefix), left)
			corner := slices.Contains(w, h)
			if !corner {
				v := make([]float64, m)
				for i, x := range w {
					v[i] = float64(x) / float64(h)
				}
				out = append(out, v)
			}
			return
		}
		for x := 0; x <= left; x++ {
			rec(append(prefix, x), left-x)
		}
	}
	rec(nil, h)
	return out
}

// count is the number of lattice points of the simplex with m parts and h divisions.
func count(m, h int) int {
	c := 1
	for i := 1; i < m; i++ {
		c = c * (h + i) / i
	}
	return c
}

// space is where a front is sought: schedules on fixed cutoffs within
// bounds, scored by objectives through a model (true or surrogate).
type space struct {
	model   planner.Model
	cutoffs []float64
	bounds  tax.Bounds
	objs    []Objective
}

// scalarised solves the anchors and the Tchebycheff problems in sp, calling
// visit for each solution. budget is per problem.
func scalarised(ctx context.Context, sp space, npoints, budget int, visit func([]float64) error) error {
	model, cutoffs, bounds, objs := sp.model, sp.cutoffs, sp.bounds, sp.objs
	m := len(objs)
	value := func(met planner.Metrics, j int) float64 {
		v, _ := met.Metric(objs[j].Name)
		if math.IsNaN(v) {
			return math.Inf(-1)
		}
		return objs[j].Sign * v
	}
	ideal, nadir := make([]float64, m), make([]float64, m)
	for j := range nadir {
		nadir[j] = math.Inf(1)
	}
	var anchors [][]float64
	for j := range objs {
		r, v, _, err := planner.Maximise(ctx, planner.Problem{Model: model, Cutoffs: cutoffs, Bounds: bounds, Budget: budget,
			Score: func(met planner.Metrics) (float64, error) { return value(met, j), nil }})
		if err != nil {
			return err
		}
		ideal[j] = v
		anchors = append(anchors, r)
		if err := visit(r); err != nil {
			return err
		}
	}
	for _, r := range anchors {
		s, _ := tax.New(cutoffs, r, bounds)
		met, _ := model.Evaluate(ctx, s)
		for j := range objs {
			nadir[j] = min(nadir[j], value(met, j))
		}
	}
	for _, w := range weights(m, npoints) {
		score := func(met planner.Metrics) (float64, error) {
			worst := math.Inf(-1)
			for j := range objs {
				span := ideal[j] - nadir[j]
				if !(span > 0) {
					span = 1
				}
				worst = max(worst, w[j]*(ideal[j]-value(met, j))/span)
			}
			return -worst, nil
		}
		r, _, _, err := planner.Maximise(ctx, planner.Problem{Model: model, Cutoffs: cutoffs, Bounds: bounds, Score: score, Budget: budget})
		if err != nil {
			return err
		}
		if err := visit(r); err != nil {
			return err
		}
	}
	return nil
}
