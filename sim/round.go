package sim

import (
	"math"
	"sort"

	"github.com/econsim/econsim/internal/radix"
	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/rng"
	"github.com/econsim/econsim/sim/tax"
	"github.com/econsim/econsim/sim/welfare"
)

// transferRule says what each worker receives: everyone gets Lump; under a
// targeted rule, workers with income ≤ Threshold also get Share.
type transferRule struct {
	Lump      float64
	Targeted  bool
	Threshold float64
	Share     float64
}

func (r transferRule) of(z float64) float64 {
	if r.Targeted && z <= r.Threshold {
		return r.Share
	}
	return r.Lump
}

// chunkSums are one chunk's partial results, combined in chunk order.
type chunkSums struct {
	// pass 1; supply is the clearing passes' Σ skill·hours; payroll and
	// credit are a tax system's parts
	z, tax, l, dl, supply float64
	payroll, credit       float64
	// tally is, with a tax system, the workers (first K) and their earnings
	// (next K) in each bracket of the compiled schedule, for the system's
	// parts; allocated once, reused every round.
	tally         []float64
	noise         []float64 // scratch for a block's noise factors (noisy workers)
	zFirst, zLast float64
	zSorted       bool
	zMin, zMax    float64 // the least and greatest income, where zBounds says a loop found them
	zBounds       bool
	// pass 2
	c, cPos, u, minU  float64
	wu, w             float64
	logC, cLogC       float64
	rankZ, rankC      float64
	regret, regretMax float64
	cFirst, cLast     float64
	cSorted, anyZeroC bool
}

// state is where a round's per-worker results go: the population itself for
// a real round, scratch slices for a model evaluation. hours holds last
// round's hours on entry.
type state struct {
	hours, income, cons, util []float64
}

// roundIn is what one round is computed from.
type roundIn struct {
	sched tax.Schedule // the schedule of gross earnings workers face
	rates []float64    // the planner's rates (sched's without a tax system)
	resp  *agents.Response
	// noCredit is what workers outside the credit's ages face (nil: the
	// same as everyone).
	noCredit *faced
	beh      agents.Behavior
	expect   transferRule // transfers workers expect
	noise    uint64       // index of the round's noise streams
	// brValue is set by the choice pass when it left in st.util each
	// worker's utility at its best response without transfers (quasi-linear
	// workers of a fixed market who did not take it), for the welfare pass's
	// regret.
	brValue bool
}

// facing returns what worker i faces in this round: the schedule and the
// best response to it — those of the workers the tax system's credit does
// not reach (noCredit true) when it is one of them — pointing into in.
func (e *Engine) facing(in *roundIn, i int) (sched *tax.Schedule, resp *agents.Response, noCredit bool) {
	if in.noCredit != nil && e.creditless(i) {
		return &in.noCredit.sched, in.noCredit.resp, true
	}
	return &in.sched, in.resp, false
}

// computeRound computes steps 2–5 of the round under e.now.sched into e.stats
// and commits what the next round starts from: the transfers workers
// expect, the market's clearing, and capital. (Step, the exported method,
// runs the whole round: the planner, LLM decisions, this, observation.)
func (e *Engine) computeRound() error {
	in := roundIn{sched: e.now.eff, rates: e.now.sched.Rates(), resp: e.now.resp, noCredit: e.now.noCredit, beh: e.cfg.Behavior, expect: e.now.expect, noise: uint64(e.round)}
	pop := e.pop
	rule, cl, err := e.compute(state{pop.Hours, pop.Income, pop.Consumption, pop.Utility}, in, &e.stats)
	if err != nil {
		return err
	}
	e.now.expect = rule
	e.econ.last = cl
	if e.econ.cfg.Kind == market.Production {
		e.econ.capital = e.econ.cfg.Accumulate(cl.Capital, cl.Output)
	}
	e.stats.Round = e.round
	return nil
}

