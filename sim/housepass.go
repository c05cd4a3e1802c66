package sim

import (
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/rng"
)

// wealthStats are the wealth distribution's statistics at a round's start.
type wealthStats struct{ gini, top1, top10 float64 }

// stats is step 5 of a household round: RoundStats and the household
// columns from the pass's sums.
func (h *houses) stats(s *RoundStats, pr *housePrices, t *houseSums, wd wealthStats, iters int) {
	pop, mk := h.pop, h.market
	n := h.work.n
	fn := float64(n)
	y := mk.Output(pr.k*fn, pr.l*fn) / fn
	rc, _ := h.work.rankSums(h.work.sortedCopy(pop.Consumption), nil, false)
	rz, _ := h.work.rankSums(h.work.sortedCopy(pop.Income), nil, false)
	*s = RoundStats{
		Round:            h.t,
		Revenue:          pr.rv.Total(),
		Transfer:         pr.transfer,
		LaborMean:        1,
		Wage:             pr.w,
		MarketIterations: float64(iters),
		Output:           y,
		CapitalIncome:    pr.r * pr.k,
		Capital:          pr.k,
		Rates:            h.sched.Rates(),
	}
	s.fillPopulation(n, t.z, rz, rc, &t.popTotals)
	if h.cfg.Hours != nil {
		s.LaborMean, s.LaborChange = t.hours/fn, t.dl/fn
	}
	if h.cfg.Saver.Heuristic() || h.cfg.Saver.Saving == agents.SaveLLM { // a rule's loss against the optimum is not computed
		s.BRRegretMean, s.BRRegretMax, s.regretUndefined = math.NaN(), math.NaN(), true
	}
	s.derive(n, pr.rv.Total()*fn, t.z)
	saving := (t.next/fn - (1-mk.Depreciation)*pr.wealth) / y
	h.cols = houseValues{rate: pr.r, saving: saving, consumption: t.c / fn, wealth: pr.wealth, gini: wd.gini, top1: wd.top1, top10: wd.top10,
		constrained: t.constrained / fn, revenue: pr.rv}
}

// pass is the round's pass over households, in parallel chunks: each
// household's cash on hand m = Wealth(a) + w·l(s) − T(w·l(s)) + transfer,
// its consumption and saving from the policy, its pre-tax income
// z = w·l(s) + r·a, its utility u(c) (and, with elastic hours, its hours
// and labour tax), and its next productivity state, drawn from a hash of
// (seed, round, household).
// rule is nil for optimal savers, who follow h.policy.
func (h *houses) pass(b *agents.Budget, rule agents.Rule, w float64) {
	pop := h.pop
	sv, ch := &h.cfg.Saver, h.chain
	pol := h.policy
	base := rng.SplitMix64(h.seed ^ rng.SplitMix64(rng.StreamKey(productivityDraw)^rng.SplitMix64(uint64(h.t))))
	limit := h.grid[0]
	elastic := b.Labor != nil
	h.work.parallel(func(c, lo, hi int) {
		hp := &h.parts[c]
		clear(hp.counts)
		var sz, snext, scon, shours, sltx, seff, sdl float64
		for i := lo; i < hi; i++ {
			st := int(pop.State[i])
			a := pop.Wealth[i]
			pol := pol
			if h.typ != nil { // its patience type's
				pol = h.policies[h.typ[i]]
			}
			lab := w * ch.Levels[st]
			m := b.Cash(a, st)
			var cons, next float64
			switch {
			case elastic: // hours from consumption; labour income on top of m
				var hr float64
				cons, next, hr, lab = pol.ChooseHours(st, m)
				sdl += math.Abs(hr - pop.Hours[i])
				pop.Hours[i] = hr
				shours += hr
				sltx += b.Labor.Tax(lab)
				seff += ch.Levels[st] * hr
			case rule == nil:
				cons, next = pol.Choose(st, m)
			default:
				cons, next = rule.Decide(st, a, m)
			}
			z := lab + b.Rate*a
			u := sv.Period(cons)
			if elastic {
				u -= b.Labor.Disutility(pop.Hours[i])
			}
			pop.Income[i] = z
			pop.Consumption[i] = cons
			pop.Utility[i] = u
			pop.Wealth[i] = next
			sz += z
			snext += next
			if next <= limit {
				scon++
			}
			draw := rng.SplitMix64(base ^ uint64(i))
			ns := ch.Next(uint8(st), float64(draw>>11)*0x1p-53)
			h.next[i] = ns
			hp.counts[ns]++
		}
		// the welfare sums the workers' round keeps, over the chunk while it
		// is in cache (the rank sums and the order go unused: households are
		// not in order)
		ws := newWelfareSums(lo, h.work.n)
		ws.add(pop.Income[lo:hi], pop.Consumption[lo:hi], pop.Utility[lo:hi])
		hp.popTotals, hp.z, hp.next, hp.constrained = ws.totals(), sz, snext, scon
		hp.hours, hp.laborTax, hp.eff, hp.dl = shours, sltx, seff, sdl
	})
}

// totals combines the chunks' sums in chunk order.
func (h *houses) totals() houseSums {
	t := houseSums{popTotals: popTotals{minU: math.Inf(1)}}
	for c := range h.parts {
		p := &h.parts[c]
		t.popTotals.add(&p.popTotals)
		t.z += p.z
		t.next += p.next
		t.constrained += p.constrained
		t.hours += p.hours
		t.laborTax += p.laborTax
		t.eff += p.eff
		t.dl += p.dl
	}
	return t
}
