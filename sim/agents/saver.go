package agents

import (
	"context"
	"errors"
	"fmt"
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

// Policy is a saver's decision rule at one Budget: consumption as a
// piecewise-linear function of cash on hand, one per productivity state,
// through the endogenous grid points (M, C); below the first point the
// borrowing constraint binds and the household consumes all cash above it.
type Policy struct {
	M, C     []float64 // knots, state s at [s·G, (s+1)·G), M increasing
	G        int       // knots per state
	Limit    float64   // the lowest wealth allowed, −b
	cTax     float64   // τ_c
	Iters    int       // EGM iterations it took
	Residual float64   // the last iteration's largest relative change of C

	// With elastic hours (Budget.Labor): M is cash on hand before labour
	// income, and hours follow from consumption (Labor.Choose).
	lab *Labor
	sv  Saver

	// A lookup table for Consumption: per state, nb equal buckets of cash
	// on hand from M[0] to the last knot; bucket[s·nb + k] is the last knot
	// at or below the bucket's lower edge, so a lookup walks a knot or two
	// instead of a binary search over G.
	bucket    []int32
	bLo, bInv []float64
}

// buckets per knot of the lookup table.
const bucketsPerKnot = 4

// index builds the lookup table.
func (p *Policy) index() {
	n := len(p.M) / p.G
	nb := bucketsPerKnot * p.G
	p.bucket = make([]int32, n*nb)
	p.bLo, p.bInv = make([]float64, n), make([]float64, n)
	for s := range n {
		M := p.M[s*p.G : (s+1)*p.G]
		lo, top := M[0], M[p.G-1]
		if !(top > lo) {
			p.bucket = nil // degenerate knots: binary search
			return
		}
		p.bLo[s], p.bInv[s] = lo, float64(nb)/(top-lo)
		j := 0
		for k := range nb {
			edge := lo + float64(k)/p.bInv[s]
			for j < p.G-2 && M[j+1] <= edge {
				j++
			}
			p.bucket[s*nb+k] = int32(j)
		}
	}
}

// Consumption returns c(m; s).
func (p *Policy) Consumption(s int, m float64) float64 {
	M, C := p.M[s*p.G:(s+1)*p.G], p.C[s*p.G:(s+1)*p.G]
	if m <= M[0] {
		return p.constrained(s, m)
	}
	// find M[lo] ≤ m < M[lo+1]; linear extrapolation past the top
	var lo int
	if p.bucket != nil {
		nb := bucketsPerKnot * p.G
		x := (m - p.bLo[s]) * p.bInv[s]
		if x >= float64(nb) {
			lo = p.G - 2
		} else {
			lo = int(p.bucket[s*nb+int(x)])
			for lo < p.G-2 && M[lo+1] <= m {
				lo++
			}
		}
	} else {
		hi := p.G - 1
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			if M[mid] <= m {
				lo = mid
			} else {
				hi = mid
			}
		}
	}
	hi := lo + 1
	return C[lo] + (C[hi]-C[lo])*(m-M[lo])/(M[hi]-M[lo])
}

// Choose returns consumption and wealth saved, a' = m − (1 + τ_c)·c (plus
// labour income after tax with elastic hours), never below the limit.
func (p *Policy) Choose(s int, m float64) (c, next float64) {
	c = p.Consumption(s, m)
	if p.lab != nil {
		c, next, _, _ = p.withHours(s, m, c)
		return c, next
	}
	next = m - (1+p.cTax)*c
	if next < p.Limit { // rounding at the constraint
		next = p.Limit
		c = (m - p.Limit) / (1 + p.cTax)
	}
	return c, next
}

// ChooseHours returns consumption, saving, hours and labour income with
// elastic hours (0 hours and income for a Policy without them).
func (p *Policy) ChooseHours(s int, m float64) (c, next, h, y float64) {
	if p.lab == nil {
		c, next = p.Choose(s, m)
		return c, next, 0, 0
	}
	return p.withHours(s, m, p.Consumption(s, m))
}

// withHours completes consumption c at cash on hand m with the hours it
// implies and the saving that is left, keeping saving at or above the limit.
func (p *Policy) withHours(s int, m, c float64) (float64, float64, float64, float64) {
	h, y := p.hours(s, c)
	next := m + p.lab.Net(y) - (1+p.cTax)*c
	if next < p.Limit { // rounding at the constraint
		next = p.Limit
		c = (m + p.lab.Net(y) - p.Limit) / (1 + p.cTax)
	}
	return c, next, h, y
}

// hours returns the hours and labour income that go with consumption c.
func (p *Policy) hours(s int, c float64) (float64, float64) {
	return p.lab.Choose(s, p.sv.Marginal(c)/(1+p.cTax))
}

