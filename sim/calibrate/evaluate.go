package calibrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/run"
	"github.com/econsim/econsim/sim/scenario"
)

// evaluator evaluates the model, once per point: from the journal when it
// holds the point, else by a run, appended to it.
type evaluator struct {
	c        *Calibration
	o        Options
	j        *journal
	all      []Evaluation
	replayed int
	warm     *household.Stationary // where each solve starts
	last     *household.Stationary // the last solve's
}

// at returns the evaluation at x; err is a reason to stop (a cancelled
// context, a journal that cannot be written), not a model without a
// solution there (Evaluation.Err).
func (ev *evaluator) at(ctx context.Context, x []float64) (Evaluation, error) {
	if err := ctx.Err(); err != nil {
		return Evaluation{}, err
	}
	e, ok, earlier := ev.j.lookup(x)
	if earlier {
		ev.replayed++
	}
	if !ok {
		e = ev.evaluate(ctx, x)
		if err := ctx.Err(); err != nil {
			return Evaluation{}, err
		}
		if err := ev.j.append(e); err != nil {
			return Evaluation{}, err
		}
	}
	ev.all = append(ev.all, e)
	ev.progress(e, ok, earlier)
	return e, nil
}

// evaluate runs the model at x.
func (ev *evaluator) evaluate(ctx context.Context, x []float64) Evaluation {
	c := ev.c
	e := Evaluation{X: x, Metrics: make([]float64, len(c.File.Target)), Objective: math.Inf(1)}
	for i := range e.Metrics {
		e.Metrics[i] = math.NaN()
	}
	values, err := ev.metrics(ctx, x)
	if err != nil {
		e.Err = err.Error()
		return e
	}
	e.Objective = 0
	for i, t := range c.File.Target {
		v, ok := values[t.Metric]
		if !ok || math.IsNaN(v) {
			e.Err, e.Objective = fmt.Sprintf("%s is not computed for this scenario", t.Metric), math.Inf(1)
			return e
		}
		e.Metrics[i] = v
		d := v/t.Value - 1
		e.Objective += c.weight(i) * d * d
	}
	return e
}

// metrics returns the model's metrics at x by name.
func (ev *evaluator) metrics(ctx context.Context, x []float64) (map[string]float64, error) {
	c := ev.c
	s, err := scenario.Parse(c.ScenarioPath, c.scenarioData, c.sets(x))
	if err != nil {
		return nil, err
	}
	opts := run.Options{Workers: max(ev.o.Workers, 1), Getenv: ev.o.Getenv, Warm: ev.warm, SkipAgents: true}
	out := map[string]float64{}
	if c.stationaryOnly() { // the equilibrium before round 0: one round of the engine
		eng, _, err := run.Engine(ctx, s, opts)
		if err != nil {
			return nil, err
		}
		if _, err := eng.Step(ctx); err != nil {
			return nil, err
		}
		st := eng.Stationary()
		if st == nil {
			return nil, errors.New("the scenario's agents are workers: the equilibrium's metrics are those of households that save")
		}
		ev.last = st
		addEquilibrium(out, run.Equilibrium(st))
		return out, nil
	}
	tmp, err := os.MkdirTemp("", "econsim-calibrate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	sum, err := run.Scenario(ctx, s, filepath.Join(tmp, "run"), opts)
	if err != nil {
		return nil, err
	}
	if sum.Equilibrium != nil {
		addEquilibrium(out, sum.Equilibrium)
	}
	for k, v := range sum.MeanLastPeriod {
		out["mean_last_period."+k] = float64(v)
	}
	for k, v := range sum.Final {
		out["final."+k] = float64(v)
	}
	return out, nil
}

// addEquilibrium adds the equilibrium's metrics to out as equilibrium.<key>.
func addEquilibrium(out map[string]float64, eq *record.Equilibrium) {
	b, _ := json.Marshal(eq)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for k, v := range m {
		if f, ok := v.(float64); ok {
			out["equilibrium."+k] = f
		}
	}
}

// progress writes a line for evaluation e.
func (ev *evaluator) progress(e Evaluation, seen, earlier bool) {
	w := ev.o.Progress
	if w == nil {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "calibrate: %d/%d ", len(ev.all), ev.c.File.Budget)
	for i, p := range ev.c.File.Estimate {
		fmt.Fprintf(&b, " %s=%.6g", short(p.Key), e.X[i])
	}
	if e.Err != "" {
		fmt.Fprintf(&b, "  no solution: %s", e.Err)
	} else {
		fmt.Fprintf(&b, "  objective %.4g (best %.4g)", e.Objective, ev.best().Objective)
	}
	switch {
	case earlier:
		b.WriteString("  [read back from evaluations.csv]")
	case seen:
		b.WriteString("  [a point already evaluated]")
	}
	fmt.Fprintln(w, b.String())
}

// short is a key's last part.
func short(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[i+1:]
	}
	return key
}

func (ev *evaluator) anyOK() bool {
	for _, e := range ev.all {
		if e.Err == "" {
			return true
		}
	}
	return false
}

func (ev *evaluator) firstErr() string {
	for _, e := range ev.all {
		if e.Err != "" {
			return e.Err
		}
	}
	return "none"
}

// best is the evaluation with the least objective (the first of equals).
func (ev *evaluator) best() Evaluation {
	b := Evaluation{Objective: math.Inf(1)}
	for _, e := range ev.all {
		if e.Err == "" && e.Objective < b.Objective {
			b = e
		}
	}
	return b
}

// unmoved returns the targets whose metric is the same at every
// evaluation that has one (two at least).
func (ev *evaluator) unmoved() []int {
	var out []int
	for i := range ev.c.File.Target {
		lo, hi, n := math.Inf(1), math.Inf(-1), 0
		for _, e := range ev.all {
			if e.Err == "" {
				lo, hi, n = min(lo, e.Metrics[i]), max(hi, e.Metrics[i]), n+1
			}
		}
		if n >= 2 && lo == hi {
			out = append(out, i)
		}
	}
	return out
}
