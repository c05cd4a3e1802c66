package tax

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/econsim/econsim/sim/field"
)

// USSingle is the federal tax a single filer pays on a wage, as parts that
// compile to one piecewise-linear schedule of gross earnings z (Compile):
//
//	income tax  the brackets' rates on taxable income max(z − standard
//	            deduction, 0)
//	payroll     the employee's Social Security tax up to the wage base and
//	            Medicare, plus the Additional Medicare Tax above its threshold
//	EITC        the earned income credit of a worker without qualifying
//	            children: phase-in rate × z up to the maximum credit, then
//	            reduced at the phase-out rate above the phase-out start
//
// Total tax = income tax + payroll − EITC, which is negative (a credit) at
// low earnings when payroll is left out. Only wages are modelled: no other
// income, no other credits or deductions.
type USSingle struct {
	StandardDeduction float64   // $ of gross earnings untaxed by the income tax
	Cutoffs           []float64 // income-tax brackets on taxable income, first 0
	Payroll           bool      // include the employee's payroll taxes
	SSRate            float64   // Social Security rate
	SSWageBase        float64   // $ of earnings it applies to
	MedicareRate      float64
	AddlMedicareRate  float64 // Additional Medicare Tax rate above its threshold
	AddlMedicareFrom  float64 // its threshold, $ of earnings
	EITC              bool    // include the credit
	EITCPhaseInRate   float64
	EITCMax           float64 // $
	EITCPhaseOutStart float64 // $ of earnings
	EITCPhaseOutRate  float64
	// EITCMinAge and EITCMaxAge bound the ages (years) of workers the credit
	// reaches, where workers have ages (IRC §32(c)(1)(A)(ii)(II): at least
	// 25 and under 65 for workers without qualifying children).
	EITCMinAge, EITCMaxAge float64
}

// US2024Single returns tax year 2024's parameters for a single filer:
//
//   - standard deduction $14,600 and the brackets 0, 11,600, 47,150,
//     100,525, 191,950, 243,725, 609,350 of taxable income (IRS Rev. Proc.
//     2023-34, §3.15 and §3.01 Table 3); the statutory rates .10 … .37 are
//     USFederalRates;
//   - Social Security 6.2% of wages up to $168,600 (SSA, 2024 contribution
//     and benefit base), Medicare 1.45% of all wages, and the Additional
//     Medicare Tax of 0.9% above $200,000 for a single filer (IRC
//     §3101(b)(2));
//   - EITC with no qualifying children: 7.65% phase-in, maximum $632,
//     phase-out from $10,330 at 7.65% (Rev. Proc. 2023-34 §3.06; the
//     credit reaches its maximum at $632/0.0765 = $8,261.44 and ends at
//     $18,591.44), for workers aged 25 to 64 (IRC §32(c)(1)(A)(ii)(II));
//
// PolicyEngine-US's parameter files hold the same values.
func US2024Single() USSingle {
	return USSingle{
		StandardDeduction: 14600,
		Cutoffs:           []float64{0, 11600, 47150, 100525, 191950, 243725, 609350},
		Payroll:           true,
		SSRate:            0.062,
		SSWageBase:        168600,
		MedicareRate:      0.0145,
		AddlMedicareRate:  0.009,
		AddlMedicareFrom:  200000,
		EITC:              true,
		EITCPhaseInRate:   0.0765,
		EITCMax:           632,
		EITCPhaseOutStart: 10330,
		EITCPhaseOutRate:  0.0765,
		EITCMinAge:        25,
		EITCMaxAge:        64,
	}
}

// CreditAge reports whether a worker of the given age (years) is of an age
// the credit reaches.
func (p USSingle) CreditAge(age float64) bool {
	return age >= p.EITCMinAge && age <= p.EITCMaxAge
}

// WithoutCredit returns the system without the EITC: what a worker the
// credit does not reach faces.
func (p USSingle) WithoutCredit() USSingle {
	p.EITC = false
	return p
}

