package sim

import (
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/rng"
	"github.com/econsim/econsim/sim/tax"
	"github.com/econsim/econsim/sim/welfare"
)

// choiceTotals are the sums of the choice pass over all chunks.
type choiceTotals struct {
	z, tax, l, dl   float64 // Σ income, Σ tax, Σ hours, Σ |Δ hours|
	payroll, credit float64 // Σ of a tax system's payroll tax and credit
	zSorted         bool    // incomes in ascending order (the skill order)
	zMin, zMax      float64 // the least and greatest income, NaN unless every chunk's loop found them
}

// noiseBlock is the chunk's scratch for a block of noise factors
// (welfare.LogBlock of them), allocated on first need.
func (p *chunkSums) noiseBlock() []float64 {
	if p.noise == nil {
		p.noise = make([]float64, welfare.LogBlock)
	}
	return p.noise
}

// choicePass is steps 2–4 up to the revenue: every worker's hours, income
// and take-home pay before transfers (in st.cons), in parallel chunks.
// Heuristic workers of a fixed market (the wage is their skill, no capital
// income) go through choiceRational, choiceNoisy or choiceFixed; the
// production market's and LLM workers through choiceGeneral.
func (e *Engine) choicePass(st state, in *roundIn, of *offer) choiceTotals {
	beh := in.beh
	samePay := of.payWage == of.choiceWage
	fixed := e.econ.cfg.Kind != market.Production && beh.Kind != agents.LLM && samePay && of.capReal == 0
	in.brValue = fixed && beh.Kind != agents.Rational && e.u.Kind == agents.Quasilinear
	sys := e.cfg.System
	nb := in.sched.Brackets()
	e.work.parallel(func(c, lo, hi int) {
		p := &e.work.parts[c]
		var tally []float64 // workers and earnings by bracket, with a system
		if sys != nil {
			if cap(p.tally) < 2*nb {
				p.tally = make([]float64, 2*nb)
			}
			tally = p.tally[:2*nb]
			clear(tally)
		}
		if fixed {
			var noise []float64   // a block's noise factors, for noisy workers
			var src *rng.SplitMix // and their generator
			if beh.Kind == agents.Noisy {
				src, noise = e.noiseSource(in, c), p.noiseBlock()
			}
			if beh.Kind == agents.Rational && in.noCredit == nil {
				*p = e.choiceRational(st, in, lo, hi, tally)
			} else if beh.Kind == agents.Noisy && in.noCredit == nil {
				*p = e.choiceNoisy(st, in, lo, hi, tally, noise, src)
			} else {
				*p = e.choiceFixed(st, in, lo, hi, tally, noise, src)
			}
			p.noise = noise
			return
		}
		*p = e.choiceGeneral(st, in, of, c, lo, hi)
	})
	return e.choiceSums()
}

// choiceSums adds up the chunks' sums of the choice pass.
func (e *Engine) choiceSums() choiceTotals {
	t := choiceTotals{zSorted: true, zMin: math.Inf(1), zMax: math.Inf(-1)}
	for c := range e.work.parts {
		p := &e.work.parts[c]
		if p.zBounds {
			t.zMin, t.zMax = min(t.zMin, p.zMin), max(t.zMax, p.zMax)
		} else {
			t.zMin, t.zMax = math.NaN(), math.NaN() // and stay NaN
		}
		t.z += p.z
		t.tax += p.tax
		t.l += p.l
		t.dl += p.dl
		t.payroll += p.payroll
		t.credit += p.credit
		if !p.zSorted || (c > 0 && p.zFirst < e.work.parts[c-1].zLast) {
			t.zSorted = false
		}
	}
	return t
}

