package planner

import (
	"math"
	"sort"
)

// The Saez planner under a tax system (Request.System): the brackets
// are on taxable income t = z − D (D the standard deduction), and a worker
// with earnings z faces τ_k + o(z), o the marginal rate of the system's
// other parts (payroll taxes, the credit's phase-in and phase-out). Raising
// τ_k by dτ then has
//
//   - the mechanical effect dτ·Σ_i (1 − g_i)·Δ_ik, Δ_ik =
//     clamp(t_i − b_k, 0, b_{k+1} − b_k) on taxable income, as before;
//   - the behavioural effect of the workers inside the bracket: each cuts
//     its earnings by e·z_i·dτ/(1 − τ_k − o_i) and so pays
//     (τ_k + o_i)·e·z_i·dτ/(1 − τ_k − o_i) less in all taxes.
//
// The optimum balances them: A_k = e·Σ_{i in k} z_i·(τ_k + o_i)/(1 − τ_k − o_i).
// The right side rises with τ_k, so τ_k is found by bisection; where every
// o_i is the same o it is τ_k = A_k/(A_k + e·Z_k) − o, Saez's formula for
// the combined rate (in the top bracket, o is Medicare and the Additional
// Medicare Tax). Workers at a kink of the combined schedule are bunched and
// do not respond; the other choices are those of Saez.rates, which
// computes both cases.

// rateGroup is the earnings of the workers inside a bracket who face the
// same other-parts rate o.
type rateGroup struct{ o, z float64 }

// addTo adds earnings z at other-parts rate o (a handful of distinct rates).
func addTo(gs []rateGroup, o, z float64) []rateGroup {
	for i := range gs {
		if gs[i].o == o {
			gs[i].z += z
			return gs
		}
	}
	return append(gs, rateGroup{o, z})
}

// solveBracket returns τ with a = e·Σ z_j·(τ + o_j)/(1 − τ − o_j): −Inf
// (clipped to the lower bound) when even τ = −1 loses more than a, else by
// bisection below 1 − max o_j, where the right side grows without bound.
func solveBracket(a, e float64, gs []rateGroup) float64 {
	maxO := math.Inf(-1)
	for _, g := range gs {
		maxO = max(maxO, g.o)
	}
	f := func(tau float64) float64 {
		s := 0.0
		for _, g := range gs {
			s += g.z * (tau + g.o) / (1 - tau - g.o)
		}
		return e*s - a
	}
	lo, hi := -1.0, 1-maxO
	if f(lo) >= 0 {
		return math.Inf(-1)
	}
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
	return 0.5 * (lo + hi)
}

// atAnyKink reports whether z sits at one of the ascending kinks.
func atAnyKink(z float64, kinks []float64) bool {
	i := sort.SearchFloat64s(kinks, z)
	return (i < len(kinks) && atKink(z, kinks[i])) || (i > 0 && atKink(z, kinks[i-1]))
}
