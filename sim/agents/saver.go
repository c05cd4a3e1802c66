package agents

import (
	"errors"
	"math"

	"github.com/econsim/econsim/sim/field"
)

// SavingRule is how a household decides what to consume and save.
type SavingRule string

// The saving rules.
const (
	// SaveOptimal follows the policy solved by EGM (the default).
	SaveOptimal SavingRule = "optimal"
	// SaveFixedRate and SaveBufferStock are rules of thumb (rules.go),
	// which keep the utility only for the welfare metrics.
	SaveFixedRate   SavingRule = "fixed_rate"
	SaveBufferStock SavingRule = "buffer_stock"
	// SaveLLM asks a language model (LLMSavers); the optimal policy is the
	// fallback and the stationary equilibrium's.
	SaveLLM SavingRule = "llm"
)

// Saver is the problem of a household that saves (agents.behavior =
// "saver"): maximise E Σ βᵗ u(cₜ) with u(c) = (c^(1−μ) − 1)/(1 − μ) (log c
// when μ = 1), subject to
//
//	(1 + τ_c)·c + a' = m(a, s),   a' ≥ −BorrowingLimit,
//
// where cash on hand m(a, s) (Budget.Cash) is what its wealth a and its
// productivity state s bring in this round after taxes, plus transfers.
// Labour is inelastic: one unit of endowment, paid w·l(s).
type Saver struct {
	RiskAversion   float64    // μ > 0; 1 is log utility
	Discount       float64    // β ∈ (0, 1)
	BorrowingLimit float64    // b ≥ 0: wealth never goes below −b; default 0
	GridPoints     int        // points of the asset grid, ≥ 10; default 500
	GridMax        float64    // top of the asset grid (currency units); 0: set by the solver
	Saving         SavingRule // "" is SaveOptimal
	Share          float64    // fixed_rate: σ ∈ [0, 1), the share of gross income saved
	Target         float64    // buffer_stock: Θ ≥ 0, target wealth in years of labour income
	Speed          float64    // buffer_stock: φ ∈ (0, 1], the share of the gap closed each round
}

// Heuristic reports whether the saver follows a rule of thumb.
func (s *Saver) Heuristic() bool { return s.Saving == SaveFixedRate || s.Saving == SaveBufferStock }

// Rule returns the heuristic saver's rule at budget b, wage w and
// depreciation δ (nil for the optimal saver, whose policy Solve returns).
func (s *Saver) Rule(ch *Chain, b *Budget, w, depreciation float64) Rule {
	switch s.Saving {
	case SaveFixedRate:
		return &FixedRate{Share: s.Share, Depreciation: depreciation, Limit: -s.BorrowingLimit, CTax: b.Tax.Consumption}
	case SaveBufferStock:
		labor := make([]float64, ch.States())
		for i, l := range ch.Levels {
			labor[i] = w * l
		}
		return &BufferStock{Target: s.Target, Speed: s.Speed, Labor: labor, Limit: -s.BorrowingLimit, CTax: b.Tax.Consumption}
	}
	return nil
}

// Default grid.
const (
	DefaultGridPoints = 500
	gridCurvature     = 3 // a_j = a_min + (a_max − a_min)·(j/(G−1))³: dense near the constraint
)

