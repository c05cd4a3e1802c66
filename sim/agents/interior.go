package agents

import "math"

// hoursEnumerate evaluates every candidate in increasing order of hours and
// keeps the strictly best, so ties go to fewer hours. It returns the hours
// and the labour income they earn, computed directly where the candidate
// is defined by an income (a kink: b_k − off; a quasi-linear interior
// optimum: a[k]·P; the cap: w·hours_max) rather than as w·hours, so that
// incomes never fall as the wage rises, not even by rounding.
func (r *Response) hoursEnumerate(x worker) (hours, income float64) {
	w, pot, tr, off, kappa := x.w, x.pot, x.tr, x.off, x.kappa
	bestL, bestZ, bestU := 0.0, 0.0, r.value(w, 0, kappa, tr, off)
	try := func(l, z float64) {
		if l <= bestL || l > r.hmax {
			return
		}
		if v := r.value(w, l, kappa, tr, off); v > bestU {
			bestL, bestZ, bestU = l, z, v
		}
	}
	for k := range r.b {
		if r.s.Upper(k) <= off {
			continue // the whole segment lies below the other income
		}
		zlo := max(r.b[k]-off, 0)
		lo := zlo / w
		if lo >= r.hmax {
			break
		}
		try(lo, zlo)
		hi := min((r.s.Upper(k)-off)/w, r.hmax)
		if l, ok := r.interior(k, x, lo, hi); ok {
			z := w * l
			if r.u.Kind == Quasilinear {
				z = r.a[k] * pot // l = a[k]·P/w: the income itself
			}
			try(l, z)
		}
	}
	try(r.hmax, w*r.hmax)
	return bestL, bestZ
}

// worker is what a best response depends on: the wage w, the potential pot
// (Utility.Potential of the skill), the untaxed transfer tr, the taxable
// other income off and the disutility scale kappa.
type worker struct{ w, pot, tr, off, kappa float64 }

// interior returns the optimum for x on segment k inside the hours (lo, hi)
// when there is one.
func (r *Response) interior(k int, x worker, lo, hi float64) (float64, bool) {
	w, pot, tr, off := x.w, x.pot, x.tr, x.off
	net := 1 - r.s.Rate(k)
	if net <= 0 || hi <= lo {
		return 0, false
	}
	if r.u.Kind == Quasilinear {
		l := r.a[k] * pot / w
		return l, l > lo && l < hi
	}
	// Isoelastic: g(l) = (1−τ)·w·c(l)^(−η) − κ·l^(1/e) is decreasing in l, with
	// c(l) = (1−τ)·w·l + I and virtual income
	// I = tr − Tax(b_k) + τ·b_k + (1−τ)·off.
	virt := tr - r.s.BaseTax(k) + r.s.Rate(k)*r.s.Cutoff(k) + net*off
	e, eta, kappa := r.u.Elasticity, r.u.Eta, x.kappa
	g := func(l float64) (float64, float64) {
		c := max(net*w*l+virt, ConsumptionFloor)
		mc := kappa * math.Pow(l, 1/e)
		gl := net*w*math.Pow(c, -eta) - mc
		dg := -eta*net*net*w*w*math.Pow(c, -eta-1) - mc/(e*max(l, 1e-300))
		return gl, dg
	}
	glo, _ := g(lo)
	ghi, _ := g(hi)
	if !(glo > 0 && ghi < 0) {
		return 0, false
	}
	return newtonBisect(g, lo, hi), true
}

// newtonBisect finds the root of a decreasing g on [lo, hi] with g(lo) > 0 >
// g(hi): Newton steps, falling back to bisection whenever a step leaves the
// bracket, until the bracket is below relative 1e-13.
func newtonBisect(g func(float64) (float64, float64), lo, hi float64) float64 {
	x := 0.5 * (lo + hi)
	for range 200 {
		gx, dg := g(x)
		if gx > 0 {
			lo = x
		} else {
			hi = x
		}
		if gx == 0 || hi-lo <= 1e-13*max(1, hi) {
			return x
		}
		next := x - gx/dg
		if !(next > lo && next < hi) {
			next = 0.5 * (lo + hi)
		}
		x = next
	}
	return x
}

// atLeast is max(x, lo) for a lo that is not NaN, written with a branch:
// the float max's care for NaN and signed zeros costs the best response's
// hot path a dozen instructions. A NaN x stays NaN.
func atLeast(x, lo float64) float64 {
	if x < lo {
		return lo
	}
	return x
}
