package agents

import (
	"errors"
	"math"

	"github.com/econsim/econsim/sim/field"
)

// TopState is a state added to a productivity chain: its level is Level
// times the chain's stationary mean level (before the levels are scaled
// to mean 1), every other state enters it with probability Entry a round
// (its own transitions scaled by 1 − Entry), and it is kept with
// probability Stay, left otherwise for the other states in proportion to
// their stationary shares.
type TopState struct {
	Level, Entry, Stay float64
}

// validate checks the top state's parameters.
func (t *TopState) validate() error {
	var errs []error
	if !(t.Level > 1) || math.IsInf(t.Level, 0) || t.Level > 1e6 {
		errs = append(errs, field.Errorf("TopState.Level", "must be above 1 (times the mean level) and at most 1e6, got %v", t.Level))
	}
	if !(t.Entry > 0 && t.Entry < 0.5) {
		errs = append(errs, field.Errorf("TopState.Entry", "must be a probability in (0, 0.5), got %v", t.Entry))
	}
	if !(t.Stay >= 0 && t.Stay < 1) {
		errs = append(errs, field.Errorf("TopState.Stay", "must be a probability in [0, 1), got %v", t.Stay))
	}
	return errors.Join(errs...)
}

// withTop returns the chain (logs, P) with the top state t appended.
func withTop(logs, P []float64, t *TopState) ([]float64, []float64, error) {
	n := len(logs)
	pi, err := stationary(append([]float64(nil), P...), n)
	if err != nil {
		return nil, nil, err
	}
	mean := 0.0
	for s, lg := range logs {
		mean += pi[s] * math.Exp(lg)
	}
	m := n + 1
	out := make([]float64, m*m)
	for s := range n {
		for j := range n {
			out[s*m+j] = (1 - t.Entry) * P[s*n+j]
		}
		out[s*m+n] = t.Entry
	}
	for j := range n {
		out[n*m+j] = (1 - t.Stay) * pi[j]
	}
	out[n*m+n] = t.Stay
	return append(logs[:n:n], math.Log(t.Level*mean)), out, nil
}

// An EarningsPreset is an estimated process of log earnings,
// log l' = ρ·log l + ε, as its source gives it: the innovation's s.d.
// (Innovation) or the unconditional s.d. of log l (Unconditional), the
// other 0.
type EarningsPreset struct {
	Rho, Innovation, Unconditional float64
	Source                         string
}

// Sigma is the preset's unconditional s.d. of log l.
func (p EarningsPreset) Sigma() float64 {
	if p.Innovation > 0 {
		return p.Innovation / math.Sqrt(1-p.Rho*p.Rho)
	}
	return p.Unconditional
}

// EarningsPresets are the estimated processes a scenario may name.
var EarningsPresets = map[string]EarningsPreset{
	"aiyagari_1994": {Rho: 0.6, Unconditional: 0.4,
		Source: "Aiyagari (1994, QJE), the benchmark of Table II: ρ 0.6, unconditional s.d. 0.4"},
	"floden_linde_2001": {Rho: 0.9136, Innovation: math.Sqrt(0.0426),
		Source: "Flodén and Lindé (2001, RED), US annual log wages (PSID): ρ 0.9136, innovation variance 0.0426"},
}

// validateTop checks the top state, if any.
func (p Productivity) validateTop() error {
	if p.TopState == nil {
		return nil
	}
	if n := max(p.States, len(p.Levels)); n >= MaxStates {
		return field.Errorf("TopState", "adds a state to the %d there are, over the %d a chain may have", n, MaxStates)
	}
	return p.TopState.validate()
}
