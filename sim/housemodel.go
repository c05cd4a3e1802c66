package sim

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
	"github.com/econsim/econsim/sim/welfare"
)

var _ planner.Model = (*houseModel)(nil)

// houseModel is the planners' model of households that save: the
// stationary equilibrium under a candidate policy (SolveStationary, warm
// from the last evaluation), and the contract's metrics of its
// distribution — a comparison of steady states, which leaves out the
// transition between them. It returns no per-household utilities (the
// stationary economy has no household ids), so planners that need them
// (vote) are not offered for savers.
type houseModel struct {
	e      *Engine
	last   *household.Stationary
	stats  RoundStats
	evals  int
	reform reformModel // under an objective that counts the transition
}

// Evaluate implements planner.Model. A policy with no stationary
// equilibrium evaluates to NaN metrics, which optimisers pass over.
func (m *houseModel) Evaluate(ctx context.Context, s tax.Schedule) (planner.Metrics, []float64) {
	m.evals++
	e := m.e
	h := e.house
	names := householdColumns
	var st *household.Stationary
	var reform []float64
	if IsReformObjective(e.cfg.Objective) { // the transition's end
		st, reform = m.gains(ctx, s)
		names = houseReformColumns
	} else if solved, err := household.SolveFrom(ctx, h.cfg, e.cfg.Market, h.cfg.Taxes.Policy(s), e.redistributes(), m.last, household.Planning); err == nil {
		st = solved
	}
	if st == nil { // every metric NaN, the columns too
		nan := math.NaN()
		m.stats = RoundStats{Round: e.round, Rates: s.Rates(), Objective: nan, StackelbergGap: nan, WelfareUtilitarian: nan,
			WelfareInvIncome: nan, WelfareRawls: nan, Productivity: nan, Equality: nan, EqXProd: nan, extraNames: names}
		for range names {
			m.stats.Extra = append(m.stats.Extra, nan)
		}
		return &m.stats, nil
	}
	m.last = st
	m.stats = stationaryStats(st, e.cfg.Agents, h.cfg.Saver.Period, h.cfg.Taxes.Policy(s), e.cfg.Market.Depreciation)
	m.stats.Round, m.stats.Rates, m.stats.extraNames = e.round, s.Rates(), names
	m.stats.Extra = append(m.stats.Extra, reform...)
	e.fillObjective(&m.stats)
	return &m.stats, nil
}

// Metrics returns the contract's metrics of the stationary distribution, for
// a population of n (the equality convention's N): every (state, wealth)
// point weighted by its mass, u the period utility.
func stationaryStats(st *household.Stationary, n int, u func(c float64) float64, p household.TaxPolicy, depreciation float64) RoundStats {
	g, mass := st.Histogram.Grid, st.Histogram.Mass
	G := len(g)
	b := &st.Budget
	eq := st.Market
	w := eq.Wage
	type point struct{ z, c, mass float64 }
	pts := make([]point, 0, len(mass))
	var sz, stx, sc, su, swu, sw, slog, sclog float64
	minU := math.Inf(1)
	layers := stationaryLayers(st)
	for _, ly := range layers {
		for k, m := range ly.mass {
			x := ly.share * m
			if x <= 0 {
				continue
			}
			s, a := k/G, g[k%G]
			lab := w * st.Chain.Levels[s]
			var c, ltx, ui float64
			if b.Labor != nil { // elastic hours: income and utility from the hours chosen
				var hr float64
				c, _, hr, lab = ly.pol.ChooseHours(s, b.Cash(a, s))
				ltx = b.Labor.Tax(lab)
				ui = u(c) - b.Labor.Disutility(hr)
			} else {
				c, _ = ly.rule.Decide(s, a, b.Cash(a, s))
				ltx = p.LaborTax(lab)
				ui = u(c)
			}
			z := lab + b.Rate*a
			sz += x * z
			stx += x * p.Paid(ltx, b.Rate, a, c)
			sc += x * c
			su += x * ui
			if x > 1e-12 { // the worst-off household present
				minU = min(minU, ui)
			}
			wt := x * welfare.InvIncomeWeight(z)
			swu += wt * ui
			sw += wt
			if c > 0 {
				slog += x * math.Log(c)
				sclog += x * c * math.Log(c)
			}
			pts = append(pts, point{z, c, x})
		}
	}
	gini := func(key func(point) float64) float64 {
		slices.SortFunc(pts, func(a, b point) int { return cmp.Compare(key(a), key(b)) })
		xs, ws := make([]float64, len(pts)), make([]float64, len(pts))
		for i, q := range pts {
			xs[i], ws[i] = key(q), q.mass
		}
		return welfare.WealthGiniWeighted(xs, ws)
	}
	giniPost := gini(func(q point) float64 { return q.c })
	s := RoundStats{
		Productivity:       sz,
		GiniPre:            gini(func(q point) float64 { return q.z }),
		GiniPost:           giniPost,
		WelfareUtilitarian: su,
		WelfareInvIncome:   swu / sw,
		WelfareRawls:       minU,
		Atkinson1:          welfare.Atkinson1FromSums(1, slog, sc, false),
		Theil:              welfare.TheilFromSums(1, sclog, sc),
		Revenue:            stx,
		Transfer:           st.Transfer,
		LaborMean:          st.HoursMean,
		Wage:               w,
		Output:             eq.Output,
		CapitalIncome:      eq.Rate * eq.Capital,
		Capital:            eq.Capital,
	}
	s.derive(n, stx, sz)
	s.Extra = appendColumns(nil, houseColumns, &houseValues{rate: eq.Rate, saving: st.SavingRate, consumption: sc, wealth: eq.Capital,
		gini: st.WealthGini, top1: st.WealthTop1, top10: st.WealthTop10, constrained: st.Constrained, revenue: st.Revenue})
	s.extraNames = householdColumns
	return s
}

// stationaryLayer is a part of a stationary distribution: its mass (scaled
// by share) and what its households follow.
type stationaryLayer struct {
	mass  []float64
	rule  agents.Rule
	pol   *agents.Policy
	share float64
}

// stationaryLayers are st's distribution's layers: one, or one per
// patience type.
func stationaryLayers(st *household.Stationary) []stationaryLayer {
	if len(st.Types) == 0 {
		return []stationaryLayer{{st.Histogram.Mass, st.Rule, st.Policy, 1}}
	}
	out := make([]stationaryLayer, len(st.Types))
	for j, te := range st.Types {
		out[j] = stationaryLayer{te.Histogram.Mass, te.Policy, te.Policy, te.Share}
	}
	return out
}
