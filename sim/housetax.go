package sim

import (
	"errors"
	"math"

	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/tax"
)

// HouseholdTaxes are the taxes households that save pay beside the labour
// schedule, and which of them the planner sets. The household's budget is
//
//	(1 + τ_c)·c + a' = a + r·a − τ_k·max(r·a, 0) − τ_w·max(a − X, 0)
//	                   + w·l − T(w·l) + transfer,
//
// with T the bracket schedule (plus the HSV tax when set) and the wealth tax
// on wealth at the start of the round.
type HouseholdTaxes struct {
	Capital         float64  // τ_k ∈ [0, 1] on positive returns r·a
	Wealth          float64  // τ_w ∈ [0, 1) per round on wealth above WealthExemption
	WealthExemption float64  // X ≥ 0
	Consumption     float64  // τ_c ∈ [0, 5] on consumption (tax-exclusive)
	HSV             *tax.HSV // a Heathcote–Storesletten–Violante labour tax; nil for none
	// Instrument is what the planner's rates set: "labor" (the bracket
	// schedule; the default) or the one rate of "capital_rate",
	// "wealth_rate" or "consumption_rate", which then replaces the field
	// above and leaves the labour tax to HSV (or none).
	Instrument string
}

// Instruments are the values of HouseholdTaxes.Instrument.
var Instruments = []string{"labor", "capital_rate", "wealth_rate", "consumption_rate"}

// Validate checks the taxes; errors are field errors.
func (t *HouseholdTaxes) Validate() error {
	var errs []error
	in := func(name string, x, lo, hi float64, open bool) {
		if !(x >= lo && x <= hi) || (open && x == hi) {
			b := "]"
			if open {
				b = ")"
			}
			errs = append(errs, field.Errorf(name, "must be in [%v, %v%s, got %v", lo, hi, b, x))
		}
	}
	in("Capital", t.Capital, 0, 1, false)
	in("Wealth", t.Wealth, 0, 1, true)
	in("Consumption", t.Consumption, 0, 5, false)
	if !(t.WealthExemption >= 0) || math.IsInf(t.WealthExemption, 0) {
		errs = append(errs, field.Errorf("WealthExemption", "must be non-negative and finite, got %v", t.WealthExemption))
	}
	if t.HSV != nil {
		errs = append(errs, field.Within("HSV", t.HSV.Validate()))
	}
	switch t.Instrument {
	case "", "labor", "capital_rate", "wealth_rate", "consumption_rate":
	default:
		errs = append(errs, field.Errorf("Instrument", "must be labor, capital_rate, wealth_rate or consumption_rate, got %q", t.Instrument))
	}
	return errors.Join(errs...)
}

// TaxPolicy is the tax system savers face in a round: the planner's
// schedule mapped through the instrument.
type TaxPolicy struct {
	Labor           tax.Schedule // on labour income w·l
	HSV             *tax.HSV     // added to Labor's tax when not nil
	Capital         float64
	Wealth          float64
	WealthExemption float64
	Consumption     float64
}

// zeroSchedule is the labour schedule when the planner sets another
// instrument.
var zeroSchedule = tax.MustNew([]float64{0}, []float64{0}, tax.DefaultBounds)

// Policy returns the tax policy under the planner's schedule s: with the
// labor instrument s is the labour schedule; otherwise its one rate is the
// instrument's and the labour bracket tax is zero.
func (t *HouseholdTaxes) Policy(s tax.Schedule) TaxPolicy {
	p := TaxPolicy{Labor: s, HSV: t.HSV, Capital: t.Capital, Wealth: t.Wealth, WealthExemption: t.WealthExemption, Consumption: t.Consumption}
	switch t.Instrument {
	case "capital_rate":
		p.Labor, p.Capital = zeroSchedule, s.Rate(0)
	case "wealth_rate":
		p.Labor, p.Wealth = zeroSchedule, s.Rate(0)
	case "consumption_rate":
		p.Labor, p.Consumption = zeroSchedule, s.Rate(0)
	}
	return p
}

// LaborTax is T(y): the bracket schedule's tax plus the HSV tax.
func (p *TaxPolicy) LaborTax(y float64) float64 {
	t := p.Labor.Tax(y)
	if p.HSV != nil {
		t += p.HSV.Tax(y)
	}
	return t
}

// CapitalTax is τ_k·max(r·a, 0).
func (p *TaxPolicy) CapitalTax(r, a float64) float64 { return p.Capital * max(r*a, 0) }

// WealthTax is τ_w·max(a − X, 0).
func (p *TaxPolicy) WealthTax(a float64) float64 {
	return p.Wealth * max(a-p.WealthExemption, 0)
}

// untaxed reports whether only labour is taxed, so that revenue does not
// depend on the households' wealth or choices.
func (p *TaxPolicy) untaxed() bool { return p.Capital == 0 && p.Wealth == 0 && p.Consumption == 0 }

// expectedRateCap is the highest r savers expect to persist: where β times
// the after-tax return on large wealth is 1 − 1e-4 (see maxRate).
func (p *TaxPolicy) expectedRateCap(beta float64) float64 {
	if p.Capital >= 1 {
		return math.Inf(1)
	}
	return ((1-1e-4)/beta - 1 + p.Wealth) / (1 - p.Capital)
}

// maxRate is the highest r at which the after-tax return on large wealth,
// 1 + (1 − τ_k)·r − τ_w, stays below 1/β (above it wealth explodes), capped
// at 1.
func (p *TaxPolicy) maxRate(beta float64) float64 {
	if p.Capital >= 1 {
		return 1
	}
	return min(1, (1/beta-1+p.Wealth)/(1-p.Capital))
}
