// Package calibrate estimates scenario keys so that a model's moments meet
// their targets: the weighted squared relative distance of each target's
// metric from its value, minimised by Nelder–Mead within bounds, each
// evaluation a run of the scenario with the keys set (sim calibrate).
package calibrate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/scenario"
)

// File is a calibration file: the scenario to calibrate, the keys to
// estimate within bounds, and the targets.
type File struct {
	Scenario string   `toml:"scenario"` // path, relative to the calibration file
	Budget   int      `toml:"budget"`   // evaluations at most; default DefaultBudget
	Estimate []Param  `toml:"estimate"`
	Target   []Target `toml:"target"`
}

// Param is a scenario key to estimate, a number within [Min, Max].
type Param struct {
	Key   string   `toml:"key"`
	Min   float64  `toml:"min"`
	Max   float64  `toml:"max"`
	Start *float64 `toml:"start"` // default: the middle of the bounds
}

// Target is a metric of the model and the value it should take.
type Target struct {
	Metric string   `toml:"metric"` // equilibrium.<key>, mean_last_period.<metric> or final.<metric>
	Value  float64  `toml:"value"`
	Weight *float64 `toml:"weight"` // default 1
	Source string   `toml:"source"` // where the value comes from
}

// DefaultBudget is the evaluations a calibration makes unless its file
// says otherwise.
const DefaultBudget = 100

// Calibration is a loaded, checked calibration file.
type Calibration struct {
	Path         string
	File         File
	ScenarioPath string
	data         []byte // the calibration file's
	scenarioData []byte
	Hash         string // of the scenario, the estimates and the targets: a resume must find them unchanged
}

// Error is a problem with a calibration file, at a key.
type Error = scenario.Error

// Load reads and checks the calibration file at path: its scenario loads
// with every key at its start value, and the targets name metrics the
// scenario has (columns, the metrics of the rounds, are checked with the
// engine's, by Check).
func Load(path string) (*Calibration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, scenario.Errors{{File: path, Msg: "cannot read the calibration: " + err.Error()}}
	}
	return Parse(path, data)
}

