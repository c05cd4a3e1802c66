package sim

import (
	"context"
	"errors"
	"math"
	"slices"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/rng"
	"github.com/econsim/econsim/sim/tax"
)

// The defaults of Config's fields that have one.
const (
	DefaultObjective        = "utilitarian"
	DefaultMaxFallbackShare = 0.5
)

// ChunkSize is the number of agents per unit of parallel work. Results
// depend on it (through the order of floating-point sums), never on the
// number of goroutines, so it is a constant.
const ChunkSize = 8192

// RedistributionKind is who receives the revenue.
type RedistributionKind string

// The ways revenue is redistributed.
const (
	LumpSum          RedistributionKind = "lump_sum" // revenue/N to everyone (the default)
	NoRedistribution RedistributionKind = "none"     // revenue leaves the economy
	Targeted         RedistributionKind = "targeted" // split equally among the bottom Share of earners
)

// Redistribution says how tax revenue returns to workers.
type Redistribution struct {
	Kind RedistributionKind
	// Share q ∈ (0, 1] of "targeted": the revenue is split equally among the
	// workers whose pre-tax income is at or below the q-quantile this round
	// (the ⌈q·N⌉-th lowest income, ties included). Default 0.2.
	Share float64
}

// Config is everything the engine needs. Units: a round is one year unless
// the scenario says otherwise; money is in currency units per round; hours
// per round.
type Config struct {
	Seed     uint64           // root of every random stream
	Agents   int              // N > 0
	Rounds   int              // R > 0
	Period   int              // rounds between planner decisions, > 0; default 1
	HoursMax float64          // hours cap per round, > 0
	Skill    agents.SkillDist // wage distribution, currency per hour
	Utility  agents.Utility
	Behavior agents.Behavior
	Cutoffs  []float64  // bracket cutoffs, b_0 = 0
	Bounds   tax.Bounds // allowed marginal rates
	// System, when not nil, is the tax system the planner's bracket rates
	// are part of: its brackets are Cutoffs (on taxable income) and every
	// period the engine compiles the rates with the system's other parts
	// into the schedule of gross earnings workers face (tax.USSingle).
	System         *tax.USSingle
	Redistribution Redistribution
	// LLM is the language-model client of LLM workers and planners (nil when
	// none is used); its usage is reported per round (llm_* columns).
	LLM *llm.Client
	// LLMWorkers decides hours when Behavior.Kind is agents.LLM.
	LLMWorkers *agents.LLMWorkers
	// LLMSavers decides consumption when Households.Saver.Saving is "llm".
	LLMSavers *agents.LLMSavers
	// MaxCost stops the run before a round whose LLM cost, estimated as the
	// last round's, would take the total past it; 0 means no limit.
	MaxCost float64
	// MaxFallbackShare stops the run when more than this share of a round's
	// LLM decisions fell back to the heuristic (a failing endpoint): 0 stops
	// at the first, 1 never; nil means DefaultMaxFallbackShare.
	MaxFallbackShare *float64
	// Market is how hours become income; the zero value is the fixed wage.
	Market market.Config
	// Households, when not nil, makes the workers households that save
	// (agents.behavior = "saver"): they own the capital the production
	// market rents (Market.Kind must be Production; Market.Capital and
	// Saving do not apply) and their labour is inelastic.
	Households *household.Config
	// Notice is the rounds before a foreseen reform takes effect that
	// households foreseeing prices (Households.Expectations) learn of it:
	// the planner's change round less Notice is the announcement; 0 is an
	// unexpected reform, known when it takes effect.
	Notice int
	// Objective is the metric reported as "objective" every round (the
	// planner's); "" means DefaultObjective.
	Objective string
	// Workers is the number of goroutines for agent updates; ≤ 0 means 1.
	// It never changes results.
	Workers int
}

// MaxAgents bounds the population (memory is checked separately, against
// the machine).
const MaxAgents = 1_000_000_000

