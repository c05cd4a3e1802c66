package calibrate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/scenario"
)

// The files of a calibration's folder.
const (
	journalFile    = "evaluations.csv"
	resultFile     = "calibration.json"
	calibratedFile = "calibrated.toml"
)

// journal is evaluations.csv: its first line names the calibration (the
// hash of its file and its scenario), its second the columns, then a row
// per evaluation, written and synced as it is made.
type journal struct {
	path string
	f    *os.File
	c    *Calibration
	rows map[string]Evaluation // by point
	old  map[string]bool       // the points read back from an earlier run, not yet revisited
	n    int
	lock *record.Lock
}

// openJournal opens dir's journal for c, reading back the evaluations of
// an earlier run of the same calibration. force starts over.
func openJournal(dir string, c *Calibration, force bool) (*journal, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := record.TryLock(filepath.Join(dir, ".lock"))
	if err != nil {
		return nil, err
	}
	j := &journal{path: filepath.Join(dir, journalFile), c: c, rows: map[string]Evaluation{}, old: map[string]bool{}, lock: lock}
	fail := func(err error) (*journal, error) {
		lock.Unlock()
		return nil, err
	}
	if force {
		for _, f := range []string{journalFile, resultFile, calibratedFile} {
			if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fail(err)
			}
		}
	} else if _, err := os.Stat(filepath.Join(dir, resultFile)); err == nil {
		return fail(scenario.Errors{{File: dir, Msg: "holds a completed calibration (" + resultFile + " exists); pass --force to start over or choose another --out"}})
	}
	data, err := os.ReadFile(j.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data = []byte(j.head())
	case err != nil:
		return fail(err)
	default:
		if data, err = j.read(data); err != nil {
			return fail(err)
		}
	}
	if err := record.WriteFile(j.path, data); err != nil { // what was read, whole rows only
		return fail(err)
	}
	if j.f, err = os.OpenFile(j.path, os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		return fail(err)
	}
	return j, nil
}

// head is the journal's first two lines.
func (j *journal) head() string {
	cols := []string{"eval"}
	for _, p := range j.c.File.Estimate {
		cols = append(cols, p.Key)
	}
	for _, t := range j.c.File.Target {
		cols = append(cols, t.Metric)
	}
	cols = append(cols, "objective", "error")
	return fmt.Sprintf("# sim calibrate: scenario, estimates and targets sha256 %s\n%s\n", j.c.Hash, strings.Join(cols, ","))
}

// read reads back an earlier run's rows from data, and returns data up to
// the last whole row (a row cut short by a stop is dropped).
func (j *journal) read(data []byte) ([]byte, error) {
	head := j.head()
	first, _, _ := strings.Cut(head, "\n")
	if line, _, _ := bytes.Cut(data, []byte("\n")); string(line) != first {
		return nil, scenario.Errors{{File: j.path, Line: 1,
			Msg: "was written for another calibration (its scenario, estimates or targets have changed since); pass --force to start over"}}
	}
	if !bytes.HasPrefix(data, []byte(head)) {
		return nil, scenario.Errors{{File: j.path, Line: 2, Msg: "its columns are not this calibration's; pass --force to start over"}}
	}
	keep := len(head)
	for _, line := range strings.SplitAfter(string(data[len(head):]), "\n") {
		if !strings.HasSuffix(line, "\n") {
			break // cut short
		}
		e, err := j.parse(strings.TrimSuffix(line, "\n"))
		if err != nil {
			break
		}
		j.rows[pointKey(e.X)] = e
		j.old[pointKey(e.X)] = true
		j.n++
		keep += len(line)
	}
	return data[:keep], nil
}

// parse reads one row.
func (j *journal) parse(line string) (Evaluation, error) {
	rec, err := csv.NewReader(strings.NewReader(line)).Read()
	k, m := len(j.c.File.Estimate), len(j.c.File.Target)
	if err != nil || len(rec) != 1+k+m+2 {
		return Evaluation{}, errors.New("not a row")
	}
	e := Evaluation{X: make([]float64, k), Metrics: make([]float64, m), Err: rec[len(rec)-1]}
	for i := range k + m + 1 {
		v, err := strconv.ParseFloat(rec[1+i], 64)
		if err != nil {
			return Evaluation{}, err
		}
		switch {
		case i < k:
			e.X[i] = v
		case i < k+m:
			e.Metrics[i-k] = v
		default:
			e.Objective = v
		}
	}
	return e, nil
}

