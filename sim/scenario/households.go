package scenario

import (
	"maps"
	"math"
	"reflect"
	"slices"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/tax"
)

// Households that save (agents.behavior = "saver"): their keys, defaults,
// checks and engine configuration. The defaults are Aiyagari's (1994)
// benchmark.
const (
	defaultRiskAversion  = 3.0
	defaultDiscount      = 0.96
	defaultRho           = 0.6
	defaultSigma         = 0.4
	defaultStates        = 7
	defaultWidth         = 3.0
	defaultInitialWealth = household.StartStationary
	defaultSavingRate    = 0.25 // about the optimal savers' δK/Y in Aiyagari's benchmark (26%)
	defaultTargetRatio   = 3.0
	defaultSpeed         = 0.2
	defaultSaverKappa    = 0.5 // about one unit of hours in Aiyagari's benchmark (0.94 at e = 0.5)
)

// plannersForSavers are the planners savers support: the fixed ones, search
// (whose model is then the stationary equilibrium under each candidate) and
// learn (model-free). saez's formula is about static labour supply, vote
// needs every household's utility under each candidate, llm needs LLM
// households.
var plannersForSavers = []string{"none", "flat", "fixed", "us_federal", "search", "learn"}

var (
	taxesPart = part{"", nil, map[string]string{"Capital": "tax.capital_rate", "Wealth": "tax.wealth_rate", "WealthExemption": "tax.wealth_exemption", "Consumption": "tax.consumption_rate", "Instrument": "planner.instrument", "HSV": "tax.kind"}}
	hoursPart = part{"", nil, map[string]string{"Kappa": "utility.kappa", "Elasticity": "utility.elasticity", "Max": "population.hours_max"}}
	hsvPart   = part{"tax", nil, map[string]string{"Lambda": "lambda", "Progressivity": "progressivity"}}
	saverPart = part{"", nil, map[string]string{"RiskAversion": "utility.risk_aversion", "Discount": "utility.discount", "BorrowingLimit": "agents.borrowing_limit", "GridPoints": "agents.grid_points", "GridMax": "agents.grid_max",
		"Saving": "agents.saving", "Share": "agents.saving_rate", "Target": "agents.target_ratio", "Speed": "agents.speed"}}
	productivityPart = part{"population.productivity", reflect.TypeOf(Productivity{}), nil}
	householdsPart   = part{"", nil, map[string]string{"InitialWealth": "agents.initial_wealth", "InitialValue": "agents.initial_value",
		"Expectations": "agents.expectations", "Horizon": "agents.transition_horizon", "Patience": "utility.discount"}}
)

func init() {
	configParts["Households"] = householdsPart
	configParts["Saver"] = saverPart
	configParts["Productivity"] = productivityPart
	configParts["Taxes"] = taxesPart
	configParts["HSV"] = hsvPart
	configParts["Hours"] = hoursPart
}

// savers reports whether the scenario's agents are households that save.
func (s *Scenario) savers() bool { return s.Agents.Behavior == "saver" }

// resolveHouseholds fills savers' defaults: crra utility, Aiyagari's
// productivity process, a single skill of 1, the grid and the start.
func (s *Scenario) resolveHouseholds() {
	if !s.savers() {
		return
	}
	u := &s.Utility
	if u.Kind == "quasilinear" && !s.given("utility.kind") { // the default for workers
		u.Kind = "crra"
	}
	orDefault(&u.RiskAversion, defaultRiskAversion)
	if u.Discount == nil {
		d := defaultDiscount
		u.Discount = &Discount{Value: &d}
	}
	if u.Labor == "" {
		u.Labor = "inelastic"
	}
	if u.Labor == "elastic" {
		orDefault(&u.Kappa, defaultSaverKappa)
	} else if !s.given("utility.elasticity") {
		u.Elasticity = 0 // fixed hours have none; validate refuses one given
	}
	k := &s.Population.Skill
	if k.Dist == "" && len(k.params()) == 0 {
		k.Dist, k.Values = "values", []float64{1}
	}
	if s.Population.Productivity == nil {
		s.Population.Productivity = &Productivity{}
	}
	p := s.Population.Productivity
	if p.Process == "" && p.Levels == nil && p.Transition == nil {
		p.Process = "ar1"
	}
	if p.Process == "ar1" {
		if p.Method == "" {
			p.Method = "tauchen"
		}
		if _, ok := agents.EarningsPresets[p.Preset]; !ok { // a preset's ρ and s.d. are its own, not keys of the file
			orDefault(&p.Rho, defaultRho)
			if p.SigmaInnovation == nil {
				orDefault(&p.Sigma, defaultSigma)
			}
		}
		orDefault(&p.States, defaultStates)
		if p.Method == "tauchen" {
			orDefault(&p.Width, defaultWidth)
		}
	}
	t := &s.Tax
	if t.Kind == "" {
		t.Kind = "brackets"
	}
	orDefault(&t.CapitalRate, 0)
	orDefault(&t.WealthRate, 0)
	orDefault(&t.WealthExemption, 0)
	orDefault(&t.ConsumptionRate, 0)
	if s.Planner.Instrument == "" {
		s.Planner.Instrument = household.LaborSchedule
	}
	a := &s.Agents
	orDefault(&a.BorrowingLimit, 0)
	orDefault(&a.GridPoints, agents.DefaultGridPoints)
	if a.InitialWealth == "" {
		a.InitialWealth = defaultInitialWealth
	}
	if a.Saving == "" {
		a.Saving = agents.SaveOptimal
	}
	switch a.Saving {
	case agents.SaveFixedRate:
		orDefault(&a.SavingRate, defaultSavingRate)
	case agents.SaveBufferStock:
		orDefault(&a.TargetRatio, defaultTargetRatio)
		orDefault(&a.Speed, defaultSpeed)
	}
	s.resolveExpectations()
}

