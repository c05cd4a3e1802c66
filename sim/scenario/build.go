package scenario

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/rng"
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
	var u agents.Utility
	if !s.savers() { // savers' utility is their Households.Saver's
		u = agents.Utility{Kind: uk, Elasticity: s.Utility.Elasticity, Kappa: val(s.Utility.Kappa), Eta: val(s.Utility.Eta)}
	}
	return sim.Config{
		Seed:           s.Seed,
		Agents:         s.Population.Agents,
		Rounds:         s.Rounds,
		Period:         s.Tax.Period,
		HoursMax:       s.Population.HoursMax,
		Skill:          s.skillDist(),
		Utility:        u,
		Behavior:       agents.Behavior{Kind: bk, Noise: val(s.Agents.Noise), Adjustment: val(s.Agents.Adjustment)},
		Cutoffs:        s.Tax.Cutoffs,
		Bounds:         tax.Bounds{Min: s.Tax.RateMin, Max: s.Tax.RateMax},
		System:         s.system(),
		Redistribution: sim.Redistribution{Kind: s.Tax.Redistribution, Share: val(s.Tax.Share)},
		Objective:      s.Planner.Objective,
		Market:         s.marketConfig(),
		Households:     s.householdsConfig(),
		Notice:         s.notice(),
		Workers:        workers,
	}
}

// notice is the rounds between a foreseen reform's announcement and its
// taking effect.
func (s *Scenario) notice() int {
	if pl := s.Planner; pl.AnnounceRound != nil && s.savers() && s.Agents.Expectations == household.PerfectForesight {
		return pl.SwitchRound - *pl.AnnounceRound
	}
	return 0
}

// marketConfig returns the market's configuration (the zero value, a fixed
// wage, unless market.kind = "production").
func (s *Scenario) marketConfig() market.Config {
	m := s.Market
	if kind, _ := market.ParseKind(m.Kind); kind != market.Production {
		return market.Config{}
	}
	return market.Config{
		Kind: market.Production, Alpha: val(m.Alpha), TFP: val(m.TFP), Capital: val(m.Capital),
		Ownership: m.Ownership, OwnershipPower: val(m.OwnershipPower), TaxCapital: m.TaxCapital,
		Depreciation: val(m.Depreciation), Saving: val(m.Saving), Tolerance: val(m.Tolerance), Rented: s.savers(),
	}
}

// llmConfig returns the client configuration of the [llm] table.
func (s *Scenario) llmConfig() llm.Config {
	l := s.LLM
	return llm.Config{
		BaseURL: l.BaseURL, Model: l.Model, APIKeyEnv: l.APIKeyEnv, Temperature: *l.Temperature,
		MaxTokens: l.MaxTokens, Timeout: time.Duration(*l.Timeout * float64(time.Second)),
		MaxConcurrency: l.MaxConcurrency, RequestsPerMinute: *l.RequestsPerMinute, Retries: *l.Retries,
		JSONMode: *l.JSONMode, CachePath: l.Cache, CacheMode: l.CacheMode,
		InputPerMillion: l.Price.InputPerMillion, OutputPerMillion: l.Price.OutputPerMillion, Seed: s.Seed,
		TokenField: l.TokenLimitField, MaxConnectionFailures: *l.MaxConnectionFailures,
	}
}

// Build returns the engine's configuration and planner for a validated
// scenario, with the LLM client when the scenario uses one (its key read
// through getenv). workers never changes results.
func (s *Scenario) Build(workers int, getenv func(string) string) (sim.Config, planner.Planner, error) {
	cfg := s.EngineConfig(workers)
	var client *llm.Client
	if s.usesLLM() {
		c, err := llm.New(s.llmConfig(), getenv)
		if err != nil {
			// The client's field errors (an unset key variable) are the
			// scenario's keys' errors, exit status 2 in the command.
			v := &validator{}
			v.addFields(llmPart, err)
			for _, e := range v.errs {
				e.File = s.file
			}
			return cfg, nil, v.errs
		}
		client = c
		cfg.LLM, cfg.MaxCost, cfg.MaxFallbackShare = c, *s.LLM.MaxCost, s.LLM.MaxFallbackShare
		if s.savers() && s.Agents.Saving == agents.SaveLLM {
			cfg.LLMSavers = &agents.LLMSavers{Client: c, Archetypes: *s.LLM.Archetypes, Samples: s.LLM.Samples, Reasks: *s.LLM.Reasks}
		}
		if s.Agents.Behavior == "llm" {
			cfg.LLMWorkers = &agents.LLMWorkers{Client: c, Archetypes: *s.LLM.Archetypes, Samples: s.LLM.Samples,
				Reasks: *s.LLM.Reasks, HoursMax: s.Population.HoursMax, Elasticity: s.Utility.Elasticity}
		}
	}
	p, err := s.newPlannerWith(client)
	return cfg, p, err
}

