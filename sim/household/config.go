package household

import (
	"errors"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
)

// WealthStart is where households' wealth starts before round 0.
type WealthStart string

// The starts.
const (
	// StartStationary draws each household's state and wealth from the
	// stationary distribution of the scenario's first policy (the default).
	StartStationary WealthStart = "stationary"
	// StartZero gives everyone nothing (refused: no capital in round 0).
	StartZero WealthStart = "zero"
	// StartValue gives everyone InitialValue.
	StartValue WealthStart = "value"
)

// Config describes households that save (Aiyagari 1994): they hold
// wealth, draw productivity from a Markov chain, and own the capital the
// production market rents.
type Config struct {
	Saver         agents.Saver
	Productivity  agents.Productivity
	InitialWealth WealthStart // where households start; "" is StartStationary
	InitialValue  float64
	// Taxes beside the labour schedule, and the planner's instrument.
	Taxes Taxes
	// Hours, when not nil, makes hours a choice (utility.labor = "elastic").
	Hours *Hours
	// Patience, with two types or more, gives households permanent discount
	// factors that differ (Saver.Discount is then unused): every type is
	// solved at the same prices, and r clears their total capital.
	Patience []Patience
	// Warm, when not nil, is a stationary equilibrium of nearby parameters
	// (a calibration's) that the first one's solve starts from when it is
	// on the grid the solve chooses (SolveNear). Not a key of the scenario;
	// results agree with a solve without it within the solve's tolerance.
	Warm *Stationary
	// Expectations are what households expect of prices and transfers; ""
	// is Adaptive.
	Expectations Expectations
	// Horizon is the rounds a foreseen transition is solved over; 0 is
	// DefaultHorizon.
	Horizon int
}

// Expectations are what households expect of prices and transfers.
type Expectations string

// The expectations.
const (
	// Adaptive households expect each round's prices and transfer to persist.
	Adaptive Expectations = "adaptive"
	// PerfectForesight households foresee the path of prices and transfers
	// a reform leads to, from its announcement (SolveTransition).
	PerfectForesight Expectations = "perfect_foresight"
)

// DefaultHorizon is a foreseen transition's horizon when Config.Horizon is 0.
const DefaultHorizon = 300

// TransitionHorizon returns the horizon of a foreseen transition.
func (h *Config) TransitionHorizon() int {
	if h.Horizon == 0 {
		return DefaultHorizon
	}
	return h.Horizon
}

// Hours are savers' elastic hours: disutility κ·h^(1+1/e)/(1+1/e), h ∈ [0,
// Max] in units of the time endowment (agents.Labor).
type Hours struct {
	Kappa      float64 // κ > 0
	Elasticity float64 // e > 0 (Frisch)
	Max        float64 // hours cap > 0
}

// Labor returns the households' hours at wage w under the tax policy p (nil
// without elastic hours).
func (h *Config) Labor(ch *agents.Chain, p *TaxPolicy, w float64) (*agents.Labor, error) {
	if h.Hours == nil {
		return nil, nil
	}
	if p.HSV != nil {
		return nil, errors.New("elastic hours work with the bracket schedule only, not the HSV tax")
	}
	wage := make([]float64, ch.States())
	for s, l := range ch.Levels {
		wage[s] = w * l
	}
	return agents.NewLabor(h.Hours.Kappa, h.Hours.Elasticity, h.Hours.Max, p.Labor, wage)
}

// Validate checks the households' parameters; errors are field errors.
func (h *Config) Validate() error {
	var errs []error
	errs = append(errs, field.Within("Saver", h.Saver.Validate()), field.Within("Productivity", h.Productivity.Validate()),
		field.Within("Taxes", h.Taxes.Validate()))
	if pr := h.Productivity; riskless(pr) {
		name := "Productivity.Sigma"
		if pr.Process == "markov" {
			name = "Productivity.Levels"
		} else if pr.States == 1 {
			name = "Productivity.States"
		}
		errs = append(errs, field.Errorf(name, "households without income risk save nothing below r = 1/β − 1 and hold any wealth at it: there is no stationary equilibrium to start from; give productivity some risk"))
	}
	if hr := h.Hours; hr != nil {
		u := agents.Utility{Kind: agents.Quasilinear, Kappa: hr.Kappa, Elasticity: hr.Elasticity}
		errs = append(errs, field.Within("Hours", u.Validate()))
		if !(hr.Max > 0) || math.IsInf(hr.Max, 0) {
			errs = append(errs, field.Errorf("Hours.Max", "must be positive and finite, got %v", hr.Max))
		}
		if h.Saver.Saving != "" && h.Saver.Saving != agents.SaveOptimal {
			errs = append(errs, field.Errorf("Saver.Saving", "elastic hours are for the optimal saver, not %q", h.Saver.Saving))
		}
		if h.Taxes.HSV != nil {
			errs = append(errs, field.Errorf("Taxes.HSV", "elastic hours work with the bracket schedule only"))
		}
	}
	errs = append(errs, h.validateExpectations()...)
	errs = append(errs, h.validatePatience()...)
	noCapital := "households who all start with nothing leave the firm no capital in round 0 (no output, an unbounded r): start from \"stationary\" or a positive \"value\""
	switch h.InitialWealth {
	case StartStationary:
	case StartZero:
		errs = append(errs, field.Errorf("InitialWealth", "%s", noCapital))
	case StartValue:
		switch {
		case !(h.InitialValue >= -h.Saver.BorrowingLimit) || math.IsInf(h.InitialValue, 0):
			errs = append(errs, field.Errorf("InitialValue", "must be finite and at least the borrowing limit's −%v, got %v", h.Saver.BorrowingLimit, h.InitialValue))
		case h.InitialValue <= 0:
			errs = append(errs, field.Errorf("InitialValue", "%s", noCapital))
		}
	default:
		errs = append(errs, field.Errorf("InitialWealth", "must be stationary, zero or value, got %q", h.InitialWealth))
	}
	return errors.Join(errs...)
}

// riskless reports whether the productivity process has no risk: one
// state, or all levels equal.
func riskless(p agents.Productivity) bool {
	switch p.Process {
	case "ar1":
		return p.Sigma == 0 || p.States == 1
	case "markov":
		for _, l := range p.Levels {
			if l != p.Levels[0] {
				return false
			}
		}
		return len(p.Levels) > 0
	}
	return false
}

// validateExpectations checks the expectations and what perfect foresight
// is solved for.
func (h *Config) validateExpectations() []error {
	var errs []error
	switch h.Expectations {
	case "", Adaptive:
	case PerfectForesight:
	default:
		errs = append(errs, field.Errorf("Expectations", "must be %q or %q, got %q", Adaptive, PerfectForesight, h.Expectations))
	}
	if h.Horizon < 0 || h.Horizon == 1 || h.Horizon > MaxHorizon {
		errs = append(errs, field.Errorf("Horizon", "must be between 2 and %d rounds (0: %d), got %d", MaxHorizon, DefaultHorizon, h.Horizon))
	}
	return errs
}