// Parse is Load on the contents of a file.
func Parse(path string, data []byte) (*Calibration, error) {
	var f File
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return nil, scenario.Errors{{File: path, Msg: "not a calibration file: " + err.Error()}}
	}
	at := func(key, format string, args ...any) *Error {
		top, _, _ := strings.Cut(key, "[")
		return &Error{File: path, Line: scenario.KeyLine(data, top), Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	var errs scenario.Errors
	for _, k := range md.Undecoded() {
		errs = append(errs, at(k.String(), "unknown key (a calibration has scenario, budget, estimate and target)"))
	}
	if md.IsDefined("base") || md.IsDefined("name") || md.IsDefined("population") {
		return nil, scenario.Errors{at("scenario", "this is a scenario or sweep file; a calibration file names its scenario (scenario = \"…\")")}
	}
	c := &Calibration{Path: path, File: f, data: data}
	errs = append(errs, c.check(data, at)...)
	if len(errs) > 0 {
		return nil, errs
	}
	// the hash covers what the evaluations depend on: the scenario, the
	// keys with their bounds and the targets (a larger budget continues)
	sum := sha256.New()
	sum.Write(c.scenarioData)
	what, _ := json.Marshal([]any{f.Estimate, f.Target})
	sum.Write(what)
	c.Hash = hex.EncodeToString(sum.Sum(nil))
	if _, err := scenario.Parse(c.ScenarioPath, c.scenarioData, c.sets(c.Start())); err != nil {
		return nil, fmt.Errorf("the scenario with every estimated key at its start: %w", err)
	}
	return c, nil
}

// check checks the file's values; at makes an error at a key.
func (c *Calibration) check(data []byte, at func(key, format string, args ...any) *Error) scenario.Errors {
	f := &c.File
	var errs scenario.Errors
	if f.Budget == 0 {
		f.Budget = DefaultBudget
	}
	if f.Budget < 1 || f.Budget > 100_000 {
		errs = append(errs, at("budget", "must be between 1 and 100000 evaluations, got %d", f.Budget))
	}
	if f.Scenario == "" {
		errs = append(errs, at("scenario", "is missing: the scenario file to calibrate"))
	} else {
		c.ScenarioPath = f.Scenario
		if !filepath.IsAbs(c.ScenarioPath) {
			c.ScenarioPath = filepath.Join(filepath.Dir(c.Path), c.ScenarioPath)
		}
		d, err := os.ReadFile(c.ScenarioPath)
		if err != nil {
			errs = append(errs, at("scenario", "cannot read %s: %v", c.ScenarioPath, errors.Unwrap(err)))
		}
		c.scenarioData = d
	}
	if len(f.Estimate) == 0 {
		errs = append(errs, at("estimate", "is missing: give at least one key to estimate, { key, min, max }"))
	}
	seen := map[string]bool{}
	for i, p := range f.Estimate {
		k := fmt.Sprintf("estimate[%d]", i)
		switch {
		case p.Key == "":
			errs = append(errs, at(k+".key", "is missing: the scenario key to estimate"))
		case seen[p.Key]:
			errs = append(errs, at(k+".key", "%s is estimated twice", p.Key))
		case p.Key == "seed" || p.Key == "name" || p.Key == "rounds" || strings.HasPrefix(p.Key, "population.agents"):
			errs = append(errs, at(k+".key", "%s is not a parameter of the model to estimate", p.Key))
		}
		seen[p.Key] = true
		if !finite(p.Min) || !finite(p.Max) || !(p.Min < p.Max) {
			errs = append(errs, at(k+".min", "the bounds must be finite with min < max, got [%v, %v]", p.Min, p.Max))
		} else if p.Start != nil && !(*p.Start > p.Min && *p.Start < p.Max) {
			errs = append(errs, at(k+".start", "%v is not inside the bounds (%v, %v)", *p.Start, p.Min, p.Max))
		}
	}
	if len(f.Target) == 0 {
		errs = append(errs, at("target", "is missing: give at least one target, { metric, value }"))
	}
	metrics := map[string]bool{}
	for i, t := range f.Target {
		k := fmt.Sprintf("target[%d]", i)
		if err := knownMetric(t.Metric); err != "" {
			errs = append(errs, at(k+".metric", "%s", err))
		} else if metrics[t.Metric] {
			errs = append(errs, at(k+".metric", "%s is targeted twice", t.Metric))
		}
		metrics[t.Metric] = true
		if !finite(t.Value) || t.Value == 0 {
			errs = append(errs, at(k+".value", "must be finite and not 0 (the distance is relative to it), got %v", t.Value))
		}
		if w := t.Weight; w != nil && !(*w > 0 && finite(*w)) {
			errs = append(errs, at(k+".weight", "must be positive and finite, got %v", *w))
		}
	}
	return errs
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// equilibriumMetrics are the keys of summary.json's equilibrium.
var equilibriumMetrics = func() []string {
	t := reflect.TypeOf(record.Equilibrium{})
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out = append(out, name)
	}
	return out
}()

// knownMetric says what is wrong with a metric's name ("" when nothing):
// equilibrium.<key> of summary.json's equilibrium, or
// mean_last_period.<column> or final.<column> (the columns are checked
// against the engine's by Check).
func knownMetric(m string) string {
	part, name, ok := strings.Cut(m, ".")
	switch {
	case !ok || name == "":
		return fmt.Sprintf("%q is not a metric: write equilibrium.<key> (the stationary equilibrium), mean_last_period.<column> or final.<column> (the rounds)", m)
	case part == "equilibrium":
		if !slices.Contains(equilibriumMetrics, name) {
			return fmt.Sprintf("the stationary equilibrium has no %q; it has %s", name, strings.Join(equilibriumMetrics, ", "))
		}
	case part != "mean_last_period" && part != "final":
		return fmt.Sprintf("%q is not a metric: write equilibrium.<key>, mean_last_period.<column> or final.<column>", m)
	}
	return ""
}

// Start is the keys' start values.
func (c *Calibration) Start() []float64 {
	x := make([]float64, len(c.File.Estimate))
	for i, p := range c.File.Estimate {
		x[i] = 0.5 * (p.Min + p.Max)
		if p.Start != nil {
			x[i] = *p.Start
		}
	}
	return x
}

// stationaryOnly reports whether every target is a metric of the
// stationary equilibrium, which an evaluation finds without the rounds.
func (c *Calibration) stationaryOnly() bool {
	for _, t := range c.File.Target {
		if !strings.HasPrefix(t.Metric, "equilibrium.") {
			return false
		}
	}
	return true
}

// weight is target i's weight.
func (c *Calibration) weight(i int) float64 {
	if w := c.File.Target[i].Weight; w != nil {
		return *w
	}
	return 1
}
