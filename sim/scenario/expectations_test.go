package scenario

import (
	"strings"
	"testing"

	"github.com/econsim/econsim/sim/household"
)

// reformSets make saverDoc a 1% wealth tax from round 10.
var reformSets = []string{"planner.kind=fixed", "planner.instrument=wealth_rate", "planner.rates=[0]", "planner.switch_round=10", "planner.after=[0.01]", "tax.period=10", "rounds=20"}

// TestExpectationDefaults: perfect foresight where it is solved, adaptive
// elsewhere; an unexpected reform by default.
func TestExpectationDefaults(t *testing.T) {
	for _, c := range []struct {
		name    string
		sets    []string
		want    household.Expectations
		horizon int
		notice  int
	}{
		{"optimal savers", nil, household.PerfectForesight, 300, 0},
		{"a reform", reformSets, household.PerfectForesight, 300, 0},
		{"an announced reform", append(reformSets[:len(reformSets):len(reformSets)], "planner.announce_round=4"), household.PerfectForesight, 300, 6},
		{"a planner that learns", []string{"planner.kind=search"}, household.Adaptive, 0, 0},
		{"a rule of thumb that foresees", []string{"agents.saving=buffer_stock", "agents.expectations=perfect_foresight"}, household.PerfectForesight, 300, 0},
		{"a rule of thumb", []string{"agents.saving=fixed_rate"}, household.Adaptive, 0, 0},
		{"elastic hours", []string{"utility.labor=elastic"}, household.PerfectForesight, 300, 0},
	} {
		s, err := Parse("f.toml", []byte(saverDoc), c.sets)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cfg := s.EngineConfig(1)
		if h := cfg.Households; h.Expectations != c.want || h.Horizon != c.horizon || cfg.Notice != c.notice {
			t.Errorf("%s: expectations %q, horizon %d, notice %d; want %q, %d, %d", c.name, h.Expectations, h.Horizon, cfg.Notice, c.want, c.horizon, c.notice)
		}
	}
}

// TestExpectationErrors: every expectation key is checked at its key.
func TestExpectationErrors(t *testing.T) {
	with := func(sets ...string) []string { return append(reformSets[:len(reformSets):len(reformSets)], sets...) }
	for _, c := range []struct {
		name string
		sets []string
		want string
	}{
		{"announced after the switch", with("planner.announce_round=11"), "--set: planner.announce_round: must be between 0 and planner.switch_round (10)"},
		{"announced before round 0", with("planner.announce_round=-1"), "planner.announce_round: must be between 0 and planner.switch_round (10)"},
		{"announced without a reform", []string{"planner.announce_round=0"}, "planner.announce_round: announces the reform at planner.switch_round, which is not set"},
		{"a planner that learns", []string{"planner.kind=search", "agents.expectations=perfect_foresight"}, `--set: agents.expectations: perfect foresight needs a planner that sets its schedules in advance (none, flat, fixed or us_federal), not "search"`},
		{"a horizon for adaptive", []string{"agents.expectations=adaptive", "agents.transition_horizon=100"}, "agents.transition_horizon: does not apply unless agents.expectations = \"perfect_foresight\" or the planner's objective counts the transition"},
		{"an announcement for adaptive", with("agents.expectations=adaptive", "planner.announce_round=5"), "planner.announce_round: does not apply unless"},
		{"a horizon of 1", []string{"agents.transition_horizon=1"}, "agents.transition_horizon: must be between 2 and 2000 rounds"},
		{"a horizon of 10⁶", []string{"agents.transition_horizon=1000000"}, "agents.transition_horizon: must be between 2 and 2000 rounds"},
		{"a horizon shorter than the notice", with("planner.announce_round=0", "agents.transition_horizon=11"), "agents.transition_horizon: must extend at least two rounds past the reform's notice (10 rounds), got 11"},
		{"an unknown kind", []string{"agents.expectations=rational"}, `agents.expectations: must be "adaptive" or "perfect_foresight", got "rational"`},
		{"workers", nil, "agents.expectations: does not apply unless agents.behavior = \"saver\""},
	} {
		doc := saverDoc
		if c.name == "workers" {
			doc = "[agents]\nexpectations = \"adaptive\"\n"
		}
		_, err := Parse("f.toml", []byte(doc), c.sets)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}
