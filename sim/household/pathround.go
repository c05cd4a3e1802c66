package household

import (
	"sort"

	"github.com/econsim/econsim/sim/agents"
)

// PathRound is what households face in one round of a path, and the
// economy's aggregates then: per household, at the round's start.
type PathRound struct {
	Rate, Wage, Capital, Labor, Transfer float64
	Hours                                float64 // mean hours (1 with inelastic hours)
	Revenue                              Revenue
	Excess                               float64 // the capital carried into the next round less the capital rented then
	Budget                               *agents.Budget
	Rule                                 agents.Rule    // what households follow: Policy, or their rule of thumb
	Policy                               *agents.Policy // optimal savers' (nil for rules of thumb)
}

// At returns round j of the path counted from the announcement: Before's
// stationary equilibrium for j < 0, After's for j ≥ Horizon. It builds the
// round's policy's lookup table: not safe while another goroutine uses p.
func (p *Path) At(j int) PathRound {
	switch {
	case j < 0:
		return p.Before.round(p.polBefore, p.ruleBefore)
	case j >= p.Horizon():
		return p.After.round(p.polAfter, p.ruleAfter)
	}
	pr := PathRound{Rate: p.Rate[j], Wage: p.Wage[j], Capital: p.Capital[j], Labor: p.Labor[j], Hours: p.Hours[j], Transfer: p.Transfer[j], Revenue: p.Revenue[j],
		Excess: p.Excess[j], Budget: &p.budgets[j], Rule: p.ruleAt(j)}
	if p.rules == nil {
		pr.Policy = p.policies[j]
		pr.Policy.Index() // households look their consumption up in it
	}
	return pr
}

// ruleAt is what households follow in round t of the path.
func (p *Path) ruleAt(t int) agents.Rule {
	if p.rules != nil {
		return p.rules[t]
	}
	return p.policies[t]
}

// Round is a round of the stationary equilibrium, its households
// following its policy or rule.
func (st *Stationary) Round() PathRound { return st.round(st.Policy, st.Rule) }

// round is a round of the stationary equilibrium whose households follow
// rule (pol when they are optimal savers, else nil).
func (st *Stationary) round(pol *agents.Policy, rule agents.Rule) PathRound {
	return PathRound{Rate: st.Market.Rate, Wage: st.Market.Wage, Capital: st.Market.Capital, Labor: st.Market.Labor, Hours: st.HoursMean,
		Transfer: st.Transfer, Revenue: st.Revenue, Budget: &st.Budget, Policy: pol, Rule: rule}
}

// Of returns g for a household in state s with wealth a at the
// announcement: linear in a between the grid's points, the end points'
// beyond them.
func (gn *Gains) Of(s int, a float64) float64 {
	g := gn.grid
	G := len(g)
	row := gn.CEV[s*G : (s+1)*G]
	j := sort.SearchFloat64s(g, a)
	switch {
	case j == 0:
		return row[0]
	case j == G:
		return row[G-1]
	}
	f := (a - g[j-1]) / (g[j] - g[j-1])
	return row[j-1] + f*(row[j]-row[j-1])
}
