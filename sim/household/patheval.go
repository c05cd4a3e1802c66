package household

import (
	"context"
	"fmt"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
)

// pathEval evaluates a transition path. Its unknowns x are the capital
// per household at the start of rounds 1 … H−1 (round 0's is Before's),
// then, with revenue redistributed, the transfer of rounds 0 … H−1, and,
// with elastic hours, the efficiency labour per household of rounds 0 …
// H−1; its residuals the excess supply of capital in rounds 0 … H−2, then
// revenue less the transfer and labour supplied less labour in rounds 0 …
// H−1.
type pathEval struct {
	h            *Config
	m            market.Config
	rf           *Reform
	p            *Path
	redistribute bool
	n            int // horizon
}

// hours reports whether households choose their hours.
func (e *pathEval) hours() bool { return e.h.Hours != nil }

// transferAt and laborAt are where the transfers and the labour start in x.
func (e *pathEval) transferAt() int { return e.n - 1 }
func (e *pathEval) laborAt() int {
	if e.redistribute {
		return 2*e.n - 1
	}
	return e.n - 1
}

// unknowns is the length of x.
func (e *pathEval) unknowns() int {
	u := e.laborAt()
	if e.hours() {
		u += e.n
	}
	return u
}

// budget is households' budget in a round of taxes tp at prices r and w
// with the transfer T, and the labour tax's revenue per household when
// hours are inelastic (with elastic hours it depends on the hours chosen).
func (e *pathEval) budget(tp *TaxPolicy, r, w, T float64) (agents.Budget, float64, error) {
	ch := e.p.Before.Chain
	if !e.hours() {
		b, labor := NewBudget(ch, tp, r, w, T, ch.Stationary)
		return b, labor, nil
	}
	lab, err := e.h.Labor(ch, tp, w)
	if err != nil {
		return agents.Budget{}, 0, err
	}
	return NewLaborBudget(ch, tp, r, T, lab), 0, nil
}

// initial is the path that jumps to After at once.
func (e *pathEval) initial() []float64 {
	x := make([]float64, e.unknowns())
	a, n := e.p.After, e.n
	for i := range n - 1 {
		x[i] = a.Market.Capital
	}
	for i := range n {
		if e.redistribute {
			x[e.transferAt()+i] = a.Transfer
		}
		if e.hours() {
			x[e.laborAt()+i] = a.Market.Labor
		}
	}
	return x
}

// shifted sets x to the path prev solved, moved by the difference of the
// equilibria after: a start for a nearby reform's path.
func (e *pathEval) shifted(prev *Path, x []float64) {
	copy(x, prev.x)
	n, a, pa := e.n, e.p.After, prev.After
	for i := range n - 1 {
		x[i] += a.Market.Capital - pa.Market.Capital
	}
	for i := range n {
		if e.redistribute {
			x[e.transferAt()+i] += a.Transfer - pa.Transfer
		}
		if e.hours() {
			x[e.laborAt()+i] += a.Market.Labor - pa.Market.Labor
		}
	}
}

// setPrices sets the path's capital, labour, transfers, prices and
// budgets from x.
func (e *pathEval) setPrices(x []float64) error {
	p, n := e.p, e.n
	p.Rate, p.Wage, p.Capital, p.Transfer = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	p.Revenue, p.Excess = make([]Revenue, n), make([]float64, n)
	p.budgets, p.policies = make([]agents.Budget, n), make([]*agents.Policy, n)
	p.Capital[0] = p.Before.Market.Capital
	copy(p.Capital[1:], x[:n-1])
	if e.hours() {
		p.Labor = append([]float64(nil), x[e.laborAt():e.laborAt()+n]...)
	}
	for t := range n {
		if e.redistribute {
			p.Transfer[t] = x[e.transferAt()+t]
		}
		p.Rate[t], p.Wage[t] = e.m.Prices(p.Capital[t], p.Labor[t])
		var err error
		if p.budgets[t], p.Revenue[t].Labor, err = e.budget(e.rf.policy(t), p.Rate[t], p.Wage[t], p.Transfer[t]); err != nil {
			return fmt.Errorf("round %d of the path: %w", t, err)
		}
	}
	return nil
}

// eval evaluates the path x, filling e.p, and returns the residuals.
func (e *pathEval) eval(ctx context.Context, x []float64) ([]float64, error) {
	p, n := e.p, e.n
	ch, g := p.Before.Chain, p.Before.Histogram.Grid
	sv := e.h.Saver
	if err := e.setPrices(x); err != nil {
		return nil, err
	}
	// each round's moves are built beside the backward pass, as soon as
	// its policy is known
	moves, built := make([]*agents.Moves, n), make([]chan struct{}, n)
	for t := range built {
		built[t] = make(chan struct{})
	}
	todo := make(chan int, n)
	go func() {
		for t := range todo {
			moves[t] = agents.NewMoves(ch, p.policies[t], &p.budgets[t], g, nil)
			close(built[t])
		}
	}()
	next, bNext := p.polAfter, &p.After.Budget
	for t := n - 1; t >= 0; t-- {
		if err := ctx.Err(); err != nil {
			close(todo)
			return nil, err
		}
		pol, err := sv.Backward(ch, next, bNext, g, &p.budgets[t])
		if err != nil {
			close(todo)
			return nil, err
		}
		p.policies[t], next, bNext = pol, pol, &p.budgets[t]
		todo <- t
	}
	close(todo)
	p.mass = make([][]float64, n+1)
	p.mass[0] = p.Before.Histogram.Mass
	res := make([]float64, e.unknowns())
	for t := range n {
		p.mass[t+1] = make([]float64, len(p.mass[t]))
		<-built[t]
		moves[t].Push(p.mass[t], p.mass[t+1])
		h := &agents.Histogram{Mass: p.mass[t], Grid: g}
		rv := HistogramRevenue(h, p.policies[t], &p.budgets[t], e.rf.policy(t))
		p.Revenue[t].Capital, p.Revenue[t].Wealth, p.Revenue[t].Consumption = rv.Capital, rv.Wealth, rv.Consumption
		if e.hours() {
			var eff float64
			p.policies[t].Index() // the moves are built: no one else reads it
			p.Revenue[t].Labor, eff, p.Hours[t] = HistogramLabor(h, p.policies[t], &p.budgets[t], ch)
			res[e.laborAt()+t] = eff - p.Labor[t]
		}
		supply := (&agents.Histogram{Mass: p.mass[t+1], Grid: g}).Mean()
		demand := p.After.Market.Capital
		if t+1 < n {
			demand = p.Capital[t+1]
		}
		p.Excess[t] = supply - demand
		if t+1 < n {
			res[t] = p.Excess[t]
		}
		if e.redistribute {
			res[e.transferAt()+t] = p.Revenue[t].Total() - p.Transfer[t]
		}
	}
	return res, nil
}
