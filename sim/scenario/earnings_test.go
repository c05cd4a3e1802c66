package scenario

import (
	"math"
	"strings"
	"testing"
)

// TestEarningsPresets: a preset sets persistence and the unconditional
// s.d. its source implies, sigma_innovation is the innovation's s.d., and
// both reload from the resolved file as given.
func TestEarningsPresets(t *testing.T) {
	const pre = "population.productivity."
	for _, c := range []struct {
		name       string
		sets       []string
		rho, sigma float64
	}{
		// Flodén and Lindé (2001): innovation variance 0.0426, so the
		// unconditional s.d. is √(0.0426/(1 − 0.9136²)) = 0.50760
		{"floden_linde_2001", []string{pre + "preset=floden_linde_2001"}, 0.9136, 0.50760},
		{"aiyagari_1994", []string{pre + "preset=aiyagari_1994"}, 0.6, 0.4},
		// ρ 0.9, innovation s.d. 0.2: 0.2/√0.19 = 0.458831
		{"innovation", []string{pre + "rho=0.9", pre + "sigma_innovation=0.2"}, 0.9, 0.458831},
	} {
		s, err := Parse("f.toml", []byte(saverDoc), c.sets)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		p := s.EngineConfig(1).Households.Productivity
		if math.Abs(p.Rho-c.rho) > 1e-12 || math.Abs(p.Sigma-c.sigma) > 1e-5 {
			t.Errorf("%s: ρ %v, σ %v; want %v, %v", c.name, p.Rho, p.Sigma, c.rho, c.sigma)
		}
		enc, err := s.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if c.name != "innovation" && (strings.Contains(string(enc), "rho =") || strings.Contains(string(enc), "sigma =")) {
			t.Errorf("%s: the resolved file writes the preset's values as keys:\n%s", c.name, enc)
		}
		s2, err := Parse("r.toml", enc, nil)
		if err != nil {
			t.Fatalf("%s: the resolved file does not reload: %v", c.name, err)
		}
		if p2 := s2.EngineConfig(1).Households.Productivity; p2.Rho != p.Rho || p2.Sigma != p.Sigma {
			t.Errorf("%s: reloaded ρ %v, σ %v; was %v, %v", c.name, p2.Rho, p2.Sigma, p.Rho, p.Sigma)
		}
	}
}

// TestEarningsErrors: presets, the innovation's s.d. and the top state are
// checked at their keys.
func TestEarningsErrors(t *testing.T) {
	const pre = "population.productivity."
	markov := saverDoc + "[population]\nproductivity = { process = \"markov\", levels = [1, 2], transition = [[0.9, 0.1], [0.1, 0.9]], preset = \"aiyagari_1994\" }\n"
	for _, c := range []struct {
		name, doc string
		sets      []string
		want      string
	}{
		{"unknown preset", saverDoc, []string{pre + "preset=sty"}, `--set: population.productivity.preset: unknown preset "sty"; the presets are aiyagari_1994, floden_linde_2001`},
		{"rho with a preset", saverDoc, []string{pre + "preset=floden_linde_2001", pre + "rho=0.5"}, `population.productivity.rho: does not apply with preset = "floden_linde_2001"`},
		{"sigma with a preset", saverDoc, []string{pre + "preset=floden_linde_2001", pre + "sigma_innovation=0.1"}, `population.productivity.sigma_innovation: does not apply with preset`},
		{"both dispersions", saverDoc, []string{pre + "sigma=0.3", pre + "sigma_innovation=0.1"}, "population.productivity.sigma_innovation: give the dispersion once"},
		{"preset for markov", markov, nil, `f.toml:10: population.productivity.preset: does not apply unless process = "ar1"`},
		{"negative innovation", saverDoc, []string{pre + "sigma_innovation=-0.1"}, "population.productivity.sigma: must be in [0, 10]"},
		{"top level", saverDoc, []string{pre + "top_state.level=0.5", pre + "top_state.entry=0.01", pre + "top_state.stay=0.9"}, "--set: population.productivity.top_state.level: must be above 1"},
		{"top entry", saverDoc, []string{pre + "top_state.level=50", pre + "top_state.entry=0", pre + "top_state.stay=0.9"}, "population.productivity.top_state.entry: must be a probability in (0, 0.5)"},
		{"top stay", saverDoc, []string{pre + "top_state.level=50", pre + "top_state.entry=0.01", pre + "top_state.stay=1"}, "population.productivity.top_state.stay: must be a probability in [0, 1)"},
		{"top missing", saverDoc, []string{pre + "top_state.level=50"}, "population.productivity.top_state.entry: is missing: a top state needs level, entry and stay"},
		{"top on 255 states", saverDoc, []string{pre + "states=255", pre + "top_state.level=50", pre + "top_state.entry=0.01", pre + "top_state.stay=0.9"}, "population.productivity.top_state: adds a state to the 255 there are"},
	} {
		_, err := Parse("f.toml", []byte(c.doc), c.sets)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}