// Validate checks the config for callers that build one by hand (the
// scenario package checks a file with the same rules, through the parts'
// Validate methods, before it builds one). Errors are field errors named by
// the Config's fields ("Agents", "Market.Alpha", …).
func (c Config) Validate() error {
	var errs []error
	add := func(name, format string, args ...any) { errs = append(errs, field.Errorf(name, format, args...)) }
	if c.Agents <= 0 || c.Agents > MaxAgents {
		add("Agents", "must be between 1 and %d, got %d", MaxAgents, c.Agents)
	}
	if c.Rounds <= 0 {
		add("Rounds", "must be positive, got %d", c.Rounds)
	}
	if c.Period <= 0 {
		add("Period", "must be positive, got %d", c.Period)
	}
	if !(c.HoursMax > 0) || math.IsInf(c.HoursMax, 0) {
		add("HoursMax", "must be positive and finite, got %v", c.HoursMax)
	}
	if err := tax.ValidateCutoffs(c.Cutoffs); err != nil {
		add("Cutoffs", "%v", err)
	}
	if c.Behavior.Kind == agents.LLM && (c.LLMWorkers == nil || c.LLMWorkers.Client == nil) {
		add("LLMWorkers", "LLM workers need a client")
	}
	if c.Objective != "" && !IsObjective(c.Objective) {
		add("Objective", "unknown metric %q", c.Objective)
	} else if c.Households == nil && (slices.Contains(householdColumns, c.Objective) || IsReformObjective(c.Objective)) {
		add("Objective", "%q is a metric of households that save", c.Objective)
	} else if why := transitionRefused(c.Households); IsReformObjective(c.Objective) && why != "" {
		add("Objective", "%q counts the transition, which is %s", c.Objective, why)
	}
	if c.Households != nil {
		errs = append(errs, field.Within("Households", c.Households.Validate()))
		if c.Market.Kind != market.Production || !c.Market.Rented {
			add("Market.Kind", `households that save own the capital of the production market: its kind must be "production", renting their capital`)
		}
		if c.Behavior.Kind != agents.Rational {
			add("Behavior.Kind", "households that save follow their policy; %v is for workers", c.Behavior.Kind)
		}
		if c.Households.Saver.Saving == agents.SaveLLM && (c.LLMSavers == nil || c.LLMSavers.Client == nil) {
			add("LLMSavers", "LLM savers need a client")
		}
		if h := c.Households; h.Expectations == household.PerfectForesight && c.Notice+2 > h.TransitionHorizon() {
			add("Households.Horizon", "must extend at least two rounds past the reform's notice (%d rounds), got %d", c.Notice, h.TransitionHorizon())
		}
		if k := c.Redistribution.Kind; k != LumpSum && k != NoRedistribution {
			add("Redistribution.Kind", "households that save support lump_sum and none, not %q", k)
		}
	}
	if c.Notice < 0 {
		add("Notice", "must be at least 0, got %d", c.Notice)
	} else if c.Notice > 0 && (c.Households == nil || c.Households.Expectations != household.PerfectForesight) {
		add("Notice", "applies to households that foresee prices (Households.Expectations %q)", household.PerfectForesight)
	}
	if c.System != nil {
		errs = append(errs, c.validateSystem()...)
	}
	if c.Skill.Dist == agents.USEarnings {
		if c.Utility.Kind != agents.Quasilinear {
			add("Utility.Kind", "the calibrated population (%s) infers skills through the quasilinear best response, not %v", agents.USEarnings, c.Utility.Kind)
		}
		if c.Market.Kind == market.Production {
			add("Market.Kind", "the calibrated population (%s) is calibrated at a fixed wage", agents.USEarnings)
		}
		hp := agents.USHours2016()
		if h := slices.Max(hp[:]); c.HoursMax < h {
			add("HoursMax", "must be at least the calibrated population's target hours (%v a year), got %v", h, c.HoursMax)
		} else if c.Agents > 0 && c.Utility.Kind == agents.Quasilinear && c.Utility.Validate() == nil {
			// a small calibration tries the utility's reach at once, so
			// that validate says what the run would
			_, err := agents.Calibrate(context.Background(), min(c.Agents, calibrationProbe), rng.Stream(c.Seed, "skill", 0), agents.USEarnings2024(), hp, c.Utility, baseline2024(), c.HoursMax)
			errs = append(errs, field.Within("Utility", err))
		}
	}
	if c.Households == nil { // savers' utility is their Saver's
		errs = append(errs, field.Within("Utility", c.Utility.Validate()))
	}
	errs = append(errs, field.Within("Skill", c.Skill.Validate()),
		field.Within("Behavior", c.Behavior.Validate()), field.Within("Bounds", c.Bounds.Validate()),
		field.Within("Market", c.Market.Validate()), field.Within("Redistribution", c.Redistribution.Validate()))
	return errors.Join(errs...)
}

// validateSystem checks the tax system and that no bracket rate the bounds
// allow, added to the system's other parts, makes a combined marginal rate
// leave [−1, 1].
func (c Config) validateSystem() []error {
	s := *c.System
	if err := s.Validate(); err != nil {
		return []error{field.Within("System", err)}
	}
	var errs []error
	if !slices.Equal(s.Cutoffs, c.Cutoffs) {
		errs = append(errs, field.Errorf("Cutoffs", "must be the system's brackets %v, got %v", s.Cutoffs, c.Cutoffs))
	}
	if c.Households != nil {
		errs = append(errs, field.Errorf("System", "applies to workers, not households that save (they have their own taxes: capital, wealth and consumption rates)"))
	}
	lo, hi := s.OtherRange()
	if c.Bounds.Max+hi > 1 {
		errs = append(errs, field.Errorf("Bounds.Max", "must be at most %.4g: the system's payroll tax and credit phase-out add up to %.4g, and no combined marginal rate may exceed 1, got %v", 1-hi, hi, c.Bounds.Max))
	}
	if c.Bounds.Min+lo < -1 {
		errs = append(errs, field.Errorf("Bounds.Min", "must be at least %.4g: the system's credit phase-in subtracts %.4g, and no combined marginal rate may fall below −1, got %v", -1-lo, -lo, c.Bounds.Min))
	}
	return errs
}

// Validate checks the redistribution rule.
func (r Redistribution) Validate() error {
	switch r.Kind {
	case LumpSum, NoRedistribution:
	case Targeted:
		if q := r.Share; !(q > 0 && q <= 1) {
			return field.Errorf("Share", "must be in (0, 1], got %v", q)
		}
	default:
		return field.Errorf("Kind", "must be lump_sum, none or targeted, got %q", r.Kind)
	}
	return nil
}

// transitionRefused says for whom a transition is not solved ("" when it
// is for households h).
func transitionRefused(h *household.Config) string {
	switch {
	case h == nil:
		return ""
	case h.Saver.Saving == agents.SaveLLM:
		return "solved for optimal savers and rules of thumb, not LLM savers"
	case h.Typed():
		return "not solved yet for households of several patience types"
	}
	return ""
}
