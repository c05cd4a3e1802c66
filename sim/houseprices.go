package sim

import (
	"context"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/rng"
)

// prices is what a household round starts from: capital and labour
// per household, their prices, the budget with the transfer, and the
// revenue known before anyone chooses.
type housePrices struct {
	k, l, r, w, transfer float64
	wealth               float64 // the sample's mean wealth (k but under foresight)
	b                    agents.Budget
	rv                   household.Revenue
}

// prices computes the round's prices from the wealth and states at its
// start, the taxes known before anyone chooses (labour, capital, wealth),
// and the transfer they and last round's consumption tax pay.
func (h *houses) prices(tp *household.TaxPolicy) (housePrices, error) {
	fn := float64(h.work.n)
	ws, k, err := h.capital(tp)
	if err != nil {
		return housePrices{}, err
	}
	pr := housePrices{k: k, wealth: k}
	shares := make([]float64, len(h.counts))
	for s, cnt := range h.counts {
		pr.l += cnt * h.chain.Levels[s]
		shares[s] = cnt / fn
	}
	pr.l /= fn
	pr.r, pr.w = h.market.Prices(pr.k, pr.l)
	pr.rv = ws.revenue(tp, pr.r, fn)
	pr.b, pr.rv.Labor = household.NewBudget(h.chain, tp, pr.r, pr.w, 0, shares)
	if h.redistribute {
		pr.transfer = pr.rv.Labor + pr.rv.Capital + pr.rv.Wealth + h.lastCTax
		for s := range pr.b.Income { // (y − T(y)) + transfer, as budget adds it
			pr.b.Income[s] += pr.transfer
		}
	}
	return pr, nil
}

// revenue returns the capital and wealth taxes on the wealth summed in ws,
// per household of n, at the return r: agents.AssetTaxes' formulas, which
// are linear in a on each side of their kinks, on the sums by side.
func (ws wealthSums) revenue(tp *household.TaxPolicy, r, n float64) household.Revenue {
	return household.Revenue{
		Capital: (tp.CapitalTax(r, ws.positive) + tp.CapitalTax(r, ws.negative)) / n,
		Wealth:  tp.Wealth * ws.above / n,
	}
}

// labourTolerance is how close the efficiency labour households supply must
// come to the labour the round's prices were set at (relative).
const labourTolerance = 1e-10

// clear is housePrices and housePolicy for households who choose their
// hours: the labour L that sets the round's prices must be the labour they
// supply at them. For a candidate L, the prices, the budget and the
// households' policy at those prices (expected to persist) give every
// household's hours, and so the supply S(L); a fixed-point step from last
// round's L, then secant steps on S(L) − L, find the L where they agree.
// The labour tax paid back this round is last round's (this round's
// depends on the hours being found).
func (h *houses) clear(ctx context.Context, tp *household.TaxPolicy) (housePrices, int, error) {
	fn := float64(h.work.n)
	ws, k, err := h.capital(tp)
	if err != nil {
		return housePrices{}, 0, err
	}
	iters := 0
	at := func(l float64) (housePrices, float64, error) {
		pr := housePrices{k: k, l: l, wealth: k}
		pr.r, pr.w = h.market.Prices(k, l)
		pr.rv = ws.revenue(tp, pr.r, fn)
		if h.redistribute {
			pr.transfer = pr.rv.Capital + pr.rv.Wealth + h.lastLaborTax + h.lastCTax
		}
		lab, err := h.cfg.Labor(h.chain, tp, pr.w)
		if err != nil {
			return pr, 0, err
		}
		pr.b = household.NewLaborBudget(h.chain, tp, pr.r, pr.transfer, lab)
		n, err := h.solvePolicy(ctx, tp, &pr)
		iters += n
		if err != nil {
			return pr, 0, err
		}
		return pr, h.laborSupply(&pr.b, h.policy) / fn, nil
	}
	l0 := h.lastL
	pr, s0, err := at(l0)
	if err != nil {
		return pr, iters, err
	}
	l1 := s0
	for it := 0; math.Abs(s0-l0) > labourTolerance*l0; it++ {
		if it == 100 {
			return pr, iters, fmt.Errorf("the labour market did not clear in %d steps (supply %.6g at %.6g)", it, s0, l0)
		}
		var s1 float64
		if pr, s1, err = at(l1); err != nil {
			return pr, iters, err
		}
		f0, f1 := s0-l0, s1-l1
		next := s1
		if f1 != f0 {
			next = l1 - f1*(l1-l0)/(f1-f0)
		}
		if !(next > 0) {
			next = s1
		}
		l0, s0, l1 = l1, s1, next
	}
	h.lastL = l0
	return pr, iters, nil
}

// laborSupply returns Σ l(s_i)·h_i, the efficiency labour households
// following pol supply at budget b, summed by chunk in chunk order.
func (h *houses) laborSupply(b *agents.Budget, pol *agents.Policy) float64 {
	pop := h.pop
	h.work.parallel(func(c, lo, hi int) {
		sum := 0.0
		for i := lo; i < hi; i++ {
			st := int(pop.State[i])
			pol := pol
			if h.typ != nil { // its patience type's
				pol = h.policies[h.typ[i]]
			}
			_, _, hr, _ := pol.ChooseHours(st, b.Cash(pop.Wealth[i], st))
			sum += h.chain.Levels[st] * hr
		}
		h.parts[c].eff = sum
	})
	sum := 0.0
	for c := range h.parts {
		sum += h.parts[c].eff
	}
	return sum
}

