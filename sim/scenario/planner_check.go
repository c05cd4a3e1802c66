package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/tax"
)

// plannerKinds are the planners a scenario may name.
var plannerKinds = []string{"none", "flat", "fixed", "us_federal", "saez", "search", "learn", "llm", "vote"}

// uses reports whether the planner, or one of a vote's candidates, is of kind.
func (pl *Planner) uses(kind string) bool {
	return pl.Kind == kind || (pl.Kind == "vote" && slices.Contains(pl.Candidates, kind))
}

// choosesRates reports whether the planner (or a vote candidate) chooses
// its rates within the bounds, rather than being given them.
func (pl *Planner) choosesRates() bool {
	for _, k := range []string{"saez", "search", "learn", "llm"} {
		if pl.uses(k) {
			return true
		}
	}
	return false
}

func (s *Scenario) validatePlanner(v *validator, cutoffsOK, boundsOK bool, bounds tax.Bounds) {
	pl := &s.Planner
	if !slices.Contains(plannerKinds, pl.Kind) {
		v.add("planner.kind", "unknown planner %q (available: %s)", pl.Kind, strings.Join(plannerKinds, ", "))
		return
	}
	if !sim.IsObjective(pl.Objective) {
		v.add("planner.objective", "unknown metric %q (e.g. utilitarian, inv_income, rawls, eq_x_prod, equality, productivity, revenue)", pl.Objective)
	}
	pl.checkApplicable(v)
	if pl.SwitchRound < 0 || (pl.SwitchRound > 0 && (s.Tax.Period <= 0 || pl.SwitchRound%s.Tax.Period != 0 || pl.SwitchRound >= s.Rounds)) {
		v.add("planner.switch_round", "must be a multiple of tax.period (%d) between 1 and rounds − 1 (%d): the planner acts at the start of each tax period; got %d", s.Tax.Period, s.Rounds-1, pl.SwitchRound)
	}
	rc := rateChecker{v: v, k: len(s.Tax.Cutoffs), cutoffsOK: cutoffsOK, boundsOK: boundsOK, bounds: bounds}
	if s.savers() {
		rc.instrument, rc.instrumentName, rc.hasInstrument = household.InstrumentRange(pl.Instrument)
	}
	pl.checkRates(rc)
	pl.checkTuning(v)
}

// checkApplicable refuses the keys of planners that are not in use.
func (pl *Planner) checkApplicable(v *validator) {
	only := func(given bool, key, kind string) {
		notApplicable(v, given && !pl.uses(kind), key, fmt.Sprintf("unless planner.kind (or a vote candidate) is %q", kind))
	}
	only(pl.Rate != nil, "planner.rate", "flat")
	only(pl.Rates != nil, "planner.rates", "fixed")
	notApplicable(v, pl.SwitchRound != 0 && pl.Kind != "fixed", "planner.switch_round", `unless planner.kind = "fixed"`)
	notApplicable(v, pl.After != nil && pl.Kind != "fixed", "planner.after", `unless planner.kind = "fixed"`)
	only(pl.Weights != "", "planner.weights", "saez")
	only(pl.Elasticity != nil, "planner.elasticity", "saez")
	only(pl.Start != nil, "planner.start", "learn")
	only(pl.Step != nil, "planner.step", "learn")
	only(pl.Perturbation != nil, "planner.perturbation", "learn")
	notApplicable(v, pl.Candidates != nil && pl.Kind != "vote", "planner.candidates", `unless planner.kind = "vote"`)
	notApplicable(v, pl.Rule != "" && pl.Kind != "vote", "planner.rule", `unless planner.kind = "vote"`)
	notApplicable(v, pl.Perturbations != nil && pl.Kind != "vote", "planner.perturbations", `unless planner.kind = "vote"`)
	notApplicable(v, pl.Budget != 0 && !pl.uses("search") && !pl.ReportGap, "planner.budget", `unless planner.kind is "search" or report_gap = true`)
	notApplicable(v, pl.ReportGap && pl.Kind == "search", "planner.report_gap", `to the search planner, which always reports its gap`)
}

// rateChecker checks rates a planner is given against the schedule's
// brackets (k of them, when cutoffsOK) and bounds (when boundsOK).
type rateChecker struct {
	v                   *validator
	k                   int
	cutoffsOK, boundsOK bool
	bounds              tax.Bounds
	// the rates of the tax planner.instrument sets, when not the labour
	// schedule
	instrument     household.RateRange
	instrumentName string
	hasInstrument  bool
}

