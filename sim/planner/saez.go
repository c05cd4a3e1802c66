package planner

import (
	"context"
	"math"
	"math/rand/v2"

	"github.com/econsim/econsim/sim/tax"
	"github.com/econsim/econsim/sim/welfare"
)

var _ Planner = (*Saez)(nil)

// Saez sets each bracket's rate by the Saez (2001) perturbation argument
// applied to the incomes observed in the last round of the previous tax
// period. Raising bracket k's rate τ_k by dτ (cutoffs b_k < b_{k+1}) has
//
//   - a mechanical effect: every worker above b_k pays dτ·Δ_ik more, where
//     Δ_ik = clamp(z_i − b_k, 0, b_{k+1} − b_k); revenue is returned as a
//     lump sum, so society gains dτ·Σ_i (1 − g_i)·Δ_ik, g_i the worker's
//     welfare weight normalised to mean 1;
//   - a behavioural effect: workers inside the bracket (b_k < z_i < b_{k+1},
//     not bunched at a kink) cut their income by dz_i = −e·z_i·dτ/(1 − τ_k)
//     (e the elasticity of income to the net-of-tax rate; quasi-linear
//     workers have no income effect, so workers above the bracket do not
//     respond), which loses τ_k·e·Σ_{i in k} z_i·dτ/(1 − τ_k) of revenue.
//
// At the optimum the two balance:
//
//	τ_k = A_k / (A_k + e·Z_k),  A_k = Σ_i (1 − g_i)·Δ_ik,  Z_k = Σ_{i in k} z_i.
//
// This is the first-order condition for the population at hand, not an
// average of local rates over bins, so it has no binning bias in the lowest
// or in sparse brackets. For the top bracket (b_{K} = ∞) it is Saez's
// τ = (1 − ḡ)/(1 − ḡ + a·e) with a = m/(m − b), m the mean income above b
// and ḡ the weights' mean over the workers above b weighted by (z − b).
//
// Choices:
//   - Welfare weights are 1/max(z, 1) ("inv_income", the default), 1
//     ("uniform", utilitarian: every rate 0 under quasi-linear utility) or
//     all on the lowest income ("rawls": the worst-off worker, who under
//     quasi-linear utility and a lump-sum rebate has the lowest utility),
//     normalised to mean 1 over the population.
//   - Workers within a relative 1e-9 of a cutoff are bunched at the kink and
//     do not respond to either adjacent rate.
//   - A bracket with nobody inside and no mechanical gain (nobody above it,
//     or everybody: then raising its rate is a lump-sum tax handed back) has
//     no determinate rate and takes the bracket below's (0 for the first).
//     One with workers above but none inside has no behavioural cost and
//     takes the upper bound when A_k > 0 (the formula's limit), the lower
//     when A_k < 0. Rates are clipped to the allowed bounds.
//   - e is Elasticity when it is positive. Otherwise it is estimated: between
//     consecutive periods, the regression through the origin of
//     Δ ln z_i on Δ ln(1 − τ_i) over workers with positive incomes in both,
//     each worker's τ being the marginal rate at its own income. The estimate,
//     clipped to [0.01, 5], updates e by e ← (1 − β)·e + β·ê with β = Smoothing.
//     While the rates have barely moved (mean squared Δ ln(1 − τ) below 1e-6)
//     there is nothing to learn from, so the planner explores: each proposed
//     rate moves by ±Explore, the signs drawn from the stream in Rand.
//   - Before anything is observed (round 0) the planner proposes no tax.
type Saez struct {
	Weights    string     // "inv_income" (default), "uniform" or "rawls"
	Elasticity float64    // > 0: fixed; 0: estimated, starting from Prior
	Prior      float64    // starting elasticity when estimating; default DefaultPrior
	Smoothing  float64    // β ∈ (0, 1] of the elasticity update; default DefaultSmoothing
	Explore    float64    // exploration step on the rates; default DefaultExplore
	Rand       *rand.Rand // exploration signs; required when estimating

	z, prevZ   []float64 // last observed incomes by agent id, and a period earlier
	mech       []float64 // per bracket: A_k, the weighted mechanical effect
	scale      []float64 // per bracket: Σ|1 − g_i|·Δ_ik, the size A_k is compared with
	last, prev tax.Schedule
	haveZ      bool
	havePrev   bool
	e          float64
	sys        *tax.USSingle // the tax system of the last request (nil: none)
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
	return DefaultPrior
}

// Observe implements Planner: it keeps the latest incomes.
func (p *Saez) Observe(obs Observation) {
	p.z = copyInto(p.z, obs.Income)
	p.last = obs.Schedule
	p.haveZ = true
}