// constrained is consumption when the borrowing constraint binds: all cash
// above the limit; with elastic hours, the c that solves
// (1 + τ_c)·c = m + Net(y(c)) − limit (bisection: the left side rises and
// the right falls with c, as more consumption means fewer hours).
func (p *Policy) constrained(s int, m float64) float64 {
	if p.lab == nil {
		return (m - p.Limit) / (1 + p.cTax)
	}
	f := func(c float64) float64 {
		_, y := p.hours(s, c)
		return (1+p.cTax)*c - m - p.lab.Net(y) + p.Limit
	}
	hi := (m - p.Limit + p.lab.Net(p.lab.Wage[s]*p.lab.HoursMax())) / (1 + p.cTax)
	if !(hi > 0) {
		return ConsumptionFloor
	}
	lo := 0.0
	for range 200 {
		mid := 0.5 * (lo + hi)
		if mid <= lo || mid >= hi {
			break
		}
		if f(mid) < 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return max(0.5*(lo+hi), ConsumptionFloor)
}

// ErrExplodes is returned when β times the after-tax return is at least 1:
// a saver then accumulates without bound and no stationary wealth exists.
var ErrExplodes = errors.New("wealth grows without bound")

// Solve finds the saver's policy at budget b by the endogenous grid method
// (Carroll 2006) on the asset grid g, starting from warm when it is not nil
// (a policy for nearby prices), until the largest relative change of
// consumption at any knot is below tol. The Euler equation at a' = g[j]:
//
//	u'(c) = β·R(a')·Σ_{s'} P(s'|s)·u'(c(m(a', s'); s')),
//
// gives c and the cash on hand m = (1 + τ_c)·c + a' that leads to a'.
func (s *Saver) Solve(ctx context.Context, ch *Chain, b *Budget, g []float64, warm *Policy, tol float64) (*Policy, error) {
	n, G := ch.States(), len(g)
	if R := b.Return(g[G-1]); s.Discount*R >= 1 {
		return nil, fmt.Errorf("%w: discount %v times the after-tax return %v is %v, at least 1", ErrExplodes, s.Discount, R, s.Discount*R)
	}
	for st := range n {
		if c := b.Cash(g[0], st) - g[0]; !(c > 0) && b.Labor == nil { // with hours, work pays for it
			return nil, fmt.Errorf("a household at the borrowing limit %v in state %d has %v to consume: the limit is beyond what income can repay", g[0], st, c)
		}
	}
	p := &Policy{G: G, Limit: g[0], cTax: b.Tax.Consumption, M: make([]float64, n*G), C: make([]float64, n*G), lab: b.Labor, sv: *s}
	if warm != nil && warm.G == G && len(warm.M) == n*G && warm.cTax == b.Tax.Consumption && warm.Limit == g[0] && (warm.lab == nil) == (b.Labor == nil) {
		copy(p.M, warm.M)
		copy(p.C, warm.C)
	} else { // consume all cash above the limit
		for st := range n {
			for j, a := range g {
				p.M[st*G+j] = a + 1
				p.C[st*G+j] = (a + 1 - g[0]) / (1 + b.Tax.Consumption)
			}
		}
	}
	up := make([]float64, n*G) // u'(c(m(g_j, s'); s')), state-major
	cm := make([]float64, G)   // cash on hand at g_j in one state
	cNew := make([]float64, n*G)
	mNew := make([]float64, n*G)
	ev := make([]float64, G)    // the expectation for one state
	betaR := make([]float64, G) // β·R(g_j)
	for j, a := range g {
		betaR[j] = s.Discount * b.Return(a)
	}
	for it := 1; it <= maxEGMIterations; it++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for sp := range n {
			for j, a := range g {
				cm[j] = b.Cash(a, sp)
			}
			p.consumptionSorted(sp, cm, up[sp*G:(sp+1)*G])
			for j := range G {
				up[sp*G+j] = s.Marginal(up[sp*G+j])
			}
		}
		worst := 0.0
		for st := range n {
			// E_j = Σ_{s'} P(s'|s)·u'(c'), summed over s' in order for
			// every j at once (contiguous rows)
			clear(ev)
			for sp, pr := range ch.P[st*n : (st+1)*n] {
				if pr == 0 {
					continue
				}
				row := up[sp*G : (sp+1)*G]
				for j, x := range row {
					ev[j] += pr * x
				}
			}
			for j, a := range g {
				c := s.inverseMarginal(betaR[j] * ev[j])
				k := st*G + j
				cNew[k] = c
				mNew[k] = (1+b.Tax.Consumption)*c + a
				if p.lab != nil { // cash before labour income
					_, y := p.hours(st, c)
					mNew[k] -= p.lab.Net(y)
				}
				worst = max(worst, math.Abs(c-p.C[k])/c)
			}
		}
		p.M, mNew = mNew, p.M
		p.C, cNew = cNew, p.C
		p.Iters, p.Residual = it, worst
		if worst < tol {
			p.index()
			return p, nil
		}
		if math.IsNaN(worst) || math.IsInf(worst, 0) {
			return nil, fmt.Errorf("the endogenous grid method diverged at iteration %d", it)
		}
	}
	return nil, fmt.Errorf("the endogenous grid method did not converge in %d iterations (largest change %.3g)", maxEGMIterations, p.Residual)
}

// maxEGMIterations bounds Solve; β·R near 1 needs the most (thousands).
const maxEGMIterations = 100_000

// consumptionSorted writes c(m[j]; s) for ascending m into out in one merged
// pass over the knots.
func (p *Policy) consumptionSorted(s int, m, out []float64) {
	M, C := p.M[s*p.G:(s+1)*p.G], p.C[s*p.G:(s+1)*p.G]
	k := 0
	for j, x := range m {
		if x <= M[0] {
			out[j] = p.constrained(s, x)
			continue
		}
		for k < p.G-2 && M[k+1] <= x {
			k++
		}
		out[j] = C[k] + (C[k+1]-C[k])*(x-M[k])/(M[k+1]-M[k])
	}
}
