package sim

import (
	"context"
	"fmt"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/rng"
	"github.com/econsim/econsim/sim/tax"
	"github.com/econsim/econsim/sim/welfare"
)

// houses is the households' round: households that save, sampled, through
// the economy package household describes. The engine hands it the
// population, its chunks and the round's schedule; it knows nothing else
// of the engine.
type houses struct {
	cfg          *household.Config
	pop          *agents.Population
	work         *workspace
	market       market.Config
	seed         uint64
	redistribute bool              // revenue goes back lump-sum
	llm          *agents.LLMSavers // nil unless households ask an LLM
	fallbacks    func() error      // the engine's check of LLM fallbacks
	t            int               // the round being run
	sched        tax.Schedule      // the planner's schedule in force
	chain        *agents.Chain
	grid         []float64
	policy       *agents.Policy        // solved at the prices of the last round run
	policies     []*agents.Policy      // with several patience types, each type's (policy unused)
	typ          []uint8               // with several patience types, each household's
	stationary   *household.Stationary // of the first policy, solved before round 0
	counts       []float64             // households in each state at the start of the round
	lastL        float64               // efficiency labour per household last round (elastic hours)
	lastLaborTax float64               // labour tax per household collected last round (elastic hours; paid out this round)
	lastCTax     float64               // consumption tax per household collected last round (paid out this round)
	next         []uint8               // each household's state next round, drawn in the pass
	parts        []houseSums
	cols         houseValues // this round's household columns
	model        houseModel
	fore         *foresight // nil unless households foresee prices
}

// houseSums are one chunk's partial sums of a household round.
type houseSums struct {
	popTotals
	z                        float64
	next, constrained        float64   // Σ a', households at the limit
	hours, laborTax, eff, dl float64   // elastic hours: Σ h, Σ labour tax, Σ l·h, Σ |Δh|
	counts                   []float64 // households in each state next round
}

// productivityDraw is the stream name of the households' productivity
// draws: household i's draw in round t is a hash of (seed, this, t, i).
const productivityDraw = "productivity"

// initHouses prepares the households: the chain, the population's wealth
// and state (filled in before round 0 by houses.start).
func (e *Engine) initHouses() error {
	h := e.cfg.Households
	ch, err := h.Productivity.Chain()
	if err != nil {
		return field.Within("Households.Productivity", err)
	}
	n := ch.States()
	e.house = &houses{cfg: h, pop: e.pop, work: &e.work, market: e.cfg.Market, seed: e.cfg.Seed, redistribute: e.redistributes(),
		llm: e.cfg.LLMSavers, fallbacks: e.checkFallbacks, chain: ch, counts: make([]float64, n), parts: make([]houseSums, e.work.nChunks)}
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
	if IsReformObjective(e.cfg.Objective) {
		e.report.extra = append(e.report.extra, reformObjectives...)
	}
	if h.Expectations == household.PerfectForesight {
		return e.initForesight()
	}
	return nil
}

