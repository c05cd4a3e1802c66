// Package market turns hours into pre-tax income.
//
// Under the fixed wage (partial equilibrium), worker i's income is
// z_i = skill_i · hours_i: skill is the hourly wage and does not respond to
// how much anyone works. The wage index is then 1 and the market clears
// trivially (residual 0). A production economy with a clearing wage is the
// other kind the design plans.
package market

import "fmt"

// Kind names a market.
type Kind int

const (
	// FixedWage pays each worker its skill per hour.
	FixedWage Kind = iota
)

// ParseKind maps a scenario name to a market kind.
func ParseKind(s string) (Kind, error) {
	if s == "fixed_wage" {
		return FixedWage, nil
	}
	return 0, fmt.Errorf("unknown market %q (want fixed_wage)", s)
}

func (k Kind) String() string { return "fixed_wage" }

// Clearing is the outcome of one round's market: the wage index ω that
// multiplies every skill, and the residual left in the clearing condition.
type Clearing struct {
	Wage     float64
	Residual float64
}

// Fixed is the fixed-wage market's clearing: ω = 1, nothing to clear.
func Fixed() Clearing { return Clearing{Wage: 1, Residual: 0} }
