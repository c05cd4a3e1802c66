// Package market turns hours into pre-tax income.
//
// Under the fixed wage (partial equilibrium), worker i's labour income is
// skill_i · hours_i: skill is the hourly wage and does not respond to how
// much anyone works. The wage index is 1 and the market clears trivially.
//
// In the production economy (general equilibrium) a representative firm
// produces Y = tfp·K^α·L^(1−α) from capital K and effective labour
// L = Σ_i skill_i·hours_i, and pays the marginal product ω = (1−α)·Y/L per
// efficiency unit: worker i's labour income is ω·skill_i·hours_i. The
// profits α·Y go to the owners of capital (equally, or in proportion to
// skill^power). The wage clears the labour market: it is the ω at which the
// labour workers supply at ω equals the demand L_d(ω) = ((1−α)·tfp·K^α/ω)^(1/α)
// that makes ω the marginal product (Solve). Capital is constant, or
// accumulates as K_{t+1} = (1−δ)·K_t + s·Y_t.
//
// With households that save (Rented), capital is their wealth, rented at
// r = α·tfp·(K/L)^(α−1) − δ, and labour is paid w = (1−α)·tfp·(K/L)^α
// (capital.go); SolveCapital finds the r of a stationary equilibrium from
// the households' supply of capital, a function it is given.
package market

import (
	"errors"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/field"
)

// Kind names a market.
type Kind int

const (
	// FixedWage pays each worker its skill per hour.
	FixedWage Kind = iota
	// Production is the Cobb–Douglas economy with a clearing wage.
	Production
)

// ParseKind maps a scenario name to a market kind.
func ParseKind(s string) (Kind, error) {
	switch s {
	case "fixed_wage":
		return FixedWage, nil
	case "production":
		return Production, nil
	}
	return 0, fmt.Errorf("unknown market %q (want fixed_wage or production)", s)
}

func (k Kind) String() string {
	if k == Production {
		return "production"
	}
	return "fixed_wage"
}

// Clearing is the outcome of one round's market.
type Clearing struct {
	Wage       float64 // ω, currency per efficiency unit of labour (1 under a fixed wage)
	Residual   float64 // (supply − demand)/demand at ω; 0 under a fixed wage
	Iterations int     // passes over the population the solve used
	Labor      float64 // effective labour L = Σ skill·hours
	Output     float64 // Y (0 under a fixed wage)
	Capital    float64 // K used this round
	Slope      float64 // d(ln S − ln L_d)/d ln ω near the solution; 0 when unknown
}

// Fixed is the fixed-wage market's clearing: ω = 1, nothing to clear.
func Fixed() Clearing { return Clearing{Wage: 1} }

// Ownership is who receives the production economy's profits.
type Ownership string

// The owners of profits.
const (
	OwnEqual   Ownership = "equal" // αY/N each
	OwnBySkill Ownership = "skill" // in proportion to skill^OwnershipPower
)

// Config is the production economy's parameters.
type Config struct {
	Kind    Kind
	Alpha   float64 // capital share α ∈ (0, 1)
	TFP     float64 // total factor productivity > 0
	Capital float64 // initial capital per worker > 0 (K₀ = N·Capital)
	// Ownership of profits: OwnEqual (αY/N each) or OwnBySkill (∝ skill^OwnershipPower).
	Ownership      Ownership
	OwnershipPower float64 // ≥ 0, "skill" only
	TaxCapital     bool    // tax capital income with labour income through the schedule
	Depreciation   float64 // δ ∈ [0, 1]
	Saving         float64 // s ∈ [0, 1]; capital accumulates when s > 0 or δ > 0
	Tolerance      float64 // relative clearing tolerance on |S − L_d|/L_d; > 0
	// Rented says capital is households' wealth, rented at its marginal
	// product each round (capital.go): Capital, Saving, Ownership,
	// TaxCapital and Tolerance do not apply.
	Rented bool
}

// Validate checks the parameters; errors are field errors.
func (c Config) Validate() error {
	if c.Kind == FixedWage {
		return nil
	}
	var errs []error
	bad := func(name string, v float64, ok bool, want string) {
		if math.IsNaN(v) || math.IsInf(v, 0) || !ok {
			errs = append(errs, field.Errorf(name, "must be %s, got %v", want, v))
		}
	}
	bad("Alpha", c.Alpha, c.Alpha > 0 && c.Alpha < 1, "in (0, 1)")
	bad("TFP", c.TFP, c.TFP > 0, "positive")
	bad("Depreciation", c.Depreciation, c.Depreciation >= 0 && c.Depreciation <= 1, "in [0, 1]")
	if c.Rented {
		return errors.Join(errs...)
	}
	bad("Capital", c.Capital, c.Capital > 0, "positive")
	bad("OwnershipPower", c.OwnershipPower, c.OwnershipPower >= 0, "non-negative")
	bad("Saving", c.Saving, c.Saving >= 0 && c.Saving <= 1, "in [0, 1]")
	bad("Tolerance", c.Tolerance, c.Tolerance > 0 && c.Tolerance < 1, "in (0, 1)")
	if c.Ownership != OwnEqual && c.Ownership != OwnBySkill {
		errs = append(errs, field.Errorf("Ownership", "must be equal or skill, got %q", c.Ownership))
	}
	return errors.Join(errs...)
}

// Output is Y = tfp·K^α·L^(1−α).
func (c Config) Output(k, l float64) float64 {
	if l <= 0 {
		return 0
	}
	return c.TFP * math.Pow(k, c.Alpha) * math.Pow(l, 1-c.Alpha)
}

// Demand is the effective labour L_d(ω) = ((1−α)·tfp·K^α/ω)^(1/α) at which
// ω is the marginal product of labour.
func (c Config) Demand(k, wage float64) float64 {
	return math.Pow((1-c.Alpha)*c.TFP*math.Pow(k, c.Alpha)/wage, 1/c.Alpha)
}

// Accumulate returns next round's capital K' = (1−δ)·K + s·Y.
func (c Config) Accumulate(k, y float64) float64 {
	return (1-c.Depreciation)*k + c.Saving*y
}