// start solves the stationary equilibrium of the first policy and
// places the households: every household's state and wealth are drawn, in
// fixed chunks from the stream (seed, "initial-wealth", chunk), from the
// stationary distribution (or the state from the chain's stationary
// distribution and the wealth as configured).
func (h *houses) start(ctx context.Context) error {
	st, err := household.SolveNear(ctx, h.cfg, h.market, h.cfg.Taxes.Policy(h.sched), h.redistribute, h.cfg.Warm)
	if err != nil {
		return fmt.Errorf("stationary equilibrium: %w", err)
	}
	h.stationary, h.policy = st, st.Policy
	h.lastCTax = st.Revenue.Consumption
	h.lastL, h.lastLaborTax = st.Market.Labor, st.Revenue.Labor
	h.grid = st.Histogram.Grid
	// households are drawn from the distribution's layers: one, or one
	// per patience type
	layers := stationaryLayers(st)
	if len(st.Types) > 0 {
		h.policies, h.typ = make([]*agents.Policy, len(st.Types)), make([]uint8, h.work.n)
		for j, ly := range layers {
			h.policies[j] = ly.pol
		}
	}
	n, G := h.chain.States(), len(h.grid)
	cum := make([]float64, len(layers)*n*G) // over (type, state, point) for "stationary", over (type, state) otherwise
	acc := 0.0
	for k := range cum {
		ly := layers[k/(n*G)]
		switch j := k % (n * G); {
		case h.cfg.InitialWealth == household.StartStationary:
			acc += ly.share * ly.mass[j]
		case j%G == 0:
			acc += ly.share * h.chain.Stationary[j/G]
		}
		cum[k] = acc
	}
	pop := h.pop
	h.work.parallel(func(c, lo, hi int) {
		r := rng.Stream(h.seed, "initial-wealth", uint64(c))
		for i := lo; i < hi; i++ {
			u := r.Float64() * acc
			k := searchCum(cum, u)
			if h.typ != nil {
				h.typ[i] = uint8(k / (n * G))
			}
			k %= n * G
			pop.State[i] = uint8(k / G)
			if h.cfg.InitialWealth == household.StartStationary {
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

// Discount returns household i's discount factor, for households of
// several patience types (nil otherwise).
func (e *Engine) Discount() func(i int) float64 {
	if e.house == nil || e.house.typ == nil {
		return nil
	}
	types := e.house.cfg.Types()
	return func(i int) float64 { return types[e.house.typ[i]].Discount }
}

// Stationary returns the stationary equilibrium solved before round 0 for
// an economy of savers (nil before the first round and for workers).
func (e *Engine) Stationary() *household.Stationary {
	if e.house == nil {
		return nil
	}
	return e.house.stationary
}

// round runs steps 2–5 of a household round (see the package comment's
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
func (h *houses) round(ctx context.Context, out *RoundStats) error {
	pop := h.pop
	if h.t > 0 { // last round drew this round's states
		pop.State, h.next = h.next, pop.State
	}
	tp := h.cfg.Taxes.Policy(h.sched)
	var pr housePrices
	var rule agents.Rule
	var iters int
	var err error
	switch {
	case h.fore != nil: // the path's prices and policy
		pr, rule, err = h.foreseen(ctx, &tp)
	case h.cfg.Hours != nil: // prices and policy found together: hours clear the labour market
		pr, iters, err = h.clear(ctx, &tp)
	default:
		if pr, err = h.prices(&tp); err == nil {
			rule, iters, err = h.decide(ctx, &tp, &pr)
		}
	}
	if err != nil {
		return err
	}
	// the wealth distribution at the start of the round, before the pass
	// overwrites it
	sortedA := h.work.sortedCopy(pop.Wealth)
	wd := wealthStats{gini: welfare.WealthGiniWeighted(sortedA, nil),
		top1: welfare.TopShareWeighted(sortedA, nil, 0.01), top10: welfare.TopShareWeighted(sortedA, nil, 0.10)}
	h.pass(&pr.b, rule, pr.w)
	t := h.totals()
	fn := float64(h.work.n)
	if h.fore == nil { // under foresight, the path's revenue
		pr.rv.Consumption = tp.Consumption * t.c / fn
		h.lastCTax = pr.rv.Consumption
	}
	if h.cfg.Hours != nil && h.fore == nil {
		pr.rv.Labor = t.laborTax / fn
		h.lastLaborTax = pr.rv.Labor
	}
	h.stats(out, &pr, &t, wd, iters)
	clear(h.counts)
	for c := range h.parts {
		for st, x := range h.parts[c].counts {
			h.counts[st] += x
		}
	}
	return nil
}

// redistributes reports whether revenue goes back to households lump-sum
// (the only rule savers support so far).
func (e *Engine) redistributes() bool { return e.cfg.Redistribution.Kind == LumpSum }
