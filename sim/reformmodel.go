package sim

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/tax"
)

// reformModel is the planners' model of a policy's transition: who gains
// from moving to it, unexpectedly, from the status quo (the stationary
// equilibrium of the taxes the scenario sets before any planner's
// schedule, household.Taxes.StatusQuo), households foreseeing the path.
type reformModel struct {
	statusQuo *household.Stationary  // solved at the first evaluation, then refined by the transitions
	last      *household.Path        // the last candidate's transition, the next one's start
	values    map[string]reformValue // by the schedule's rates
}

// reformValue is a candidate's evaluation: its stationary equilibrium (nil
// when it has none or its path fails) and reformObjectives' values.
type reformValue struct {
	after *household.Stationary
	v     []float64
}

// houseReformColumns are the model's columns under a reform objective.
var houseReformColumns = slices.Concat(householdColumns, reformObjectives)

// gains returns the stationary equilibrium under the schedule s (solved
// tightly, as the transition's end) and reformObjectives' values: the
// utilitarian and mean consumption equivalents and the share gaining from
// the transition to it (nil and NaN when it has no stationary equilibrium
// or its path does not converge within the horizon, which optimisers pass
// over).
func (m *houseModel) gains(ctx context.Context, s tax.Schedule) (*household.Stationary, []float64) {
	r := &m.reform
	key := fmt.Sprint(s.Rates())
	if v, ok := r.values[key]; ok {
		return v.after, v.v
	}
	if r.values == nil {
		r.values = map[string]reformValue{}
	}
	e := m.e
	h := e.house
	nan := []float64{math.NaN(), math.NaN(), math.NaN()}
	sq := h.cfg.Taxes.StatusQuo()
	if r.statusQuo == nil {
		st, err := household.SolveStationary(ctx, h.cfg, e.cfg.Market, sq, e.redistributes())
		if err != nil {
			return nil, nan
		}
		r.statusQuo = st
	}
	p, err := household.SolveTransitionNear(ctx, h.cfg, e.cfg.Market, r.statusQuo, r.last, household.Reform{Before: sq, After: h.cfg.Taxes.Policy(s)}, e.redistributes(), h.cfg.TransitionHorizon())
	if err != nil {
		if ctx.Err() == nil {
			r.values[key] = reformValue{v: nan}
		}
		return nil, nan
	}
	r.statusQuo, r.last = p.Before, p
	g, err := p.Gains(ctx, &h.cfg.Saver)
	if err != nil {
		return nil, nan
	}
	v := []float64{g.UtilitarianCEV, g.MeanCEV, g.ShareGaining}
	r.values[key] = reformValue{after: p.After, v: v}
	return p.After, v
}
