package scenario

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

func val(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func (s *Scenario) skillDist() agents.SkillDist {
	k := s.Population.Skill
	return agents.SkillDist{
		Dist: k.Dist, Mu: val(k.Mu), Sigma: val(k.Sigma), Alpha: val(k.Alpha),
		Min: val(k.Min), Max: val(k.Max), Nu: val(k.Nu), Tau: val(k.Tau),
		HoursPerYear: val(k.HoursPerYear), Values: k.Values,
	}
}

// EngineConfig returns the engine's configuration for a validated scenario,
// run on the given number of goroutines (which never changes results).
func (s *Scenario) EngineConfig(workers int) sim.Config {
	uk, _ := agents.ParseUtilityKind(s.Utility.Kind)
	bk, _ := agents.ParseBehaviorKind(s.Agents.Behavior)
	return sim.Config{
		Seed:           s.Seed,
		Agents:         s.Population.Agents,
		Rounds:         s.Rounds,
		Period:         s.Tax.Period,
		HoursMax:       s.Population.HoursMax,
		Skill:          s.skillDist(),
		Utility:        agents.Utility{Kind: uk, Elasticity: s.Utility.Elasticity, Kappa: *s.Utility.Kappa, Eta: val(s.Utility.Eta)},
		Behavior:       agents.Behavior{Kind: bk, Noise: val(s.Agents.Noise), Adjustment: val(s.Agents.Adjustment)},
		Cutoffs:        s.Tax.Cutoffs,
		Bounds:         tax.Bounds{Min: s.Tax.RateMin, Max: s.Tax.RateMax},
		Redistribution: sim.Redistribution{Kind: s.Tax.Redistribution, Share: val(s.Tax.Share)},
		Objective:      s.Planner.Objective,
		Workers:        workers,
	}
}

// NewPlanner returns the scenario's planner.
func (s *Scenario) NewPlanner() (planner.Planner, error) {
	switch s.Planner.Kind {
	case "none":
		return planner.None(), nil
	case "flat":
		return planner.Flat(*s.Planner.Rate), nil
	case "fixed":
		return &planner.Fixed{Rates: s.Planner.Rates}, nil
	case "us_federal":
		return planner.USFederal(), nil
	}
	return nil, fmt.Errorf("unknown planner %q", s.Planner.Kind)
}

// OutputDir is output.dir with {name} and {seed} replaced.
func (s *Scenario) OutputDir() string {
	return strings.NewReplacer("{name}", s.Name, "{seed}", strconv.FormatUint(s.Seed, 10)).Replace(s.Output.Dir)
}

// Encode renders the resolved scenario as TOML that Parse accepts and that
// resolves to the same scenario.
func (s *Scenario) Encode() ([]byte, error) {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(s); err != nil {
		return nil, fmt.Errorf("encode scenario: %w", err)
	}
	return b.Bytes(), nil
}
