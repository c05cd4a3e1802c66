package planner

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/econsim/econsim/sim/tax"
)

// Saez applies the Saez (2001) optimal-tax formula bracket by bracket to the
// incomes observed in the last round of the previous tax period, as the AI
// Economist does (Zheng et al. 2022, appendix):
//
//	τ(z) = (1 − G(z)) / (1 − G(z) + a(z)·e)
//
// where G(z) is the average normalised welfare weight of workers with income
// at or above z, a(z) = z·f(z)/(1 − F(z)) the local Pareto parameter of the
// income distribution, and e the elasticity of income to the net-of-tax rate.
//
// Choices:
//   - Welfare weights are 1/max(z, 1) ("inv_income", the default) or 1
//     ("uniform", utilitarian), normalised to mean 1 over the population, so
//     G(0) = 1 and uniform weights give τ ≡ 0 (no redistributive motive under
//     quasi-linear utility).
//   - Below the top cutoff, each bracket is cut into equal-width bins, one per
//     50 workers in the bracket (1 to 20 bins). In a bin centred at z, f(z) is
//     the bin's share of workers over its width and 1 − F(z) the share at or
//     above z. Empty bins carry no information about behaviour and are
//     skipped. The bracket's rate is the mean of τ over its bins (an average
//     across the bracket in z); a bracket without a usable bin takes the rate
//     of the bracket below (0 for the first).
//   - The top bracket (cutoff b) uses a = m/(m − b), m the mean income above b,
//     and G(b): the exact formula for a Pareto tail. With a single bracket
//     (cutoffs = [0]) that gives τ = 0, because G(0) = 1.
//   - e is Elasticity when it is positive. Otherwise it is estimated: between
//     consecutive periods, the regression through the origin of
//     Δ ln z_i on Δ ln(1 − τ_i) over workers with positive incomes in both,
//     each worker's τ being the marginal rate at its own income. The estimate,
//     clipped to [0.01, 5], updates e by e ← (1 − β)·e + β·ê with β = Smoothing.
//     While the rates have barely moved (mean squared Δ ln(1 − τ) below 1e-6)
//     there is nothing to learn from, so the planner explores: each proposed
//     rate moves by ±Explore, the signs drawn from the stream in Rand.
//   - Before anything is observed (round 0) the planner proposes no tax.
//   - Rates are clipped to the allowed bounds.
type Saez struct {
	Weights    string     // "inv_income" (default) or "uniform"
	Elasticity float64    // > 0: fixed; 0: estimated, starting from Prior
	Prior      float64    // starting elasticity when estimating; default 0.5
	Smoothing  float64    // β ∈ (0, 1] of the elasticity update; default 0.5
	Explore    float64    // exploration step on the rates; default 0.05
	Rand       *rand.Rand // exploration signs; required when estimating

	z, prevZ   []float64 // last observed incomes by agent id, and a period earlier
	sorted     []float64 // sort buffer
	suffix     []float64 // suffix sums of weights over sorted incomes
	last, prev tax.Schedule
	haveZ      bool
	havePrev   bool
	e          float64
}

// CurrentElasticity returns the elasticity the planner uses now.
func (p *Saez) CurrentElasticity() float64 {
	if p.Elasticity > 0 {
		return p.Elasticity
	}
	if p.e == 0 {
		return p.prior()
	}
	return p.e
}

func (p *Saez) prior() float64 {
	if p.Prior > 0 {
		return p.Prior
	}
	return 0.5
}

// Observe implements Planner: it keeps the latest incomes.
func (p *Saez) Observe(obs Observation) {
	if cap(p.z) < len(obs.Income) {
		p.z = make([]float64, len(obs.Income))
	}
	p.z = p.z[:len(obs.Income)]
	copy(p.z, obs.Income)
	p.last = obs.Schedule
	p.haveZ = true
}

// Propose implements Planner.
func (p *Saez) Propose(_ context.Context, req Request) (tax.Schedule, error) {
	k := len(req.Cutoffs)
	rates := make([]float64, k)
	if !p.haveZ {
		for i := range rates {
			rates[i] = req.Bounds.Clamp(0)
		}
		return tax.New(req.Cutoffs, rates, req.Bounds)
	}
	explore := false
	if p.Elasticity <= 0 {
		if p.e == 0 {
			p.e = p.prior()
		}
		explore = !p.updateElasticity()
		p.remember()
	}
	p.rates(req.Cutoffs, rates)
	if explore && p.Rand != nil {
		step := p.Explore
		if step == 0 {
			step = 0.05
		}
		for i := range rates {
			if p.Rand.IntN(2) == 0 {
				rates[i] += step
			} else {
				rates[i] -= step
			}
		}
	}
	for i := range rates {
		rates[i] = req.Bounds.Clamp(rates[i])
	}
	return tax.New(req.Cutoffs, rates, req.Bounds)
}

