package scenario

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/tax"
)

// skillParams lists, per dist, the keys it takes (required unless defaulted).
var skillParams = map[string][]string{
	"lognormal":        {"mu", "sigma"},
	"pareto":           {"alpha", "min"},
	"uniform":          {"min", "max"},
	"values":           {"values"},
	"gb2":              {"mu", "sigma", "nu", "tau", "hours_per_year"},
	"us_occupations":   {"hours_per_year"},
	"us_earnings_2024": nil,
}

func (k *Skill) params() map[string]bool {
	given := map[string]bool{}
	for name, p := range map[string]*float64{"mu": k.Mu, "sigma": k.Sigma, "alpha": k.Alpha, "min": k.Min, "max": k.Max, "nu": k.Nu, "tau": k.Tau, "hours_per_year": k.HoursPerYear} {
		if p != nil {
			given[name] = true
		}
	}
	if k.Values != nil {
		given["values"] = true
	}
	if k.Preset != "" {
		given["preset"] = true
	}
	return given
}

func finiteErr(v *validator, key string, x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		v.add(key, "must be a finite number, got %v", x)
		return false
	}
	return true
}

func positiveCheck(v *validator, key string, x float64) {
	if finiteErr(v, key, x) && x <= 0 {
		v.add(key, "must be positive, got %v", x)
	}
}

func notApplicable(v *validator, given bool, key, why string) {
	if given {
		v.add(key, "does not apply %s; remove it", why)
	}
}

// CheckName reports whether name can label a run or a sweep: it becomes a
// folder name, so it may hold no path separator or control character (a NUL
// or a newline), and may not be "." or "..".
func CheckName(name string) error {
	if strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return fmt.Errorf("must not contain path separators or be . or .., got %q", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("must not contain control characters (a NUL, a newline, ...), got %q", name)
		}
	}
	return nil
}

// validate checks every key after resolve: first what only the file knows
// (names, which keys apply to which kind, the planner's keys), then the
// values through the model packages' own Validate methods (sim.Config's
// and its parts'), whose field errors are mapped to keys — one home for
// each rule.
func (s *Scenario) validate(v *validator) {
	if err := CheckName(s.Name); err != nil {
		v.add("name", "%v", err)
	}
	if s.Seed > math.MaxInt64 { // a negative TOML integer wraps to here
		v.add("seed", "must be an integer from 0 to %d: negative seeds are refused (got %d, or %d read as unsigned)", int64(math.MaxInt64), int64(s.Seed), s.Seed)
	}
	s.validateKinds(v)
	s.validateHouseholds(v)
	s.validateSystem(v)
	s.validateSkill(v)
	t := s.Tax
	cutoffsOK := t.Cutoffs != nil && tax.ValidateCutoffs(t.Cutoffs) == nil
	bounds := tax.Bounds{Min: t.RateMin, Max: t.RateMax}
	boundsOK := bounds.Validate() == nil
	s.validatePlanner(v, cutoffsOK, boundsOK, bounds)
	s.validateMarket(v)
	s.validateLLM(v)
	if strings.TrimSpace(s.Output.Dir) == "" {
		v.add("output.dir", "must not be empty")
	}
	cp := configPart
	if t.Cutoffs == nil { // resolve has said why (the preset), not "empty"
		cp = cp.without("Cutoffs")
	}
	var errs []error
	for _, fe := range field.All(s.EngineConfig(1).Validate()) {
		if fe.Name == "Bounds.Max" && (v.has("tax.system") || slices.ContainsFunc(systemRates, v.has)) {
			continue // checkSystemMargin has said why
		}
		errs = append(errs, fe)
	}
	v.addFields(cp, errors.Join(errs...))
}

