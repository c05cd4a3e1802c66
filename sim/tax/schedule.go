package tax

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/econsim/econsim/sim/field"
)

// Schedule is a piecewise-linear tax schedule. Build one with New, which
// validates it and precomputes the tax due at every cutoff so that Tax
// costs one short scan and one multiply. The zero value has no brackets
// (Brackets is 0); it is not a schedule to tax by.
//
// A Schedule is a pointer to its immutable table, so that passing one, or
// calling its methods on a *Schedule, copies one word: with the four slices
// in the struct itself, every inlined call through a pointer copied their
// 96 bytes to the stack first (two to four times a worker in the round's
// choice loops).
type Schedule struct {
	t *table // nil in the zero value
}

// table is a schedule's data, never changed after New.
type table struct {
	cutoffs []float64 // b_0 = 0 < b_1 < … < b_{K−1}
	rates   []float64 // τ_k applies to income in [b_k, b_{k+1})
	base    []float64 // base[k] = Tax(b_k)
	net     []float64 // net[k] = b_k − Tax(b_k), take-home pay at b_k
}

// noBrackets is the zero value's table.
var noBrackets table

// tab is the schedule's table (the zero value's is empty). NetIn,
// BracketFrom and Tax of an income above 0, which the engine calls for
// every worker, read s.t without this check: on the zero value they panic.
func (s Schedule) tab() *table {
	if s.t == nil {
		return &noBrackets
	}
	return s.t
}

// Bounds are the allowed range of every marginal rate. The default is [0, 1];
// a scenario may allow negative rates (subsidies) explicitly.
type Bounds struct {
	Min, Max float64
}

// DefaultBounds allows marginal rates from 0 to 1 inclusive.
var DefaultBounds = Bounds{Min: 0, Max: 1}

// Validate reports whether the bounds are usable: finite, Min ≤ Max, and
// inside [−1, 1] (a marginal rate above 1 makes take-home pay fall with income).
func (b Bounds) Validate() error {
	switch {
	case math.IsNaN(b.Min) || math.IsInf(b.Min, 0):
		return field.Errorf("Min", "must be finite, got %v", b.Min)
	case math.IsNaN(b.Max) || math.IsInf(b.Max, 0):
		return field.Errorf("Max", "must be finite, got %v", b.Max)
	case b.Min < -1:
		return field.Errorf("Min", "must be at least -1, got %v", b.Min)
	case b.Max > 1:
		return field.Errorf("Max", "must be at most 1, got %v", b.Max)
	case b.Min > b.Max:
		return field.Errorf("Max", "must not be below the lowest rate %v, got %v", b.Min, b.Max)
	}
	return nil
}

// Clamp returns r limited to the bounds.
func (b Bounds) Clamp(r float64) float64 { return min(max(r, b.Min), b.Max) }

// ValidateCutoffs checks that cutoffs start at 0, are finite and strictly
// increasing. Errors name the offending index.
func ValidateCutoffs(cutoffs []float64) error {
	if len(cutoffs) == 0 {
		return errors.New("cutoffs must not be empty")
	}
	if cutoffs[0] != 0 {
		return fmt.Errorf("the first cutoff must be 0, got %v", cutoffs[0])
	}
	for k, b := range cutoffs {
		if math.IsNaN(b) || math.IsInf(b, 0) {
			return fmt.Errorf("cutoff %d must be finite, got %v", k, b)
		}
		if k > 0 && b <= cutoffs[k-1] {
			return fmt.Errorf("cutoffs must be strictly increasing: cutoff %d (%v) is not above cutoff %d (%v)", k, b, k-1, cutoffs[k-1])
		}
	}
	return nil
}

// New returns the schedule with the given cutoffs and marginal rates after
// checking them: one rate per cutoff, cutoffs valid (see ValidateCutoffs),
// rates finite and inside bounds. The slices are copied.
func New(cutoffs, rates []float64, bounds Bounds) (Schedule, error) {
	if err := bounds.Validate(); err != nil {
		return Schedule{}, err
	}
	if err := ValidateCutoffs(cutoffs); err != nil {
		return Schedule{}, err
	}
	if len(rates) != len(cutoffs) {
		return Schedule{}, fmt.Errorf("need one rate per bracket: %d cutoffs but %d rates", len(cutoffs), len(rates))
	}
	for k, r := range rates {
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return Schedule{}, fmt.Errorf("rate %d must be finite, got %v", k, r)
		}
		if r < bounds.Min || r > bounds.Max {
			return Schedule{}, fmt.Errorf("rate %d is %v, outside the allowed bounds [%v, %v]", k, r, bounds.Min, bounds.Max)
		}
	}
	t := &table{cutoffs: slices.Clone(cutoffs), rates: slices.Clone(rates), base: make([]float64, len(cutoffs)), net: make([]float64, len(cutoffs))}
	for k := 1; k < len(cutoffs); k++ {
		t.base[k] = t.base[k-1] + rates[k-1]*(cutoffs[k]-cutoffs[k-1])
		t.net[k] = cutoffs[k] - t.base[k]
	}
	return Schedule{t}, nil
}

