package calibrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/econsim/econsim/sim/run"
	"github.com/econsim/econsim/sim/scenario"
	"gonum.org/v1/gonum/optimize"
)

// Options are a calibration's.
type Options struct {
	Workers  int                 // goroutines per evaluation
	Getenv   func(string) string // reads an LLM key, for scenarios that use one
	Progress io.Writer           // a line per evaluation; nil for none
	Force    bool                // start over in a folder that holds a calibration
}

// Evaluation is one evaluation of the model at X, the estimated keys'
// values in the file's order.
type Evaluation struct {
	X         []float64
	Metrics   []float64 // the targets' metrics, in the file's order (NaN when it failed)
	Objective float64   // Σ weight·(metric/value − 1)²; +Inf when it failed
	Err       string    // why it failed
}

// Result is what a calibration found.
type Result struct {
	Best        Evaluation
	Evaluations int   // in all, those read back from the journal included
	Replayed    int   // read back from evaluations.csv (a resumed calibration)
	Unmoved     []int // targets whose metric no evaluation changed
	Seconds     float64
	Calibrated  []byte // the scenario at Best, resolved (calibrated.toml)
}

// failed is the objective Nelder–Mead sees where the model has no
// solution: worse than any point that has one.
const failed = 1e30

// ErrEveryEvaluationFailed is returned when no evaluation gave the model's
// metrics.
var ErrEveryEvaluationFailed = errors.New("every evaluation failed")

// Run calibrates c, keeping its journal and outputs in dir: evaluations.csv
// (every evaluation, appended as it is made, which a calibration stopped
// half-way resumes from), then calibration.json and calibrated.toml.
func (c *Calibration) Run(ctx context.Context, dir string, o Options) (*Result, error) {
	start := time.Now()
	if err := c.checkColumns(ctx, o); err != nil {
		return nil, err
	}
	j, err := openJournal(dir, c, o.Force)
	if err != nil {
		return nil, err
	}
	defer j.close()
	ev := &evaluator{c: c, o: o, j: j}
	if c.stationaryOnly() { // every evaluation starts from the start's equilibrium: a function of its point alone
		if _, err := ev.metrics(ctx, c.Start()); err == nil {
			ev.warm = ev.last
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	res := &Result{}
	k := len(c.File.Estimate)
	z0 := make([]float64, k)
	for i, x := range c.Start() {
		z0[i] = c.toZ(i, x)
	}
	settings := &optimize.Settings{
		FuncEvaluations: c.File.Budget,
		Converger:       &converger{FunctionConverge: optimize.FunctionConverge{Absolute: 1e-12, Relative: 1e-9, Iterations: 20 * k}},
	}
	var stop error
	fn := func(z []float64) float64 {
		if stop != nil {
			return failed
		}
		e, err := ev.at(ctx, c.fromZ(z))
		if err != nil {
			stop = err
			return failed
		}
		if math.IsInf(e.Objective, 1) {
			return failed
		}
		return e.Objective
	}
	// the budget and convergence end the search without an error; an
	// error of the method itself (a NaN it cannot step from) leaves the
	// best point found, which is what is reported
	_, optErr := optimize.Minimize(optimize.Problem{Func: fn}, z0, settings, &optimize.NelderMead{SimplexSize: 1})
	if stop != nil {
		return nil, stop
	}
	if !ev.anyOK() {
		if optErr != nil {
			return nil, fmt.Errorf("%w (%d); the first: %s (Nelder–Mead: %v)", ErrEveryEvaluationFailed, len(ev.all), ev.firstErr(), optErr)
		}
		return nil, fmt.Errorf("%w (%d); the first: %s", ErrEveryEvaluationFailed, len(ev.all), ev.firstErr())
	}
	res.Best, res.Evaluations, res.Replayed = ev.best(), len(ev.all), ev.replayed
	res.Unmoved = ev.unmoved()
	s, err := scenario.Parse(c.ScenarioPath, c.scenarioData, c.sets(res.Best.X))
	if err != nil {
		return nil, err
	}
	if res.Calibrated, err = s.Encode(); err != nil {
		return nil, err
	}
	res.Seconds = time.Since(start).Seconds()
	return res, c.write(dir, res)
}

// MetObjective is the objective at which a calibration stops: every
// target met to about 1e-5 (relative) or better, well within the model's
// own precision of its moments.
const MetObjective = 1e-10

// converger stops Nelder–Mead when the objective is MetObjective or less,
// or stops improving.
type converger struct{ optimize.FunctionConverge }

func (c *converger) Converged(loc *optimize.Location) optimize.Status {
	if loc.F <= MetObjective {
		return optimize.FunctionThreshold
	}
	return c.FunctionConverge.Converged(loc)
}

// checkColumns checks that the targets of the rounds name the engine's
// columns.
func (c *Calibration) checkColumns(ctx context.Context, o Options) error {
	if c.stationaryOnly() {
		return nil
	}
	s, err := scenario.Parse(c.ScenarioPath, c.scenarioData, c.sets(c.Start()))
	if err != nil {
		return err
	}
	eng, _, err := run.Engine(ctx, s, run.Options{Workers: max(o.Workers, 1), Getenv: o.Getenv})
	if err != nil {
		return err
	}
	cols := eng.Columns()
	for i, t := range c.File.Target {
		part, name, _ := strings.Cut(t.Metric, ".")
		if part != "equilibrium" && !contains(cols, name) {
			return scenario.Errors{{File: c.Path, Line: scenario.KeyLine(c.data, "target"), Key: fmt.Sprintf("target[%d].metric", i),
				Msg: fmt.Sprintf("the scenario's rounds have no column %q; they have %s", name, strings.Join(cols, ", "))}}
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// sets are the overrides that put the estimated keys at x.
func (c *Calibration) sets(x []float64) []string {
	out := make([]string, len(x))
	for i, p := range c.File.Estimate {
		out[i] = p.Key + "=" + strconv.FormatFloat(x[i], 'g', -1, 64)
	}
	return out
}

// toZ and fromZ map key i's bounded value to the unbounded line Nelder–Mead
// searches, x = min + (max − min)/(1 + e^(−z)), and back.
func (c *Calibration) toZ(i int, x float64) float64 {
	p := c.File.Estimate[i]
	u := (x - p.Min) / (p.Max - p.Min)
	return math.Log(u / (1 - u))
}

func (c *Calibration) fromZ(z []float64) []float64 {
	x := make([]float64, len(z))
	for i, p := range c.File.Estimate {
		x[i] = p.Min + (p.Max-p.Min)/(1+math.Exp(-z[i]))
		x[i] = min(max(x[i], p.Min), p.Max)
	}
	return x
}