// choiceGeneral is the choice pass's loop over workers lo…hi−1 of chunk c
// for the production market and LLM workers: each worker's choice at the
// offer, its pay, its capital income and its take-home pay.
func (e *Engine) choiceGeneral(st state, in *roundIn, of *offer, c, lo, hi int) chunkSums {
	p := &e.work.parts[c]
	pop, sys := e.pop, e.cfg.System
	samePay := of.payWage == of.choiceWage
	draws, noise := e.llmStream(in, c), e.noiseDraws(in, c)
	var sz, stx, sl, sdl, spay, scred float64
	rise, prev := math.Inf(1), math.Inf(-1) // the least z − prev: incomes ascend while it is ≥ 0
	skill, hours, income, net := pop.Skill, st.hours, st.income, st.cons
	for i := lo; i < hi; i++ {
		l, lab := e.choose(i, in, of, hours[i], income[i], draws, noise)
		if !samePay {
			lab = of.payWage * skill[i] * l
		}
		sdl += math.Abs(l - hours[i])
		hours[i] = l
		sched, _, noCredit := e.facing(in, i)
		z, nz, taxed := lab, 0.0, lab
		if of.capReal == 0 {
			nz = sched.Net(z)
		} else {
			k := of.capReal * e.share(i)
			z = lab + k
			if of.taxCapital {
				nz, taxed = sched.Net(z), z
			} else {
				nz = sched.Net(lab) + k
			}
		}
		if sys != nil {
			spay += sys.PayrollTax(taxed)
			if !noCredit {
				scred += sys.Credit(taxed)
			}
		}
		income[i] = z
		net[i] = nz
		sz += z
		stx += z - nz
		sl += l
		rise = min(rise, z-prev) // no branch (see choiceRational)
		prev = z
	}
	return chunkSums{z: sz, tax: stx, l: sl, dl: sdl, payroll: spay, credit: scred, zFirst: income[lo], zLast: income[hi-1], zSorted: rise >= 0, tally: p.tally, noise: p.noise}
}

// columns are chunk lo…hi−1's skill, potential, κ (nil when the utility's
// is everyone's), hours, income and take-home pay.
func (e *Engine) columns(st state, lo, hi int) (skill, pot, kap, hours, income, net []float64) {
	pop := e.pop
	if kap = pop.Kappa; kap != nil {
		kap = kap[lo:hi]
	}
	return pop.Skill[lo:hi], pop.Potential[lo:hi], kap, st.hours[lo:hi], st.income[lo:hi], st.cons[lo:hi]
}

// choiceFixed is the choice pass's loop over workers lo…hi−1 for heuristic
// workers of a fixed market — the wage is the skill and chosen at, no
// capital income — in a function small enough for the compiler to keep its
// sums in registers. A rational worker's best response hands its bracket to
// the tax (no bracket scan); noisy workers' noise factors are drawn a block
// at a time from src (in worker order: the draws Behavior.Choose would
// make from rand.New(src); noise holds welfare.LogBlock of them). With in.brValue, each
// worker's utility at its best response, without transfers, goes to
// st.util for the welfare pass's regret. tally, with a tax system, is the
// chunk's zeroed tally by bracket: the system's parts for workers the
// credit reaches come from it (USSingle.PartsIn), for the others from the
// system's functions.
func (e *Engine) choiceFixed(st state, in *roundIn, lo, hi int, tally, noise []float64, src *rng.SplitMix) chunkSums {
	sys := e.cfg.System
	beh, expect, hmax := in.beh, in.expect, e.cfg.HoursMax
	nb := in.sched.Brackets()
	kappa0 := e.u.Kappa // the utility's κ, for workers without their own
	skill, pot, kap, hours, income, net := e.columns(st, lo, hi)
	ages := in.noCredit != nil // some workers' schedule is without the credit
	var brValue []float64      // where the best response's utility goes
	if in.brValue {
		brValue = st.util[lo:hi]
	}
	var sz, stx, sl, sdl, spay, scred float64
	rise, prev := math.Inf(1), math.Inf(-1) // the least z − prev: incomes ascend while it is ≥ 0
	block := len(skill)                     // one block, but for noisy workers
	if noise != nil {
		block = len(noise)
	}
	for b0 := 0; b0 < len(skill); b0 += block {
		b1 := min(b0+block, len(skill))
		if noise != nil {
			rng.Normals(noise[:b1-b0], src)
			beh.NoiseFactors(noise[:b1-b0])
		}
		for i := b0; i < b1; i++ {
			sched, resp, noCredit := &in.sched, in.resp, false
			if ages {
				sched, resp, noCredit = e.facing(in, lo+i)
			}
			kappa := kappa0
			if kap != nil {
				kappa = kap[i]
			}
			w := skill[i]
			l, z, k := resp.ChoiceBracket(w, pot[i], kappa, expect.of(income[i]))
			if brValue != nil { // the best response's utility, for the regret
				brValue[i] = e.valueAt(sched, l, z, k, kappa)
			}
			near := max(k, 0) // a bracket near the income's, where the search for it starts
			switch beh.Kind {
			case agents.Noisy:
				l = agents.NoisyHours(l, noise[i-b0], hmax)
				z, k = w*l, -1
			case agents.Adaptive:
				l = beh.Choose(l, hours[i], hmax, nil)
				z, k = w*l, -1
			}
			sdl += math.Abs(l - hours[i])
			hours[i] = l
			var nz float64
			switch {
			case z <= 0 || noCredit:
				nz = sched.Net(z)
				if sys != nil {
					spay += sys.PayrollTax(z)
					if !noCredit {
						scred += sys.Credit(z)
					}
				}
			case k >= 0:
				nz = sched.NetIn(k, z)
			default:
				k = sched.BracketFrom(z, near)
				nz = sched.NetIn(k, z)
			}
			if tally != nil && z > 0 && !noCredit {
				tally[k]++
				tally[nb+k] += z
			}
			income[i] = z
			net[i] = nz
			sz += z
			stx += z - nz
			sl += l
			rise = min(rise, z-prev) // no branch (see choiceRational)
			prev = z
		}
	}
	return e.withParts(in, chunkSums{z: sz, tax: stx, l: sl, dl: sdl, payroll: spay, credit: scred, zFirst: income[0], zLast: income[len(income)-1], zSorted: rise >= 0, tally: tally})
}

