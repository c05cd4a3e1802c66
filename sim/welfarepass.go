package sim

import (
	"math"
	"sort"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/welfare"
)

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
	case LumpSum:
		rd.rule.Lump = t.tax / float64(n)
		rd.paid = t.tax
	case Targeted:
		if sortedZ == nil {
			sortedZ = e.work.sortedCopyIn(st.income, t.zMin, t.zMax)
		}
		m := int(math.Ceil(e.cfg.Redistribution.Share * float64(n)))
		m = min(max(m, 1), n)
		th := sortedZ[m-1]
		count := sort.Search(n, func(i int) bool { return sortedZ[i] > th })
		rd.rule = transferRule{Targeted: true, Threshold: th, Share: t.tax / float64(count)}
		rd.paid = rd.rule.Share * float64(count)
	}
	if sortedZ == nil {
		sortedZ = e.work.sortedCopyIn(st.income, t.zMin, t.zMax)
	}
	rd.sortedZ = sortedZ
	return rd
}

// welfareTotals are the sums of the welfare pass over all chunks.
type welfareTotals struct {
	popTotals
	rankZ, rankC      float64 // Σ (2i − N − 1)·x for the Gini
	regret, regretMax float64
	cSorted           bool
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
	e.work.parallel(func(c, lo, hi int) {
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
		p.popTotals, p.rankZ, p.rankC = ws.totals(), ws.rz, ws.rc
		p.regret, p.regretMax = sreg, mreg
		p.cFirst, p.cLast, p.cSorted = st.cons[lo], st.cons[hi-1], ws.rise >= 0
	})
	t := welfareTotals{popTotals: popTotals{minU: math.Inf(1)}, cSorted: true}
	for c := range e.work.parts {
		p := &e.work.parts[c]
		t.popTotals.add(&p.popTotals)
		t.rankZ += p.rankZ
		t.rankC += p.rankC
		t.regret += p.regret
		t.regretMax = max(t.regretMax, p.regretMax)
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

// totals are the chunk's sums of consumption and utility.
func (s *welfareSums) totals() popTotals {
	return popTotals{c: s.c, cPos: s.logs.Pos, u: s.u, minU: s.minU, wu: s.wu, w: s.w, logC: s.logs.Log, cLogC: s.logs.XLog, anyZeroC: s.logs.NonPos}
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