// NewPlanner returns the scenario's planner (for scenarios without an LLM).
// Planners that draw take their stream from (seed, "planner", i), i = 0 for
// the planner and 1, 2, … for a vote's candidates.
func (s *Scenario) NewPlanner() (planner.Planner, error) { return s.newPlannerWith(nil) }

func (s *Scenario) newPlannerWith(client *llm.Client) (planner.Planner, error) {
	s.client = client
	p, err := s.newPlanner(s.Planner.Kind, 0)
	if err != nil {
		return nil, err
	}
	if s.Planner.ReportGap && s.Planner.Kind != "search" {
		p = &planner.WithGap{Planner: p, Objective: s.Planner.Objective, Budget: s.Planner.Budget}
	}
	return p, nil
}

func (s *Scenario) newPlanner(kind string, stream uint64) (planner.Planner, error) {
	pl := s.Planner
	draws := func() *rand.Rand { return rng.Stream(s.Seed, "planner", stream) }
	switch kind {
	case "none":
		return planner.None(), nil
	case "flat":
		return planner.Flat(*pl.Rate), nil
	case "fixed":
		return &planner.Fixed{Rates: pl.Rates, SwitchRound: pl.SwitchRound, After: pl.After}, nil
	case "us_federal":
		return planner.USFederal(), nil
	case "search":
		return &planner.Search{Objective: pl.Objective, Budget: pl.Budget}, nil
	case "saez":
		return &planner.Saez{Weights: pl.Weights, Elasticity: val(pl.Elasticity), Rand: draws()}, nil
	case "llm":
		if s.client == nil {
			return nil, fmt.Errorf("planner.kind = \"llm\" needs the [llm] client")
		}
		return &planner.LLM{Client: s.client, Objective: pl.Objective, Reasks: *s.LLM.Reasks}, nil
	case "learn":
		return &planner.Learn{Objective: pl.Objective, Start: pl.Start, Step: *pl.Step, Perturbation: *pl.Perturbation, Rand: draws()}, nil
	case "vote":
		v := &planner.Vote{Rule: pl.Rule, Names: pl.Candidates, Perturbations: *pl.Perturbations, Rand: draws()}
		for i, c := range pl.Candidates {
			cp, err := s.newPlanner(c, uint64(i+1))
			if err != nil {
				return nil, err
			}
			v.Candidates = append(v.Candidates, cp)
		}
		return v, nil
	}
	return nil, fmt.Errorf("unknown planner %q", kind)
}

// OutputDir is output.dir with {name} and {seed} replaced. A scenario
// loaded with --set overrides writes to a folder of its own: the name is
// followed by "+" and the overrides other than seed (which {seed} places),
// so that runs of one file with different overrides do not collide;
// without {name} in output.dir, the folder itself is. Overriding name or
// output.dir chooses the folder instead, with no suffix.
func (s *Scenario) OutputDir() string {
	name, dir := s.Name, s.Output.Dir
	if suffix := s.setSuffix(); suffix != "" && !s.setBy["output.dir"] && !s.setBy["name"] {
		if strings.Contains(dir, "{name}") {
			name += "+" + suffix
		} else {
			dir = strings.TrimRight(dir, "/") + "+" + suffix
		}
	}
	return strings.NewReplacer("{name}", name, "{seed}", strconv.FormatUint(s.Seed, 10)).Replace(dir)
}

// maxSuffix is the longest override suffix OutputDir writes in full.
const maxSuffix = 64

// setSuffix is the overrides as a folder name: key=value joined by ",",
// with characters other than letters, digits and ._=- as "_"; past
// maxSuffix characters, its start and a hash of the whole.
func (s *Scenario) setSuffix() string {
	var parts []string
	for _, kv := range s.sets {
		if k, _, _ := strings.Cut(kv, "="); k != "seed" && k != "name" && k != "output.dir" {
			parts = append(parts, kv)
		}
	}
	full := strings.Join(parts, ",")
	b := []byte(full)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._=-,", c) >= 0) {
			b[i] = '_'
		}
	}
	if len(b) <= maxSuffix {
		return string(b)
	}
	h := sha256.Sum256([]byte(full))
	return string(b[:maxSuffix-9]) + "-" + hex.EncodeToString(h[:4])
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
