package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
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

// summary is what the report reads of summary.json.
type summary struct {
	Name           string              `json:"name"`
	Seed           uint64              `json:"seed"`
	Agents         int                 `json:"agents"`
	Rounds         int                 `json:"rounds"`
	RoundsDone     int                 `json:"rounds_completed"`
	Final          map[string]*float64 `json:"final"`
	MeanLastPeriod map[string]*float64 `json:"mean_last_period"`
	Schedule       struct {
		Cutoffs []float64 `json:"cutoffs"`
		Rates   []float64 `json:"rates"`
	} `json:"schedule"`
	ConvergedRound int `json:"converged_round"`
	Perf           struct {
		WallSeconds       float64 `json:"wall_seconds"`
		AgentRoundsPerSec float64 `json:"agent_rounds_per_sec"`
	} `json:"perf"`
}

func readSummary(dir string) (*summary, error) {
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return nil, fmt.Errorf("%s holds no completed run: %w", dir, err)
	}
	var s summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "summary.json"), err)
	}
	return &s, nil
}

func (s *summary) final(name string) float64 {
	if v := s.Final[name]; v != nil {
		return *v
	}
	return math.NaN()
}

func (s *summary) lastPeriod(name string) float64 {
	if v := s.MeanLastPeriod[name]; v != nil {
		return *v
	}
	return math.NaN()
}