// remember keeps this period's incomes and schedule for the next estimate.
func (p *Saez) remember() {
	if cap(p.prevZ) < len(p.z) {
		p.prevZ = make([]float64, len(p.z))
	}
	p.prevZ = p.prevZ[:len(p.z)]
	copy(p.prevZ, p.z)
	p.prev = p.last
	p.havePrev = true
}

// updateElasticity regresses Δ ln z on Δ ln(1 − τ) between the last two
// periods; it reports false when the rates moved too little to learn from.
func (p *Saez) updateElasticity() bool {
	if !p.havePrev || len(p.prevZ) != len(p.z) || p.prev.Brackets() == 0 || p.last.Brackets() == 0 {
		return false
	}
	var sxy, sxx float64
	n := 0
	for i, z1 := range p.z {
		z0 := p.prevZ[i]
		n1, n0 := 1-p.last.Marginal(z1), 1-p.prev.Marginal(z0)
		if z1 <= 0 || z0 <= 0 || n1 <= 0 || n0 <= 0 {
			continue
		}
		x := math.Log(n1) - math.Log(n0)
		y := math.Log(z1) - math.Log(z0)
		sxy += x * y
		sxx += x * x
		n++
	}
	if n == 0 || sxx/float64(n) < 1e-6 {
		return false
	}
	est := min(max(sxy/sxx, 0.01), 5)
	beta := p.Smoothing
	if beta <= 0 || beta > 1 {
		beta = 0.5
	}
	p.e = (1-beta)*p.e + beta*est
	return true
}

// rates fills the Saez rates for the given cutoffs from the observed incomes.
func (p *Saez) rates(cutoffs, out []float64) {
	n := len(p.z)
	if cap(p.sorted) < n {
		p.sorted = make([]float64, n)
		p.suffix = make([]float64, n+1)
	}
	z := p.sorted[:n]
	copy(z, p.z)
	slices.Sort(z)
	// suffix[i] = Σ_{j ≥ i} ω_j over sorted incomes.
	suf := p.suffix[:n+1]
	suf[n] = 0
	for i := n - 1; i >= 0; i-- {
		w := 1.0
		if p.Weights != "uniform" {
			w = 1 / max(z[i], 1)
		}
		suf[i] = suf[i+1] + w
	}
	meanW := suf[0] / float64(n)
	e := p.CurrentElasticity()
	above := func(x float64) int { return sort.SearchFloat64s(z, x) } // first index with z ≥ x
	G := func(i int) float64 { return suf[i] / float64(n-i) / meanW }
	tau := func(g, a float64) float64 { return (1 - g) / (1 - g + a*e) }
	k := len(cutoffs)
	for b := range k {
		prevRate := 0.0
		if b > 0 {
			prevRate = out[b-1]
		}
		out[b] = prevRate
		lo := cutoffs[b]
		if b == k-1 { // top bracket: Pareto tail
			i := above(lo)
			if i >= n {
				continue
			}
			m := (sumFrom(z, i)) / float64(n-i)
			if m-lo <= 0 {
				continue
			}
			out[b] = tau(G(i), m/(m-lo))
			continue
		}
		hi := cutoffs[b+1]
		i0, i1 := above(lo), above(hi)
		bins := min(max((i1-i0)/50, 1), 20)
		width := (hi - lo) / float64(bins)
		var sum float64
		used := 0
		for j := range bins {
			blo := lo + float64(j)*width
			c0, c1 := above(blo), above(blo+width)
			mid := above(blo + width/2)
			if c1 == c0 || mid >= n {
				continue
			}
			f := float64(c1-c0) / float64(n) / width
			surv := float64(n-mid) / float64(n)
			zc := blo + width/2
			sum += tau(G(mid), zc*f/surv)
			used++
		}
		if used > 0 {
			out[b] = sum / float64(used)
		}
	}
}

func sumFrom(z []float64, i int) float64 {
	var s float64
	for _, v := range z[i:] {
		s += v
	}
	return s
}
