package scenario

import (
	"errors"
	"strings"
	"testing"
)

const saverDoc = "[agents]\nbehavior = \"saver\"\n[market]\nkind = \"production\"\n[tax]\ncutoffs = [0]\n[planner]\nkind = \"none\"\n"

// TestSaverErrors: every saver key is checked, at its line, with the key's
// name; keys of another kind are refused.
func TestSaverErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		sets      []string
		want      string
	}{
		{"rows", saverDoc + "[population]\nproductivity = { process = \"markov\", levels = [1, 2], transition = [[0.5, 0.4], [0.5, 0.5]] }\n", nil, "f.toml:10: population.productivity.transition: row 0 sums to 0.9"},
		{"rho", saverDoc, []string{"population.productivity.rho=1"}, "--set: population.productivity.rho: must be in (-1, 1)"},
		{"states", saverDoc, []string{"population.productivity.states=300"}, "population.productivity.states: must be between 1 and 255"},
		{"levels for ar1", saverDoc + "[population]\nproductivity = { process = \"ar1\", levels = [1] }\n", nil, "population.productivity.levels: does not apply unless process = \"markov\""},
		{"discount", saverDoc + "[utility]\ndiscount = 1.0\n", nil, "f.toml:10: utility.discount: must be in (0, 1)"},
		{"risk aversion", saverDoc + "[utility]\nrisk_aversion = 0.0\n", nil, "utility.risk_aversion: must be in [0.1, 50]"},
		{"risk aversion tiny", saverDoc, []string{"utility.risk_aversion=1e-300"}, "utility.risk_aversion: must be in [0.1, 50]"},
		{"grid max huge", saverDoc, []string{"agents.grid_max=1e300"}, "agents.grid_max: must be from 0 (automatic) to 1e12"},
		{"borrowing", saverDoc, []string{"agents.borrowing_limit=-1"}, "agents.borrowing_limit: must be non-negative"},
		{"grid", saverDoc, []string{"agents.grid_points=3"}, "agents.grid_points: must be between 10"},
		{"initial", saverDoc, []string{"agents.initial_wealth=rich"}, "agents.initial_wealth: must be stationary, zero or value"},
		{"initial value", saverDoc, []string{"agents.initial_wealth=value"}, "agents.initial_value: is required"},
		{"kappa", saverDoc + "[utility]\nkappa = 1.0\n", nil, "utility.kappa: does not apply to savers"},
		{"skill", saverDoc + "[population]\nskill = { dist = \"lognormal\", mu = 3.0, sigma = 0.5 }\n", nil, "population.skill: does not apply to savers"},
		{"fixed wage", "[agents]\nbehavior = \"saver\"\n[tax]\ncutoffs = [0]\n[planner]\nkind = \"none\"\n", nil, "market.kind: households that save own the capital"},
		{"capital", saverDoc, []string{"market.capital=5"}, "market.capital: does not apply to savers"},
		{"planner", saverDoc, []string{"planner.kind=saez"}, "planner.kind: \"saez\" is not available for savers"},
		{"targeted", saverDoc, []string{"tax.redistribution=targeted"}, "tax.redistribution: households that save support lump_sum and none"},
		{"crra for workers", "[utility]\nkind = \"crra\"\n", nil, "utility.kind: does not apply (crra) unless agents.behavior = \"saver\""},
		{"saver keys for workers", "[agents]\ngrid_points = 100\n", nil, "f.toml:2: agents.grid_points: does not apply unless agents.behavior = \"saver\""},
		{"productivity for workers", "[population]\nproductivity = { process = \"ar1\" }\n", nil, "population.productivity: does not apply unless"},
		{"classes", saverDoc + "[population]\nproductivity = { process = \"markov\", levels = [1, 2, 3], transition = [[0.9, 0.1, 0], [0.1, 0.9, 0], [0, 0, 1]] }\n", nil, "f.toml:10: population.productivity.transition: states 0 and 2 do not both reach each other"},
		{"periodic", saverDoc + "[population]\nproductivity = { process = \"markov\", levels = [1, 2], transition = [[0, 1], [1, 0]] }\n", nil, "f.toml:10: population.productivity.transition: the chain is periodic"},
		{"dollar brackets", saverDoc, []string{"tax.brackets=us_federal_2024"}, "--set: tax.brackets: the presets' cutoffs are dollars a year, but households that save are in the model's units"},
		{"quasilinear savers", saverDoc + "[utility]\nkind = \"quasilinear\"\n", nil, "f.toml:10: utility.kind: households that save have crra utility; got \"quasilinear\""},
		{"isoelastic savers", saverDoc, []string{"utility.kind=isoelastic"}, "--set: utility.kind: households that save have crra utility; got \"isoelastic\""},
		{"after without switch", saverDoc, []string{"planner.kind=fixed", "planner.rates=[0.1]", "planner.after=[0.2]"}, "--set: planner.after: applies from planner.switch_round, which is not set"},
		{"wealth tax of 1", saverDoc, []string{"planner.kind=fixed", "planner.instrument=wealth_rate", "planner.rates=[0]", "planner.switch_round=10", "planner.after=[1.0]"}, "--set: planner.after[0]: 1 is outside the wealth tax's rates [0, 1)"},
		{"negative capital tax", saverDoc, []string{"planner.kind=fixed", "planner.instrument=capital_rate", "planner.rates=[-0.5]", "tax.rate_min=-1"}, "--set: planner.rates[0]: -0.5 is outside the capital income tax's rates [0, 1]"},
		{"search past the wealth tax", saverDoc, []string{"planner.kind=search", "planner.instrument=wealth_rate"}, "tax.rate_max: the planner chooses the wealth tax, whose rates are [0, 1)"},
		{"search below the capital tax", saverDoc, []string{"planner.kind=search", "planner.instrument=capital_rate", "tax.rate_min=-0.2"}, "--set: tax.rate_min: the planner chooses the capital income tax, whose rates are [0, 1]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.toml", []byte(c.doc), c.sets)
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error = %v, want scenario.Errors", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

// TestSaverDefaults: a saver scenario resolves to Aiyagari's benchmark, and
// the resolved file reloads to the same engine configuration.
func TestSaverDefaults(t *testing.T) {
	s, err := Parse("f.toml", []byte(saverDoc), nil)
	if err != nil {
		t.Fatal(err)
	}
	h := s.EngineConfig(1).Households
	if h == nil || h.Saver.RiskAversion != 3 || h.Saver.Discount != 0.96 || h.Productivity.Rho != 0.6 || h.Productivity.Sigma != 0.4 ||
		h.Productivity.States != 7 || h.Productivity.Method != "tauchen" || h.Productivity.Width != 3 || h.Saver.GridPoints != 500 || h.InitialWealth != "stationary" {
		t.Fatalf("households %+v, want Aiyagari's benchmark", h)
	}
	enc, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Parse("r.toml", enc, nil)
	if err != nil {
		t.Fatalf("resolved scenario does not reload: %v\n%s", err, enc)
	}
	a, err1 := s.ConfigHash()
	b, err2 := s2.ConfigHash()
	if err1 != nil || err2 != nil || a != b {
		t.Errorf("hash changed on reload: %s → %s", a, b)
	}
}

// TestSaverTaxErrors: the tax keys of savers, at their lines.
func TestSaverTaxErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		sets      []string
		want      string
	}{
		{"capital", saverDoc, []string{"tax.capital_rate=1.5"}, "--set: tax.capital_rate: must be in [0, 1]"},
		{"wealth", saverDoc, []string{"tax.wealth_rate=1"}, "tax.wealth_rate: must be in [0, 1)"},
		{"exemption", saverDoc, []string{"tax.wealth_exemption=-1"}, "tax.wealth_exemption: must be non-negative"},
		{"hsv needs lambda", saverDoc, []string{"tax.kind=hsv", "tax.progressivity=0.1"}, "tax.lambda: is required"},
		{"hsv progressivity", saverDoc, []string{"tax.kind=hsv", "tax.lambda=0.9", "tax.progressivity=1"}, "tax.progressivity: must be in (-1, 1)"},
		{"lambda for brackets", saverDoc, []string{"tax.lambda=0.9"}, "tax.lambda: does not apply unless tax.kind = \"hsv\""},
		{"kind", saverDoc, []string{"tax.kind=vat"}, "tax.kind: must be brackets or hsv"},
		{"instrument", saverDoc, []string{"planner.instrument=land"}, "planner.instrument: must be labor, capital_rate"},
		{"instrument brackets", saverDoc, []string{"planner.instrument=wealth_rate", "tax.cutoffs=[0, 10]"}, "planner.instrument: wealth_rate is one rate"},
		{"capital for workers", "[tax]\ncapital_rate = 0.2\n", nil, "f.toml:2: tax.capital_rate: does not apply unless agents.behavior = \"saver\""},
		{"switch without after", saverDoc, []string{"planner.kind=fixed", "planner.rates=[0]", "planner.switch_round=10"}, "planner.after: is required"},
		{"switch off period", saverDoc, []string{"planner.kind=fixed", "planner.rates=[0]", "planner.after=[0.1]", "planner.switch_round=15"}, "planner.switch_round: must be a multiple of tax.period"},
		{"switch for flat", "", []string{"planner.kind=flat", "planner.rate=0.1", "planner.switch_round=10"}, "planner.switch_round: does not apply unless planner.kind = \"fixed\""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.toml", []byte(c.doc), c.sets)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v does not contain %q", err, c.want)
			}
		})
	}
}

