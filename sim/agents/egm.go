package agents

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// ErrExplodes is returned when β times the after-tax return is at least 1:
// a saver then accumulates without bound and no stationary wealth exists.
var ErrExplodes = errors.New("wealth grows without bound")

// Solve finds the saver's policy at budget b by the endogenous grid method
// (Carroll 2006) on the asset grid g, starting from warm when it is not nil
// (a policy for nearby prices), until the largest relative change of
// consumption at any knot is below tol. The Euler equation at a' = g[j]:
//
//	u'(c) = β·R(a')·Σ_{s'} P(s'|s)·u'(c(m(a', s'); s')),
//
// gives c and the cash on hand m = (1 + τ_c)·c + a' that leads to a'.
func (s *Saver) Solve(ctx context.Context, ch *Chain, b *Budget, g []float64, warm *Policy, tol float64) (*Policy, error) {
	p, err := s.startPolicy(ch, b, g, warm)
	if err != nil {
		return nil, err
	}
	w := s.newEGM(ch, b, g)
	w.measure, w.lab = true, b.Labor
	for it := 1; it <= maxEGMIterations; it++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		worst := s.iterate(p, ch, b, g, w)
		p.M, w.mNew = w.mNew, p.M
		p.C, w.cNew = w.cNew, p.C
		p.Iters, p.Residual = it, worst
		if worst < tol {
			p.index()
			return p, nil
		}
		if math.IsNaN(worst) || math.IsInf(worst, 0) {
			return nil, fmt.Errorf("the endogenous grid method diverged at iteration %d", it)
		}
	}
	return nil, fmt.Errorf("the endogenous grid method did not converge in %d iterations (largest change %.3g)", maxEGMIterations, p.Residual)
}

// startPolicy checks that the problem at b has a solution and returns the
// policy Solve starts from: warm's knots when they fit, else consuming all
// cash above the limit.
func (s *Saver) startPolicy(ch *Chain, b *Budget, g []float64, warm *Policy) (*Policy, error) {
	n, G := ch.States(), len(g)
	if R := b.Return(g[G-1]); s.Discount*R >= 1 {
		return nil, fmt.Errorf("%w: discount %v times the after-tax return %v is %v, at least 1", ErrExplodes, s.Discount, R, s.Discount*R)
	}
	for st := range n {
		if c := b.Cash(g[0], st) - g[0]; !(c > 0) && b.Labor == nil { // with hours, work pays for it
			return nil, fmt.Errorf("a household at the borrowing limit %v in state %d has %v to consume: the limit is beyond what income can repay", g[0], st, c)
		}
	}
	p := &Policy{G: G, Limit: g[0], cTax: b.Tax.Consumption, M: make([]float64, n*G), C: make([]float64, n*G), lab: b.Labor, sv: *s}
	if warm != nil && warm.G == G && len(warm.M) == n*G && warm.cTax == b.Tax.Consumption && warm.Limit == g[0] && (warm.lab == nil) == (b.Labor == nil) {
		copy(p.M, warm.M)
		copy(p.C, warm.C)
		return p, nil
	}
	for st := range n {
		for j, a := range g {
			p.M[st*G+j] = a + 1
			p.C[st*G+j] = (a + 1 - g[0]) / (1 + b.Tax.Consumption)
		}
	}
	return p, nil
}

// newEGM returns the buffers of the endogenous grid method on grid g, with
// β·R(g_j) at budget b.
func (s *Saver) newEGM(ch *Chain, b *Budget, g []float64) *egm {
	n, G := ch.States(), len(g)
	w := &egm{up: make([]float64, n*G), cm: make([]float64, G), cNew: make([]float64, n*G), mNew: make([]float64, n*G),
		ev: make([]float64, G), betaR: make([]float64, G), wealth: make([]float64, G), cTax: b.Tax.Consumption}
	for j, a := range g {
		w.betaR[j] = s.Discount * b.Return(a)
		w.wealth[j] = b.Wealth(a)
	}
	return w
}

