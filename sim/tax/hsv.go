package tax

import (
	"errors"
	"math"

	"github.com/econsim/econsim/sim/field"
)

// HSV is the labour-income tax of Heathcote, Storesletten and Violante
// (2017, QJE, eq. 2): T(y) = y − λ·y^(1−τ), take-home pay λ·y^(1−τ). τ is
// the progressivity (0: a flat tax of 1 − λ; the US about 0.18 in their
// estimate); the tax is negative, a transfer, where λ·y^(−τ) > 1.
type HSV struct {
	Lambda        float64 // λ > 0, the level
	Progressivity float64 // τ ∈ (−1, 1)
}

// Validate checks the parameters; errors are field errors.
func (h HSV) Validate() error {
	var errs []error
	if !(h.Lambda > 0) || math.IsInf(h.Lambda, 0) {
		errs = append(errs, field.Errorf("Lambda", "must be positive and finite, got %v", h.Lambda))
	}
	if !(h.Progressivity > -1 && h.Progressivity < 1) {
		errs = append(errs, field.Errorf("Progressivity", "must be in (-1, 1), got %v", h.Progressivity))
	}
	return errors.Join(errs...)
}

// Tax returns T(y), 0 for y ≤ 0.
func (h HSV) Tax(y float64) float64 {
	if y <= 0 {
		return 0
	}
	return y - h.Lambda*math.Pow(y, 1-h.Progressivity)
}
