package sim

import (
	"context"
	"errors"
	"fmt"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/rng"
	"github.com/econsim/econsim/sim/tax"
)

// newPopulation draws the workers from the stream (seed, "skill", 0): their
// skills (and personas), or for the calibrated US population
// (agents.USEarnings) their targets, inverted as agents.Calibrate says.
func newPopulation(ctx context.Context, cfg Config, u *agents.Utility) (*agents.Population, error) {
	r := rng.Stream(cfg.Seed, "skill", 0)
	if cfg.Skill.Dist != agents.USEarnings {
		skill, occ, age := cfg.Skill.Draw(cfg.Agents, r)
		pop := agents.NewPopulation(skill, u)
		pop.Occupation, pop.Age = occ, age
		return pop, nil
	}
	c, err := agents.Calibrate(ctx, cfg.Agents, r, agents.USEarnings2024(), agents.USHours2016(), *u, baseline2024(), cfg.HoursMax)
	if err != nil {
		var fe *field.Error
		if errors.As(err, &fe) { // the utility cannot reach the targets
			err = field.Within("Utility", err)
		}
		return nil, fmt.Errorf("calibrating the population: %w", err)
	}
	return c.Population(), nil
}

// calibrationProbe bounds the workers Config.Validate calibrates to check
// that the utility reaches every target: the whole population up to it (the
// same draws as the run's), so that validate says what the run would.
const calibrationProbe = 100_000

// baseline2024 is the schedule the calibration targets were earned under:
// the 2024 federal taxes on a single filer's wage at the statutory rates,
// whatever reform (tax.system overrides, other rates) the scenario studies.
func baseline2024() tax.Schedule {
	sys := tax.US2024Single()
	s, err := sys.Compile(tax.USFederalRates(), tax.Bounds{Min: -1, Max: 1})
	if err != nil {
		panic("sim: the 2024 system does not compile: " + err.Error())
	}
	return s
}
