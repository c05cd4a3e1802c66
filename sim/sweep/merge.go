package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

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
		var sum struct {
			Final          map[string]*float64 `json:"final"`
			MeanLastPeriod map[string]*float64 `json:"mean_last_period"`
		}
		p := filepath.Join(RunDir(where[0], r.ID), record.SummaryFile)
		b, err := os.ReadFile(p)
		if err == nil {
			err = json.Unmarshal(b, &sum)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		m.Results = append(m.Results, Result{Run: r, Final: deref(sum.Final), LastPeriod: deref(sum.MeanLastPeriod)})
	}
	return m, nil
}

// deref turns JSON nulls (NaN in the run) into NaN.
func deref(m map[string]*float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		if v == nil {
			out[k] = math.NaN()
		} else {
			out[k] = *v
		}
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