// TestRuleOfThumbKeys: the rules' keys and defaults.
func TestRuleOfThumbKeys(t *testing.T) {
	s, err := Parse("f.toml", []byte(saverDoc), []string{"agents.saving=buffer_stock"})
	if err != nil {
		t.Fatal(err)
	}
	if sv := s.EngineConfig(1).Households.Saver; sv.Saving != "buffer_stock" || sv.Target != 3 || sv.Speed != 0.2 {
		t.Errorf("buffer_stock defaults: %+v", sv)
	}
	for _, c := range []struct {
		sets []string
		want string
	}{
		{[]string{"agents.saving=fixed_rate", "agents.saving_rate=1"}, "agents.saving_rate: must be in [0, 1)"},
		{[]string{"agents.saving=buffer_stock", "agents.speed=0"}, "agents.speed: must be in (0, 1]"},
		{[]string{"agents.saving_rate=0.1"}, "agents.saving_rate: does not apply unless agents.saving = \"fixed_rate\""},
		{[]string{"agents.saving=hoard"}, "agents.saving: must be optimal, fixed_rate, buffer_stock or llm"},
	} {
		if _, err := Parse("f.toml", []byte(saverDoc), c.sets); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.sets, err, c.want)
		}
	}
}

// TestLLMSaverKeys: agents.saving = "llm" needs the [llm] table and builds
// LLM savers with its archetypes, samples and re-asks.
func TestLLMSaverKeys(t *testing.T) {
	if _, err := Parse("f.toml", []byte(saverDoc), []string{"agents.saving=llm"}); err == nil || !strings.Contains(err.Error(), "an [llm] table") {
		t.Errorf("no [llm] table: error %v", err)
	}
	doc := saverDoc + "[llm]\nbase_url = \"http://localhost:1/v1\"\nmodel = \"m\"\narchetypes = 14\n"
	s, err := Parse("f.toml", []byte(doc), []string{"agents.saving=llm"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _, err := s.Build(1, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if ls := cfg.LLMSavers; ls == nil || ls.Archetypes != 14 || ls.Client == nil || cfg.LLM == nil {
		t.Errorf("LLM savers %+v, client %v", ls, cfg.LLM)
	}
}

// TestHouseholdObjectiveKey: planner.objective may name a household column
// for savers, not for workers.
func TestHouseholdObjectiveKey(t *testing.T) {
	if _, err := Parse("f.toml", []byte(saverDoc), []string{"planner.objective=wealth_mean"}); err != nil {
		t.Errorf("savers, objective wealth_mean: %v", err)
	}
	if _, err := Parse("f.toml", []byte(""), []string{"planner.objective=wealth_mean"}); err == nil || !strings.Contains(err.Error(), "planner.objective: \"wealth_mean\" is a metric of households that save") {
		t.Errorf("workers, objective wealth_mean: %v", err)
	}
}

// TestElasticKeys: utility.labor = "elastic" for savers, its kappa default
// and its refusals.
func TestElasticKeys(t *testing.T) {
	s, err := Parse("f.toml", []byte(saverDoc), []string{"utility.labor=elastic"})
	if err != nil {
		t.Fatal(err)
	}
	if h := s.EngineConfig(1).Households.Hours; h == nil || h.Kappa != 0.5 || h.Elasticity != 0.5 || h.Max != 5000 {
		t.Errorf("hours %+v", h)
	}
	for _, c := range []struct {
		sets []string
		want string
	}{
		{[]string{"utility.labor=sometimes"}, "utility.labor: must be inelastic or elastic"},
		{[]string{"utility.kappa=1"}, `utility.kappa: does not apply to savers with utility.labor = "inelastic"`},
		{[]string{"utility.labor=elastic", "tax.kind=hsv", "tax.lambda=0.9", "tax.progressivity=0.1"}, "utility.labor: elastic hours work with the bracket schedule"},
		{[]string{"utility.labor=elastic", "agents.saving=fixed_rate"}, `utility.labor: elastic hours are for agents.saving = "optimal"`},
		{[]string{"utility.labor=elastic", "utility.kappa=-1"}, "utility.kappa: must be positive"},
		{[]string{"utility.labor=elastic", "planner.kind=fixed", "tax.cutoffs=[0, 1]", "planner.rates=[0.3, 0.1]"}, "planner.rates: elastic hours need non-decreasing"},
	} {
		if _, err := Parse("f.toml", []byte(saverDoc), c.sets); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.sets, err, c.want)
		}
	}
	if _, err := Parse("f.toml", []byte(""), []string{"utility.labor=elastic"}); err == nil || !strings.Contains(err.Error(), "utility.labor: does not apply unless") {
		t.Errorf("workers: %v", err)
	}
}

// TestSaverStartErrors: starts the economy cannot make are refused at their
// keys — no income risk (no stationary equilibrium), and households who all
// start with nothing (no capital for the firm in round 0).
func TestSaverStartErrors(t *testing.T) {
	for _, c := range []struct {
		sets []string
		want string
	}{
		{[]string{"population.productivity.sigma=0"}, "population.productivity.sigma: households without income risk"},
		{[]string{"population.productivity.states=1"}, "population.productivity.states: households without income risk"},
		{[]string{"agents.initial_wealth=zero"}, "agents.initial_wealth: households who all start with nothing"},
		{[]string{"agents.initial_wealth=value", "agents.initial_value=0"}, "agents.initial_value: households who all start with nothing"},
	} {
		if _, err := Parse("f.toml", []byte(saverDoc), c.sets); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.sets, err, c.want)
		}
	}
	doc := saverDoc + "[population]\nproductivity = { process = \"markov\", levels = [2, 2], transition = [[0.5, 0.5], [0.5, 0.5]] }\n"
	if _, err := Parse("f.toml", []byte(doc), nil); err == nil || !strings.Contains(err.Error(), "f.toml:10: population.productivity.levels: households without income risk") {
		t.Errorf("equal levels: %v", err)
	}
}

