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
	drop := func(resets map[string]func()) { // each key's reset, unless the key is set too
		for k, reset := range resets {
			if !set[k] {
				reset()
			}
		}
	}
	if changed("planner.kind") {
		p := &s.Planner
		drop(map[string]func(){
			"planner.rate": func() { p.Rate = nil }, "planner.rates": func() { p.Rates = nil },
			"planner.budget": func() { p.Budget = 0 }, "planner.weights": func() { p.Weights = "" },
			"planner.elasticity": func() { p.Elasticity = nil }, "planner.start": func() { p.Start = nil },
			"planner.step": func() { p.Step = nil }, "planner.perturbation": func() { p.Perturbation = nil },
			"planner.candidates": func() { p.Candidates = nil }, "planner.rule": func() { p.Rule = "" },
			"planner.perturbations": func() { p.Perturbations = nil },
		})
	}
	if changed("agents.behavior") {
		drop(map[string]func(){"agents.noise": func() { s.Agents.Noise = nil }, "agents.adjustment": func() { s.Agents.Adjustment = nil }})
	}
	if changed("utility.kind") { // kappa's default depends on the kind
		drop(map[string]func(){"utility.eta": func() { s.Utility.Eta = nil }, "utility.kappa": func() { s.Utility.Kappa = nil }})
	}
	if changed("tax.redistribution") {
		drop(map[string]func(){"tax.share": func() { s.Tax.Share = nil }})
	}
	if changed("tax.system") {
		t := &s.Tax
		resets := map[string]func(){"tax.payroll": func() { t.Payroll = nil }, "tax.eitc": func() { t.EITC = nil }}
		for _, f := range t.systemFloats(tax.USSingle{}) {
			resets["tax."+f.key] = func() { *f.ptr = nil }
		}
		drop(resets)
	}
	if changed("market.kind") {
		m := &s.Market
		resets := map[string]func(){"market.ownership": func() { m.Ownership = "" }, "market.tax_capital": func() { m.TaxCapital = false }}
		for k, p := range map[string]**float64{"alpha": &m.Alpha, "tfp": &m.TFP, "capital": &m.Capital,
			"ownership_power": &m.OwnershipPower, "depreciation": &m.Depreciation, "saving": &m.Saving, "tolerance": &m.Tolerance} {
			resets["market."+k] = func() { *p = nil }
		}
		drop(resets)
	}
}
