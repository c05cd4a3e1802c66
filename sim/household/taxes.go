package household

import (
	"errors"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/tax"
)

// Taxes are the taxes households that save pay beside the labour
// schedule, and which of them the planner sets. The household's budget is
//
//	(1 + τ_c)·c + a' = a + r·a − τ_k·max(r·a, 0) − τ_w·max(a − X, 0)
//	                   + w·l − T(w·l) + transfer,
//
// with T the bracket schedule (plus the HSV tax when set) and the wealth tax
// on wealth at the start of the round.
type Taxes struct {
	// The rates, in CapitalRange, WealthRange and ConsumptionRange, and the
	// wealth tax's exemption, ≥ 0.
	agents.AssetTaxes
	HSV *tax.HSV // a Heathcote–Storesletten–Violante labour tax; nil for none
	// Instrument is what the planner's rates set: the bracket schedule of
	// labour income (the default) or the one rate of another tax, which
	// then replaces its rate above and leaves the labour tax to HSV (or
	// none).
	Instrument Instrument
}

// Instrument is what a planner's rates set for households that save.
type Instrument string

// The instruments.
const (
	LaborSchedule   Instrument = "labor" // the bracket schedule of labour income
	CapitalRate     Instrument = "capital_rate"
	WealthRate      Instrument = "wealth_rate"
	ConsumptionRate Instrument = "consumption_rate"
)

// Instruments are the values of Taxes.Instrument.
var Instruments = []Instrument{LaborSchedule, CapitalRate, WealthRate, ConsumptionRate}

// RateRange is the rates a tax allows: [Lo, Hi], or [Lo, Hi) when Open.
type RateRange struct {
	Lo, Hi float64
	Open   bool
}

// Contains reports whether the range holds x.
func (r RateRange) Contains(x float64) bool { return x >= r.Lo && (x < r.Hi || !r.Open && x == r.Hi) }

func (r RateRange) String() string {
	if r.Open {
		return fmt.Sprintf("[%v, %v)", r.Lo, r.Hi)
	}
	return fmt.Sprintf("[%v, %v]", r.Lo, r.Hi)
}

// The rates of the taxes on capital income, wealth and consumption (a
// wealth tax of 1 a year or more takes all wealth).
var (
	CapitalRange     = RateRange{0, 1, false}
	WealthRange      = RateRange{0, 1, true}
	ConsumptionRange = RateRange{0, 5, false}
)

// InstrumentRange returns the rates the planner's instrument allows, and
// its name in messages; ok is false for the labour schedule, whose rates
// the schedule's bounds govern.
func InstrumentRange(instrument Instrument) (r RateRange, name string, ok bool) {
	switch instrument {
	case CapitalRate:
		return CapitalRange, "capital income tax", true
	case WealthRate:
		return WealthRange, "wealth tax", true
	case ConsumptionRate:
		return ConsumptionRange, "consumption tax", true
	}
	return RateRange{}, "", false
}

// CheckInstrument returns an error when the planner's schedule s sets its
// instrument to a rate that tax does not allow: every planner's proposal is
// checked, so no planner can take a tax past its bounds.
func (t *Taxes) CheckInstrument(s tax.Schedule) error {
	r, name, ok := InstrumentRange(t.Instrument)
	if !ok || s.Brackets() == 0 || r.Contains(s.Rate(0)) {
		return nil
	}
	return fmt.Errorf("the %s must be in %v, got %v", name, r, s.Rate(0))
}

// Validate checks the taxes; errors are field errors.
func (t *Taxes) Validate() error {
	var errs []error
	in := func(name string, x float64, r RateRange) {
		if !r.Contains(x) {
			errs = append(errs, field.Errorf(name, "must be in %v, got %v", r, x))
		}
	}
	in("Capital", t.Capital, CapitalRange)
	in("Wealth", t.Wealth, WealthRange)
	in("Consumption", t.Consumption, ConsumptionRange)
	if !(t.WealthExemption >= 0) || math.IsInf(t.WealthExemption, 0) {
		errs = append(errs, field.Errorf("WealthExemption", "must be non-negative and finite, got %v", t.WealthExemption))
	}
	if t.HSV != nil {
		errs = append(errs, field.Within("HSV", t.HSV.Validate()))
	}
	switch t.Instrument {
	case "", LaborSchedule, CapitalRate, WealthRate, ConsumptionRate:
	default:
		errs = append(errs, field.Errorf("Instrument", "must be labor, capital_rate, wealth_rate or consumption_rate, got %q", t.Instrument))
	}
	return errors.Join(errs...)
}

// TaxPolicy is the tax system savers face in a round: the planner's
// schedule mapped through the instrument.
type TaxPolicy struct {
	Labor tax.Schedule // on labour income w·l
	HSV   *tax.HSV     // added to Labor's tax when not nil
	agents.AssetTaxes
}

// zeroSchedule is the labour schedule when the planner sets another
// instrument.
var zeroSchedule = tax.MustNew([]float64{0}, []float64{0}, tax.DefaultBounds)

// Policy returns the tax policy under the planner's schedule s: with the
// labor instrument s is the labour schedule; otherwise its one rate is the
// instrument's and the labour bracket tax is zero.
func (t *Taxes) Policy(s tax.Schedule) TaxPolicy {
	p := TaxPolicy{Labor: s, HSV: t.HSV, AssetTaxes: t.AssetTaxes}
	switch t.Instrument {
	case CapitalRate:
		p.Labor, p.Capital = zeroSchedule, s.Rate(0)
	case WealthRate:
		p.Labor, p.Wealth = zeroSchedule, s.Rate(0)
	case ConsumptionRate:
		p.Labor, p.Consumption = zeroSchedule, s.Rate(0)
	}
	return p
}

// StatusQuo returns the tax policy the taxes set before any planner's
// schedule: the capital, wealth and consumption taxes at their own rates
// (the instrument's too) and no labour bracket tax.
func (t *Taxes) StatusQuo() TaxPolicy {
	return TaxPolicy{Labor: zeroSchedule, HSV: t.HSV, AssetTaxes: t.AssetTaxes}
}

// LaborTax is T(y): the bracket schedule's tax plus the HSV tax.
func (p *TaxPolicy) LaborTax(y float64) float64 {
	t := p.Labor.Tax(y)
	if p.HSV != nil {
		t += p.HSV.Tax(y)
	}
	return t
}

// Paid is what a household pays in a round: its labour tax ltx, the
// capital and wealth taxes on wealth a at return r, and the consumption
// tax on consumption c.
func (p *TaxPolicy) Paid(ltx, r, a, c float64) float64 {
	return ltx + p.CapitalTax(r, a) + p.WealthTax(a) + p.Consumption*c
}

// ExpectedRateCap is the highest r savers expect to persist: where β times
// the after-tax return on large wealth is 1 − 1e-4 (see maxRate).
func (p *TaxPolicy) ExpectedRateCap(beta float64) float64 {
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
