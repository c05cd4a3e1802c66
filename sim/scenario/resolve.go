package scenario

import (
	"maps"
	"slices"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// resolve fills kind-dependent defaults and expands presets, so that the
// scenario states every value the run uses (`sim validate --print`). The
// planners' defaults are the planner package's.
func (s *Scenario) resolve(v *validator) {
	s.resolveHouseholds()
	s.resolveSkill(v)
	s.resolveUtility()
	s.resolveTax(v)
	s.resolveSystem()
	s.resolvePlanner()
	s.resolveMarket()
	s.resolveLLM()
}

func (s *Scenario) resolveSkill(v *validator) {
	k := &s.Population.Skill
	// No dist, and no keys but the default's (say --set population.skill.mu=4
	// on a scenario without a skill table): the default lognormal, with the
	// keys given.
	if given := k.params(); k.Dist == "" && !slices.ContainsFunc(slices.Collect(maps.Keys(given)), func(p string) bool { return p != "mu" && p != "sigma" }) {
		k.Dist = "lognormal"
		if k.Mu == nil {
			k.Mu = ptr(3)
		}
		if k.Sigma == nil {
			k.Sigma = ptr(0.6)
		}
	}
	if k.Dist == "us_occupations" && k.HoursPerYear == nil {
		k.HoursPerYear = ptr(defaultHoursPerYear)
	}
	if k.Dist == "gb2" {
		if k.Preset != "" {
			mu, sigma, nu, tau, err := agents.GB2Preset(k.Preset)
			if err != nil {
				v.add("population.skill.preset", "%v", err)
			} else if k.Mu != nil || k.Sigma != nil || k.Nu != nil || k.Tau != nil {
				v.add("population.skill.preset", "give either a preset or mu, sigma, nu and tau, not both")
			} else {
				k.Mu, k.Sigma, k.Nu, k.Tau, k.Preset = &mu, &sigma, &nu, &tau, ""
			}
		}
		if k.HoursPerYear == nil {
			k.HoursPerYear = ptr(defaultHoursPerYear)
		}
	}
}

// resolveUtility fills the utility's and the behaviour's defaults.
func (s *Scenario) resolveUtility() {
	u := &s.Utility
	if u.Kappa == nil && u.Kind != "crra" && !s.savers() {
		u.Kappa = ptr(defaultKappaQuasilinear)
		if u.Kind == "isoelastic" {
			u.Kappa = ptr(defaultKappaIsoelastic)
		}
	}
	if u.Kind == "isoelastic" && u.Eta == nil && !s.savers() {
		u.Eta = ptr(defaultEta)
	}
	a := &s.Agents
	if a.Behavior == "noisy" && a.Noise == nil {
		a.Noise = ptr(defaultNoise)
	}
	if a.Behavior == "adaptive" && a.Adjustment == nil {
		a.Adjustment = ptr(defaultAdjustment)
	}
}

func (s *Scenario) resolveTax(v *validator) {
	t := &s.Tax
	switch {
	case t.Brackets == "" && t.Cutoffs == nil && s.savers():
		t.Cutoffs = []float64{0} // one rate: households' incomes are in model units
	case t.Brackets == "" && t.Cutoffs == nil:
		t.Brackets = defaultBrackets
	case t.Brackets != "" && s.savers():
		v.add("tax.brackets", "the presets' cutoffs are dollars a year, but households that save are in the model's units (mean labour income about 1), which have no dollar scale: everyone would be in the first bracket; give tax.cutoffs in model units")
		return
	}
	if t.Brackets != "" {
		if t.Cutoffs != nil {
			v.add("tax.cutoffs", "give either tax.brackets (a preset) or tax.cutoffs, not both")
		} else if c, err := tax.Preset(t.Brackets); err != nil {
			v.add("tax.brackets", "%v", err)
		} else {
			t.Cutoffs, t.Brackets = c, ""
		}
	}
	if t.Redistribution == sim.Targeted && t.Share == nil {
		t.Share = ptr(defaultShare)
	}
}

func (s *Scenario) resolvePlanner() {
	pl := &s.Planner
	if pl.uses("saez") && pl.Weights == "" {
		pl.Weights = "inv_income"
	}
	if pl.Budget == 0 && (pl.uses("search") || pl.ReportGap) {
		pl.Budget = planner.DefaultBudget
	}
	if pl.uses("learn") {
		if pl.Step == nil {
			pl.Step = ptr(planner.DefaultStep)
		}
		if pl.Perturbation == nil {
			pl.Perturbation = ptr(planner.DefaultPerturbation)
		}
	}
	if pl.Kind == "vote" {
		if pl.Rule == "" {
			pl.Rule = "plurality"
		}
		if pl.Perturbations == nil {
			n := planner.DefaultPerturbations
			pl.Perturbations = &n
		}
	}
}

func (s *Scenario) resolveMarket() {
	if m := &s.Market; m.Kind == "production" && s.savers() {
		orDefault(&m.Alpha, defaultAlpha)
		orDefault(&m.TFP, defaultTFP)
		orDefault(&m.Depreciation, 0)
	} else if m.Kind == "production" {
		for _, f := range []struct {
			p *(*float64)
			v float64
		}{{&m.Alpha, defaultAlpha}, {&m.TFP, defaultTFP}, {&m.Capital, defaultCapital}, {&m.Depreciation, 0}, {&m.Saving, 0}, {&m.Tolerance, defaultTolerance}} {
			if *f.p == nil {
				*f.p = ptr(f.v)
			}
		}
		if m.Ownership == "" {
			m.Ownership = market.OwnEqual
		}
		if m.Ownership == market.OwnBySkill && m.OwnershipPower == nil {
			m.OwnershipPower = ptr(1)
		}
	}
}

func (s *Scenario) resolveLLM() {
	l := s.LLM
	if l == nil {
		return
	}
	orDefault(&l.Temperature, 0.7)
	orDefault(&l.Timeout, 60)
	orDefault(&l.RequestsPerMinute, 0)
	orDefault(&l.MaxCost, 0)
	orDefault(&l.MaxFallbackShare, sim.DefaultMaxFallbackShare)
	orDefault(&l.Retries, 3)
	orDefault(&l.Archetypes, 32)
	orDefault(&l.Reasks, 2)
	orDefault(&l.MaxConnectionFailures, defaultMaxConnectionFailures)
	orDefault(&l.JSONMode, true)
	if l.MaxTokens == 0 {
		l.MaxTokens = 300
	}
	if l.MaxConcurrency == 0 {
		l.MaxConcurrency = 8
	}
	if l.Samples == 0 {
		l.Samples = 1
	}
	if l.TokenLimitField == "" {
		l.TokenLimitField = llm.TokenFieldMaxTokens
	}
	if l.CacheMode == "" {
		l.CacheMode = "off"
		if l.Cache != "" {
			l.CacheMode = "read_write"
		}
	}
}

// orDefault sets an optional key that was not given to its default.
func orDefault[T any](p **T, v T) {
	if *p == nil {
		*p = &v
	}
}