// validateKinds checks the kinds of utility, behaviour and redistribution,
// and that no key of another kind is given.
func (s *Scenario) validateKinds(v *validator) {
	u := s.Utility
	if _, err := agents.ParseUtilityKind(u.Kind); err != nil && !(u.Kind == "crra" && s.savers()) {
		v.add("utility.kind", "%v", err)
	}
	if u.Kind == "quasilinear" {
		notApplicable(v, u.Eta != nil, "utility.eta", "to quasilinear utility")
	}
	a := s.Agents
	if _, err := agents.ParseBehaviorKind(a.Behavior); err != nil && !s.savers() {
		v.add("agents.behavior", "%v", err)
	}
	if a.Behavior != "noisy" {
		notApplicable(v, a.Noise != nil, "agents.noise", "unless agents.behavior = \"noisy\"")
	}
	if a.Behavior != "adaptive" {
		notApplicable(v, a.Adjustment != nil, "agents.adjustment", "unless agents.behavior = \"adaptive\"")
	}
	if t := s.Tax; t.Redistribution != sim.Targeted {
		notApplicable(v, t.Share != nil, "tax.share", "unless tax.redistribution = \"targeted\"")
	}
}

func (s *Scenario) validateSkill(v *validator) {
	k := &s.Population.Skill
	want, ok := skillParams[k.Dist]
	if !ok {
		v.add("population.skill.dist", "unknown dist %q (want lognormal, pareto, uniform, values, gb2, us_occupations or us_earnings_2024)", k.Dist)
		return
	}
	given := k.params()
	for _, name := range want {
		if !given[name] {
			v.add("population.skill."+name, "is required for dist %q", k.Dist)
		}
		delete(given, name)
	}
	for _, name := range slices.Sorted(maps.Keys(given)) {
		v.add("population.skill."+name, "does not apply to dist %q (it takes %s)", k.Dist, strings.Join(want, ", "))
	}
}

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

func (s *Scenario) validateMarket(v *validator) {
	m := s.Market
	kind, err := market.ParseKind(m.Kind)
	if err != nil {
		v.add("market.kind", "%v", err)
		return
	}
	if kind == market.FixedWage {
		for _, k := range []struct {
			key   string
			given bool
		}{{"alpha", m.Alpha != nil}, {"tfp", m.TFP != nil}, {"capital", m.Capital != nil},
			{"ownership", m.Ownership != ""}, {"ownership_power", m.OwnershipPower != nil}, {"tax_capital", m.TaxCapital},
			{"depreciation", m.Depreciation != nil}, {"saving", m.Saving != nil}, {"tolerance", m.Tolerance != nil}} {
			notApplicable(v, k.given, "market."+k.key, `unless market.kind = "production"`)
		}
		return
	}
	// The values are checked with the engine's Config (validate).
	notApplicable(v, m.OwnershipPower != nil && m.Ownership != market.OwnBySkill, "market.ownership_power", `unless market.ownership = "skill"`)
}

// usesLLM reports whether workers or the planner (or a vote candidate) use the LLM.
func (s *Scenario) usesLLM() bool {
	return s.Agents.Behavior == "llm" || s.Planner.uses("llm") || (s.savers() && s.Agents.Saving == agents.SaveLLM)
}

func (s *Scenario) validateLLM(v *validator) {
	l := s.LLM
	switch {
	case l == nil && s.usesLLM():
		v.add("llm", "an [llm] table (base_url, model, api_key_env, …) is needed by agents.behavior, agents.saving or planner.kind = \"llm\"")
		return
	case l == nil:
		return
	case !s.usesLLM():
		v.add("llm", `does not apply unless agents.behavior, agents.saving or planner.kind is "llm"; remove the table`)
		return
	}
	v.addFields(llmPart, s.llmConfig().Validate())
	if *l.Archetypes < 0 {
		v.add("llm.archetypes", "must be ≥ 0 (0: one call per worker), got %d", *l.Archetypes)
	} else if states := s.productivityStates(); s.savers() && s.Agents.Saving == agents.SaveLLM && *l.Archetypes < states {
		v.add("llm.archetypes", "LLM savers are asked by productivity state, then by wealth group: give at least one archetype per state (%d), got %d (0, one call per agent, is for LLM workers)", states, *l.Archetypes)
	}
	if l.Samples < 1 {
		v.add("llm.samples", "must be at least 1, got %d", l.Samples)
	}
	if *l.Reasks < 0 {
		v.add("llm.reasks", "must be ≥ 0, got %d", *l.Reasks)
	}
	if x := *l.MaxCost; math.IsNaN(x) || x < 0 {
		v.add("llm.max_cost", "must be ≥ 0 (0: no limit), got %v", x)
	}
	if x := *l.MaxFallbackShare; math.IsNaN(x) || x < 0 || x > 1 {
		v.add("llm.max_fallback_share", "must be in [0, 1] (1: never stop), got %v", x)
	}
	if x := *l.Timeout; math.IsNaN(x) || math.IsInf(x, 0) || x <= 0 {
		v.add("llm.timeout", "must be a positive number of seconds, got %v", x)
	}
}

