package household

import (
	"context"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
)

// pathEval evaluates a transition path. Its unknowns x are the capital
// per household at the start of rounds 1 … H−1 (round 0's is Before's) and,
// with revenue redistributed, the transfer of rounds 0 … H−1; its residuals
// the excess supply of capital in rounds 0 … H−2 and, with the transfer,
// revenue less the transfer in rounds 0 … H−1.
type pathEval struct {
	h            *Config
	m            market.Config
	rf           *Reform
	p            *Path
	redistribute bool
	n            int // horizon
}

// unknowns is the length of x.
func (e *pathEval) unknowns() int {
	if e.redistribute {
		return 2*e.n - 1
	}
	return e.n - 1
}

// initial is the path that jumps to After at once.
func (e *pathEval) initial() []float64 {
	x := make([]float64, e.unknowns())
	a := e.p.After
	for i := range e.n - 1 {
		x[i] = a.Market.Capital
	}
	if e.redistribute {
		for i := range e.n {
			x[e.n-1+i] = a.Transfer
		}
	}
	return x
}

// shifted sets x to the path prev solved, moved by the difference of the
// equilibria after: a start for a nearby reform's path.
func (e *pathEval) shifted(prev *Path, x []float64) {
	copy(x, prev.x)
	n := e.n
	dk := e.p.After.Market.Capital - prev.After.Market.Capital
	for i := range n - 1 {
		x[i] += dk
	}
	if e.redistribute {
		dt := e.p.After.Transfer - prev.After.Transfer
		for i := range n {
			x[n-1+i] += dt
		}
	}
}

// eval evaluates the path x, filling e.p, and returns the residuals.
func (e *pathEval) eval(ctx context.Context, x []float64) ([]float64, error) {
	p, n := e.p, e.n
	ch, g := p.Before.Chain, p.Before.Histogram.Grid
	sv := e.h.Saver
	p.Rate, p.Wage, p.Capital, p.Transfer = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	p.Revenue, p.Excess = make([]Revenue, n), make([]float64, n)
	p.budgets, p.policies = make([]agents.Budget, n), make([]*agents.Policy, n)
	p.Capital[0] = p.Before.Market.Capital
	copy(p.Capital[1:], x[:n-1])
	for t := range n {
		if e.redistribute {
			p.Transfer[t] = x[n-1+t]
		}
		p.Rate[t], p.Wage[t] = e.m.Prices(p.Capital[t], p.Labor)
		p.budgets[t], p.Revenue[t].Labor = NewBudget(ch, e.rf.policy(t), p.Rate[t], p.Wage[t], p.Transfer[t], ch.Stationary)
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
		pol, err := sv.Backward(ch, next, bNext, g, e.rf.policy(t).Consumption)
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
			res[n-1+t] = p.Revenue[t].Total() - p.Transfer[t]
		}
	}
	return res, nil
}