// TestLLMSaverArchetypes: LLM savers are grouped by state first, so fewer
// archetypes than states (0 and 1 among them, which mean other things for
// workers) are refused with the reason.
func TestLLMSaverArchetypes(t *testing.T) {
	doc := saverDoc + "[llm]\nbase_url = \"http://127.0.0.1:1/v1\"\nmodel = \"m\"\n"
	for _, a := range []string{"0", "1", "6"} {
		_, err := Parse("f.toml", []byte(doc), []string{"agents.saving=llm", "llm.archetypes=" + a})
		if err == nil || !strings.Contains(err.Error(), "llm.archetypes: LLM savers are asked by productivity state") {
			t.Errorf("archetypes %s: %v", a, err)
		}
	}
	if _, err := Parse("f.toml", []byte(doc), []string{"agents.saving=llm", "llm.archetypes=7"}); err != nil {
		t.Errorf("archetypes 7: %v", err)
	}
}

// TestSetMatrix: a matrix key is set from --set as TOML writes it (it
// reached a reflect.Set of the wrong type and panicked); a flat list is an
// error naming the form.
func TestSetMatrix(t *testing.T) {
	doc := saverDoc + "[population]\nproductivity = { process = \"markov\", levels = [1, 2], transition = [[0.9, 0.1], [0.1, 0.9]] }\n"
	s, err := Parse("f.toml", []byte(doc), []string{"population.productivity.transition=[[0.5, 0.5], [0.2, 0.8]]"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Population.Productivity.Transition; len(got) != 2 || got[1][1] != 0.8 {
		t.Errorf("transition %v", got)
	}
	if _, err := Parse("f.toml", []byte(doc), []string{"population.productivity.transition=[0.5]"}); err == nil || !strings.Contains(err.Error(), "want a list of lists of numbers") {
		t.Errorf("flat list: %v", err)
	}
}

// TestSaverDefaultSchedule: households that save with no schedule given get
// one rate (cutoffs [0]), not the dollar brackets workers default to.
func TestSaverDefaultSchedule(t *testing.T) {
	doc := strings.Replace(saverDoc, "cutoffs = [0]\n", "", 1)
	s, err := Parse("f.toml", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Tax.Cutoffs; len(c) != 1 || c[0] != 0 {
		t.Errorf("cutoffs %v, want [0]", c)
	}
}
