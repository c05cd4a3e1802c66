package agents

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

// Index builds the policy's lookup table, which makes Consumption at an
// arbitrary cash on hand walk a knot or two instead of searching them all,
// unless it is built. Not safe to call while another goroutine uses p.
func (p *Policy) Index() {
	if p.bucket == nil {
		p.index()
	}
}

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