// resolveExpectations fills the expectations: perfect foresight where it is
// is the default (optimal savers under a planner that sets its schedules in
// advance), adaptive elsewhere; the horizon and the
// announcement with it.
func (s *Scenario) resolveExpectations() {
	a, pl := &s.Agents, &s.Planner
	if a.Expectations == "" {
		a.Expectations = household.Adaptive
		if a.Saving == agents.SaveOptimal && slices.Contains(foreseenPlanners, pl.Kind) && len(s.Utility.Discount.patience()) <= 1 {
			a.Expectations = household.PerfectForesight
		}
	}
	if a.Expectations == household.PerfectForesight || sim.IsReformObjective(pl.Objective) {
		orDefault(&a.TransitionHorizon, household.DefaultHorizon)
	}
	if a.Expectations != household.PerfectForesight {
		return
	}
	if pl.Kind == "fixed" && pl.SwitchRound > 0 && pl.AnnounceRound == nil {
		announce := pl.SwitchRound
		pl.AnnounceRound = &announce
	}
}

// foreseenPlanners are the planners that set every schedule in advance.
var foreseenPlanners = []string{"none", "flat", "fixed", "us_federal"}

// validateHouseholds checks what only the file knows about savers: which
// keys apply, and the kinds of utility, market and planner they need. The
// values are checked by household.Config.Validate through EngineConfig.
func (s *Scenario) validateHouseholds(v *validator) {
	u, a := s.Utility, s.Agents
	if !s.savers() {
		notApplicable(v, u.Kind == "crra", "utility.kind", `(crra) unless agents.behavior = "saver"`)
		refuseEach(v, map[string]bool{
			"utility.risk_aversion": u.RiskAversion != nil, "utility.discount": u.Discount != nil,
			"agents.borrowing_limit": a.BorrowingLimit != nil, "agents.grid_points": a.GridPoints != nil,
			"agents.grid_max": a.GridMax != nil, "agents.initial_wealth": a.InitialWealth != "",
			"agents.initial_value": a.InitialValue != nil, "population.productivity": s.Population.Productivity != nil,
			"tax.kind": s.Tax.Kind != "", "tax.lambda": s.Tax.Lambda != nil, "tax.progressivity": s.Tax.Progressivity != nil,
			"tax.capital_rate": s.Tax.CapitalRate != nil, "tax.wealth_rate": s.Tax.WealthRate != nil,
			"tax.wealth_exemption": s.Tax.WealthExemption != nil, "tax.consumption_rate": s.Tax.ConsumptionRate != nil,
			"planner.instrument": s.Planner.Instrument != "", "agents.saving": a.Saving != "", "agents.saving_rate": a.SavingRate != nil,
			"agents.target_ratio": a.TargetRatio != nil, "agents.speed": a.Speed != nil, "utility.labor": u.Labor != "",
			"agents.expectations": a.Expectations != "", "agents.transition_horizon": a.TransitionHorizon != nil, "planner.announce_round": s.Planner.AnnounceRound != nil,
		}, `unless agents.behavior = "saver"`)
		if slices.Contains(sim.HouseholdColumns(), s.Planner.Objective) || sim.IsReformObjective(s.Planner.Objective) {
			v.add("planner.objective", `%q is a metric of households that save (agents.behavior = "saver")`, s.Planner.Objective)
		}
		return
	}
	if u.Kind != "crra" {
		v.add("utility.kind", `households that save have crra utility; got %q`, u.Kind)
	}
	switch u.Labor {
	case "inelastic":
		notApplicable(v, u.Kappa != nil, "utility.kappa", `to savers with utility.labor = "inelastic"`)
		notApplicable(v, s.given("utility.elasticity"), "utility.elasticity", `to savers with utility.labor = "inelastic" (their hours are fixed; "elastic" makes them a choice)`)
	case "elastic":
		if s.Tax.Kind == "hsv" {
			v.add("utility.labor", `elastic hours work with the bracket schedule, not tax.kind = "hsv"`)
		}
		if a.Saving != agents.SaveOptimal {
			v.add("utility.labor", `elastic hours are for agents.saving = "optimal", not %q`, a.Saving)
		}
		if pl := s.Planner; pl.Kind == "fixed" && pl.Instrument == household.LaborSchedule && !nonDecreasing(pl.Rates) {
			v.add("planner.rates", "elastic hours need non-decreasing labour-tax rates, got %v", pl.Rates)
		}
	default:
		v.add("utility.labor", "must be inelastic or elastic, got %q", u.Labor)
	}
	notApplicable(v, u.Eta != nil, "utility.eta", "to savers (risk_aversion is their curvature)")
	if k := s.Population.Skill; k.Dist != "values" || !slices.Equal(k.Values, []float64{1}) {
		v.add("population.skill", "does not apply to savers: their productivity is population.productivity")
	}
	notApplicable(v, a.InitialValue != nil && a.InitialWealth != household.StartValue, "agents.initial_value", `unless agents.initial_wealth = "value"`)
	if a.InitialWealth == household.StartValue && a.InitialValue == nil {
		v.add("agents.initial_value", `is required when agents.initial_wealth = "value"`)
	}
	s.validateProductivityKeys(v)
	s.validateHouseholdTaxes(v)
	notApplicable(v, a.SavingRate != nil && a.Saving != agents.SaveFixedRate, "agents.saving_rate", `unless agents.saving = "fixed_rate"`)
	refuseEach(v, map[string]bool{"agents.target_ratio": a.TargetRatio != nil && a.Saving != agents.SaveBufferStock, "agents.speed": a.Speed != nil && a.Saving != agents.SaveBufferStock}, `unless agents.saving = "buffer_stock"`)
	m := s.Market
	refuseEach(v, map[string]bool{
		"market.capital": m.Capital != nil, "market.saving": m.Saving != nil, "market.ownership": m.Ownership != "",
		"market.ownership_power": m.OwnershipPower != nil, "market.tax_capital": m.TaxCapital, "market.tolerance": m.Tolerance != nil,
	}, "to savers: capital is their wealth, rented at its marginal product")
	if !slices.Contains(plannersForSavers, s.Planner.Kind) {
		v.add("planner.kind", "%q is not available for savers (saez's formula is about static labour supply; vote and llm need every household's utility or LLM households): use none, flat, fixed, us_federal, search or learn", s.Planner.Kind)
	}
	notApplicable(v, s.Planner.ReportGap, "planner.report_gap", "to savers")
	s.validateExpectations(v)
	s.validateDiscount(v)
}