// Validate checks the parameters; errors are field errors.
func (p USSingle) Validate() error {
	var errs []error
	money := func(name string, x float64) {
		if !(x >= 0) || math.IsInf(x, 0) {
			errs = append(errs, field.Errorf(name, "must be non-negative and finite, got %v", x))
		}
	}
	rate := func(name string, x float64) {
		if !(x >= 0 && x <= 1) {
			errs = append(errs, field.Errorf(name, "must be in [0, 1], got %v", x))
		}
	}
	money("StandardDeduction", p.StandardDeduction)
	if err := ValidateCutoffs(p.Cutoffs); err != nil {
		errs = append(errs, field.Errorf("Cutoffs", "%v", err))
	}
	money("SSWageBase", p.SSWageBase)
	money("AddlMedicareFrom", p.AddlMedicareFrom)
	money("EITCMax", p.EITCMax)
	money("EITCPhaseOutStart", p.EITCPhaseOutStart)
	money("EITCMinAge", p.EITCMinAge)
	money("EITCMaxAge", p.EITCMaxAge)
	if p.EITCMaxAge < p.EITCMinAge {
		errs = append(errs, field.Errorf("EITCMaxAge", "must not be below the minimum age %v, got %v", p.EITCMinAge, p.EITCMaxAge))
	}
	rate("SSRate", p.SSRate)
	rate("MedicareRate", p.MedicareRate)
	rate("AddlMedicareRate", p.AddlMedicareRate)
	rate("EITCPhaseInRate", p.EITCPhaseInRate)
	rate("EITCPhaseOutRate", p.EITCPhaseOutRate)
	if p.EITC && p.EITCMax > 0 && (p.EITCPhaseInRate == 0 || p.EITCPhaseOutRate == 0) {
		errs = append(errs, field.Errorf("EITCPhaseInRate", "a credit with a maximum needs positive phase-in and phase-out rates"))
	}
	if p.EITC && p.EITCPhaseInRate > 0 && p.EITCMax/p.EITCPhaseInRate > p.EITCPhaseOutStart {
		errs = append(errs, field.Errorf("EITCPhaseOutStart", "must not be below the end of the phase-in (%.2f), got %v", p.EITCMax/p.EITCPhaseInRate, p.EITCPhaseOutStart))
	}
	return errors.Join(errs...)
}

// IncomeTax is the income tax on earnings z under the brackets' rates.
func (p USSingle) IncomeTax(z float64, rates []float64) float64 {
	t := z - p.StandardDeduction
	if t <= 0 {
		return 0
	}
	tax := 0.0
	for k, b := range p.Cutoffs {
		if t <= b {
			break
		}
		upper := math.Inf(1)
		if k+1 < len(p.Cutoffs) {
			upper = p.Cutoffs[k+1]
		}
		tax += rates[k] * (min(t, upper) - b)
	}
	return tax
}

// PayrollTax is the employee's Social Security and Medicare tax on z (0
// without Payroll).
func (p USSingle) PayrollTax(z float64) float64 {
	if !p.Payroll || z <= 0 {
		return 0
	}
	return p.SSRate*min(z, p.SSWageBase) + p.MedicareRate*z + p.AddlMedicareRate*max(z-p.AddlMedicareFrom, 0)
}

// Credit is the EITC on earnings z (0 without EITC).
func (p USSingle) Credit(z float64) float64 {
	if !p.EITC || z <= 0 {
		return 0
	}
	c := min(p.EITCPhaseInRate*z, p.EITCMax)
	if z > p.EITCPhaseOutStart {
		c = max(0, min(c, p.EITCMax-p.EITCPhaseOutRate*(z-p.EITCPhaseOutStart)))
	}
	return c
}

// Total is income tax + payroll − EITC on z.
func (p USSingle) Total(z float64, rates []float64) float64 {
	return p.IncomeTax(z, rates) + p.PayrollTax(z) - p.Credit(z)
}

// kinks returns every earnings level where a part's marginal rate changes,
// ascending and distinct, starting at 0.
func (p USSingle) kinks() []float64 {
	ks := []float64{0}
	for _, b := range p.Cutoffs {
		ks = append(ks, p.StandardDeduction+b)
	}
	if p.Payroll {
		ks = append(ks, p.SSWageBase, p.AddlMedicareFrom)
	}
	if p.EITC && p.EITCMax > 0 {
		ks = append(ks, p.EITCMax/p.EITCPhaseInRate, p.EITCPhaseOutStart, p.EITCPhaseOutStart+p.EITCMax/p.EITCPhaseOutRate)
	}
	slices.Sort(ks)
	return slices.Compact(ks)
}