// Propose implements Planner.
func (p *Saez) Propose(_ context.Context, req Request) (tax.Schedule, error) {
	k := len(req.Cutoffs)
	rates := make([]float64, k)
	p.sys = req.System
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
			step = DefaultExplore
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

// copyInto copies src into dst's memory when it is large enough (no
// allocation from one period to the next) and returns the copy.
func copyInto(dst, src []float64) []float64 {
	if cap(dst) < len(src) {
		dst = make([]float64, len(src))
	}
	dst = dst[:len(src)]
	copy(dst, src)
	return dst
}

// remember keeps this period's incomes and schedule for the next estimate.
func (p *Saez) remember() {
	p.prevZ = copyInto(p.prevZ, p.z)
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
	marg1, marg0 := p.marginal(p.last), p.marginal(p.prev)
	for i, z1 := range p.z {
		z0 := p.prevZ[i]
		n1, n0 := 1-marg1(z1), 1-marg0(z0)
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
		beta = DefaultSmoothing
	}
	p.e = (1-beta)*p.e + beta*est
	return true
}

// marginal returns the marginal rate at income z under the planner's
// schedule s: s's own, or with a tax system the combined rate.
func (p *Saez) marginal(s tax.Schedule) func(z float64) float64 {
	if p.sys == nil {
		return s.Marginal
	}
	rates := s.Rates()
	return func(z float64) float64 { return p.sys.Marginal(z, rates) }
}

// rates fills the Saez rates for the given cutoffs from the observed
// incomes: A_k, Z_k (by the other parts' rate, under a tax system) and the
// rate each bracket's first-order condition gives (saezsystem.go has the
// system's version).
func (p *Saez) rates(cutoffs, out []float64) {
	weight := p.weigher()
	n := len(p.z)
	var sumW float64
	for _, z := range p.z {
		sumW += weight(z)
	}
	if n == 0 || sumW <= 0 {
		return
	}
	meanW := sumW / float64(n)
	k := len(cutoffs)
	if cap(p.mech) < k {
		p.mech, p.scale = make([]float64, k), make([]float64, k)
	}
	mech, scale := p.mech[:k], p.scale[:k] // A_k, Σ|1 − g|·Δ
	clear(mech)
	clear(scale)
	inside := make([][]rateGroup, k) // Z_k, by the other parts' rate (one group without a system)
	offset, kinks := 0.0, []float64(nil)
	if p.sys != nil {
		offset, kinks = p.sys.StandardDeduction, p.sys.Kinks()
	}
	for _, z := range p.z {
		g := weight(z) / meanW
		t := z - offset // taxable income
		for b := range k {
			lo := cutoffs[b]
			if t <= lo {
				break
			}
			hi := math.Inf(1)
			if b+1 < k {
				hi = cutoffs[b+1]
			}
			mech[b] += (1 - g) * (min(t, hi) - lo)
			scale[b] += math.Abs(1-g) * (min(t, hi) - lo)
			switch {
			case t >= hi:
			case p.sys == nil && !atKink(z, lo) && !atKink(z, hi):
				inside[b] = addTo(inside[b], 0, z)
			case p.sys != nil && !atAnyKink(z, kinks):
				inside[b] = addTo(inside[b], p.sys.Other(z), z)
			}
		}
	}
	e := p.CurrentElasticity()
	for b := range k {
		a, zk := mech[b], 0.0
		for _, gr := range inside[b] {
			zk += gr.z
		}
		switch {
		case zk == 0 && math.Abs(a) <= 1e-9*scale[b]:
			// Nobody inside and no mechanical gain (nobody above, or
			// everyone: a lump-sum tax handed back): the rate is
			// indeterminate; keep the bracket below's.
			out[b] = 0
			if b > 0 {
				out[b] = out[b-1]
			}
		case zk == 0 && a > 0:
			out[b] = 1
		case p.sys != nil:
			out[b] = solveBracket(a, e, inside[b])
		case a+e*zk <= 0:
			out[b] = math.Inf(-1) // clipped to the lower bound (A_k < 0 without Z_k to offset it)
		default:
			out[b] = a / (a + e*zk)
		}
	}
}

// atKink reports whether income z sits at the cutoff c (bunched).
func atKink(z, c float64) bool {
	return !math.IsInf(c, 0) && math.Abs(z-c) <= 1e-9*math.Max(1, math.Abs(c))
}

// weigher returns the unnormalised welfare weight of an income.
func (p *Saez) weigher() func(z float64) float64 {
	switch p.Weights {
	case "uniform":
		return func(float64) float64 { return 1 }
	case "rawls":
		low := math.Inf(1)
		for _, z := range p.z {
			low = min(low, z)
		}
		return func(z float64) float64 {
			if z == low {
				return 1
			}
			return 0
		}
	}
	return welfare.InvIncomeWeight
}