// MustNew is New for schedules known to be valid (tests, presets); it panics
// on an invalid schedule.
func MustNew(cutoffs, rates []float64, bounds Bounds) Schedule {
	s, err := New(cutoffs, rates, bounds)
	if err != nil {
		panic("tax: " + err.Error())
	}
	return s
}

// Brackets returns the number of brackets K.
func (s Schedule) Brackets() int { return len(s.tab().cutoffs) }

// Cutoffs returns a copy of the cutoffs.
func (s Schedule) Cutoffs() []float64 { return slices.Clone(s.tab().cutoffs) }

// Rates returns a copy of the marginal rates.
func (s Schedule) Rates() []float64 { return slices.Clone(s.tab().rates) }

// Cutoff returns b_k.
func (s Schedule) Cutoff(k int) float64 { return s.tab().cutoffs[k] }

// Rate returns τ_k.
func (s Schedule) Rate(k int) float64 { return s.tab().rates[k] }

// Upper returns the upper end of bracket k: b_{k+1}, or +Inf for the top bracket.
func (s Schedule) Upper(k int) float64 {
	if c := s.tab().cutoffs; k+1 < len(c) {
		return c[k+1]
	}
	return math.Inf(1)
}

// BaseTax returns Tax(b_k), the tax due on the income below bracket k.
func (s Schedule) BaseTax(k int) float64 { return s.tab().base[k] }

// Bracket returns the index k of the bracket holding income z: the largest k
// with b_k ≤ z (0 for z ≤ 0).
func (s Schedule) Bracket(z float64) int {
	c := s.tab().cutoffs
	k := len(c) - 1
	for k > 0 && z < c[k] {
		k--
	}
	return k
}

// BracketFrom is Bracket(z) found by stepping from bracket k (any valid
// index), for callers that know a bracket near z's: the next income in
// ascending order, or an income moved a little from one whose bracket is
// known. For a NaN z it returns k (Bracket: the top bracket).
func (s Schedule) BracketFrom(z float64, k int) int {
	c := s.t.cutoffs
	for k+1 < len(c) && z >= c[k+1] {
		k++
	}
	for k > 0 && z < c[k] {
		k--
	}
	return k
}

// Tax returns the tax due on pre-tax income z. It is 0 for z ≤ 0.
func (s Schedule) Tax(z float64) float64 {
	if z <= 0 {
		return 0
	}
	k, t := s.Bracket(z), s.t
	return t.base[k] + t.rates[k]*(z-t.cutoffs[k])
}

// Net returns take-home pay z − Tax(z), computed as
// (b_k − Tax(b_k)) + (1 − τ_k)·(z − b_k) so that, in floating point as in
// exact arithmetic, it never falls as z rises within a bracket when τ_k ≤ 1.
// For z ≤ 0 it is z.
func (s Schedule) Net(z float64) float64 {
	if z <= 0 {
		return z
	}
	return s.NetIn(s.Bracket(z), z)
}

// NetIn is Net(z) for a z > 0 in bracket k (k = Bracket(z)), for callers
// that need the bracket too.
func (s Schedule) NetIn(k int, z float64) float64 {
	t := s.t
	return t.net[k] + (1-t.rates[k])*(z-t.cutoffs[k])
}

// Marginal returns the marginal rate at income z: the rate of the bracket
// holding z (right-continuous at the cutoffs). For z ≤ 0 it is τ_0.
func (s Schedule) Marginal(z float64) float64 { return s.tab().rates[s.Bracket(z)] }

// Average returns Tax(z)/z, and 0 for z ≤ 0.
func (s Schedule) Average(z float64) float64 {
	if z <= 0 {
		return 0
	}
	return s.Tax(z) / z
}

// Convex reports whether marginal rates never fall with income. On a convex
// schedule take-home pay is concave in income, so a worker with convex costs
// has a single optimum.
func (s Schedule) Convex() bool {
	r := s.tab().rates
	for k := 1; k < len(r); k++ {
		if r[k] < r[k-1] {
			return false
		}
	}
	return true
}

// WithRates returns a schedule on the same cutoffs with new rates, validated
// against bounds.
func (s Schedule) WithRates(rates []float64, bounds Bounds) (Schedule, error) {
	return New(s.tab().cutoffs, rates, bounds)
}
