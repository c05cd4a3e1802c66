package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/record"
)

// Result is one completed run with its metrics.
type Result struct {
	Run
	Final, LastPeriod map[string]float64
}

// Merged is the union of one sweep's shard folders.
type Merged struct {
	Name       string
	Runs       []Run             // the sweep's run list
	Results    []Result          // completed runs, in run order
	Missing    []string          // run ids with no summary.json in any folder
	Duplicated []string          // run ids complete in more than one folder
	Failed     map[string]string // id → error.txt, for missing runs that failed
}

// Merge reads the sweep folders dirs (one sweep's shards, or one folder),
// checks they hold the same sweep, and collects every completed run,
// noting the runs missing and the runs found in more than one folder.
func Merge(dirs []string) (*Merged, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("merge needs at least one sweep folder")
	}
	seenDir := map[string]bool{}
	m := &Merged{Failed: map[string]string{}}
	var first []byte
	found := map[string][]string{}
	for _, d := range dirs {
		abs, _ := filepath.Abs(d)
		if seenDir[abs] {
			continue // the same folder twice is not a duplicate run
		}
		seenDir[abs] = true
		name, runs, err := ReadManifest(d)
		if err != nil {
			return nil, err
		}
		b, _ := json.Marshal(runs)
		if first == nil {
			first, m.Name, m.Runs = b, name, runs
		} else if !bytes.Equal(first, b) {
			return nil, fmt.Errorf("%s holds a different sweep than %s", d, dirs[0])
		}
		for _, r := range runs {
			if _, err := os.Stat(filepath.Join(RunDir(d, r.ID), record.SummaryFile)); err == nil {
				found[r.ID] = append(found[r.ID], d)
			} else if e, err := os.ReadFile(filepath.Join(RunDir(d, r.ID), "error.txt")); err == nil {
				m.Failed[r.ID] = strings.TrimSpace(string(e))
			}
		}
	}
	for _, r := range m.Runs {
		where := found[r.ID]
		switch {
		case len(where) == 0:
			m.Missing = append(m.Missing, r.ID)
			continue
		case len(where) > 1:
			m.Duplicated = append(m.Duplicated, r.ID)
		}
		res, err := readResult(RunDir(where[0], r.ID), r)
		if err != nil {
			return nil, err
		}
		m.Results = append(m.Results, res)
	}
	if err := m.checkColumns(); err != nil {
		return nil, err
	}
	return m, nil
}

// readResult reads a completed run's summary, after checking that the run
// was made from the scenario the manifest lists for it.
func readResult(rd string, r Run) (Result, error) {
	p := filepath.Join(rd, "scenario.toml")
	b, err := os.ReadFile(p)
	if err != nil {
		return Result{}, fmt.Errorf("run %s: %w", r.ID, err)
	}
	if err := CheckRun(p, b, r); err != nil {
		return Result{}, fmt.Errorf("%s: %w; rerun it (delete its folder and run the sweep again)", rd, err)
	}
	sum, err := record.ReadSummary(rd)
	if err != nil {
		return Result{}, fmt.Errorf("run %s: %w", r.ID, err)
	}
	sp := filepath.Join(rd, record.SummaryFile)
	for _, k := range sim.MetricNames(0) {
		if _, ok := sum.Final[k]; !ok {
			return Result{}, fmt.Errorf("%s: run %s: final.%s is missing (was summary.json edited?)", sp, r.ID, k)
		}
		if _, ok := sum.MeanLastPeriod[k]; !ok {
			return Result{}, fmt.Errorf("%s: run %s: mean_last_period.%s is missing (was summary.json edited?)", sp, r.ID, k)
		}
	}
	res := Result{Run: r, Final: floats(sum.Final), LastPeriod: floats(sum.MeanLastPeriod)}
	if sum.Reform != nil { // one value per run: the same in both
		for k, v := range sum.Reform.Metrics() {
			res.Final[k], res.LastPeriod[k] = v, v
		}
	}
	return res, nil
}