// Compile returns the whole system under the brackets' rates as one
// piecewise-linear Schedule of gross earnings: a cutoff at every kink of any
// part, and each segment's marginal rate the sum of the parts' (which may be
// negative where the credit phases in). Its Tax equals Total to rounding.
// Rates and the combined rates must lie in bounds.
func (p USSingle) Compile(rates []float64, bounds Bounds) (Schedule, error) {
	if err := p.Validate(); err != nil {
		return Schedule{}, err
	}
	if len(rates) != len(p.Cutoffs) {
		return Schedule{}, fmt.Errorf("%d rates for %d income-tax brackets", len(rates), len(p.Cutoffs))
	}
	cut := p.kinks()
	comb := make([]float64, len(cut))
	for i, lo := range cut {
		// the marginal rate inside [lo, next): evaluate at an interior point
		mid := lo + 1
		if i+1 < len(cut) {
			mid = (lo + cut[i+1]) / 2
		}
		comb[i] = p.Marginal(mid, rates)
	}
	return New(cut, comb, bounds)
}

// Marginal is the sum of the parts' marginal rates at earnings z (between
// kinks; at a kink, the rate just above it except where a part's own
// boundary says otherwise).
func (p USSingle) Marginal(z float64, rates []float64) float64 {
	m := 0.0
	if t := z - p.StandardDeduction; t > 0 {
		k := 0
		for k+1 < len(p.Cutoffs) && t > p.Cutoffs[k+1] {
			k++
		}
		m += rates[k]
	}
	return m + p.Other(z)
}

// Other is the marginal rate at z of the parts the planner does not set:
// payroll taxes minus the credit's phase-in, plus its phase-out.
func (p USSingle) Other(z float64) float64 { return p.PayrollRate(z) - p.CreditRate(z) }

// PayrollRate is the marginal payroll tax rate at z (between kinks).
func (p USSingle) PayrollRate(z float64) float64 {
	if !p.Payroll {
		return 0
	}
	m := p.MedicareRate
	if z < p.SSWageBase {
		m += p.SSRate
	}
	if z > p.AddlMedicareFrom {
		m += p.AddlMedicareRate
	}
	return m
}

// CreditRate is the rate at which the credit grows with earnings at z
// (between kinks): the phase-in rate, minus the phase-out rate, or 0.
func (p USSingle) CreditRate(z float64) float64 {
	if !p.EITC || p.EITCMax <= 0 {
		return 0
	}
	switch end := p.EITCPhaseOutStart + p.EITCMax/p.EITCPhaseOutRate; {
	case z < p.EITCMax/p.EITCPhaseInRate:
		return p.EITCPhaseInRate
	case z > p.EITCPhaseOutStart && z < end:
		return -p.EITCPhaseOutRate
	}
	return 0
}

// PartsIn returns the payroll tax and the credit summed over workers given
// per bracket of the compiled schedule s (Compile's, whose cutoffs hold
// every kink of both parts, so each is linear inside a bracket): n[k]
// workers with earnings summing to sum[k] in bracket k.
func (p USSingle) PartsIn(s Schedule, n, sum []float64) (payroll, credit float64) {
	for k := range s.Brackets() {
		if n[k] == 0 {
			continue
		}
		b := s.Cutoff(k)
		mid := b + 1
		if k+1 < s.Brackets() {
			mid = (b + s.Cutoff(k+1)) / 2
		}
		over := sum[k] - n[k]*b // Σ (z − b_k)
		payroll += n[k]*p.PayrollTax(b) + p.PayrollRate(mid)*over
		credit += n[k]*p.Credit(b) + p.CreditRate(mid)*over
	}
	return payroll, credit
}

// OtherRange returns the lowest and highest marginal rate of the parts the
// planner does not set, over all earnings: a bracket rate τ makes combined
// rates in [τ + lo, τ + hi].
func (p USSingle) OtherRange() (lo, hi float64) {
	cut := p.kinks()
	lo, hi = math.Inf(1), math.Inf(-1)
	for i, z := range cut {
		mid := z + 1
		if i+1 < len(cut) {
			mid = (z + cut[i+1]) / 2
		}
		o := p.Other(mid)
		lo, hi = min(lo, o), max(hi, o)
	}
	return lo, hi
}

// Kinks returns every earnings level where a part's marginal rate changes,
// ascending, starting at 0: the cutoffs of Compile's schedule.
func (p USSingle) Kinks() []float64 { return p.kinks() }
