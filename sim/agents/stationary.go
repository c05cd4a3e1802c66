package agents

import (
	"context"
	"fmt"
	"math"
)

// Histogram is a distribution of households over (productivity state, asset
// grid point): Mass[s·G + j] is the share of households in state s holding
// wealth g[j]. It is Young's (2010) non-stochastic simulation: a household
// whose policy saves a' between g[j] and g[j+1] is split between the two
// points in proportion to closeness, so aggregates are exact in the policy.
type Histogram struct {
	Mass  []float64
	Grid  []float64
	Iters int // iterations to reach it
}

// lottery is where a saver at one (state, grid point) goes: grid point j
// with probability w, j+1 with 1 − w.
type lottery struct {
	j int32
	w float64
}

// Stationary returns the stationary distribution of households that follow
// pol at budget b, starting from warm (a histogram on the same grid) when
// it is not nil, else from the chain's stationary distribution at the
// bottom of the grid, iterating until the largest change of any mass is
// below tol. Savings beyond the grid's top are put on its top point; the
// caller checks TopMass.
func Stationary(ctx context.Context, ch *Chain, pol Rule, b *Budget, g []float64, warm *Histogram, tol float64) (*Histogram, error) {
	n, G := ch.States(), len(g)
	moves := lotteries(ch, pol, b, g, nil)
	h := &Histogram{Mass: make([]float64, n*G), Grid: g}
	if warm != nil && len(warm.Mass) == n*G {
		copy(h.Mass, warm.Mass)
	} else {
		for s := range n {
			h.Mass[s*G] = ch.Stationary[s]
		}
	}
	next := make([]float64, n*G)
	moved := make([]float64, G) // mass of one state after saving, before the shock
	for it := 1; it <= maxHistogramIterations; it++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		push(ch, moves, h.Mass, next, moved)
		diff := 0.0
		for k, x := range next {
			diff = max(diff, math.Abs(x-h.Mass[k]))
		}
		h.Mass, next = next, h.Mass
		h.Iters = it
		if diff < tol {
			return h, nil
		}
	}
	return nil, fmt.Errorf("the wealth distribution did not settle in %d iterations (β·(1 + r) is too close to 1 for wealth to stop growing)", maxHistogramIterations)
}

// lotteries returns where a saver at each (state, grid point) goes when it
// follows pol at budget b: its saving a', clamped to the grid, split
// between the grid points around it. saved, when not nil, receives each
// point's clamped a'.
func lotteries(ch *Chain, pol Rule, b *Budget, g, saved []float64) []lottery {
	n, G := ch.States(), len(g)
	moves := make([]lottery, n*G)
	if p, ok := pol.(*Policy); ok && p.lab == nil {
		p.lotteriesSorted(n, b, g, saved, moves)
		return moves
	}
	for s := range n {
		for i, a := range g {
			_, next := pol.Decide(s, a, b.Cash(a, s))
			next = min(max(next, g[0]), g[G-1])
			if saved != nil {
				saved[s*G+i] = next
			}
			j := gridIndex(g, next)
			moves[s*G+i] = lottery{j: int32(j), w: (g[j+1] - next) / (g[j+1] - g[j])}
		}
	}
	return moves
}

// lotteriesSorted is lotteries for a Policy without hours, the same
// numbers in merged passes: cash on hand rises along the grid, so each
// state's consumption is one pass over the knots (consumptionSorted), and
// while saving rises too its grid interval is found by walking up from the
// last one (gridIndex when it falls).
func (p *Policy) lotteriesSorted(n int, b *Budget, g, saved []float64, moves []lottery) {
	G := len(g)
	m, c := make([]float64, G), make([]float64, G)
	for s := range n {
		for i, a := range g {
			m[i] = b.Cash(a, s)
		}
		p.consumptionSorted(s, m, c)
		j := 0
		for i := range g {
			next := m[i] - (1+p.cTax)*c[i]
			if next < p.Limit { // as Choose
				next = p.Limit
			}
			next = min(max(next, g[0]), g[G-1])
			if saved != nil {
				saved[s*G+i] = next
			}
			if next < g[j] {
				j = gridIndex(g, next)
			}
			for j < G-2 && g[j+1] <= next {
				j++
			}
			moves[s*G+i] = lottery{j: int32(j), w: (g[j+1] - next) / (g[j+1] - g[j])}
		}
	}
}

// push moves the mass from (over state × grid point) one round on into to:
// each point's mass to its lottery's two points, then through the chain.
// moved is scratch of one state's grid.
func push(ch *Chain, moves []lottery, from, to, moved []float64) {
	n, G := ch.States(), len(moved)
	clear(to)
	for s := range n {
		clear(moved)
		for i, x := range from[s*G : (s+1)*G] {
			if x == 0 {
				continue
			}
			mv := moves[s*G+i]
			moved[mv.j] += mv.w * x
			moved[mv.j+1] += (1 - mv.w) * x
		}
		row := ch.P[s*n : (s+1)*n]
		for sp, pr := range row {
			if pr == 0 {
				continue
			}
			dst := to[sp*G : (sp+1)*G]
			for j, x := range moved {
				dst[j] += pr * x
			}
		}
	}
}