// compute runs steps 2–5 of the round from in into st and out, and returns
// the transfers paid (which workers expect next round) and the market's
// clearing. Its parts, in the order of the round:
//
//	clear         step 3 first: the wage (and profits) that clear the market
//	choicePass    steps 2–4 in one pass: choices, incomes, taxes
//	redistribute  step 4: who receives the revenue (and the sorted incomes
//	              when they left skill order)
//	welfarePass   steps 4–5 in one pass: consumption, utility, the welfare
//	              sums, the Gini's rank sums, regret
//	fillStats     step 5: RoundStats from the sums
func (e *Engine) compute(st state, in roundIn, out *RoundStats) (transferRule, market.Clearing, error) {
	of, cl, err := e.clear(st, &in)
	if err != nil {
		return transferRule{}, cl, err
	}
	t1 := e.choicePass(st, &in, &of)
	rd := e.redistribute(st, t1)
	t2 := e.welfarePass(st, &in, &of, rd.rule)
	e.fillStats(out, st, &in, &of, cl, t1, rd, t2)
	return rd.rule, cl, nil
}

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
// income) go through choiceRational or choiceFixed; the production market's
// and LLM workers through the general loop here.
func (e *Engine) choicePass(st state, in *roundIn, of *offer) choiceTotals {
	pop := e.pop
	beh := in.beh
	samePay := of.payWage == of.choiceWage
	fixed := e.econ.cfg.Kind != market.Production && beh.Kind != agents.LLM && samePay && of.capReal == 0
	in.brValue = fixed && beh.Kind != agents.Rational && e.u.Kind == agents.Quasilinear
	sys := e.cfg.System
	nb := in.sched.Brackets()
	e.parallel(func(c, lo, hi int) {
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
		rng, noise := e.llmStream(in, c), e.noiseDraws(in, c)
		var sz, stx, sl, sdl, spay, scred float64
		rise, prev := math.Inf(1), math.Inf(-1) // the least z − prev: incomes ascend while it is ≥ 0
		skill, hours, income, net := pop.Skill, st.hours, st.income, st.cons
		for i := lo; i < hi; i++ {
			l, lab := e.choose(i, in, of, hours[i], income[i], rng, noise)
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
		*p = chunkSums{z: sz, tax: stx, l: sl, dl: sdl, payroll: spay, credit: scred, zFirst: income[lo], zLast: income[hi-1], zSorted: rise >= 0, tally: p.tally, noise: p.noise}
	})
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
	pop, sys := e.pop, e.cfg.System
	beh, expect, hmax := in.beh, in.expect, e.cfg.HoursMax
	nb := in.sched.Brackets()
	kappa0 := e.u.Kappa // the utility's κ, for workers without their own
	skill, pot, kap := pop.Skill[lo:hi], pop.Potential[lo:hi], pop.Kappa
	if kap != nil {
		kap = kap[lo:hi]
	}
	hours, income, net := st.hours[lo:hi], st.income[lo:hi], st.cons[lo:hi]
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
// the common case measurably (BenchmarkRound, choiceFixed against this).
func (e *Engine) choiceRational(st state, in *roundIn, lo, hi int, tally []float64) chunkSums {
	pop := e.pop
	sched, resp, expect := &in.sched, in.resp, in.expect
	nb := sched.Brackets()
	kappa0 := e.u.Kappa
	skill, pot, kap := pop.Skill[lo:hi], pop.Potential[lo:hi], pop.Kappa
	if kap != nil {
		kap = kap[lo:hi]
	}
	hours, income, net := st.hours[lo:hi], st.income[lo:hi], st.cons[lo:hi]
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
		rise = min(rise, z-prev) // no branch: with incomes out of order (noisy workers) a branch on z < prev is mispredicted about half the time (the noisy round 9% slower at 10⁶)
		prev = z
	}
	return e.withParts(in, chunkSums{z: sz, tax: stx, l: sl, dl: sdl, payroll: spay, credit: scred, zFirst: income[0], zLast: income[hi-lo-1], zSorted: rise >= 0, tally: tally})
}

// choiceNoisy is choiceFixed for noisy workers who all face in.sched, with
// the same arithmetic and draws, without the per-worker branches on the
// behaviour and the credit's ages (which cost the noisy round at 10⁶ about
// 6% of its CPU time, measured alternately). Its closing step per worker —
// the tax, the tally, the sums — is choiceFixed's and choiceRational's
// written out again, for the same reason. It goes in blocks of
// len(noise) workers: their noise factors, their best responses, then
// their noisy incomes and the sums.
func (e *Engine) choiceNoisy(st state, in *roundIn, lo, hi int, tally, noise []float64, src *rng.SplitMix) chunkSums {
	pop, sys := e.pop, e.cfg.System
	sched, resp, expect, hmax := &in.sched, in.resp, in.expect, e.cfg.HoursMax
	nb := sched.Brackets()
	kappa0 := e.u.Kappa
	skill, pot, kap := pop.Skill[lo:hi], pop.Potential[lo:hi], pop.Kappa
	if kap != nil {
		kap = kap[lo:hi]
	}
	hours, income, net := st.hours[lo:hi], st.income[lo:hi], st.cons[lo:hi]
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
		// and the noisy hours (into f); then the incomes, taxes and sums.
		// One loop for both was 7% slower at 10⁶ (measured alternately),
		// perhaps because its body was too long for the processor to
		// overlap one worker's chain of dependent steps with the next's
		// (not the disutility's division alone: a multiplication in its
		// place changed nothing).
		for j := range f {
			i := b0 + j
			kappa := kappa0
			if kap != nil {
				kappa = kap[i]
			}
			l, z, k := resp.ChoiceBracket(skill[i], pot[i], kappa, expect.of(income[i]))
			if brValue != nil { // the best response's utility, for the regret
				bz := 0.0 // valueAt's, written out: the call is not inlined (the noisy round 4% slower at 10⁶)
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

// redistribution is step 4's outcome: the rule, what it pays in all, and
// the Gini of incomes when they had to be sorted.
type redistribution struct {
	rule    transferRule
	paid    float64   // Σ transfers
	sortedZ []float64 // the incomes in ascending order: st.income itself, or a sorted copy when they left skill order
}

// redistribute decides who receives the revenue: everyone equally
// (lump_sum), nobody (none), or the bottom share of earners (targeted).
func (e *Engine) redistribute(st state, t choiceTotals) redistribution {
	n := e.cfg.Agents
	var rd redistribution
	var sortedZ []float64 // incomes in ascending order, when known
	if t.zSorted {
		sortedZ = st.income
	}
	switch e.cfg.Redistribution.Kind {
	case "lump_sum":
		rd.rule.Lump = t.tax / float64(n)
		rd.paid = t.tax
	case "targeted":
		if sortedZ == nil {
			sortedZ = e.sortedCopyIn(st.income, t.zMin, t.zMax)
		}
		m := int(math.Ceil(e.cfg.Redistribution.Share * float64(n)))
		m = min(max(m, 1), n)
		th := sortedZ[m-1]
		count := sort.Search(n, func(i int) bool { return sortedZ[i] > th })
		rd.rule = transferRule{Targeted: true, Threshold: th, Share: t.tax / float64(count)}
		rd.paid = rd.rule.Share * float64(count)
	}
	if sortedZ == nil {
		sortedZ = e.sortedCopyIn(st.income, t.zMin, t.zMax)
	}
	rd.sortedZ = sortedZ
	return rd
}

// welfareTotals are the sums of the welfare pass over all chunks.
type welfareTotals struct {
	c, cPos, u, minU, wu, w float64 // Σ c, Σ c>0, Σ u, min u, Σ ω·u, Σ ω
	logC, cLogC             float64 // Σ ln c, Σ c·ln c over c > 0
	rankZ, rankC            float64 // Σ (2i − N − 1)·x for the Gini
	regret, regretMax       float64
	cSorted, anyZeroC       bool
}

// welfarePass adds each worker's transfer to its take-home pay and computes
// utility, the welfare and inequality sums and, where it is not exactly 0,
// each worker's regret against its exact best response. Each chunk goes in
// blocks of welfare.LogBlock workers: first their consumption, utility and
// regret (utilityQuasi, the common case, or utilityGeneral), then, while the
// block is in cache, the sums every case shares (welfareSums.add).
func (e *Engine) welfarePass(st state, in *roundIn, of *offer, rule transferRule) welfareTotals {
	u := &e.u
	// A rational quasi-linear worker's choice is its best response whatever
	// the transfer, so its regret is exactly 0 and need not be computed; not
	// so with income effects, taxed capital income (it is expected before it
	// is known), or a paid wage other than the one it chose at.
	needRegret := in.beh.Kind != agents.Rational || u.Kind != agents.Quasilinear || of.taxCapital || of.payWage != of.choiceWage
	quasi := u.Kind == agents.Quasilinear && !needRegret
	e.parallel(func(c, lo, hi int) {
		ws := newWelfareSums(lo, e.cfg.Agents)
		var sreg, mreg float64
		for b0 := lo; b0 < hi; b0 += welfare.LogBlock {
			b1 := min(b0+welfare.LogBlock, hi)
			if quasi {
				e.utilityQuasi(st, b0, b1, rule)
			} else if in.brValue {
				sreg, mreg = e.utilityRegret(st, b0, b1, rule, sreg, mreg)
			} else {
				sreg, mreg = e.utilityGeneral(st, in, of, b0, b1, rule, needRegret, sreg, mreg)
			}
			ws.add(st.income[b0:b1], st.cons[b0:b1], st.util[b0:b1])
		}
		p := &e.work.parts[c]
		p.c, p.cPos, p.u, p.minU, p.wu, p.w = ws.c, ws.logs.Pos, ws.u, ws.minU, ws.wu, ws.w
		p.logC, p.cLogC, p.rankZ, p.rankC = ws.logs.Log, ws.logs.XLog, ws.rz, ws.rc
		p.regret, p.regretMax = sreg, mreg
		p.cFirst, p.cLast, p.cSorted, p.anyZeroC = st.cons[lo], st.cons[hi-1], ws.rise >= 0, ws.logs.NonPos
	})
	t := welfareTotals{minU: math.Inf(1), cSorted: true}
	for c := range e.work.parts {
		p := &e.work.parts[c]
		t.c += p.c
		t.cPos += p.cPos
		t.u += p.u
		t.minU = min(t.minU, p.minU)
		t.wu += p.wu
		t.w += p.w
		t.logC += p.logC
		t.cLogC += p.cLogC
		t.rankZ += p.rankZ
		t.rankC += p.rankC
		t.regret += p.regret
		t.regretMax = max(t.regretMax, p.regretMax)
		t.anyZeroC = t.anyZeroC || p.anyZeroC
		if !p.cSorted || (c > 0 && p.cFirst < e.work.parts[c-1].cLast) {
			t.cSorted = false
		}
	}
	return t
}

// utilityQuasi adds their transfers to workers lo…hi−1's take-home pay and
// computes their quasi-linear utility, for workers whose regret is 0.
func (e *Engine) utilityQuasi(st state, lo, hi int, rule transferRule) {
	u := &e.u
	hours, income, cons, util := st.hours[lo:hi], st.income[lo:hi], st.cons[lo:hi], st.util[lo:hi]
	if kap := e.pop.Kappa; kap != nil {
		kap = kap[lo:hi]
		for i, z := range income {
			ci := cons[i] + rule.of(z)
			cons[i] = ci
			util[i] = ci - u.DisutilityK(hours[i], kap[i])
		}
		return
	}
	for i, z := range income {
		ci := cons[i] + rule.of(z)
		cons[i] = ci
		util[i] = ci - u.DisutilityK(hours[i], u.Kappa) // Disutility, inlined
	}
}

// utilityRegret is utilityQuasi for workers whose regret is not 0 but
// whose best response's utility before transfers the choice pass left in
// st.util (in.brValue: quasi-linear workers of a fixed market): the
// transfer adds to both utilities. It returns the running sum and maximum
// of the regrets, continued from sum and most.
func (e *Engine) utilityRegret(st state, lo, hi int, rule transferRule, sum, most float64) (float64, float64) {
	u := &e.u
	kappa0, kap := u.Kappa, e.pop.Kappa
	if kap != nil {
		kap = kap[lo:hi]
	}
	hours, income, cons, util := st.hours[lo:hi], st.income[lo:hi], st.cons[lo:hi], st.util[lo:hi]
	for i, z := range income {
		tr := rule.of(z)
		ci := cons[i] + tr
		cons[i] = ci
		kappa := kappa0
		if kap != nil {
			kappa = kap[i]
		}
		ui := ci - u.DisutilityK(hours[i], kappa)
		reg := max(util[i]+tr-ui, 0)
		sum += reg
		most = welfare.RunningMax(most, reg) // not the built-in max, whose latency each worker would wait for (1.8% more CPU time for the noisy round at 10⁶)
		util[i] = ui
	}
	return sum, most
}

// utilityGeneral is utilityQuasi for any utility, and computes each
// worker's regret when needRegret is set: it returns the running sum and
// maximum of the regrets, continued from sum and most (one running sum
// over the chunk, whatever its blocks).
func (e *Engine) utilityGeneral(st state, in *roundIn, of *offer, lo, hi int, rule transferRule, needRegret bool, sum, most float64) (float64, float64) {
	u := &e.u
	pop := e.pop
	payPow := math.Pow(of.payWage, 1+u.Elasticity)
	for i := lo; i < hi; i++ {
		tr := rule.of(st.income[i])
		ci := st.cons[i] + tr
		st.cons[i] = ci
		l := st.hours[i]
		ui := u.ValueK(ci, l, e.kappa(i))
		st.util[i] = ui
		if needRegret {
			w := pop.Skill[i] * of.payWage
			untaxed, other := tr, 0.0
			if of.capReal != 0 {
				if k := of.capReal * e.share(i); of.taxCapital {
					other = k
				} else {
					untaxed += k
				}
			}
			k := e.kappa(i)
			_, resp, _ := e.facing(in, i)
			br, _ := resp.ChoiceK(w, pop.Potential[i]*payPow, k, untaxed, other)
			reg := max(resp.ValueK(w, br, k, untaxed, other)-ui, 0)
			sum += reg
			most = max(most, reg)
		}
	}
	return sum, most
}

// welfareSums are one chunk's running welfare and inequality sums.
type welfareSums struct {
	c, u, minU, wu, w float64 // Σ c, Σ u, min u, Σ ω·u, Σ ω
	rz, rc            float64 // Σ (2i − N − 1)·x of incomes and consumption
	rank              float64 // 2i − N − 1 for the next worker
	prev              float64 // the last consumption seen
	rise              float64 // the least c − prev: consumption ascends while it is ≥ 0
	logs              welfare.LogSums
}

// newWelfareSums starts the sums of a chunk whose first worker is worker
// lo of n (its rank weight 2i − n − 1 for i = lo + 1).
func newWelfareSums(lo, n int) welfareSums {
	return welfareSums{minU: math.Inf(1), prev: math.Inf(-1), rise: math.Inf(1), rank: 2*float64(lo+1) - float64(n) - 1}
}

// add adds a block of consecutive workers' income, consumption and utility
// to the sums, in order.
func (s *welfareSums) add(income, cons, util []float64) {
	sc, su, minU, swu, sw, rz, rc, rank, prev, rise := s.c, s.u, s.minU, s.wu, s.w, s.rz, s.rc, s.rank, s.prev, s.rise
	util = util[:len(income)]
	cons = cons[:len(income)]
	for i, z := range income {
		ci, ui := cons[i], util[i]
		sc += ci
		su += ui
		minU = min(minU, ui)
		wt := welfare.InvIncomeWeight(z)
		swu += wt * ui
		sw += wt
		rz += rank * z
		rc += rank * ci
		rank += 2
		rise = min(rise, ci-prev) // no branch (see choiceRational)
		prev = ci
	}
	s.c, s.u, s.minU, s.wu, s.w, s.rz, s.rc, s.rank, s.prev, s.rise = sc, su, minU, swu, sw, rz, rc, rank, prev, rise
	s.logs.Add(cons)
}

// fillStats is step 5: the round's statistics from the passes' sums.
func (e *Engine) fillStats(s *RoundStats, st state, in *roundIn, of *offer, cl market.Clearing, t1 choiceTotals, rd redistribution, t2 welfareTotals) {
	n := e.cfg.Agents
	fn := float64(n)
	sched := in.sched
	// The Gini's rank sums: from the welfare pass, in worker order, when
	// that is the order of incomes (consumption); else from the sorted
	// incomes — consumption's too when it is take-home pay plus the same
	// lump sum for everyone (take-home pay never falls with income, no
	// schedule having a rate above 1, so sorted incomes give sorted
	// consumption) — or from a sorted copy of consumption.
	rz, rc := t2.rankZ, t2.rankC
	fromNet := !t2.cSorted && of.capReal == 0 && !rd.rule.Targeted && in.noCredit == nil
	if !t1.zSorted || fromNet {
		z, net := e.rankSums(rd.sortedZ, &sched, fromNet)
		if !t1.zSorted {
			rz = z
		}
		if fromNet {
			rc = net
		}
	}
	if !t2.cSorted && !fromNet {
		rc, _ = e.rankSums(e.sortedCopy(st.cons), nil, false)
	}
	giniPre := welfare.GiniFromSums(n, rz, t1.z)
	giniPost := welfare.GiniFromSums(n, rc, t2.c)
	*s = RoundStats{
		Productivity:       t1.z / fn,
		GiniPre:            giniPre,
		GiniPost:           giniPost,
		WelfareUtilitarian: t2.u / fn,
		WelfareInvIncome:   t2.wu / t2.w,
		WelfareRawls:       t2.minU,
		Atkinson1:          welfare.Atkinson1FromSums(n, t2.logC, t2.cPos, t2.anyZeroC),
		Theil:              welfare.TheilFromSums(n, t2.cLogC, t2.cPos),
		Revenue:            t1.tax / fn,
		Transfer:           rd.paid / fn,
		LaborMean:          t1.l / fn,
		BRRegretMean:       t2.regret / fn,
		BRRegretMax:        t2.regretMax,
		LaborChange:        t1.dl / fn,
		Wage:               of.payWage,
		MarketResidual:     cl.Residual,
		MarketIterations:   float64(cl.Iterations),
		Output:             cl.Output / fn,
		CapitalIncome:      of.capReal / fn,
		Capital:            cl.Capital,
		Rates:              in.rates,
		payroll:            t1.payroll / fn,
		credit:             t1.credit / fn,
	}
	if in.rates == nil {
		s.Rates = sched.Rates()
	}
	if t1.z > 0 {
		s.AvgTaxRate = t1.tax / t1.z
	}
	if e.econ.cfg.Kind != market.Production {
		s.Output = s.Productivity // output is the income workers earn
	}
	s.Equality = welfare.Equality(giniPost, n)
	s.EqXProd = s.Equality * s.Productivity
}

// rankSums returns the Gini's rank sum Σ (2i − N − 1)·x_i of the sorted
// incomes x (i from 1), in parallel chunks; and, with net, the same sum of
// their take-home pay Net(x_i) under sched. That is consumption's rank sum
// when every worker's consumption is take-home pay plus the same lump sum
// (which adds nothing to it: the weights sum to 0), for consumption then
// comes in the incomes' order (tax.New refuses rates above 1, so take-home
// pay never falls as income rises). Take-home pay
// is linear in each bracket — slope 1 − τ_k, intercept net_k − (1 − τ_k)·b_k
// (and x itself for x ≤ 0) — and the brackets hold consecutive runs of the
// sorted incomes, so its rank sum is each run's rank sum of incomes times
// its slope plus its intercept times the run's sum of weights: no tax is
// computed per worker. The sums are added in chunk order, then run order,
// whatever the number of goroutines.
func (e *Engine) rankSums(x []float64, sched *tax.Schedule, net bool) (rz, rnet float64) {
	n := len(x)
	// runs: [starts[r], starts[r+1]) holds x ≤ 0 for r = 0, bracket r − 1
	// for r ≥ 1 (without net, the whole of x is run 0).
	starts := e.work.runStarts[:0]
	starts = append(starts, 0)
	if net {
		starts = append(starts, sort.Search(n, func(i int) bool { return x[i] > 0 }))
		for k := 1; k < sched.Brackets(); k++ {
			b := sched.Cutoff(k)
			starts = append(starts, sort.Search(n, func(i int) bool { return x[i] >= b }))
		}
	}
	starts = append(starts, n)
	e.work.runStarts = starts
	runs := len(starts) - 1
	// by chunk: the chunk's rank sum, then its runs' (the first in the
	// same running sum whatever the runs, so rz's bits do not depend on net)
	stride := runs + 1
	if len(e.work.runSums) < e.work.nChunks*stride {
		e.work.runSums = make([]float64, e.work.nChunks*stride)
	}
	sums := e.work.runSums[:e.work.nChunks*stride]
	e.parallel(func(c, lo, hi int) {
		part := sums[c*stride : (c+1)*stride]
		total := 0.0
		for r := range runs {
			a, b := max(lo, starts[r]), min(hi, starts[r+1])
			part[1+r] = 0
			if a < b {
				part[1+r], total = rankSum(x[a:b], float64(2*a+1-n), total)
			}
		}
		part[0] = total
	})
	for c := range e.work.nChunks {
		rz += sums[c*stride]
	}
	for r := range runs {
		if !net {
			break
		}
		var s float64 // run r's rank sum of incomes, over the chunks in order
		for c := range e.work.nChunks {
			s += sums[c*stride+1+r]
		}
		slope, icept := 1.0, 0.0
		if r > 0 {
			k := r - 1
			slope = 1 - sched.Rate(k)
			icept = sched.NetIn(k, sched.Cutoff(k)) - slope*sched.Cutoff(k)
		}
		// Σ (2i − N − 1) over the run's ranks i = p+1 … q
		p, q := float64(starts[r]), float64(starts[r+1])
		rnet += slope*s + icept*(q-p)*(q+p-float64(n))
	}
	return rz, rnet
}

// rankSum returns Σ rank_j·x_j, with rank_0 = rank and each next rank 2
// more, and the same terms added to total in the same order.
func rankSum(x []float64, rank, total float64) (float64, float64) {
	var s float64
	for _, v := range x {
		t := rank * v
		s += t
		total += t
		rank += 2
	}
	return s, total
}

// sortedCopy sorts x into the scratch buffer (radix.SortedCopy, with a
// second buffer, of which a copy's sort touches only a bucket-sized part
// per goroutine; both are allocated on first need and reused).
func (e *Engine) sortedCopy(x []float64) []float64 {
	return e.sortedCopyIn(x, math.NaN(), math.NaN())
}

// sortedCopyIn is sortedCopy given bounds on x (radix.SortedCopyIn; NaN
// when they are not known).
func (e *Engine) sortedCopyIn(x []float64, lo, hi float64) []float64 {
	if cap(e.work.scratch) < len(x) {
		e.work.scratch = make([]float64, len(x))
		e.work.radix = make([]float64, len(x))
	}
	s := e.work.scratch[:len(x)]
	radix.SortedCopyIn(s, x, e.work.radix, e.work.workers, lo, hi)
	return s
}