// choiceRational is choiceFixed for its most common case — rational
// workers who all face in.sched — with the same arithmetic, without the
// per-worker branches on the behaviour and the credit's ages, which cost
// the common case time (BenchmarkRound).
func (e *Engine) choiceRational(st state, in *roundIn, lo, hi int, tally []float64) chunkSums {
	sched, resp, expect := &in.sched, in.resp, in.expect
	nb := sched.Brackets()
	kappa0 := e.u.Kappa
	skill, pot, kap, hours, income, net := e.columns(st, lo, hi)
	var sz, stx, sl, sdl, spay, scred float64
	rise, prev := math.Inf(1), math.Inf(-1) // the least z − prev: incomes ascend while it is ≥ 0
	for i := range skill {
		kappa := kappa0
		if kap != nil {
			kappa = kap[i]
		}
		l, z, k := resp.ChoiceBracket(skill[i], pot[i], kappa, expect.of(income[i]))
		sdl += math.Abs(l - hours[i])
		hours[i] = l
		var nz float64
		switch {
		case z <= 0:
			nz = sched.Net(z)
			if tally != nil {
				spay += e.cfg.System.PayrollTax(z)
				scred += e.cfg.System.Credit(z)
			}
		case k >= 0:
			nz = sched.NetIn(k, z)
		default:
			k = sched.Bracket(z)
			nz = sched.NetIn(k, z)
		}
		if tally != nil && z > 0 {
			tally[k]++
			tally[nb+k] += z
		}
		income[i] = z
		net[i] = nz
		sz += z
		stx += z - nz
		sl += l
		rise = min(rise, z-prev) // no branch: with incomes out of order (noisy workers) a branch on z < prev is mispredicted about half the time
		prev = z
	}
	return e.withParts(in, chunkSums{z: sz, tax: stx, l: sl, dl: sdl, payroll: spay, credit: scred, zFirst: income[0], zLast: income[hi-lo-1], zSorted: rise >= 0, tally: tally})
}

