package scenario

import (
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

const minimal = `name = "t"
rounds = 3

[population]
agents = 10
skill = { dist = "lognormal", mu = 3.0, sigma = 0.6 }

[tax]
cutoffs = [0, 100]

[planner]
kind = "fixed"
rates = [0.1, 0.2]
`

func TestExampleScenariosLoad(t *testing.T) {
	files, _ := filepath.Glob("../../scenarios/*.toml")
	if len(files) < 4 {
		t.Fatalf("found %d scenarios, want at least 4", len(files))
	}
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "sweep-") {
			if _, err := Load(f, nil); err == nil || !strings.Contains(err.Error(), "sim sweep") {
				t.Errorf("%s: a sweep file loaded as a scenario should point to 'sim sweep': %v", f, err)
			}
			continue
		}
		if strings.HasPrefix(filepath.Base(f), "calibrate-") {
			if _, err := Load(f, nil); err == nil || !strings.Contains(err.Error(), "sim calibrate") {
				t.Errorf("%s: a calibration file loaded as a scenario should point to 'sim calibrate': %v", f, err)
			}
			continue
		}
		if _, err := Load(f, nil); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestDefaults(t *testing.T) {
	s, err := Parse("x/empty.toml", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "empty" || s.Seed != 1 || s.Rounds != 50 || s.Population.Agents != 1000 ||
		s.Planner.Kind != "us_federal" || len(s.Tax.Cutoffs) != 7 || *s.Utility.Kappa != 4e-6 ||
		s.Population.Skill.Dist != "lognormal" || *s.Population.Skill.Mu != 3 {
		t.Errorf("defaults not as documented: %+v", s)
	}
	s, err = Parse("iso.toml", []byte("[utility]\nkind = \"isoelastic\"\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if *s.Utility.Kappa != 1.25e-10 || *s.Utility.Eta != 1 {
		t.Errorf("isoelastic defaults: kappa %v eta %v", *s.Utility.Kappa, *s.Utility.Eta)
	}
	s, err = Parse("gb2.toml", []byte("[population]\nskill = { dist = \"gb2\", preset = \"us_acs_2023\" }\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if k := s.Population.Skill; *k.Mu != 72402.78 || *k.Tau != 1.14104 || *k.HoursPerYear != 2080 || k.Preset != "" {
		t.Errorf("gb2 preset not expanded: %+v", k)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name string
		doc  string
		sets []string
		want []string // substrings of the message
	}{
		{"malformed", "rounds = 3\n[population\nagents = 1\n", nil, []string{"f.toml:2: "}},
		{"malformed value", "rounds = 3\nseed = = 4\n", nil, []string{"f.toml:2: "}},
		{"unknown key", "[population]\nagent = 5\n", nil, []string{"f.toml:2: population.agent: unknown key (did you mean population.agents?)"}},
		{"wrong type", "[population]\nagents = \"many\"\n", nil, []string{"f.toml:2: population.agents: wrong type"}},
		{"non-increasing cutoffs", "[tax]\ncutoffs = [0, 10, 10]\n[planner]\nkind = \"none\"\n", nil, []string{"f.toml:2: tax.cutoffs: cutoffs must be strictly increasing"}},
		{"first cutoff", "[tax]\ncutoffs = [5]\n[planner]\nkind = \"none\"\n", nil, []string{"f.toml:2: tax.cutoffs: the first cutoff must be 0"}},
		{"rate out of bounds", "[tax]\ncutoffs = [0]\n[planner]\nkind = \"flat\"\nrate = 1.5\n", nil, []string{"f.toml:5: planner.rate: 1.5 is outside"}},
		{"rates count", "[tax]\ncutoffs = [0, 1]\n[planner]\nkind = \"fixed\"\nrates = [0.1]\n", nil, []string{"f.toml:5: planner.rates: has 1 rates but the schedule has 2"}},
		{"agents zero", "[population]\nagents = 0\n", nil, []string{"f.toml:2: population.agents: must be between 1"}},
		{"agents negative", "[population]\nagents = -4\n", nil, []string{"population.agents: must be between 1"}},
		{"elasticity zero", "[utility]\nelasticity = 0.0\n", nil, []string{"f.toml:2: utility.elasticity: must be positive"}},
		{"nan", "[utility]\nkappa = nan\n", nil, []string{"f.toml:2: utility.kappa: must be positive and finite, got NaN"}},
		{"inf", "[population]\nhours_max = inf\n", nil, []string{"f.toml:2: population.hours_max: must be positive and finite, got +Inf"}},
		{"inline skill param", "[population]\nskill = { dist = \"lognormal\", mu = 3.0 }\n", nil, []string{"f.toml:2: population.skill.sigma: is required"}},
		{"inapplicable", "[population]\nskill = { dist = \"lognormal\", mu = 3.0, sigma = 1.0, alpha = 2.0 }\n", nil, []string{"population.skill.alpha: does not apply"}},
		{"negative sigma", "[population]\nskill = { dist = \"lognormal\", mu = 3.0, sigma = -1.0 }\n", nil, []string{"f.toml:2: population.skill.sigma: must be positive"}},
		{"unknown planner", "[planner]\nkind = \"magic\"\n", nil, []string{"f.toml:2: planner.kind: unknown planner \"magic\""}},
		{"us_federal brackets", "[tax]\ncutoffs = [0, 10]\n", nil, []string{"planner.kind: us_federal needs the 7 brackets"}},
		{"both brackets", "[tax]\nbrackets = \"us_federal_2024\"\ncutoffs = [0]\n", nil, []string{"f.toml:3: tax.cutoffs: give either"}},
		{"objective", "[planner]\nobjective = \"happiness\"\n", nil, []string{"planner.objective: unknown metric"}},
		{"several at once", "rounds = 0\n[population]\nagents = 0\n", nil, []string{"f.toml:1: rounds", "f.toml:3: population.agents"}},
		{"rate for search", "[planner]\nkind = \"search\"\nrate = 0.2\n", nil, []string{"f.toml:3: planner.rate: does not apply"}},
		{"budget zero", "[planner]\nkind = \"search\"\nbudget = -1\n", nil, []string{"f.toml:3: planner.budget: must be at least 1"}},
		{"saez weights", "[planner]\nkind = \"saez\"\nweights = \"rich\"\n", nil, []string{"f.toml:3: planner.weights: must be inv_income, uniform or rawls"}},
		{"saez elasticity", "[planner]\nkind = \"saez\"\nelasticity = 0.0\n", nil, []string{"f.toml:3: planner.elasticity: must be positive"}},
		{"learn start", "[planner]\nkind = \"learn\"\nstart = [0.1, 0.2]\n", nil, []string{"f.toml:3: planner.start: has 2 rates"}},
		{"vote candidate", "[planner]\nkind = \"vote\"\ncandidates = [\"king\"]\n", nil, []string{"planner.candidates[0]: unknown candidate planner \"king\""}},
		{"vote flat needs rate", "[planner]\nkind = \"vote\"\ncandidates = [\"flat\"]\n", nil, []string{"planner.rate: is required"}},
		{"vote rule", "[planner]\nkind = \"vote\"\nrule = \"dice\"\n", nil, []string{"f.toml:3: planner.rule: must be plurality or borda"}},
		{"rule without vote", "[planner]\nrule = \"borda\"\n", nil, []string{"f.toml:2: planner.rule: does not apply"}},
		{"set bool", "", []string{"planner.report_gap=maybe"}, []string{"--set: planner.report_gap: want true or false"}},
		{"market key on fixed wage", "[market]\nalpha = 0.3\n", nil, []string{"f.toml:2: market.alpha: does not apply"}},
		{"alpha", "[market]\nkind = \"production\"\nalpha = 1.0\n", nil, []string{"f.toml:3: market.alpha: must be in (0, 1)"}},
		{"capital", "[market]\nkind = \"production\"\ncapital = 0.0\n", nil, []string{"f.toml:3: market.capital: must be positive"}},
		{"ownership", "[market]\nkind = \"production\"\nownership = \"state\"\n", nil, []string{"f.toml:3: market.ownership: must be equal or skill"}},
		{"ownership power", "[market]\nkind = \"production\"\nownership_power = 2.0\n", nil, []string{"f.toml:3: market.ownership_power: does not apply"}},
		{"market kind", "[market]\nkind = \"barter\"\n", nil, []string{"f.toml:2: market.kind: unknown market \"barter\" (want fixed_wage or production)"}},
		{"set unknown", "", []string{"population.agnts=5"}, []string{"--set: population.agnts: unknown key (did you mean population.agents?)"}},
		{"set wrong type", "", []string{"population.agents=lots"}, []string{"--set: population.agents: want an integer"}},
		{"set invalid value", "", []string{"population.agents=0"}, []string{"--set: population.agents: must be between 1"}},
		{"set table", "", []string{"population=3"}, []string{"--set: population: is a table"}},
		{"set no equals", "", []string{"rounds"}, []string{"want key=value"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.toml", []byte(c.doc), c.sets)
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error = %v, want scenario.Errors", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestSetOverrides(t *testing.T) {
	_, err := Parse("f.toml", []byte(minimal), []string{
		"population.agents=500", "planner.kind=flat", "planner.rates=", "planner.rate=0.25",
		"seed=42", `name="renamed"`, "tax.cutoffs=[0, 50, 200]", "population.skill.sigma=0.9",
	})
	if err == nil {
		t.Fatal("planner.rates= (an empty list) with kind flat should be rejected as not applicable")
	}
	s, err := Parse("f.toml", []byte(minimal), []string{
		"population.agents=500", "planner.rates=0.1,0.2,0.3", "seed=42", `name="renamed"`,
		"tax.cutoffs=[0, 50, 200]", "population.skill.sigma=0.9", "utility.elasticity=1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Population.Agents != 500 || s.Seed != 42 || s.Name != "renamed" || len(s.Tax.Cutoffs) != 3 ||
		*s.Population.Skill.Sigma != 0.9 || s.Utility.Elasticity != 1 || !reflect.DeepEqual(s.Planner.Rates, []float64{0.1, 0.2, 0.3}) {
		t.Errorf("overrides not applied: %+v", s)
	}
	if got := s.OutputDir(); got != "results/renamed/seed-42" {
		t.Errorf("OutputDir = %q", got)
	}
}

// TestBracketOverride: --set tax.cutoffs replaces a file's preset, and
// --set tax.brackets a file's cutoffs.
func TestBracketOverride(t *testing.T) {
	s, err := Parse("f.toml", []byte("[tax]\nbrackets = \"us_federal_2024\"\n[planner]\nkind = \"none\"\n"), []string{"tax.cutoffs=[0]"})
	if err != nil || len(s.Tax.Cutoffs) != 1 {
		t.Fatalf("cutoffs override: %v %v", err, s)
	}
	_, err = Parse("f.toml", []byte(minimal), []string{"tax.brackets=us_federal_2024", "planner.kind=none", "planner.rates="})
	if err == nil {
		t.Fatal("planner.rates with kind none accepted")
	}
	s, err = Parse("f.toml", []byte("[tax]\ncutoffs = [0, 10]\n[planner]\nkind = \"none\"\n"), []string{"tax.brackets=us_federal_2024"})
	if err != nil || len(s.Tax.Cutoffs) != 7 {
		t.Fatalf("brackets override: %v", err)
	}
}

// TestKindOverrideDropsStaleKeys: --set planner.kind=flat on a file written
// for a fixed planner drops its rates instead of rejecting them.
func TestKindOverrideDropsStaleKeys(t *testing.T) {
	s, err := Parse("f.toml", []byte(minimal), []string{"planner.kind=flat", "planner.rate=0.2"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Planner.Rates != nil || *s.Planner.Rate != 0.2 {
		t.Errorf("planner %+v", s.Planner)
	}
	// Without the override of the kind, the file's keys are still checked.
	if _, err := Parse("f.toml", []byte(minimal), []string{"planner.rate=0.2"}); err == nil {
		t.Error("planner.rate accepted for a fixed planner")
	}
}

func TestPlannerKeys(t *testing.T) {
	s, err := Parse("f.toml", []byte("[planner]\nkind = \"vote\"\ncandidates = [\"search\", \"learn\"]\n"),
		[]string{"planner.candidates=saez,learn", "planner.report_gap=true", "planner.perturbations=0"})
	if err != nil {
		t.Fatal(err)
	}
	pl := s.Planner
	if !reflect.DeepEqual(pl.Candidates, []string{"saez", "learn"}) || !pl.ReportGap || *pl.Perturbations != 0 ||
		pl.Rule != "plurality" || pl.Weights != "inv_income" || *pl.Step != 0.2 || pl.Budget != 400 {
		t.Errorf("planner keys not resolved as documented: %+v", pl)
	}
	if _, err := s.NewPlanner(); err != nil {
		t.Error(err)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, doc := range []string{minimal, "", "[agents]\nbehavior = \"noisy\"\n[tax]\nredistribution = \"targeted\"\n",
		"[planner]\nkind = \"vote\"\ncandidates = [\"saez\", \"flat\", \"learn\"]\nrate = 0.2\nperturbations = 0\nreport_gap = true\n",
		"[planner]\nkind = \"search\"\nobjective = \"rawls\"\n",
		"[market]\nkind = \"production\"\nownership = \"skill\"\ntax_capital = true\nsaving = 0.2\n",
		"[population]\nskill = { dist = \"gb2\", preset = \"us_acs_2023\" }\n[utility]\nkind = \"isoelastic\"\neta = 2.0\n"} {
		s, err := Parse("f.toml", []byte(doc), nil)
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, s)
	}
}

// roundTrip checks that s's encoding parses back to s.
func roundTrip(t *testing.T, s *Scenario) {
	t.Helper()
	out, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Parse("resolved.toml", out, nil)
	if err != nil {
		t.Fatalf("resolved scenario does not parse: %v\n%s", err, out)
	}
	s.notes, s.file, s.lines, s.setBy = nil, s2.file, s2.lines, s2.setBy
	if !reflect.DeepEqual(s, s2) {
		t.Fatalf("round trip changed the scenario:\n%+v\n%+v\n%s", s, s2, out)
	}
}

func TestKeyLines(t *testing.T) {
	doc := "a = 1 # c = 2\n[t] # comment\n  x = \"#\" \ny = { p = 1, q = [1, 2] }\n[u.v]\n\"w\" = 3\n"
	m := keyLines([]byte(doc))
	for k, want := range map[string]int{"a": 1, "t": 2, "t.x": 3, "t.y": 4, "t.y.p": 4, "t.y.q": 4, "u.v": 5, "u.v.w": 6} {
		if m[k] != want {
			t.Errorf("line of %s = %d, want %d", k, m[k], want)
		}
	}
	if _, ok := m["c"]; ok {
		t.Error("a key inside a comment was indexed")
	}
}

// FuzzParse: any input either fails with scenario.Errors (never a panic) or
// gives a scenario whose encoding parses back to the same scenario.
func FuzzParse(f *testing.F) {
	f.Add(minimal)
	f.Add("[population]\nagents = 0\n")
	f.Add("[tax]\ncutoffs = [0, nan]\n")
	f.Add("[population]\nskill = { dist = \"values\", values = [1.0, 2.0] }\n")
	f.Add(saverDoc + "[population]\nproductivity = { process = \"markov\", levels = [1, 2], transition = [[0.5, 0.5], [0.1, 0.9]] }\n")
	f.Add(saverDoc + "[utility]\nrisk_aversion = 2.0\n[population]\nproductivity = { process = \"ar1\", rho = 0.9, sigma = 0.2, states = 5, method = \"rouwenhorst\" }\n")
	f.Add(systemDoc + "payroll = false\neitc_max = 1000.0\nstandard_deduction = 0.0\n")
	f.Fuzz(func(t *testing.T, doc string) {
		s, err := Parse("f.toml", []byte(doc), nil)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if s.Population.Agents > 1e6 || s.Rounds > 1e6 {
			return
		}
		for _, c := range s.Tax.Cutoffs {
			if math.IsNaN(c) {
				t.Fatal("NaN cutoff accepted")
			}
		}
		roundTrip(t, s)
	})
}

// TestMalformedSetKeys: a --set key with an empty part was a panic
// (reflect on an unexported field); every one is now an error naming it.
func TestMalformedSetKeys(t *testing.T) {
	for _, kv := range []string{".=", ".x=1", " . =1", "a..b=1", "population.=3", ".population.agents=3", "population..agents=3", "=1", "llm.=1", "seed.x=1"} {
		_, err := Parse("m.toml", []byte(minimal), []string{kv})
		var es Errors
		if !errors.As(err, &es) || len(es) != 1 || es[0].File != "--set" {
			t.Errorf("--set %q: got %v, want one --set error", kv, err)
		}
	}
	for _, k := range []string{"", ".", ".x", "a.", "population.skill", "nope"} {
		if CheckKey(k) == nil {
			t.Errorf("CheckKey(%q) accepted it", k)
		}
	}
	for _, k := range []string{"population.agents", "llm.price.input_per_million", "population.skill.mu"} {
		if err := CheckKey(k); err != nil {
			t.Errorf("CheckKey(%q): %v", k, err)
		}
	}
}

// TestSeedRange: a negative seed wrapped to 2^64−1 and was written into
// scenario.toml, which then could not be read back.
func TestSeedRange(t *testing.T) {
	for _, c := range []struct {
		doc  string
		sets []string
	}{
		{"seed = -1\n", nil},
		{"seed = -9223372036854775808\n", nil},
		{"", []string{"seed=-1"}},
		{"", []string{"seed=9223372036854775808"}},
		{"", []string{"seed=18446744073709551615"}},
	} {
		_, err := Parse("s.toml", []byte(c.doc), c.sets)
		var es Errors
		if !errors.As(err, &es) || es[0].Key != "seed" {
			t.Errorf("%q %v: got %v, want a seed error", c.doc, c.sets, err)
		}
	}
	s, err := Parse("s.toml", []byte("seed = 9223372036854775807\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := s.Encode()
	if _, err := Parse("r.toml", out, nil); err != nil {
		t.Errorf("the largest seed does not read back: %v", err)
	}
}

func TestBadNames(t *testing.T) {
	for _, name := range []string{"../x", "a/b", `a\b`, "..", ".", "a\x00b", "a\nb", "tab\there"} {
		if _, err := Parse("n.toml", nil, []string{"name=" + strconv.Quote(name)}); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
}

// FuzzSet: any --set text is either applied or refused with an error; it
// never panics, and an accepted one leaves a scenario that round-trips.
func FuzzSet(f *testing.F) {
	for _, s := range []string{".=", "population.agents=5", "tax.cutoffs=[0,1]", "llm.model=x", "seed=-1", "a..b=1", "planner.rates=1,2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, kv string) {
		s, err := Parse("f.toml", []byte(minimal), []string{kv})
		if err != nil {
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		out, err := s.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse("resolved.toml", out, nil); err != nil {
			t.Fatalf("--set %q: resolved scenario does not parse: %v\n%s", kv, err, out)
		}
	})
}

// TestEveryTypeErrorReported: the decoder stops at the first wrong type;
// every one is reported, each at its line.
func TestEveryTypeErrorReported(t *testing.T) {
	doc := "rounds = \"ten\"\nseed = 1.5\n[population]\nagents = 2.5\nhours_max = 4000\nskill = { dist = 3 }\n[tax]\ncutoffs = [\"a\"]\n"
	_, err := Parse("t.toml", []byte(doc), nil)
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("got %v", err)
	}
	want := []struct {
		line int
		key  string
	}{{1, "rounds"}, {2, "seed"}, {4, "population.agents"}, {6, "population.skill.dist"}, {8, "tax.cutoffs"}}
	if len(es) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(es), len(want), err)
	}
	for i, w := range want {
		if es[i].Line != w.line || es[i].Key != w.key || !strings.Contains(es[i].Msg, "wrong type") {
			t.Errorf("error %d: %v, want line %d key %s", i, es[i], w.line, w.key)
		}
	}
}

func TestEmptyFileNoted(t *testing.T) {
	s, err := Parse("e.toml", []byte("# nothing\n"), nil)
	if err != nil || len(s.Notes()) != 1 || !strings.Contains(s.Notes()[0], "sets no keys") {
		t.Fatalf("got %v, %v", s, err)
	}
	if s, _ := Parse("m.toml", []byte(minimal), nil); len(s.Notes()) != 0 {
		t.Errorf("notes on a scenario with keys: %v", s.Notes())
	}
	dir := t.TempDir()
	for _, p := range []string{filepath.Join(dir, "missing.toml"), dir} {
		_, err := Load(p, nil)
		var es Errors
		if !errors.As(err, &es) || es[0].File != p {
			t.Errorf("Load(%s): got %v, want a scenario error naming the file", p, err)
		}
	}
}

// TestBuildNamesTheKeyVariable: an unset key variable is an error of
// llm.api_key_env (a scenario error), naming the variable.
func TestBuildNamesTheKeyVariable(t *testing.T) {
	doc := "[agents]\nbehavior = \"llm\"\n[llm]\nbase_url = \"http://127.0.0.1:1/v1\"\nmodel = \"m\"\napi_key_env = \"NO_SUCH_VARIABLE_X\"\n"
	s, err := Parse("l.toml", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Build(1, func(string) string { return "" })
	var es Errors
	if !errors.As(err, &es) || es[0].Key != "llm.api_key_env" || es[0].File != "l.toml" || !strings.Contains(es[0].Msg, "NO_SUCH_VARIABLE_X") {
		t.Errorf("got %v, want an llm.api_key_env error naming the variable", err)
	}
}

// TestFieldKeys: the model packages' field names map to the scenario's
// keys, renames included; an element keeps its index.
func TestFieldKeys(t *testing.T) {
	for _, c := range []struct {
		p          part
		name, want string
	}{
		{configPart, "Agents", "population.agents"},
		{configPart, "Market.OwnershipPower", "market.ownership_power"},
		{configPart, "Skill.HoursPerYear", "population.skill.hours_per_year"},
		{configPart, "Skill.Values[3]", "population.skill.values"},
		{configPart, "Bounds.Max", "tax.rate_max"},
		{configPart, "Redistribution.Share", "tax.share"},
		{configPart, "Behavior.Adjustment", "agents.adjustment"},
		{llmPart, "TokenField", "llm.token_limit_field"},
		{llmPart, "InputPerMillion", "llm.price.input_per_million"},
		{llmPart, "BaseURL", "llm.base_url"},
	} {
		if got, _, ok := c.p.key(c.name); got != c.want || !ok {
			t.Errorf("%s → %q (%v), want %q", c.name, got, ok, c.want)
		}
	}
	if _, _, ok := configPart.key("LLMWorkers"); ok {
		t.Error("the LLMWorkers error is not the file's")
	}
	if _, idx, _ := configPart.key("Skill.Values[3]"); idx != "[3]" {
		t.Errorf("index %q, want [3]", idx)
	}
}

// TestUnknownPresetOneError: an unknown bracket preset is one error, not
// also "cutoffs must not be empty".
func TestUnknownPresetOneError(t *testing.T) {
	_, err := Parse("b.toml", []byte("[tax]\nbrackets = \"nope\"\n"), nil)
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Key != "tax.brackets" {
		t.Errorf("got %v, want one tax.brackets error", err)
	}
}
