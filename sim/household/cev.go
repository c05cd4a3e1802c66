package household

import (
	"context"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/agents"
)

// Gains is who gains from a reform, in consumption equivalents: the uniform
// change g of consumption in every round of the status quo (the stationary
// equilibrium before, forever) that leaves a household as well off as the
// reform, its transition counted. With u(c) = (c^(1−μ) − 1)/(1−μ) and W = V +
// 1/((1−μ)(1−β)), W scales as (1 + g)^(1−μ), so g = (W_reform/W_status
// quo)^(1/(1−μ)) − 1; with μ = 1, g = exp((1−β)(V_reform − V_status quo)) − 1.
// Every statistic is exact on the distribution at the announcement.
type Gains struct {
	// CEV is g at each (state, grid point) of the distribution at the
	// announcement (state-major, as the histogram's Mass).
	CEV            []float64
	MeanCEV        float64 // the distribution's mean of g
	UtilitarianCEV float64 // the one g that makes the status quo's mean W the reform's
	ShareGaining   float64 // mass with g > gainTolerance
	// SteadyStateCEV is UtilitarianCEV between the two stationary
	// equilibria, each under its own distribution: the transition left out.
	SteadyStateCEV   float64
	ByWealthQuintile [5]float64 // mean g by quintile of wealth at the announcement
	ByState          []float64  // mean g by productivity state

	grid []float64 // the wealth of CEV's points
}

// gainTolerance is the least g counted as a gain: smaller ones are within
// the precision of the path and the values (a null reform's g are below
// 1e-10).
const gainTolerance = 1e-9

// valueTolerance is the stationary value's largest change at a point when
// its iteration stops.
const valueTolerance = 1e-12

// maxValueIterations bounds the stationary value's iteration.
const maxValueIterations = 100_000

// stepValue returns u(c) + β·E V_next(a', s') at every point for households
// following pol at budget b, with V_next at the grid's points (the lottery
// between the two around a' interpolates it linearly).
func stepValue(sv *agents.Saver, ch *agents.Chain, pol agents.Rule, b *agents.Budget, g, next []float64) []float64 {
	out := make([]float64, len(next))
	agents.NewMoves(ch, pol, b, g, nil).Expect(next, out)
	G := len(g)
	for k := range out {
		s, a := k/G, g[k%G]
		c, _ := pol.Decide(s, a, b.Cash(a, s))
		out[k] = sv.Period(c) + sv.Discount*out[k]
	}
	return out
}

// Value returns the value V(a, s) of the stationary equilibrium st at every
// (state, grid point): the fixed point of V = u(c) + β·E V(a', s') under its
// policy and budget.
func (st *Stationary) Value(ctx context.Context, sv *agents.Saver) ([]float64, error) {
	return value(ctx, sv, st, st.Rule)
}

// value is Value under the rule pol.
func value(ctx context.Context, sv *agents.Saver, st *Stationary, pol agents.Rule) ([]float64, error) {
	ch, g := st.Chain, st.Histogram.Grid
	mv := agents.NewMoves(ch, pol, &st.Budget, g, nil)
	G := len(g)
	u := make([]float64, len(st.Histogram.Mass))
	for k := range u {
		s, a := k/G, g[k%G]
		c, _ := pol.Decide(s, a, st.Budget.Cash(a, s))
		u[k] = sv.Period(c)
	}
	v, next := make([]float64, len(u)), make([]float64, len(u))
	for k := range v {
		v[k] = u[k] / (1 - sv.Discount)
	}
	for it := 0; it < maxValueIterations; it++ {
		if it%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		mv.Expect(v, next)
		diff := 0.0
		for k := range next {
			x := u[k] + sv.Discount*next[k]
			diff = max(diff, math.Abs(x-v[k]))
			v[k] = x
		}
		if diff < valueTolerance*max(1, maxAbs(v)) {
			return v, nil
		}
	}
	return nil, fmt.Errorf("the stationary value did not settle in %d iterations", maxValueIterations)
}

// Gains returns who gains from the reform the path p solves, for savers sv.
func (p *Path) Gains(ctx context.Context, sv *agents.Saver) (*Gains, error) {
	before, after := p.Before, p.After
	if before.refinedValue == nil { // the status quo's, kept for the next reform from it
		v, err := value(ctx, sv, before, p.ruleBefore)
		if err != nil {
			return nil, err
		}
		before.refinedValue = v
	}
	vBefore := before.refinedValue
	vAfter, err := value(ctx, sv, after, p.ruleAfter)
	if err != nil {
		return nil, err
	}
	ch, g := before.Chain, before.Histogram.Grid
	v := vAfter
	for t := p.Horizon() - 1; t >= 0; t-- {
		v = stepValue(sv, ch, p.ruleAt(t), &p.budgets[t], g, v)
	}
	cev := consumptionEquivalent(sv)
	d0 := before.Histogram.Mass
	gn := &Gains{CEV: make([]float64, len(d0)), ByState: make([]float64, ch.States()), grid: g}
	sumR, sumQ, massState := 0.0, 0.0, make([]float64, ch.States())
	G := len(g)
	for k, x := range d0 {
		gk := cev(v[k], vBefore[k])
		gn.CEV[k] = gk
		gn.MeanCEV += x * gk
		if gk > gainTolerance {
			gn.ShareGaining += x
		}
		gn.ByState[k/G] += x * gk
		massState[k/G] += x
		sumR += x * v[k]
		sumQ += x * vBefore[k]
	}
	for s := range gn.ByState {
		if massState[s] > 0 {
			gn.ByState[s] /= massState[s]
		}
	}
	gn.UtilitarianCEV = cev(sumR, sumQ)
	gn.SteadyStateCEV = cev(dot(after.Histogram.Mass, vAfter), dot(d0, vBefore))
	gn.ByWealthQuintile = byWealthQuintile(d0, gn.CEV, G)
	return gn, nil
}

// consumptionEquivalent returns the g of value vr against vq for savers sv
// (see Gains).
func consumptionEquivalent(sv *agents.Saver) func(vr, vq float64) float64 {
	mu, beta := sv.RiskAversion, sv.Discount
	if mu == 1 {
		return func(vr, vq float64) float64 { return math.Exp((1-beta)*(vr-vq)) - 1 }
	}
	shift := 1 / ((1 - mu) * (1 - beta))
	return func(vr, vq float64) float64 { return math.Pow((vr+shift)/(vq+shift), 1/(1-mu)) - 1 }
}

// byWealthQuintile returns the mean of x by quintile of wealth under the
// mass (state-major over G grid points): the points in order of wealth,
// each grid point's mass split between quintiles at their cut-offs, with
// its states in proportion.
func byWealthQuintile(mass, x []float64, G int) [5]float64 {
	var out, filled [5]float64
	n := len(mass) / G
	q := 0
	for j := range G {
		m, mx := 0.0, 0.0
		for s := range n {
			m += mass[s*G+j]
			mx += mass[s*G+j] * x[s*G+j]
		}
		for m > 0 && q < 5 {
			take := min(m, 0.2-filled[q])
			out[q] += take / m * mx
			mx -= take / m * mx
			m -= take
			filled[q] += take
			if filled[q] >= 0.2-1e-15 {
				q++
			}
		}
	}
	for i := range out {
		if filled[i] > 0 {
			out[i] /= filled[i]
		}
	}
	return out
}