// decide returns the rule households follow this round (nil: the
// optimal policy, solved here at the prices they expect to persist) and
// the EGM iterations it took; LLM savers are asked here.
func (h *houses) decide(ctx context.Context, tp *household.TaxPolicy, pr *housePrices) (agents.Rule, int, error) {
	rule := h.cfg.Saver.Rule(h.chain, &pr.b, pr.w, h.market.Depreciation)
	iters := 0
	if rule == nil {
		var err error
		if iters, err = h.solvePolicy(ctx, tp, pr); err != nil {
			return nil, 0, err
		}
	}
	if h.cfg.Saver.Saving == agents.SaveLLM && h.llm != nil {
		llmRule, err := h.askLLM(ctx, pr, "", nil)
		if err != nil {
			return nil, 0, err
		}
		rule = llmRule
	}
	return rule, iters, nil
}

// askLLM asks LLM savers for this round's decisions at the prices pr (and,
// when they foresee a reform, what was announced and the years ahead),
// h.policy their fallback, and checks the fallbacks.
func (h *houses) askLLM(ctx context.Context, pr *housePrices, announced string, ahead []agents.Outlook) (agents.Rule, error) {
	ls := h.llm
	err := ls.Ask(ctx, agents.SaverInput{Round: h.t, Rate: pr.r, Wage: pr.w, Transfer: pr.transfer, Budget: &pr.b, Chain: h.chain,
		Limit: h.grid[0], Fallback: h.policy, Mix: rng.SplitMix64, Announced: announced, Ahead: ahead}, h.pop)
	if err != nil {
		return nil, err
	}
	if err := h.fallbacks(); err != nil {
		return nil, err
	}
	return ls, nil
}

// solvePolicy solves the optimal policy at the round's prices, which
// households expect to persist, warm from last round's, and returns the
// EGM iterations. The return they expect is capped where wealth would grow
// without bound: in a small economy near r = 1/β − 1 a round's r can cross
// it by sampling noise alone.
func (h *houses) solvePolicy(ctx context.Context, tp *household.TaxPolicy, pr *housePrices) (int, error) {
	if h.typ != nil { // each patience type's
		iters := 0
		for j, t := range h.cfg.Types() {
			sv := h.cfg.Saver
			sv.Discount = t.Discount
			expect := pr.b
			expect.Rate = min(pr.r, tp.ExpectedRateCap(t.Discount))
			pol, err := sv.Solve(ctx, h.chain, &expect, h.grid, h.policies[j], roundPolicyTolerance)
			if err != nil {
				return 0, fmt.Errorf("the policy of households of discount factor %v at r = %.6g, w = %.6g: %w", t.Discount, pr.r, pr.w, err)
			}
			h.policies[j] = pol
			iters += pol.Iters
		}
		return iters, nil
	}
	expect := pr.b
	expect.Rate = min(pr.r, tp.ExpectedRateCap(h.cfg.Saver.Discount))
	pol, err := h.cfg.Saver.Solve(ctx, h.chain, &expect, h.grid, h.policy, roundPolicyTolerance)
	if err != nil {
		return 0, fmt.Errorf("households' policy at r = %.6g, w = %.6g: %w", pr.r, pr.w, err)
	}
	h.policy = pol
	return pol.Iters, nil
}

// capital returns the wealth sums and capital per household at the start of
// the round, which must be positive for the firm to produce.
func (h *houses) capital(tp *household.TaxPolicy) (wealthSums, float64, error) {
	ws := h.sumWealth(tp.WealthExemption)
	k := ws.sum / float64(h.work.n)
	if !(k > 0) {
		return ws, k, fmt.Errorf("households hold no capital (mean wealth %v): the firm cannot produce", k)
	}
	return ws, k, nil
}

// roundPolicyTolerance is the EGM tolerance of the policy households solve
// each round (warm from the last round's, so a few iterations).
const roundPolicyTolerance = 1e-8

// wealthSums are the sums over households' wealth a round's taxes need.
type wealthSums struct {
	sum, positive, negative, above float64 // Σ a, Σ max(a, 0), Σ min(a, 0), Σ max(a − X, 0)
}

// sumWealth returns the wealth sums with exemption X, summed by chunk in
// chunk order.
func (h *houses) sumWealth(x float64) wealthSums {
	a := h.pop.Wealth
	parts := make([]wealthSums, h.work.nChunks)
	h.work.parallel(func(c, lo, hi int) {
		var s wealthSums
		for _, v := range a[lo:hi] {
			s.sum += v
			s.positive += max(v, 0)
			s.negative += min(v, 0)
			s.above += max(v-x, 0)
		}
		parts[c] = s
	})
	var t wealthSums
	for _, p := range parts {
		t.sum += p.sum
		t.positive += p.positive
		t.negative += p.negative
		t.above += p.above
	}
	return t
}