// validateExpectations checks what perfect foresight needs of the planner;
// the values are checked by household.Config.Validate.
func (s *Scenario) validateExpectations(v *validator) {
	a, pl := s.Agents, s.Planner
	if a.Expectations != household.PerfectForesight {
		notApplicable(v, a.TransitionHorizon != nil && !sim.IsReformObjective(pl.Objective), "agents.transition_horizon", `unless agents.expectations = "perfect_foresight" or the planner's objective counts the transition`)
		notApplicable(v, pl.AnnounceRound != nil, "planner.announce_round", `unless agents.expectations = "perfect_foresight"`)
		return
	}
	if !slices.Contains(foreseenPlanners, pl.Kind) {
		v.add("agents.expectations", `perfect foresight needs a planner that sets its schedules in advance (none, flat, fixed or us_federal), not %q: set agents.expectations = "adaptive"`, pl.Kind)
		return
	}
	if pl.AnnounceRound == nil {
		return
	}
	switch r := *pl.AnnounceRound; {
	case pl.Kind != "fixed" || pl.SwitchRound == 0:
		v.add("planner.announce_round", "announces the reform at planner.switch_round, which is not set")
	case r < 0 || r > pl.SwitchRound:
		v.add("planner.announce_round", "must be between 0 and planner.switch_round (%d): a reform is announced before it takes effect, got %d", pl.SwitchRound, r)
	}
}