func (c rateChecker) rate(key string, r float64) {
	if !finiteErr(c.v, key, r) {
		return
	}
	switch {
	case c.hasInstrument && !c.instrument.Contains(r):
		c.v.add(key, "%v is outside the %s's rates %v (planner.instrument)", r, c.instrumentName, c.instrument)
	case c.boundsOK && (r < c.bounds.Min || r > c.bounds.Max):
		c.v.add(key, "%v is outside the allowed rates [tax.rate_min, tax.rate_max] = [%v, %v]", r, c.bounds.Min, c.bounds.Max)
	}
}

// checkRates checks the rates the flat, fixed, us_federal and learn
// planners are given.
func (pl *Planner) checkRates(c rateChecker) {
	v, k := c.v, c.k
	if pl.uses("flat") {
		if pl.Rate == nil {
			v.add("planner.rate", "is required for a flat planner")
		} else {
			c.rate("planner.rate", *pl.Rate)
		}
	}
	if pl.uses("fixed") {
		if pl.Rates == nil {
			v.add("planner.rates", "is required for a fixed planner (one rate per bracket)")
		} else if c.cutoffsOK && len(pl.Rates) != k {
			v.add("planner.rates", "has %d rates but the schedule has %d brackets", len(pl.Rates), k)
		}
		for i, r := range pl.Rates {
			c.rate(fmt.Sprintf("planner.rates[%d]", i), r)
		}
		if pl.SwitchRound != 0 || pl.After != nil {
			if pl.After == nil {
				v.add("planner.after", "is required with planner.switch_round (the rates from then on)")
			} else if pl.SwitchRound == 0 {
				v.add("planner.after", "applies from planner.switch_round, which is not set (0): give the round the rates change, a multiple of tax.period")
			} else if c.cutoffsOK && len(pl.After) != k {
				v.add("planner.after", "has %d rates but the schedule has %d brackets", len(pl.After), k)
			}
			for i, r := range pl.After {
				c.rate(fmt.Sprintf("planner.after[%d]", i), r)
			}
		}
	}
	if pl.uses("us_federal") {
		if c.cutoffsOK && k != len(tax.USFederalRates()) {
			v.add("planner.kind", "us_federal needs the %d brackets of a US preset (tax.brackets = \"us_federal_2024\"), but the schedule has %d; use planner.kind = \"fixed\" with rates", len(tax.USFederalRates()), k)
		}
		if c.boundsOK && c.bounds.Max < 0.37 {
			v.add("planner.kind", "us_federal's top rate 0.37 is above tax.rate_max = %v", c.bounds.Max)
		}
	}
	if pl.uses("learn") {
		if pl.Start != nil && c.cutoffsOK && len(pl.Start) != 1 && len(pl.Start) != k {
			v.add("planner.start", "has %d rates; give one, or one per bracket (%d)", len(pl.Start), k)
		}
		for i, r := range pl.Start {
			c.rate(fmt.Sprintf("planner.start[%d]", i), r)
		}
	}
}

// checkTuning checks the knobs of saez, search, learn and vote.
func (pl *Planner) checkTuning(v *validator) {
	if pl.uses("saez") {
		if pl.Weights != "inv_income" && pl.Weights != "uniform" && pl.Weights != "rawls" {
			v.add("planner.weights", "must be inv_income, uniform or rawls, got %q", pl.Weights)
		}
		if pl.Elasticity != nil {
			positiveCheck(v, "planner.elasticity", *pl.Elasticity)
		}
	}
	if pl.Budget < 0 || (pl.Budget == 0 && (pl.uses("search") || pl.ReportGap)) {
		v.add("planner.budget", "must be at least 1, got %d", pl.Budget)
	}
	if pl.uses("learn") {
		positiveCheck(v, "planner.step", *pl.Step)
		positiveCheck(v, "planner.perturbation", *pl.Perturbation)
	}
	if pl.Kind == "vote" {
		for i, c := range pl.Candidates {
			if c == "vote" || !slices.Contains(plannerKinds, c) {
				v.add(fmt.Sprintf("planner.candidates[%d]", i), "unknown candidate planner %q (any kind but vote)", c)
			}
		}
		if pl.Rule != "plurality" && pl.Rule != "borda" {
			v.add("planner.rule", "must be plurality or borda, got %q", pl.Rule)
		}
		if *pl.Perturbations < 0 {
			v.add("planner.perturbations", "must not be negative, got %d", *pl.Perturbations)
		}
		if len(pl.Candidates)+*pl.Perturbations == 0 {
			v.add("planner.candidates", "a vote needs at least one candidate besides the status quo (candidates or perturbations)")
		}
	}
}
