package agents

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/rng"
)

// BehaviorKind names how a heuristic worker turns its best response into a choice.
type BehaviorKind int

const (
	Rational BehaviorKind = iota // the exact best response
	Noisy                        // a mean-preserving multiplicative error around it
	Adaptive                     // partial adjustment towards it
	LLM                          // a language model decides (LLMWorkers)
)

// ParseBehaviorKind maps a scenario name to a heuristic behaviour.
func ParseBehaviorKind(s string) (BehaviorKind, error) {
	switch s {
	case "rational":
		return Rational, nil
	case "noisy":
		return Noisy, nil
	case "adaptive":
		return Adaptive, nil
	case "llm":
		return LLM, nil
	}
	return 0, fmt.Errorf("unknown behavior %q (want rational, noisy, adaptive, llm or saver)", s)
}

func (k BehaviorKind) String() string {
	return [...]string{"rational", "noisy", "adaptive", "llm"}[k]
}

// Behavior is a heuristic worker's decision rule (see the package comment).
type Behavior struct {
	Kind       BehaviorKind
	Noise      float64 // σ ≥ 0 of the noisy log-scale error; default 0.1
	Adjustment float64 // α ∈ (0, 1] of adaptive workers; default 0.5
}

// Validate checks the parameters; errors are field errors.
func (b Behavior) Validate() error {
	switch {
	case b.Kind == Noisy && (!(b.Noise >= 0) || math.IsInf(b.Noise, 0)):
		return field.Errorf("Noise", "must be non-negative and finite, got %v", b.Noise)
	case b.Kind == Adaptive && !(b.Adjustment > 0 && b.Adjustment <= 1):
		return field.Errorf("Adjustment", "must be in (0, 1], got %v", b.Adjustment)
	}
	return nil
}

// Choose returns this round's hours given the best response br, last round's
// hours prev and the cap hmax. Only noisy workers draw from r.
func (b Behavior) Choose(br, prev, hmax float64, r *rand.Rand) float64 {
	switch b.Kind {
	case Noisy:
		return NoisyHours(br, b.NoiseFactor(r), hmax)
	case Adaptive:
		return prev + b.Adjustment*(br-prev)
	}
	return br
}

// NoiseFactor draws a noisy worker's multiplicative error from r:
// exp(σ·N(0, 1) − σ²/2), whose mean is 1. Each draw takes one NormFloat64;
// the exponential is rng.Exp's (within 1 ulp of e^x).
func (b Behavior) NoiseFactor(r *rand.Rand) float64 {
	s := b.Noise
	return rng.Exp(s*r.NormFloat64() - 0.5*s*s)
}

// NoiseFactors turns standard normal draws x, in place, into the noise
// factors NoiseFactor makes of them, exp(σ·x − σ²/2), bit for bit: a loop
// of its own (rng.ExpScaled) lets the processor overlap one exponential with
// the next.
// The engine draws a block of normals first (its own generator, faster
// than one NormFloat64 a worker), then calls this.
func (b Behavior) NoiseFactors(x []float64) {
	s := b.Noise
	rng.ExpScaled(x, s, 0.5*s*s)
}

// NoisyHours are a noisy worker's hours: its best response br times its
// noise factor f, at most hmax.
func NoisyHours(br, f, hmax float64) float64 { return min(br*f, hmax) }
