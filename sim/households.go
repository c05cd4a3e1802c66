package sim

import (
	"context"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/rng"
	"github.com/econsim/econsim/sim/welfare"
)

// householdColumns are the per-round columns of an economy of savers, after
// the rates (see the metric table in docs/metrics.md).
var householdColumns = []string{
	"interest_rate", "saving_rate", "consumption_mean", "wealth_mean",
	"wealth_gini", "wealth_top1_share", "wealth_top10_share", "constrained_share",
	"capital_tax_revenue", "wealth_tax_revenue", "consumption_tax_revenue",
}

// houses is the engine's state for households that save.
type houses struct {
	cfg          *household.Config
	chain        *agents.Chain
	grid         []float64
	policy       *agents.Policy        // solved at the prices of the last round run
	stationary   *household.Stationary // of the first policy, solved before round 0
	counts       []float64             // households in each state at the start of the round
	lastL        float64               // efficiency labour per household last round (elastic hours)
	lastLaborTax float64               // labour tax per household collected last round (elastic hours; paid out this round)
	lastCTax     float64               // consumption tax per household collected last round (paid out this round)
	next         []uint8               // each household's state next round, drawn in the pass
	parts        []houseSums
	cols         []float64 // this round's householdColumns values
	model        houseModel
}

// houseSums are one chunk's partial sums of a household round.
type houseSums struct {
	popTotals
	z                        float64
	next, constrained        float64 // Σ a', households at the limit
	hours, laborTax, eff, dl float64 // elastic hours: Σ h, Σ labour tax, Σ l·h, Σ |Δh|
	anyZeroC                 bool
	counts                   []float64 // households in each state next round
}

// productivityDraw is the stream name of the households' productivity
// draws: household i's draw in round t is a hash of (seed, this, t, i).
const productivityDraw = "productivity"

// initHouses prepares the households: the chain, the population's wealth
// and state (filled in before round 0 by startHouses).
func (e *Engine) initHouses() error {
	h := e.cfg.Households
	ch, err := h.Productivity.Chain()
	if err != nil {
		return field.Within("Households.Productivity", err)
	}
	n := ch.States()
	e.house = &houses{cfg: h, chain: ch, counts: make([]float64, n), parts: make([]houseSums, e.work.nChunks)}
	e.house.model.e = e
	for c := range e.house.parts {
		e.house.parts[c].counts = make([]float64, n)
	}
	e.pop.Wealth = make([]float64, e.cfg.Agents)
	e.pop.State = make([]uint8, e.cfg.Agents)
	e.house.next = make([]uint8, e.cfg.Agents)
	for i := range e.pop.Hours {
		e.pop.Hours[i] = 1 // inelastic labour: one unit of endowment
	}
	e.report.extra = append(e.report.extra, householdColumns...)
	return nil
}

// startHouses solves the stationary equilibrium of the first policy and
// places the households: every household's state and wealth are drawn, in
// fixed chunks from the stream (seed, "initial-wealth", chunk), from the
// stationary distribution (or the state from the chain's stationary
// distribution and the wealth as configured).
func (e *Engine) startHouses(ctx context.Context) error {
	h := e.house
	st, err := household.SolveStationary(ctx, h.cfg, e.cfg.Market, h.cfg.Taxes.Policy(e.now.sched), e.redistributes())
	if err != nil {
		return fmt.Errorf("stationary equilibrium: %w", err)
	}
	h.stationary, h.policy = st, st.Policy
	h.lastCTax = st.Revenue.Consumption
	h.lastL, h.lastLaborTax = st.Market.Labor, st.Revenue.Labor
	h.grid = st.Histogram.Grid
	n, G := h.chain.States(), len(h.grid)
	cum := make([]float64, n*G) // over (state, point) for "stationary", over states otherwise
	acc := 0.0
	for k := range cum {
		switch {
		case h.cfg.InitialWealth == "stationary":
			acc += st.Histogram.Mass[k]
		case k%G == 0:
			acc += h.chain.Stationary[k/G]
		}
		cum[k] = acc
	}
	pop := e.pop
	e.parallel(func(c, lo, hi int) {
		r := rng.Stream(e.cfg.Seed, "initial-wealth", uint64(c))
		for i := lo; i < hi; i++ {
			u := r.Float64() * acc
			k := searchCum(cum, u)
			pop.State[i] = uint8(k / G)
			if h.cfg.InitialWealth == "stationary" {
				pop.Wealth[i] = h.grid[k%G]
			} else { // "value" ("zero" is refused: no capital in round 0)
				pop.Wealth[i] = h.cfg.InitialValue
			}
		}
	})
	clear(h.counts)
	for _, s := range pop.State {
		h.counts[s]++
	}
	return nil
}