// Backward returns the policy of the round before one whose policy is next
// and whose budget is bNext, as a household that foresees that round's
// prices, transfer and taxes takes it: one step of the endogenous grid
// method on grid g. The round's own budget b enters when the policy is
// applied (its cash on hand), except its consumption tax and, with elastic
// hours, its labour (the wage and the labour tax its hours earn): a change
// of the consumption tax between the rounds moves the Euler equation by
// (1 + τ_c)/(1 + τ_c'), u'(c) = β·R·(1 + τ_c)/(1 + τ_c')·E u'(c'), and the
// hours that go with c are the round's own. Its lookup table is not built:
// Consumption searches the knots (the same values) until Index is called.
func (s *Saver) Backward(ch *Chain, next *Policy, bNext *Budget, g []float64, b *Budget) (*Policy, error) {
	if (next.lab == nil) != (bNext.Labor == nil) || (b.Labor == nil) != (bNext.Labor == nil) {
		return nil, errors.New("a backward step needs the rounds' hours both elastic or both inelastic")
	}
	w := s.newEGM(ch, bNext, g)
	w.lab = b.Labor
	if cTax, cNext := b.Tax.Consumption, bNext.Tax.Consumption; cTax != cNext {
		f := (1 + cTax) / (1 + cNext)
		for j := range w.betaR {
			w.betaR[j] *= f
		}
		w.cTax = cTax
	}
	s.iterate(next, ch, bNext, g, w)
	return &Policy{M: w.mNew, C: w.cNew, G: len(g), Limit: g[0], cTax: w.cTax, lab: b.Labor, sv: *s, Iters: 1}, nil
}

// egm is Solve's buffers.
type egm struct {
	up     []float64 // u'(c(m(g_j, s'); s')), state-major
	cm     []float64 // cash on hand at g_j in one state
	cNew   []float64 // the next iterate's knots
	mNew   []float64
	ev     []float64 // the expectation for one state
	betaR  []float64 // β·R(g_j)
	wealth []float64 // b.Wealth(g_j): cash on hand less income
	cTax   float64   // the consumption tax of the round solved for

	measure bool   // iterate measures the change of consumption (Solve's stopping rule)
	lab     *Labor // the hours of the round solved for (nil: inelastic)
}

// iterate is one step of the endogenous grid method from p: the next
// knots in w.cNew and w.mNew, and, when w.measure is set, the largest
// relative change of consumption at a knot.
func (s *Saver) iterate(p *Policy, ch *Chain, b *Budget, g []float64, w *egm) float64 {
	n, G := ch.States(), len(g)
	for sp := range n {
		for j, x := range w.wealth { // b.Cash(g_j, sp)
			w.cm[j] = x + b.Income[sp]
		}
		p.consumptionSorted(sp, w.cm, w.up[sp*G:(sp+1)*G])
		for j := range G {
			w.up[sp*G+j] = s.Marginal(w.up[sp*G+j])
		}
	}
	worst := 0.0
	for st := range n {
		// E_j = Σ_{s'} P(s'|s)·u'(c'), summed over s' in order for
		// every j at once (contiguous rows)
		clear(w.ev)
		for sp, pr := range ch.P[st*n : (st+1)*n] {
			if pr == 0 {
				continue
			}
			row := w.up[sp*G : (sp+1)*G]
			for j, x := range row {
				w.ev[j] += pr * x
			}
		}
		for j, a := range g {
			c := s.inverseMarginal(w.betaR[j] * w.ev[j])
			k := st*G + j
			w.cNew[k] = c
			w.mNew[k] = (1+w.cTax)*c + a
			if w.lab != nil { // cash before labour income
				_, y := w.lab.Choose(st, s.Marginal(c)/(1+w.cTax))
				w.mNew[k] -= w.lab.Net(y)
			}
		}
		if w.measure {
			for j, c := range w.cNew[st*G : (st+1)*G] {
				worst = max(worst, math.Abs(c-p.C[st*G+j])/c)
			}
		}
	}
	return worst
}

// maxEGMIterations bounds Solve; β·R near 1 needs the most (thousands).
const maxEGMIterations = 100_000

// consumptionSorted writes c(m[j]; s) for ascending m into out in one merged
// pass over the knots.
func (p *Policy) consumptionSorted(s int, m, out []float64) {
	M, C := p.M[s*p.G:(s+1)*p.G], p.C[s*p.G:(s+1)*p.G]
	k := 0
	for j, x := range m {
		if x <= M[0] {
			out[j] = p.constrained(s, x)
			continue
		}
		for k < p.G-2 && M[k+1] <= x {
			k++
		}
		out[j] = C[k] + (C[k+1]-C[k])*(x-M[k])/(M[k+1]-M[k])
	}
}