// lookup returns the evaluation at x made before, if any, and whether it
// was read back from an earlier run (the first time it is asked for).
func (j *journal) lookup(x []float64) (e Evaluation, ok, earlier bool) {
	k := pointKey(x)
	e, ok = j.rows[k]
	earlier = j.old[k]
	delete(j.old, k)
	return e, ok, earlier
}

// append writes e's row and syncs it.
func (j *journal) append(e Evaluation) error {
	j.n++
	rec := []string{strconv.Itoa(j.n)}
	for _, v := range e.X {
		rec = append(rec, num(v))
	}
	for _, v := range e.Metrics {
		rec = append(rec, num(v))
	}
	rec = append(rec, num(e.Objective), e.Err)
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(rec)
	w.Flush()
	if _, err := j.f.Write(b.Bytes()); err != nil {
		return fmt.Errorf("%s: %w", j.path, err)
	}
	j.rows[pointKey(e.X)] = e
	return j.f.Sync()
}

func (j *journal) close() {
	if j.f != nil {
		j.f.Close()
	}
	j.lock.Unlock()
}

func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// pointKey is x exactly, as text.
func pointKey(x []float64) string {
	parts := make([]string, len(x))
	for i, v := range x {
		parts[i] = num(v)
	}
	return strings.Join(parts, ",")
}

// Summary is calibration.json.
type Summary struct {
	Calibration string        `json:"calibration"`
	Scenario    string        `json:"scenario"`
	Objective   float64       `json:"objective"`
	Evaluations int           `json:"evaluations"`
	Replayed    int           `json:"replayed"`
	Seconds     float64       `json:"seconds"`
	Estimates   []EstimateRow `json:"estimates"`
	Targets     []TargetRow   `json:"targets"`
}

// EstimateRow is an estimated key's value.
type EstimateRow struct {
	Key     string  `json:"key"`
	Value   float64 `json:"value"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
	AtBound bool    `json:"at_bound"` // within 1e-6 of the range from a bound
}

// TargetRow is a target against the model.
type TargetRow struct {
	Metric   string  `json:"metric"`
	Target   float64 `json:"target"`
	Model    float64 `json:"model"`
	Relative float64 `json:"relative_gap"` // model/target − 1
	Weight   float64 `json:"weight"`
	Source   string  `json:"source,omitempty"`
	Reached  bool    `json:"reached"` // within ReachedTolerance
	Unmoved  bool    `json:"unmoved"` // no evaluation changed it
}

// ReachedTolerance is the relative gap within which a target counts as
// reached.
const ReachedTolerance = 0.05

// Summarise returns the calibration's summary.
func (c *Calibration) Summarise(res *Result) *Summary {
	s := &Summary{Calibration: c.Path, Scenario: c.ScenarioPath, Objective: res.Best.Objective, Evaluations: res.Evaluations,
		Replayed: res.Replayed, Seconds: res.Seconds}
	for i, p := range c.File.Estimate {
		v := res.Best.X[i]
		tol := 1e-6 * (p.Max - p.Min)
		s.Estimates = append(s.Estimates, EstimateRow{Key: p.Key, Value: v, Min: p.Min, Max: p.Max, AtBound: v-p.Min < tol || p.Max-v < tol})
	}
	for i, t := range c.File.Target {
		m := res.Best.Metrics[i]
		gap := m/t.Value - 1
		row := TargetRow{Metric: t.Metric, Target: t.Value, Model: m, Relative: gap, Weight: c.weight(i), Source: t.Source, Reached: math.Abs(gap) <= ReachedTolerance}
		for _, u := range res.Unmoved {
			row.Unmoved = row.Unmoved || u == i
		}
		s.Targets = append(s.Targets, row)
	}
	return s
}

// write writes calibration.json and calibrated.toml, each whole.
func (c *Calibration) write(dir string, res *Result) error {
	sum := c.Summarise(res)
	b, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	head := fmt.Sprintf("# Calibrated by sim calibrate %s (%d evaluations, objective %.4g): %s.\n",
		filepath.Base(c.Path), res.Evaluations, res.Best.Objective, strings.Join(c.sets(res.Best.X), ", "))
	if err := record.WriteFile(filepath.Join(dir, calibratedFile), append([]byte(head), res.Calibrated...)); err != nil {
		return err
	}
	return record.WriteFile(filepath.Join(dir, resultFile), append(b, '\n'))
}
