package household

import (
	"context"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
)

// maxRuleTransferIterations bounds a rule path's transfer in a round.
const maxRuleTransferIterations = 200

// followRules fills the path of households that follow a rule of thumb:
// no expectations to solve, so each round's capital is the distribution's
// mean, its prices the firm's, its transfer the revenue households pay at
// it (a fixed point when the consumption tax is part of it), and the
// distribution moves on by the round's rule (Young's method).
func (p *Path) followRules(ctx context.Context, h *Config, m market.Config, rf *Reform, redistribute bool, n int) error {
	ch, g := p.Before.Chain, p.Before.Histogram.Grid
	sv := &h.Saver
	p.Rate, p.Wage, p.Capital, p.Transfer = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	p.Revenue, p.Excess = make([]Revenue, n), make([]float64, n)
	p.budgets, p.rules, p.mass = make([]agents.Budget, n), make([]agents.Rule, n), make([][]float64, n+1)
	p.mass[0] = p.Before.Histogram.Mass
	transfer := p.Before.Transfer
	for t := range n {
		if err := ctx.Err(); err != nil {
			return err
		}
		hist := &agents.Histogram{Mass: p.mass[t], Grid: g}
		k := hist.Mean()
		r, w := m.Prices(k, p.Labor[t])
		tp := rf.policy(t)
		if !redistribute {
			transfer = 0
		}
		var b agents.Budget
		var rule agents.Rule
		var rv Revenue
		for it := 0; ; it++ {
			var labor float64
			b, labor = NewBudget(ch, tp, r, w, transfer, ch.Stationary)
			rule = sv.Rule(ch, &b, w, m.Depreciation)
			rv = HistogramRevenue(hist, rule, &b, tp)
			rv.Labor = labor
			if !redistribute || math.Abs(rv.Total()-transfer) <= pathTolerance {
				break
			}
			if it == maxRuleTransferIterations {
				return fmt.Errorf("round %d of the path: the transfer did not settle in %d iterations", t, it)
			}
			transfer = rv.Total() // revenue moves with the transfer only through the consumption tax
		}
		p.Capital[t], p.Rate[t], p.Wage[t], p.Transfer[t], p.Revenue[t] = k, r, w, transfer, rv
		p.budgets[t], p.rules[t] = b, rule
		p.mass[t+1] = make([]float64, len(p.mass[t]))
		agents.Forward(ch, rule, &p.budgets[t], g, p.mass[t], p.mass[t+1], nil)
	}
	// each round's capital is what households carried into it: only the
	// last round's excess, against the equilibrium after, is not 0
	p.Excess[n-1] = (&agents.Histogram{Mass: p.mass[n], Grid: g}).Mean() - p.After.Market.Capital
	return nil
}