// validateHouseholdTaxes checks the tax kind's keys and the instrument's
// schedule; the values are checked by household.Taxes.Validate.
func (s *Scenario) validateHouseholdTaxes(v *validator) {
	t := s.Tax
	switch t.Kind {
	case "brackets":
		refuseEach(v, map[string]bool{"tax.lambda": t.Lambda != nil, "tax.progressivity": t.Progressivity != nil}, `unless tax.kind = "hsv"`)
	case "hsv":
		if t.Lambda == nil {
			v.add("tax.lambda", `is required when tax.kind = "hsv"`)
		}
		if t.Progressivity == nil {
			v.add("tax.progressivity", `is required when tax.kind = "hsv"`)
		}
	default:
		v.add("tax.kind", "must be brackets or hsv, got %q", t.Kind)
	}
	if in := s.Planner.Instrument; in != household.LaborSchedule && len(t.Cutoffs) != 1 && t.Cutoffs != nil {
		v.add("planner.instrument", "%s is one rate: set tax.cutoffs = [0] (the schedule has %d brackets)", in, len(t.Cutoffs))
	}
	// a planner that chooses its rates chooses them in [rate_min, rate_max]:
	// the instrument's tax must allow all of them
	if r, name, ok := household.InstrumentRange(s.Planner.Instrument); ok && s.Planner.choosesRates() {
		if !r.Contains(t.RateMin) {
			v.add("tax.rate_min", "the planner chooses the %s, whose rates are %v: set tax.rate_min within them, got %v", name, r, t.RateMin)
		}
		if !r.Contains(t.RateMax) {
			v.add("tax.rate_max", "the planner chooses the %s, whose rates are %v: set tax.rate_max within them (e.g. 0.05 for a wealth tax), got %v", name, r, t.RateMax)
		}
	}
}

// nonDecreasing reports whether rates never fall.
func nonDecreasing(rates []float64) bool {
	for i := 1; i < len(rates); i++ {
		if rates[i] < rates[i-1] {
			return false
		}
	}
	return true
}

// refuseEach refuses every given key, in the keys' order (errors without a
// line keep the order they are added in).
func refuseEach(v *validator, given map[string]bool, why string) {
	for _, key := range slices.Sorted(maps.Keys(given)) {
		notApplicable(v, given[key], key, why)
	}
}

// householdsConfig returns the engine's households (nil unless savers).
func (s *Scenario) householdsConfig() *household.Config {
	if !s.savers() {
		return nil
	}
	p, a := s.Population.Productivity, s.Agents
	rho, sigma := val(p.Rho), val(p.Sigma)
	switch pr, ok := agents.EarningsPresets[p.Preset]; {
	case ok:
		rho, sigma = pr.Rho, pr.Sigma()
	case p.SigmaInnovation != nil:
		sigma = *p.SigmaInnovation / math.Sqrt(1-rho*rho)
	}
	var top *agents.TopState
	if t := p.TopState; t != nil {
		top = &agents.TopState{Level: val(t.Level), Entry: val(t.Entry), Stay: val(t.Stay)}
	}
	return &household.Config{
		Patience: s.Utility.Discount.patience(),
		Saver: agents.Saver{RiskAversion: val(s.Utility.RiskAversion), Discount: s.Utility.Discount.Scalar(),
			BorrowingLimit: val(a.BorrowingLimit), GridPoints: intVal(a.GridPoints), GridMax: val(a.GridMax),
			Saving: a.Saving, Share: val(a.SavingRate), Target: val(a.TargetRatio), Speed: val(a.Speed)},
		Productivity: agents.Productivity{Process: p.Process, Rho: rho, Sigma: sigma, States: intVal(p.States),
			Method: p.Method, Width: val(p.Width), Levels: p.Levels, Transition: p.Transition, TopState: top},
		InitialWealth: a.InitialWealth, InitialValue: val(a.InitialValue),
		Taxes:        s.householdTaxes(),
		Hours:        s.hours(),
		Expectations: a.Expectations, Horizon: intVal(a.TransitionHorizon),
	}
}

// hours returns savers' elastic hours (nil when inelastic).
func (s *Scenario) hours() *household.Hours {
	if s.Utility.Labor != "elastic" {
		return nil
	}
	return &household.Hours{Kappa: val(s.Utility.Kappa), Elasticity: s.Utility.Elasticity, Max: s.Population.HoursMax}
}

// householdTaxes returns savers' taxes beside the labour schedule.
func (s *Scenario) householdTaxes() household.Taxes {
	t := s.Tax
	ht := household.Taxes{AssetTaxes: agents.AssetTaxes{Capital: val(t.CapitalRate), Wealth: val(t.WealthRate), WealthExemption: val(t.WealthExemption),
		Consumption: val(t.ConsumptionRate)}, Instrument: s.Planner.Instrument}
	if t.Kind == "hsv" {
		ht.HSV = &tax.HSV{Lambda: val(t.Lambda), Progressivity: val(t.Progressivity)}
	}
	return ht
}

func intVal(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
