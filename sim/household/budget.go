package household

import "github.com/econsim/econsim/sim/agents"

// NewBudget returns the households' budget at prices r, w under policy p with
// the transfer T, for shares[s] of households in state s, and the labour
// tax's revenue per household.
func NewBudget(ch *agents.Chain, p *TaxPolicy, r, w, transfer float64, shares []float64) (agents.Budget, float64) {
	b := agents.Budget{Rate: r, Tax: p.AssetTaxes, Income: make([]float64, ch.States())}
	revenue := 0.0
	for s, l := range ch.Levels {
		y := w * l
		t := p.LaborTax(y)
		revenue += shares[s] * t
		b.Income[s] = y - t + transfer
	}
	return b, revenue
}

// NewLaborBudget is NewBudget with elastic hours lab: Income is the transfer
// alone, and the labour tax's revenue depends on the hours chosen.
func NewLaborBudget(ch *agents.Chain, p *TaxPolicy, r, transfer float64, lab *agents.Labor) agents.Budget {
	b := agents.Budget{Rate: r, Tax: p.AssetTaxes, Income: make([]float64, ch.States()), Labor: lab}
	for s := range b.Income {
		b.Income[s] = transfer
	}
	return b
}

// Revenue is tax revenue per household, by tax.
type Revenue struct {
	Labor, Capital, Wealth, Consumption float64
}

// Total is the sum of the parts.
func (r Revenue) Total() float64 { return r.Labor + r.Capital + r.Wealth + r.Consumption }

// HistogramRevenue returns the capital, wealth and consumption taxes that
// households distributed as h pay under b and pol.
func HistogramRevenue(h *agents.Histogram, pol agents.Rule, b *agents.Budget, p *TaxPolicy) Revenue {
	var rv Revenue
	g := h.Grid
	G := len(g)
	for k, x := range h.Mass {
		if x == 0 {
			continue
		}
		a := g[k%G]
		rv.Capital += x * p.CapitalTax(b.Rate, a)
		rv.Wealth += x * p.WealthTax(a)
		if p.Consumption != 0 {
			c, _ := pol.Decide(k/G, a, b.Cash(a, k/G))
			rv.Consumption += x * p.Consumption * c
		}
	}
	return rv
}

// HistogramLabor returns, for households with elastic hours distributed as
// h and following pol, the labour tax's revenue, efficiency labour Σ l·h and
// mean hours, per household.
func HistogramLabor(h *agents.Histogram, pol *agents.Policy, b *agents.Budget, ch *agents.Chain) (revenue, eff, hours float64) {
	g := h.Grid
	G := len(g)
	for k, x := range h.Mass {
		if x == 0 {
			continue
		}
		s, a := k/G, g[k%G]
		_, _, hr, y := pol.ChooseHours(s, b.Cash(a, s))
		revenue += x * b.Labor.Tax(y)
		eff += x * ch.Levels[s] * hr
		hours += x * hr
	}
	return revenue, eff, hours
}
