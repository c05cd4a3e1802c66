package scenario

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/econsim/econsim/sim/agents"
)

// validateProductivityKeys refuses the keys of the other process.
func (s *Scenario) validateProductivityKeys(v *validator) {
	p := s.Population.Productivity
	ar1 := p.Process == "ar1"
	const pre = "population.productivity."
	if !ar1 {
		refuseEach(v, map[string]bool{pre + "rho": p.Rho != nil, pre + "sigma": p.Sigma != nil, pre + "states": p.States != nil, pre + "method": p.Method != "",
			pre + "preset": p.Preset != "", pre + "sigma_innovation": p.SigmaInnovation != nil}, `unless process = "ar1"`)
	}
	if _, ok := agents.EarningsPresets[p.Preset]; ar1 && p.Preset != "" {
		if !ok {
			v.add(pre+"preset", "unknown preset %q; the presets are %s", p.Preset, strings.Join(slices.Sorted(maps.Keys(agents.EarningsPresets)), ", "))
		}
		refuseEach(v, map[string]bool{pre + "rho": s.given(pre + "rho"), pre + "sigma": s.given(pre + "sigma"), pre + "sigma_innovation": p.SigmaInnovation != nil},
			fmt.Sprintf("with preset = %q, which sets persistence and dispersion", p.Preset))
	}
	if ar1 && s.given(pre+"sigma") && p.SigmaInnovation != nil {
		v.add(pre+"sigma_innovation", "give the dispersion once: sigma (the unconditional s.d. of log productivity) or sigma_innovation (the innovation's s.d.), not both")
	}
	if t := p.TopState; t != nil {
		for _, k := range []struct {
			name string
			x    *float64
		}{{"level", t.Level}, {"entry", t.Entry}, {"stay", t.Stay}} {
			if k.x == nil {
				v.add(pre+"top_state."+k.name, "is missing: a top state needs level, entry and stay")
			}
		}
	}
	notApplicable(v, p.Width != nil && !(ar1 && p.Method == "tauchen"), pre+"width", `unless process = "ar1" with method = "tauchen"`)
	notApplicable(v, p.Levels != nil && p.Process != "markov", pre+"levels", `unless process = "markov"`)
	notApplicable(v, p.Transition != nil && p.Process != "markov", pre+"transition", `unless process = "markov"`)
}
