package agents

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/econsim/econsim/sim/field"
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
		s := b.Noise
		return min(br*math.Exp(s*r.NormFloat64()-0.5*s*s), hmax)
	case Adaptive:
		return prev + b.Adjustment*(br-prev)
	}
	return br
}