// kinds returns the scenario's kind keys, to see which an override changed.
func (s *Scenario) kinds() map[string]string {
	return map[string]string{
		"planner.kind": s.Planner.Kind, "agents.behavior": s.Agents.Behavior, "utility.kind": s.Utility.Kind,
		"tax.redistribution": string(s.Tax.Redistribution), "market.kind": s.Market.Kind, "tax.system": s.Tax.System,
	}
}

// dropStale: when --set changes a kind (planner.kind, agents.behavior,
// utility.kind, tax.redistribution, market.kind, tax.system), the file's keys that belong
// to that table's kinds are dropped — they described the old kind — unless
// they are overridden too; the new kind's defaults then apply. So
// --set planner.kind=flat --set planner.rate=0.2 works on a file written
// for planner.kind = "fixed".
func (s *Scenario) dropStale(file map[string]string, set map[string]bool) {
	now := s.kinds()
	changed := func(k string) bool { return set[k] && file[k] != now[k] }
	keep := func(k string) bool { return set[k] }
	if changed("planner.kind") {
		p := &s.Planner
		if !keep("planner.rate") {
			p.Rate = nil
		}
		if !keep("planner.rates") {
			p.Rates = nil
		}
		if !keep("planner.budget") {
			p.Budget = 0
		}
		if !keep("planner.weights") {
			p.Weights = ""
		}
		if !keep("planner.elasticity") {
			p.Elasticity = nil
		}
		if !keep("planner.start") {
			p.Start = nil
		}
		if !keep("planner.step") {
			p.Step = nil
		}
		if !keep("planner.perturbation") {
			p.Perturbation = nil
		}
		if !keep("planner.candidates") {
			p.Candidates = nil
		}
		if !keep("planner.rule") {
			p.Rule = ""
		}
		if !keep("planner.perturbations") {
			p.Perturbations = nil
		}
	}
	if changed("agents.behavior") {
		if !keep("agents.noise") {
			s.Agents.Noise = nil
		}
		if !keep("agents.adjustment") {
			s.Agents.Adjustment = nil
		}
	}
	if changed("utility.kind") {
		if !keep("utility.eta") {
			s.Utility.Eta = nil
		}
		if !keep("utility.kappa") {
			s.Utility.Kappa = nil // kappa's default depends on the kind
		}
	}
	if changed("tax.redistribution") && !keep("tax.share") {
		s.Tax.Share = nil
	}
	if changed("tax.system") {
		t := &s.Tax
		for _, f := range t.systemFloats(tax.USSingle{}) {
			if !keep("tax." + f.key) {
				*f.ptr = nil
			}
		}
		if !keep("tax.payroll") {
			t.Payroll = nil
		}
		if !keep("tax.eitc") {
			t.EITC = nil
		}
	}
	if changed("market.kind") {
		m := &s.Market
		for k, p := range map[string]**float64{"alpha": &m.Alpha, "tfp": &m.TFP, "capital": &m.Capital,
			"ownership_power": &m.OwnershipPower, "depreciation": &m.Depreciation, "saving": &m.Saving, "tolerance": &m.Tolerance} {
			if !keep("market." + k) {
				*p = nil
			}
		}
		if !keep("market.ownership") {
			m.Ownership = ""
		}
		if !keep("market.tax_capital") {
			m.TaxCapital = false
		}
	}
}
