package scenario

import (
	"fmt"
	"reflect"

	"github.com/econsim/econsim/sim/tax"
)

// Tax systems (tax.system): their keys, defaults and engine configuration.

// systemNames are the systems a scenario may name.
var systemNames = []string{"us_2024_single"}

// systemPart maps tax.USSingle's fields to the [tax] keys of the same names.
var systemPart = part{"tax", reflect.TypeOf(Tax{}), nil}

func init() { configParts["System"] = systemPart }

// systemFloats returns the numeric keys that override a system's
// parameters: each key's name, its field and its value in p.
func (t *Tax) systemFloats(p tax.USSingle) []struct {
	key string
	ptr **float64
	def float64
} {
	return []struct {
		key string
		ptr **float64
		def float64
	}{
		{"standard_deduction", &t.StandardDeduction, p.StandardDeduction},
		{"ss_rate", &t.SSRate, p.SSRate},
		{"ss_wage_base", &t.SSWageBase, p.SSWageBase},
		{"medicare_rate", &t.MedicareRate, p.MedicareRate},
		{"addl_medicare_rate", &t.AddlMedicareRate, p.AddlMedicareRate},
		{"addl_medicare_threshold", &t.AddlMedicareFrom, p.AddlMedicareFrom},
		{"eitc_phase_in_rate", &t.EITCPhaseInRate, p.EITCPhaseInRate},
		{"eitc_max", &t.EITCMax, p.EITCMax},
		{"eitc_phase_out_start", &t.EITCPhaseOutStart, p.EITCPhaseOutStart},
		{"eitc_phase_out_rate", &t.EITCPhaseOutRate, p.EITCPhaseOutRate},
		{"eitc_min_age", &t.EITCMinAge, p.EITCMinAge},
		{"eitc_max_age", &t.EITCMaxAge, p.EITCMaxAge},
	}
}

// resolveSystem fills every parameter of the system the file did not
// override with tax year 2024's, so that scenario.toml states them all, and
// lowers rate_max where a bracket rate at it plus the system's payroll tax
// and credit phase-out would make a combined marginal rate above 1 (with a
// note: the default 1 always is).
func (s *Scenario) resolveSystem() {
	t := &s.Tax
	if t.System != "us_2024_single" {
		return
	}
	p := tax.US2024Single()
	for _, f := range t.systemFloats(p) {
		if *f.ptr == nil {
			*f.ptr = ptr(f.def)
		}
	}
	if t.Payroll == nil {
		t.Payroll = boolPtr(true)
	}
	if t.EITC == nil {
		t.EITC = boolPtr(true)
	}
	sys := s.system()
	if sys.Validate() != nil {
		return // validate says why
	}
	if _, hi := sys.OtherRange(); t.RateMax+hi > 1 && t.RateMax <= 1 && 1-hi >= t.RateMin {
		lowered := 1 - hi
		s.notes = append(s.notes, fmt.Sprintf("%s: tax.rate_max lowered from %v to %.4g: with %s's payroll tax and credit phase-out (%.4g at most) no combined marginal rate may exceed 1",
			s.file, t.RateMax, lowered, t.System, hi))
		t.RateMax = lowered
	}
}

func boolPtr(b bool) *bool { return &b }

// systemRates are the system's rate keys, which add to the income tax's
// marginal rate.
var systemRates = []string{"tax.ss_rate", "tax.medicare_rate", "tax.addl_medicare_rate", "tax.eitc_phase_out_rate"}

// checkSystemMargin refuses a system whose other parts alone take a
// combined marginal rate past 1 with the income tax's lowest rate: no
// tax.rate_max could help, so the error is the rate the user gave.
func (s *Scenario) checkSystemMargin(v *validator) {
	sys := s.system()
	if sys == nil || sys.Validate() != nil {
		return
	}
	_, hi := sys.OtherRange()
	if hi+s.Tax.RateMin <= 1 {
		return
	}
	key := "tax.system"
	for _, k := range systemRates {
		if s.given(k) {
			key = k
			break
		}
	}
	v.add(key, "the system's payroll taxes and credit phase-out reach a marginal rate of %.4g, which with the income tax's lowest rate (tax.rate_min = %v) passes 1: a worker would lose more than each dollar earned", hi, s.Tax.RateMin)
}

// validateSystem checks the system's name and that its keys are given only
// with a system; the values are checked by sim.Config (tax.USSingle).
func (s *Scenario) validateSystem(v *validator) {
	t := &s.Tax
	switch t.System {
	case "":
		for _, f := range t.systemFloats(tax.USSingle{}) {
			notApplicable(v, *f.ptr != nil, "tax."+f.key, "without tax.system")
		}
		notApplicable(v, t.Payroll != nil, "tax.payroll", "without tax.system")
		notApplicable(v, t.EITC != nil, "tax.eitc", "without tax.system")
	case "us_2024_single":
		s.checkSystemMargin(v)
	default:
		v.add("tax.system", "unknown tax system %q (known: %v)", t.System, systemNames)
	}
}

// system returns the engine's tax system: nil without one.
func (s *Scenario) system() *tax.USSingle {
	t := s.Tax
	if t.System == "" {
		return nil
	}
	p := tax.USSingle{Cutoffs: t.Cutoffs, Payroll: t.Payroll != nil && *t.Payroll, EITC: t.EITC != nil && *t.EITC}
	p.StandardDeduction, p.SSRate, p.SSWageBase = val(t.StandardDeduction), val(t.SSRate), val(t.SSWageBase)
	p.MedicareRate, p.AddlMedicareRate, p.AddlMedicareFrom = val(t.MedicareRate), val(t.AddlMedicareRate), val(t.AddlMedicareFrom)
	p.EITCPhaseInRate, p.EITCMax = val(t.EITCPhaseInRate), val(t.EITCMax)
	p.EITCPhaseOutStart, p.EITCPhaseOutRate = val(t.EITCPhaseOutStart), val(t.EITCPhaseOutRate)
	p.EITCMinAge, p.EITCMaxAge = val(t.EITCMinAge), val(t.EITCMaxAge)
	return &p
}
