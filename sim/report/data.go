package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"

	"github.com/econsim/econsim/sim/record"
)

// table is a CSV file as named float columns.
type table struct {
	names []string
	cols  map[string][]float64
	rows  int
}

func readTable(path string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	t := &table{names: recs[0], cols: map[string][]float64{}, rows: len(recs) - 1}
	for _, r := range recs[1:] {
		for j, name := range t.names {
			v, err := strconv.ParseFloat(r[j], 64)
			if err != nil {
				v = math.NaN()
			}
			t.cols[name] = append(t.cols[name], v)
		}
	}
	return t, nil
}

// readSummary reads a run's summary.json through record's type (a missing
// metric or a null reads as NaN).
func readSummary(dir string) (*record.Summary, error) {
	s, err := record.ReadSummary(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s holds no completed run: %w", dir, err)
	}
	return s, err
}

// metric returns m[name], NaN when absent.
func metric(m map[string]record.Float, name string) float64 {
	if v, ok := m[name]; ok {
		return float64(v)
	}
	return math.NaN()
}