// checkColumns: replicates of one variant and grid point run the same
// scenario, so their summaries must name the same metrics.
func (m *Merged) checkColumns() error {
	first := map[string]Result{}
	for _, r := range m.Results {
		key := overridesText(r.Overrides) + "#" + r.Variant
		f, ok := first[key]
		if !ok {
			first[key] = r
			continue
		}
		for _, pair := range [][2]Result{{f, r}, {r, f}} {
			for k := range pair[0].Final {
				if _, ok := pair[1].Final[k]; !ok {
					return fmt.Errorf("run %s: final.%s is missing from its summary.json, though run %s of the same variant has it", pair[1].ID, k, pair[0].ID)
				}
			}
		}
	}
	return nil
}

// floats turns a summary's metrics into float64s (nulls are NaN: NA).
func floats(m map[string]record.Float) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = float64(v)
	}
	return out
}

// Columns returns the metric names found in the results, sorted.
func (m *Merged) Columns() []string {
	set := map[string]bool{}
	for _, r := range m.Results {
		for k := range r.Final {
			set[k] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// header is results.csv's header: the run's identity, then final_<metric>
// and last_period_<metric> for every metric.
func (m *Merged) header() []string {
	h := []string{"index", "id", "variant", "replicate", "seed", "overrides"}
	for _, c := range m.Columns() {
		h = append(h, "final_"+c)
	}
	for _, c := range m.Columns() {
		h = append(h, "last_period_"+c)
	}
	return h
}

func overridesText(o [][2]string) string {
	parts := make([]string, len(o))
	for i, kv := range o {
		parts[i] = kv[0] + "=" + kv[1]
	}
	return strings.Join(parts, "; ")
}

// WriteCSV writes results.csv into dir, atomically.
func (m *Merged) WriteCSV(dir string) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(m.header())
	cols := m.Columns()
	for _, r := range m.Results {
		row := []string{strconv.Itoa(r.Index), r.ID, r.Variant, strconv.Itoa(r.Replicate), strconv.FormatUint(r.Seed, 10), overridesText(r.Overrides)}
		for _, c := range cols {
			row = append(row, strconv.FormatFloat(r.Final[c], 'g', -1, 64))
		}
		for _, c := range cols {
			row = append(row, strconv.FormatFloat(r.LastPeriod[c], 'g', -1, 64))
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return record.WriteFile(filepath.Join(dir, "results.csv"), b.Bytes())
}

// WriteParquet writes results.parquet into dir, atomically, with the same
// columns as results.csv (strings, integers and doubles).
func (m *Merged) WriteParquet(dir string) error {
	group := parquet.Group{
		"index": parquet.Int(64), "id": parquet.String(), "variant": parquet.String(),
		"replicate": parquet.Int(64), "seed": parquet.Uint(64), "overrides": parquet.String(),
	}
	cols := m.Columns()
	for _, c := range cols {
		group["final_"+c] = parquet.Leaf(parquet.DoubleType)
		group["last_period_"+c] = parquet.Leaf(parquet.DoubleType)
	}
	schema := parquet.NewSchema("results", group)
	var b bytes.Buffer
	w := parquet.NewWriter(&b, schema)
	for _, r := range m.Results {
		row := map[string]any{
			"index": int64(r.Index), "id": r.ID, "variant": r.Variant, "replicate": int64(r.Replicate),
			"seed": r.Seed, "overrides": overridesText(r.Overrides),
		}
		for _, c := range cols {
			row["final_"+c] = r.Final[c]
			row["last_period_"+c] = r.LastPeriod[c]
		}
		if err := w.Write(row); err != nil {
			return fmt.Errorf("results.parquet: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("results.parquet: %w", err)
	}
	return record.WriteFile(filepath.Join(dir, "results.parquet"), b.Bytes())
}