// Moves are where households that follow one policy at one budget go from
// each (state, grid point) in a round: the distribution's transition.
type Moves struct {
	ch    *Chain
	moves []lottery
	G     int
}

// NewMoves returns the moves of households that follow pol at budget b on
// grid g: each saves by pol, its saving clamped to the grid and split
// between the grid points around it (Young's lottery), then draws its next
// state. saved, when not nil, receives each point's clamped saving a'.
func NewMoves(ch *Chain, pol Rule, b *Budget, g, saved []float64) *Moves {
	return &Moves{ch: ch, moves: lotteries(ch, pol, b, g, saved), G: len(g)}
}

// Push moves the mass from (over state × grid point) one round on, into to.
func (mv *Moves) Push(from, to []float64) { push(mv.ch, mv.moves, from, to, make([]float64, mv.G)) }

// Expect sets out[i] to the expected value of v (over state × grid point)
// one round on for a household at i: Push's adjoint.
func (mv *Moves) Expect(v, out []float64) {
	n, G := mv.ch.States(), mv.G
	for s := range n {
		row := mv.ch.P[s*n : (s+1)*n]
		for i := range G {
			m := mv.moves[s*G+i]
			e := 0.0
			for sp, pr := range row {
				if pr != 0 {
					e += pr * (m.w*v[sp*G+int(m.j)] + (1-m.w)*v[sp*G+int(m.j)+1])
				}
			}
			out[s*G+i] = e
		}
	}
}

// Forward moves the mass from (over state × grid point) of households
// that follow pol at budget b one round on, into to (NewMoves, Push).
// saved, when not nil, receives each point's clamped saving a'.
func Forward(ch *Chain, pol Rule, b *Budget, g, from, to, saved []float64) {
	NewMoves(ch, pol, b, g, saved).Push(from, to)
}

// maxHistogramIterations bounds Stationary.
const maxHistogramIterations = 100_000

// ByWealth returns the mass at each grid point summed over states: the
// wealth distribution, in ascending order of wealth (Grid).
func (h *Histogram) ByWealth() []float64 {
	G := len(h.Grid)
	w := make([]float64, G)
	for k, x := range h.Mass {
		w[k%G] += x
	}
	return w
}

// Mean returns mean wealth Σ mass·a.
func (h *Histogram) Mean() float64 {
	G := len(h.Grid)
	m := 0.0
	for k, x := range h.Mass {
		m += x * h.Grid[k%G]
	}
	return m
}

// TopMass returns the mass on grid points above the share q of the grid's
// range (q = 0.9: the top tenth of the range): mass there means the grid
// may cut off the distribution.
func (h *Histogram) TopMass(q float64) float64 {
	g := h.Grid
	G := len(g)
	cut := g[0] + q*(g[G-1]-g[0])
	m := 0.0
	for k, x := range h.Mass {
		if g[k%G] > cut {
			m += x
		}
	}
	return m
}

// Constrained returns the mass of households at the borrowing limit (the
// grid's first point).
func (h *Histogram) Constrained() float64 {
	G := len(h.Grid)
	m := 0.0
	for k := 0; k < len(h.Mass); k += G {
		m += h.Mass[k]
	}
	return m
}

// EulerErrorWhereHeld returns the mean of log10 |1 − ĉ/c|, with c the
// policy's consumption and ĉ the consumption the Euler equation implies
// from next round's policy (Judd 1992's accuracy measure), at the midpoints
// of the grid's intervals, each weighted by the mass the histogram h holds
// at its two ends and left out where the constraint binds: the policy's
// accuracy where households are, between the knots where its interpolation
// errs most. A mean over the knots can look better as a coarse grid gets
// worse.
func (s *Saver) EulerErrorWhereHeld(ch *Chain, pol *Policy, b *Budget, h *Histogram) float64 {
	n, g := ch.States(), h.Grid
	G := len(g)
	sum, weight := 0.0, 0.0
	for st := range n {
		row := ch.P[st*n : (st+1)*n]
		for j := range G - 1 {
			w := h.Mass[st*G+j] + h.Mass[st*G+j+1]
			if w == 0 {
				continue
			}
			a := 0.5 * (g[j] + g[j+1])
			c, next := pol.Choose(st, b.Cash(a, st))
			if next <= g[0] || c <= 0 {
				continue
			}
			e := 0.0
			for sp, pr := range row {
				if pr != 0 {
					e += pr * s.Marginal(pol.Consumption(sp, b.Cash(next, sp)))
				}
			}
			implied := s.inverseMarginal(s.Discount * b.Return(next) * e)
			sum += w * math.Log10(max(math.Abs(1-implied/c), 1e-17))
			weight += w
		}
	}
	if weight == 0 {
		return math.Inf(-1)
	}
	return sum / weight
}