// choiceNoisy is choiceFixed for noisy workers who all face in.sched, with
// the same arithmetic and draws, without the per-worker branches on the
// behaviour and the credit's ages (BenchmarkRoundNoisy). Its closing step per worker —
// the tax, the tally, the sums — is choiceFixed's and choiceRational's
// written out again, for the same reason. It goes in blocks of
// len(noise) workers: their noise factors, their best responses, then
// their noisy incomes and the sums.
func (e *Engine) choiceNoisy(st state, in *roundIn, lo, hi int, tally, noise []float64, src *rng.SplitMix) chunkSums {
	sys := e.cfg.System
	sched, resp, expect, hmax := &in.sched, in.resp, in.expect, e.cfg.HoursMax
	nb := sched.Brackets()
	kappa0 := e.u.Kappa
	skill, pot, kap, hours, income, net := e.columns(st, lo, hi)
	var brValue []float64
	if in.brValue {
		brValue = st.util[lo:hi]
	}
	var sz, stx, sl, sdl, spay, scred float64
	rise, prev := math.Inf(1), math.Inf(-1) // the least z − prev: incomes ascend while it is ≥ 0
	zlo, zhi := math.Inf(1), math.Inf(-1)   // the least and greatest income, for the sort (a read of them less)
	var nearK [welfare.LogBlock]int         // each worker's best response's bracket (or 0), for its noisy income's
	for b0 := 0; b0 < len(skill); b0 += len(noise) {
		b1 := min(b0+len(noise), len(skill))
		f := noise[:b1-b0]
		near := nearK[:len(f)]
		rng.Normals(f, src)
		in.beh.NoiseFactors(f)
		// First the block's best responses, their utility for the regret
		// and the noisy hours (into f); then the incomes, taxes and sums:
		// two short loops let the processor overlap one worker's chain of
		// dependent steps with the next's, which one long loop does not.
		for j := range f {
			i := b0 + j
			kappa := kappa0
			if kap != nil {
				kappa = kap[i]
			}
			l, z, k := resp.ChoiceBracket(skill[i], pot[i], kappa, expect.of(income[i]))
			if brValue != nil { // the best response's utility, for the regret
				bz := 0.0 // valueAt's, written out: the call is not inlined
				if k >= 0 && z > 0 {
					bz = sched.NetIn(k, z)
				} else {
					bz = sched.Net(z)
				}
				brValue[i] = bz - e.u.DisutilityK(l, kappa)
			}
			near[j] = max(k, 0)
			f[j] = agents.NoisyHours(l, f[j], hmax)
		}
		for j, l := range f {
			i := b0 + j
			z := skill[i] * l
			sdl += math.Abs(l - hours[i])
			hours[i] = l
			var nz float64
			if z <= 0 {
				nz = sched.Net(z)
				if sys != nil {
					spay += sys.PayrollTax(z)
					scred += sys.Credit(z)
				}
			} else {
				k := sched.BracketFrom(z, near[j])
				nz = sched.NetIn(k, z)
				if tally != nil {
					tally[k]++
					tally[nb+k] += z
				}
			}
			income[i] = z
			net[i] = nz
			sz += z
			stx += z - nz
			sl += l
			rise = min(rise, z-prev) // no branch (see choiceRational)
			prev = z
			zlo, zhi = min(zlo, z), max(zhi, z)
		}
	}
	return e.withParts(in, chunkSums{z: sz, tax: stx, l: sl, dl: sdl, payroll: spay, credit: scred, zFirst: income[0], zLast: income[len(income)-1], zSorted: rise >= 0, zMin: zlo, zMax: zhi, zBounds: true, tally: tally})
}

// valueAt is a quasi-linear worker's utility before transfers at hours l
// and income z in bracket k of sched (k < 0: not known).
func (e *Engine) valueAt(sched *tax.Schedule, l, z float64, k int, kappa float64) float64 {
	nz := 0.0
	if k >= 0 && z > 0 {
		nz = sched.NetIn(k, z)
	} else {
		nz = sched.Net(z)
	}
	return nz - e.u.DisutilityK(l, kappa)
}

// withParts adds to a fixed-market chunk's sums the tax system's payroll
// tax and credit of the workers its tally by bracket holds (none without a
// system).
func (e *Engine) withParts(in *roundIn, c chunkSums) chunkSums {
	if c.tally != nil {
		nb := len(c.tally) / 2
		pay, cred := e.cfg.System.PartsIn(in.sched, c.tally[:nb], c.tally[nb:])
		c.payroll += pay
		c.credit += cred
	}
	return c
}
