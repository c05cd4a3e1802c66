package sim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
)

// economy is the engine's market state: the production economy's capital
// and ownership shares, and last round's clearing (the next solve's guess).
type economy struct {
	cfg     market.Config
	capital float64   // K now
	own     []float64 // ownership weights skill^p when p ∉ {0, 1}; else nil
	sumOwn  float64   // Σ ownership weights
	last    market.Clearing
}

// share returns worker i's share of profits.
func (e *Engine) share(i int) float64 {
	ec := &e.econ
	switch {
	case ec.cfg.Ownership != market.OwnBySkill || ec.cfg.OwnershipPower == 0:
		return 1 / float64(e.cfg.Agents)
	case ec.own != nil:
		return ec.own[i] / ec.sumOwn
	}
	return e.pop.Skill[i] / ec.sumOwn
}

// initEconomy prepares ownership weights and capital.
func (e *Engine) initEconomy() {
	ec := &e.econ
	ec.cfg = e.cfg.Market
	ec.last = market.Fixed()
	if ec.cfg.Kind != market.Production {
		return
	}
	ec.capital = ec.cfg.Capital * float64(e.cfg.Agents)
	if ec.cfg.Ownership == market.OwnBySkill && ec.cfg.OwnershipPower != 0 {
		p := ec.cfg.OwnershipPower
		if p != 1 {
			ec.own = make([]float64, e.cfg.Agents)
		}
		for i, s := range e.pop.Skill {
			w := s
			if p != 1 {
				w = math.Pow(s, p)
				ec.own[i] = w
			}
			ec.sumOwn += w
		}
		if ec.sumOwn == 0 { // every skill zero: fall back to equal shares
			ec.cfg.Ownership = market.OwnEqual
		}
	}
}

// offer is how a worker decides this round: the wage it chooses at, the
// capital income it expects, and what it is paid.
type offer struct {
	choiceWage float64 // ω the worker responds to
	choicePow  float64 // ω^(1+e), scales the cached potential
	capExpect  float64 // total capital income the worker expects (× its share)
	payWage    float64 // ω paid per efficiency unit
	capReal    float64 // total capital income paid (× share)
	taxCapital bool
}

// fixedOffer is the fixed-wage market's offer.
var fixedOffer = offer{choiceWage: 1, choicePow: 1, payWage: 1}

// choose returns worker i's hours and labour income at the choice wage
// (income computed directly on the closed-form path, see Response.Choice).
// LLM workers draw from rng, noisy ones their next factor from noise.
func (e *Engine) choose(i int, in *roundIn, of *offer, prevHours, prevIncome float64, rng *rand.Rand, noise *noiseDraw) (float64, float64) {
	w := e.pop.Skill[i] * of.choiceWage
	tr := in.expect.of(prevIncome)
	off := 0.0
	if of.capExpect != 0 {
		k := of.capExpect * e.share(i)
		if of.taxCapital {
			off = k
		} else {
			tr += k
		}
	}
	if in.beh.Kind == agents.LLM {
		l := e.cfg.LLMWorkers.Hours(i, e.pop, rng)
		return l, w * l
	}
	_, resp, _ := e.facing(in, i)
	l, z := resp.ChoiceK(w, e.pop.Potential[i]*of.choicePow, e.kappa(i), tr, off)
	switch in.beh.Kind {
	case agents.Noisy:
		l = agents.NoisyHours(l, noise.factor(), e.cfg.HoursMax)
		z = w * l
	case agents.Adaptive:
		l = in.beh.Choose(l, prevHours, e.cfg.HoursMax, nil)
		z = w * l
	}
	return l, z
}

// kappa returns worker i's disutility scale: its own in a calibrated
// population, else the utility's.
func (e *Engine) kappa(i int) float64 {
	if e.pop.Kappa != nil {
		return e.pop.Kappa[i]
	}
	return e.u.Kappa
}

// supply returns the effective labour Σ skill·hours the workers offer under of.
func (e *Engine) supply(st state, in *roundIn, of offer) float64 {
	e.work.parallel(func(c, lo, hi int) {
		rng, noise := e.llmStream(in, c), e.noiseDraws(in, c)
		var s float64
		for i := lo; i < hi; i++ {
			l, _ := e.choose(i, in, &of, st.hours[i], st.income[i], rng, noise)
			s += e.pop.Skill[i] * l
		}
		e.work.parts[c].supply = s
	})
	var s float64
	for c := range e.work.parts {
		s += e.work.parts[c].supply
	}
	return s
}

// clear finds this round's offer: the clearing wage for workers who respond
// to it (rational, noisy), or, for adaptive workers, who decide on last
// round's wage, the marginal product of the labour they supply.
func (e *Engine) clear(st state, in *roundIn) (offer, market.Clearing, error) {
	ec := &e.econ
	if ec.cfg.Kind != market.Production {
		return fixedOffer, market.Fixed(), nil
	}
	cfg, k := ec.cfg, ec.capital
	alpha, el := cfg.Alpha, e.u.Elasticity
	at := func(w float64) offer {
		y := cfg.Output(k, cfg.Demand(k, w))
		return offer{choiceWage: w, choicePow: math.Pow(w, 1+el), capExpect: alpha * y, payWage: w, taxCapital: cfg.TaxCapital}
	}
	guess := ec.last.Wage
	if in.beh.Kind == agents.Adaptive || in.beh.Kind == agents.LLM { // cannot be asked again this round
		of := at(guess)
		l := e.supply(st, in, of)
		y := cfg.Output(k, l)
		of.payWage = (1 - alpha) * y / l
		of.capReal = alpha * y
		d := cfg.Demand(k, guess)
		return of, market.Clearing{Wage: of.payWage, Residual: (l - d) / d, Iterations: 1, Labor: l, Output: y, Capital: k}, nil
	}
	slope := ec.last.Slope // last round's observed slope, else the model's:
	if !(slope > 0) {      // d ln S/d ln ω = e for interior workers, plus 1/α
		slope = el + 1/alpha
	}
	cl, err := cfg.Solve(k, guess, slope, func(w float64) float64 { return e.supply(st, in, at(w)) })
	if err != nil {
		return offer{}, cl, fmt.Errorf("market: %w", err)
	}
	of := at(cl.Wage)
	of.capReal = cl.Output - cl.Wage*cl.Labor // profits: Y − ωL (= αY at clearing)
	return of, cl, nil
}
