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

// period returns the period utility at every point for households
// following pol at budget b, and, with elastic hours, the disutility of
// their hours in it (which the period utility is net of; nil without).
func period(sv *agents.Saver, ch *agents.Chain, pol agents.Rule, b *agents.Budget, g []float64) (u, hours []float64) {
	G := len(g)
	u = make([]float64, ch.States()*G)
	pl, elastic := pol.(*agents.Policy)
	elastic = elastic && b.Labor != nil
	if elastic {
		hours = make([]float64, len(u))
	}
	for k := range u {
		s, a := k/G, g[k%G]
		if elastic {
			c, _, h, _ := pl.ChooseHours(s, b.Cash(a, s))
			hours[k] = b.Labor.Disutility(h)
			u[k] = sv.Period(c) - hours[k]
			continue
		}
		c, _ := pol.Decide(s, a, b.Cash(a, s))
		u[k] = sv.Period(c)
	}
	return u, hours
}

// stepValue returns u + β·E V_next(a', s') at every point for households
// following pol at budget b, with u their period utility (period) and
// V_next at the grid's points (the lottery between the two around a'
// interpolates it linearly).
func stepValue(sv *agents.Saver, ch *agents.Chain, pol agents.Rule, b *agents.Budget, g, u, next []float64) []float64 {
	out := make([]float64, len(next))
	agents.NewMoves(ch, pol, b, g, nil).Expect(next, out)
	for k := range out {
		out[k] = u[k] + sv.Discount*out[k]
	}
	return out
}

// Value returns the value V(a, s) of the stationary equilibrium st at every
// (state, grid point): the fixed point of V = u + β·E V(a', s') under its
// policy and budget, u the period utility (net of the hours' disutility
// with elastic hours).
func (st *Stationary) Value(ctx context.Context, sv *agents.Saver) ([]float64, error) {
	v, _, err := value(ctx, sv, st, st.Rule)
	return v, err
}

// value is Value under the rule pol, and, with elastic hours, the present
// value of the hours' disutility alone, H (V = C − H, C that of the
// utility of consumption; nil without).
func value(ctx context.Context, sv *agents.Saver, st *Stationary, pol agents.Rule) (v, h []float64, err error) {
	ch, g := st.Chain, st.Histogram.Grid
	mv := agents.NewMoves(ch, pol, &st.Budget, g, nil)
	u, dis := period(sv, ch, pol, &st.Budget, g)
	if v, err = presentValue(ctx, sv.Discount, mv, u); err != nil || dis == nil {
		return v, nil, err
	}
	h, err = presentValue(ctx, sv.Discount, mv, dis)
	return v, h, err
}

// presentValue is the fixed point of v = u + β·E v(a', s') under the moves
// mv.
func presentValue(ctx context.Context, beta float64, mv *agents.Moves, u []float64) ([]float64, error) {
	v, next := make([]float64, len(u)), make([]float64, len(u))
	for k := range v {
		v[k] = u[k] / (1 - beta)
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
			x := u[k] + beta*next[k]
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
		v, h, err := value(ctx, sv, before, p.ruleBefore)
		if err != nil {
			return nil, err
		}
		before.refinedValue, before.refinedHours = v, h
	}
	vBefore, hBefore := before.refinedValue, before.refinedHours
	if hBefore == nil { // inelastic hours: nothing to hold
		hBefore = make([]float64, len(vBefore))
	}
	v, vAfter, err := p.values(ctx, sv)
	if err != nil {
		return nil, err
	}
	ch, g := before.Chain, before.Histogram.Grid
	cev := consumptionEquivalent(sv)
	d0 := before.Histogram.Mass
	gn := &Gains{CEV: make([]float64, len(d0)), ByState: make([]float64, ch.States()), grid: g}
	sumR, sumQ, sumH, massState := 0.0, 0.0, 0.0, make([]float64, ch.States())
	G := len(g)
	for k, x := range d0 {
		gk := cev(v[k], vBefore[k], hBefore[k])
		gn.CEV[k] = gk
		gn.MeanCEV += x * gk
		if gk > gainTolerance {
			gn.ShareGaining += x
		}
		gn.ByState[k/G] += x * gk
		massState[k/G] += x
		sumR += x * v[k]
		sumQ += x * vBefore[k]
		sumH += x * hBefore[k]
	}
	for s := range gn.ByState {
		if massState[s] > 0 {
			gn.ByState[s] /= massState[s]
		}
	}
	gn.UtilitarianCEV = cev(sumR, sumQ, sumH)
	gn.SteadyStateCEV = cev(dot(after.Histogram.Mass, vAfter), dot(d0, vBefore), dot(d0, hBefore))
	gn.ByWealthQuintile = byWealthQuintile(d0, gn.CEV, G)
	return gn, nil
}

// values returns households' values at the announcement along the path,
// stepped backward from After's stationary value, and After's.
func (p *Path) values(ctx context.Context, sv *agents.Saver) (v0, vAfter []float64, err error) {
	if vAfter, _, err = value(ctx, sv, p.After, p.ruleAfter); err != nil {
		return nil, nil, err
	}
	ch, g := p.Before.Chain, p.Before.Histogram.Grid
	v := vAfter
	for t := p.Horizon() - 1; t >= 0; t-- {
		u, _ := period(sv, ch, p.ruleAt(t), &p.budgets[t], g)
		v = stepValue(sv, ch, p.ruleAt(t), &p.budgets[t], g, u, v)
	}
	return v, vAfter, nil
}

// consumptionEquivalent returns the g of value vr against vq for savers sv,
// hq the present value of the status quo's disutility of hours (0 with
// inelastic hours), which the status quo keeps when its consumption is
// scaled: vq + hq is the value of its consumption alone, which scales as
// (1 + g)^(1−μ) once 1/((1−μ)(1−β)) is added (see Gains).
func consumptionEquivalent(sv *agents.Saver) func(vr, vq, hq float64) float64 {
	mu, beta := sv.RiskAversion, sv.Discount
	if mu == 1 {
		return func(vr, vq, _ float64) float64 { return math.Exp((1-beta)*(vr-vq)) - 1 }
	}
	shift := 1 / ((1 - mu) * (1 - beta))
	return func(vr, vq, hq float64) float64 { return math.Pow((vr+hq+shift)/(vq+hq+shift), 1/(1-mu)) - 1 }
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