// Validate checks the parameters; errors are field errors.
func (s Saver) Validate() error {
	var errs []error
	if !(s.RiskAversion >= 0.1) || s.RiskAversion > 50 {
		errs = append(errs, field.Errorf("RiskAversion", "must be in [0.1, 50] (nearer 0 the saver is almost risk-neutral and c^(−1/μ) overflows), got %v", s.RiskAversion))
	}
	if !(s.Discount > 0 && s.Discount < 1) {
		errs = append(errs, field.Errorf("Discount", "must be in (0, 1), got %v", s.Discount))
	}
	if !(s.BorrowingLimit >= 0) || math.IsInf(s.BorrowingLimit, 0) {
		errs = append(errs, field.Errorf("BorrowingLimit", "must be non-negative and finite, got %v", s.BorrowingLimit))
	}
	if s.GridPoints != 0 && (s.GridPoints < 10 || s.GridPoints > 100_000) {
		errs = append(errs, field.Errorf("GridPoints", "must be between 10 and 100000, got %d", s.GridPoints))
	}
	if !(s.GridMax >= 0) || s.GridMax > 1e12 {
		errs = append(errs, field.Errorf("GridMax", "must be from 0 (automatic) to 1e12, got %v", s.GridMax))
	}
	switch s.Saving {
	case "", SaveOptimal, SaveLLM:
	case SaveFixedRate:
		if !(s.Share >= 0 && s.Share < 1) {
			errs = append(errs, field.Errorf("Share", "must be in [0, 1), got %v", s.Share))
		}
	case SaveBufferStock:
		if !(s.Target >= 0) || s.Target > 1000 {
			errs = append(errs, field.Errorf("Target", "must be in [0, 1000], got %v", s.Target))
		}
		if !(s.Speed > 0 && s.Speed <= 1) {
			errs = append(errs, field.Errorf("Speed", "must be in (0, 1], got %v", s.Speed))
		}
	default:
		errs = append(errs, field.Errorf("Saving", "must be optimal, fixed_rate, buffer_stock or llm, got %q", s.Saving))
	}
	return errors.Join(errs...)
}

// Marginal is u'(c) = c^(−μ), multiplied out for μ = 1 … 5 (Aiyagari's
// values), where it is several times faster than math.Pow.
func (s *Saver) Marginal(c float64) float64 {
	switch s.RiskAversion {
	case 1:
		return 1 / c
	case 2:
		return 1 / (c * c)
	case 3:
		return 1 / (c * c * c)
	case 4:
		c2 := c * c
		return 1 / (c2 * c2)
	case 5:
		c2 := c * c
		return 1 / (c2 * c2 * c)
	}
	return math.Pow(c, -s.RiskAversion)
}

// inverseMarginal is (u')⁻¹(x) = x^(−1/μ).
func (s *Saver) inverseMarginal(x float64) float64 {
	switch s.RiskAversion {
	case 1:
		return 1 / x
	case 2:
		return 1 / math.Sqrt(x)
	case 3:
		return 1 / math.Cbrt(x)
	case 4:
		return 1 / math.Sqrt(math.Sqrt(x))
	}
	return math.Pow(x, -1/s.RiskAversion)
}

// Period is the period utility u(c); c ≤ 0 is raised to ConsumptionFloor.
func (s *Saver) Period(c float64) float64 {
	c = max(c, ConsumptionFloor)
	switch s.RiskAversion {
	case 1:
		return math.Log(c)
	case 2:
		return 1 - 1/c
	case 3:
		return (1/(c*c) - 1) / -2
	case 5:
		c2 := c * c
		return (1/(c2*c2) - 1) / -4
	}
	return (math.Pow(c, 1-s.RiskAversion) - 1) / (1 - s.RiskAversion)
}

// Grid returns the asset grid: points from −BorrowingLimit to top, dense
// near the constraint, where the policy bends.
func (s *Saver) Grid(top float64) []float64 {
	n := s.GridPoints
	if n == 0 {
		n = DefaultGridPoints
	}
	lo := -s.BorrowingLimit
	g := make([]float64, n)
	for j := range g {
		x := float64(j) / float64(n-1)
		g[j] = lo + (top-lo)*x*x*x
	}
	g[n-1] = top
	return g
}

// gridIndex returns j with g[j] ≤ a < g[j+1] (clamped to [0, len−2]) on a
// grid made by Grid, inverting its formula and correcting rounding.
func gridIndex(g []float64, a float64) int {
	n := len(g)
	lo, top := g[0], g[n-1]
	x := (a - lo) / (top - lo)
	if !(x > 0) {
		return 0
	}
	j := min(int(math.Cbrt(x)*float64(n-1)), n-2)
	for j > 0 && g[j] > a {
		j--
	}
	for j < n-2 && g[j+1] <= a {
		j++
	}
	return j
}
