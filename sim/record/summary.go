package record

import (
	"encoding/json"
	"path/filepath"
)

// Summary is summary.json.
type Summary struct {
	Name           string           `json:"name"`
	Seed           uint64           `json:"seed"`
	Agents         int              `json:"agents"`
	Rounds         int              `json:"rounds"`
	Version        string           `json:"version"`
	Final          map[string]Float `json:"final"`
	MeanLastPeriod map[string]Float `json:"mean_last_period"`
	Schedule       Schedule         `json:"schedule"`
	// ConvergedRound is the first round from which the objective and the
	// rates stayed within tolerance of their final values (Rounds.ConvergedRound).
	ConvergedRound int  `json:"converged_round"`
	Perf           Perf `json:"perf"`
}

// Schedule is the tax schedule in force at the end of the run.
type Schedule struct {
	Cutoffs []float64 `json:"cutoffs"`
	Rates   []float64 `json:"rates"`
}

// Perf is how fast the round loop ran (wall clock, measured by the caller).
type Perf struct {
	WallSeconds       float64 `json:"wall_seconds"`
	AgentRoundsPerSec float64 `json:"agent_rounds_per_sec"`
	Workers           int     `json:"workers"`
}

// Marshal renders the summary as indented JSON with a final newline.
func (s *Summary) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteSummary writes dir/summary.json atomically; call it last.
func WriteSummary(dir string, s *Summary) error {
	b, err := s.Marshal()
	if err != nil {
		return err
	}
	return WriteFile(filepath.Join(dir, SummaryFile), b)
}
