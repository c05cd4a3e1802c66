package record

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
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
	RoundsDone     int              `json:"rounds_completed"`
	StopReason     string           `json:"stop_reason,omitempty"` // why a run ended early (an LLM budget)
	Schedule       Schedule         `json:"schedule"`
	// ConvergedRound is the first round from which the objective and the
	// rates stayed within tolerance of their final values (sim.History.ConvergedRound).
	ConvergedRound int  `json:"converged_round"`
	Perf           Perf `json:"perf"`
	LLM            *LLM `json:"llm,omitempty"`
	// Equilibrium is the stationary equilibrium of an economy of savers,
	// solved before round 0 under its first policy.
	Equilibrium *Equilibrium `json:"equilibrium,omitempty"`
	// Reform is who gains from a reform households foresaw (perfect
	// foresight), present once it was announced.
	Reform *Reform `json:"reform,omitempty"`
}

// Equilibrium is a stationary equilibrium of households that save; money
// and capital per household.
type Equilibrium struct {
	InterestRate          float64 `json:"interest_rate"`      // r, net of depreciation, per round
	Wage                  float64 `json:"wage"`               // w per efficiency unit
	Capital               float64 `json:"capital"`            // K per household
	Labor                 float64 `json:"labor"`              // efficiency labour L per household (1 with inelastic hours)
	HoursMean             float64 `json:"hours_mean"`         // mean hours (1 with inelastic hours)
	Output                float64 `json:"output"`             // Y per household
	CapitalOutput         float64 `json:"capital_output"`     // K/Y
	SavingRate            float64 `json:"saving_rate"`        // δK/Y
	WealthGini            float64 `json:"wealth_gini"`        // of the stationary distribution
	WealthTop1Share       float64 `json:"wealth_top1_share"`  // share of wealth held by the richest 1%
	WealthTop10Share      float64 `json:"wealth_top10_share"` // … by the richest 10%
	ConstrainedShare      float64 `json:"constrained_share"`  // households at the borrowing limit
	EulerError            Float   `json:"euler_error"`        // mean log10 |Euler-equation error| on the grid
	LaborTaxRevenue       float64 `json:"labor_tax_revenue"`  // per household
	CapitalTaxRevenue     float64 `json:"capital_tax_revenue"`
	WealthTaxRevenue      float64 `json:"wealth_tax_revenue"`
	ConsumptionTaxRevenue float64 `json:"consumption_tax_revenue"`
	Transfer              float64 `json:"transfer"`    // lump sum per household
	GridMax               float64 `json:"grid_max"`    // top of the asset grid used
	Evaluations           int     `json:"evaluations"` // solves of the households' problem the root finding used
}

// LLM is the language-model usage of a run.
type LLM struct {
	Calls     int64   `json:"calls"`      // completions used, from the network or the cache
	CacheHits int64   `json:"cache_hits"` // of those, from the cache
	Requests  int64   `json:"requests"`   // HTTP requests made, retries included
	Retries   int64   `json:"retries"`
	TokensIn  int64   `json:"tokens_in"`
	TokensOut int64   `json:"tokens_out"`
	Cost      float64 `json:"cost"`       // of the completions used, at the scenario's price
	SpentCost float64 `json:"spent_cost"` // of the completions fetched over the network
	Fallbacks int64   `json:"fallbacks"`  // decisions made by the heuristic for want of a valid reply
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
	// ModelEvaluations counts the planner's evaluations of the workers'
	// model (each about a round's work; part of wall_seconds).
	ModelEvaluations int `json:"model_evaluations"`
	// PlannerSeconds is the wall time of the planner's proposals, its model
	// evaluations included (part of wall_seconds).
	PlannerSeconds float64 `json:"planner_seconds"`
	// TransitionSeconds is the wall time of a foreseen reform's transition
	// solve (part of wall_seconds; absent without one).
	TransitionSeconds float64 `json:"transition_seconds,omitempty"`
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

// Float is a float64 that encodes NaN and infinities as JSON null rather
// than failing the whole summary.
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// UnmarshalJSON implements json.Unmarshaler: null (a NaN or an infinity in
// the run) reads back as NaN, never as 0.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("record: not a number: %s", b)
	}
	*f = Float(x)
	return nil
}

// Floats converts a metric map for a summary.
func Floats(m map[string]float64) map[string]Float {
	out := make(map[string]Float, len(m))
	for k, v := range m {
		out[k] = Float(v)
	}
	return out
}

// ReadSummary reads dir/summary.json.
func ReadSummary(dir string) (*Summary, error) {
	p := filepath.Join(dir, SummaryFile)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return &s, nil
}