// searchCum returns the first k with u < cum[k] (the last index if none).
func searchCum(cum []float64, u float64) int {
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if u < cum[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// Productivity returns household i's productivity l(s) in the last round
// run (nil for workers).
func (e *Engine) Productivity() func(i int) float64 {
	if e.house == nil {
		return nil
	}
	return func(i int) float64 { return e.house.chain.Levels[e.pop.State[i]] }
}

// Stationary returns the stationary equilibrium solved before round 0 for
// an economy of savers (nil before the first round and for workers).
func (e *Engine) Stationary() *household.Stationary {
	if e.house == nil {
		return nil
	}
	return e.house.stationary
}

// houseRound runs steps 2–5 of a household round (see the package comment's
// "Households and time"):
//
//	prices   K and L from the start of the round give r and w; the taxes
//	         known before anyone chooses (labour, capital, wealth) and last
//	         round's consumption tax give the transfer
//	policy   households expect these prices and this transfer to persist,
//	         and solve their policy for them (EGM, warm from last round's)
//	pass     each household's cash on hand, consumption, saving, income,
//	         taxes, utility and next productivity state, with the sums
//	stats    RoundStats, with the wealth distribution of the round's start
func (e *Engine) houseRound(ctx context.Context) error {
	h, pop := e.house, e.pop
	if e.round > 0 { // last round drew this round's states
		pop.State, h.next = h.next, pop.State
	}
	tp := h.cfg.Taxes.Policy(e.now.sched)
	var pr housePrices
	var rule agents.Rule
	var iters int
	var err error
	if h.cfg.Hours != nil { // prices and policy found together: hours clear the labour market
		pr, iters, err = e.houseClear(ctx, &tp)
	} else if pr, err = e.housePrices(&tp); err == nil {
		rule, iters, err = e.housePolicy(ctx, &tp, &pr)
	}
	if err != nil {
		return err
	}
	// the wealth distribution at the start of the round, before the pass
	// overwrites it
	sortedA := e.sortedCopy(pop.Wealth)
	wd := wealthStats{gini: welfare.WealthGiniWeighted(sortedA, nil),
		top1: welfare.TopShareWeighted(sortedA, nil, 0.01), top10: welfare.TopShareWeighted(sortedA, nil, 0.10)}
	e.housePass(&pr.b, rule, pr.w)
	t := e.houseTotals()
	fn := float64(e.cfg.Agents)
	pr.rv.Consumption = tp.Consumption * t.c / fn
	h.lastCTax = pr.rv.Consumption
	if h.cfg.Hours != nil {
		pr.rv.Labor = t.laborTax / fn
		h.lastLaborTax = pr.rv.Labor
	}
	e.houseStats(&pr, &t, wd, iters)
	clear(h.counts)
	for c := range h.parts {
		for st, x := range h.parts[c].counts {
			h.counts[st] += x
		}
	}
	return nil
}

// housePrices is what a household round starts from: capital and labour
// per household, their prices, the budget with the transfer, and the
// revenue known before anyone chooses.
type housePrices struct {
	k, l, r, w, transfer float64
	b                    agents.Budget
	rv                   household.Revenue
}

// housePrices computes the round's prices from the wealth and states at its
// start, the taxes known before anyone chooses (labour, capital, wealth),
// and the transfer they and last round's consumption tax pay.
func (e *Engine) housePrices(tp *household.TaxPolicy) (housePrices, error) {
	h := e.house
	fn := float64(e.cfg.Agents)
	ws, k, err := e.capital(tp)
	if err != nil {
		return housePrices{}, err
	}
	pr := housePrices{k: k}
	shares := make([]float64, len(h.counts))
	for s, cnt := range h.counts {
		pr.l += cnt * h.chain.Levels[s]
		shares[s] = cnt / fn
	}
	pr.l /= fn
	pr.r, pr.w = e.cfg.Market.Prices(pr.k, pr.l)
	pr.rv = ws.revenue(tp, pr.r, fn)
	pr.b, pr.rv.Labor = household.NewBudget(h.chain, tp, pr.r, pr.w, 0, shares)
	if e.redistributes() {
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

// houseClear is housePrices and housePolicy for households who choose their
// hours: the labour L that sets the round's prices must be the labour they
// supply at them. For a candidate L, the prices, the budget and the
// households' policy at those prices (expected to persist) give every
// household's hours, and so the supply S(L); a fixed-point step from last
// round's L, then secant steps on S(L) − L, find the L where they agree.
// The labour tax paid back this round is last round's (this round's
// depends on the hours being found).
func (e *Engine) houseClear(ctx context.Context, tp *household.TaxPolicy) (housePrices, int, error) {
	h := e.house
	fn := float64(e.cfg.Agents)
	ws, k, err := e.capital(tp)
	if err != nil {
		return housePrices{}, 0, err
	}
	iters := 0
	at := func(l float64) (housePrices, float64, error) {
		pr := housePrices{k: k, l: l}
		pr.r, pr.w = e.cfg.Market.Prices(k, l)
		pr.rv = ws.revenue(tp, pr.r, fn)
		if e.redistributes() {
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
		return pr, e.laborSupply(&pr.b, h.policy) / fn, nil
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
func (e *Engine) laborSupply(b *agents.Budget, pol *agents.Policy) float64 {
	h, pop := e.house, e.pop
	e.parallel(func(c, lo, hi int) {
		sum := 0.0
		for i := lo; i < hi; i++ {
			st := int(pop.State[i])
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

// housePolicy returns the rule households follow this round (nil: the
// optimal policy, solved here at the prices they expect to persist) and
// the EGM iterations it took; LLM savers are asked here.
func (e *Engine) housePolicy(ctx context.Context, tp *household.TaxPolicy, pr *housePrices) (agents.Rule, int, error) {
	h := e.house
	rule := h.cfg.Saver.Rule(h.chain, &pr.b, pr.w, e.cfg.Market.Depreciation)
	iters := 0
	if rule == nil {
		var err error
		if iters, err = h.solvePolicy(ctx, tp, pr); err != nil {
			return nil, 0, err
		}
	}
	if ls := e.cfg.LLMSavers; h.cfg.Saver.Saving == "llm" && ls != nil {
		err := ls.Ask(ctx, agents.SaverInput{Round: e.round, Rate: pr.r, Wage: pr.w, Transfer: pr.transfer, Budget: &pr.b, Chain: h.chain,
			Limit: h.grid[0], Fallback: h.policy, Mix: rng.SplitMix64}, e.pop)
		if err != nil {
			return nil, 0, err
		}
		if err := e.checkFallbacks(); err != nil {
			return nil, 0, err
		}
		rule = ls
	}
	return rule, iters, nil
}

// solvePolicy solves the optimal policy at the round's prices, which
// households expect to persist, warm from last round's, and returns the
// EGM iterations. The return they expect is capped where wealth would grow
// without bound: in a small economy near r = 1/β − 1 a round's r can cross
// it by sampling noise alone.
func (h *houses) solvePolicy(ctx context.Context, tp *household.TaxPolicy, pr *housePrices) (int, error) {
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
func (e *Engine) capital(tp *household.TaxPolicy) (wealthSums, float64, error) {
	ws := e.sumWealth(tp.WealthExemption)
	k := ws.sum / float64(e.cfg.Agents)
	if !(k > 0) {
		return ws, k, fmt.Errorf("households hold no capital (mean wealth %v): the firm cannot produce", k)
	}
	return ws, k, nil
}

// wealthStats are the wealth distribution's statistics at a round's start.
type wealthStats struct{ gini, top1, top10 float64 }

// houseStats is step 5 of a household round: RoundStats and the household
// columns from the pass's sums.
func (e *Engine) houseStats(pr *housePrices, t *houseSums, wd wealthStats, iters int) {
	h, pop, mk := e.house, e.pop, e.cfg.Market
	n := e.cfg.Agents
	fn := float64(n)
	y := mk.Output(pr.k*fn, pr.l*fn) / fn
	rc, _ := e.rankSums(e.sortedCopy(pop.Consumption), nil, false)
	rz, _ := e.rankSums(e.sortedCopy(pop.Income), nil, false)
	s := &e.stats
	*s = RoundStats{
		Round:            e.round,
		Revenue:          pr.rv.Total(),
		Transfer:         pr.transfer,
		LaborMean:        1,
		Wage:             pr.w,
		MarketIterations: float64(iters),
		Output:           y,
		CapitalIncome:    pr.r * pr.k,
		Capital:          pr.k * fn,
		Rates:            e.now.sched.Rates(),
	}
	s.fillPopulation(n, t.z, rz, rc, &t.popTotals)
	if h.cfg.Hours != nil {
		s.LaborMean, s.LaborChange = t.hours/fn, t.dl/fn
	}
	if h.cfg.Saver.Heuristic() || h.cfg.Saver.Saving == "llm" { // a rule's loss against the optimum is not computed
		s.BRRegretMean, s.BRRegretMax, s.regretUndefined = math.NaN(), math.NaN(), true
	}
	s.derive(n, pr.rv.Total()*fn, t.z)
	saving := (t.next/fn - (1-mk.Depreciation)*pr.k) / y
	h.cols = append(h.cols[:0], pr.r, saving, t.c/fn, pr.k, wd.gini, wd.top1, wd.top10, t.constrained/fn,
		pr.rv.Capital, pr.rv.Wealth, pr.rv.Consumption)
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
func (e *Engine) sumWealth(x float64) wealthSums {
	a := e.pop.Wealth
	parts := make([]wealthSums, e.work.nChunks)
	e.parallel(func(c, lo, hi int) {
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

// housePass is the round's pass over households, in parallel chunks: each
// household's cash on hand m = Wealth(a) + w·l(s) − T(w·l(s)) + transfer,
// its consumption and saving from the policy, its pre-tax income
// z = w·l(s) + r·a, its utility u(c) (and, with elastic hours, its hours
// and labour tax), and its next productivity state, drawn from a hash of
// (seed, round, household).
// rule is nil for optimal savers, who follow h.policy.
func (e *Engine) housePass(b *agents.Budget, rule agents.Rule, w float64) {
	h, pop := e.house, e.pop
	sv, ch := &h.cfg.Saver, h.chain
	pol := h.policy
	base := rng.SplitMix64(e.cfg.Seed ^ rng.SplitMix64(rng.StreamKey(productivityDraw)^rng.SplitMix64(uint64(e.round))))
	limit := h.grid[0]
	elastic := b.Labor != nil
	e.parallel(func(c, lo, hi int) {
		hp := &h.parts[c]
		clear(hp.counts)
		var sz, snext, scon, shours, sltx, seff, sdl float64
		for i := lo; i < hi; i++ {
			st := int(pop.State[i])
			a := pop.Wealth[i]
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
		ws := newWelfareSums(lo, e.cfg.Agents)
		ws.add(pop.Income[lo:hi], pop.Consumption[lo:hi], pop.Utility[lo:hi])
		hp.z, hp.c, hp.cPos, hp.u, hp.minU = sz, ws.c, ws.logs.Pos, ws.u, ws.minU
		hp.wu, hp.w, hp.logC, hp.cLogC, hp.next, hp.constrained, hp.anyZeroC = ws.wu, ws.w, ws.logs.Log, ws.logs.XLog, snext, scon, ws.logs.NonPos
		hp.hours, hp.laborTax, hp.eff, hp.dl = shours, sltx, seff, sdl
	})
}

// houseTotals combines the chunks' sums in chunk order.
func (e *Engine) houseTotals() houseSums {
	t := houseSums{popTotals: popTotals{minU: math.Inf(1)}}
	for c := range e.house.parts {
		p := &e.house.parts[c]
		t.z += p.z
		t.c += p.c
		t.cPos += p.cPos
		t.u += p.u
		t.minU = min(t.minU, p.minU)
		t.wu += p.wu
		t.w += p.w
		t.logC += p.logC
		t.cLogC += p.cLogC
		t.next += p.next
		t.constrained += p.constrained
		t.hours += p.hours
		t.laborTax += p.laborTax
		t.eff += p.eff
		t.dl += p.dl
		t.anyZeroC = t.anyZeroC || p.anyZeroC
	}
	return t
}

// redistributes reports whether revenue goes back to households lump-sum
// (the only rule savers support so far).
func (e *Engine) redistributes() bool { return e.cfg.Redistribution.Kind == "lump_sum" }
