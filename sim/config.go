package sim

import (
	"errors"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/tax"
)

// ChunkSize is the number of agents per unit of parallel work. Results
// depend on it (through the order of floating-point sums), never on the
// number of goroutines, so it is a constant.
const ChunkSize = 8192

// Redistribution says how tax revenue returns to workers.
type Redistribution struct {
	Kind string // "lump_sum" (default): revenue/N to everyone; "none"; "targeted"
	// Share q ∈ (0, 1] of "targeted": the revenue is split equally among the
	// workers whose pre-tax income is at or below the q-quantile this round
	// (the ⌈q·N⌉-th lowest income, ties included). Default 0.2.
	Share float64
}

// Config is everything the engine needs. Units: a round is one year unless
// the scenario says otherwise; money is in currency units per round; hours
// per round.
type Config struct {
	Seed           uint64           // root of every random stream
	Agents         int              // N > 0
	Rounds         int              // R > 0
	Period         int              // rounds between planner decisions, > 0; default 1
	HoursMax       float64          // hours cap per round, > 0
	Skill          agents.SkillDist // wage distribution, currency per hour
	Utility        agents.Utility
	Behavior       agents.Behavior
	Cutoffs        []float64  // bracket cutoffs, b_0 = 0
	Bounds         tax.Bounds // allowed marginal rates
	Redistribution Redistribution
	// LLM is the language-model client of LLM workers and planners (nil when
	// none is used); its usage is reported per round (llm_* columns).
	LLM *llm.Client
	// LLMWorkers decides hours when Behavior.Kind is agents.LLM.
	LLMWorkers *agents.LLMWorkers
	// MaxCost stops the run before a round whose LLM cost, estimated as the
	// last round's, would take the total past it; 0 means no limit.
	MaxCost float64
	// MaxFallbackShare stops the run when more than this share of a round's
	// LLM decisions fell back to the heuristic (a failing endpoint); 0 means
	// the default 0.5, and 1 never stops.
	MaxFallbackShare float64
	// Market is how hours become income; the zero value is the fixed wage.
	Market market.Config
	// Objective is the metric reported as "objective" every round (the
	// planner's); default "utilitarian".
	Objective string
	// Workers is the number of goroutines for agent updates; ≤ 0 means 1.
	// It never changes results.
	Workers int
}

// Validate checks the config; errors name the scenario key.
func (c Config) Validate() error {
	var errs []error
	if c.Agents <= 0 {
		errs = append(errs, fmt.Errorf("population.agents must be positive, got %d", c.Agents))
	}
	if c.Rounds <= 0 {
		errs = append(errs, fmt.Errorf("rounds must be positive, got %d", c.Rounds))
	}
	if c.Period <= 0 {
		errs = append(errs, fmt.Errorf("tax.period must be positive, got %d", c.Period))
	}
	if !(c.HoursMax > 0) || math.IsInf(c.HoursMax, 0) {
		errs = append(errs, fmt.Errorf("population.hours_max must be positive and finite, got %v", c.HoursMax))
	}
	if err := c.Skill.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("population.skill.%w", err))
	}
	if err := c.Utility.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Behavior.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := tax.ValidateCutoffs(c.Cutoffs); err != nil {
		errs = append(errs, fmt.Errorf("tax.cutoffs: %w", err))
	}
	if err := c.Bounds.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("tax: %w", err))
	}
	if c.Behavior.Kind == agents.LLM && (c.LLMWorkers == nil || c.LLMWorkers.Client == nil) {
		errs = append(errs, errors.New("agents.behavior = \"llm\" needs an [llm] table"))
	}
	if err := c.Market.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Objective != "" && !IsObjective(c.Objective) {
		errs = append(errs, fmt.Errorf("planner.objective: unknown metric %q", c.Objective))
	}
	switch c.Redistribution.Kind {
	case "lump_sum", "none":
	case "targeted":
		if q := c.Redistribution.Share; !(q > 0 && q <= 1) {
			errs = append(errs, fmt.Errorf("tax.share must be in (0, 1], got %v", q))
		}
	default:
		errs = append(errs, fmt.Errorf("tax.redistribution must be lump_sum, none or targeted, got %q", c.Redistribution.Kind))
	}
	return errors.Join(errs...)
}
