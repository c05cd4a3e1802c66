package household

import (
	"context"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/mat"
)

// fakeNewsStep is the one-sided step of each input in the Jacobian's
// finite differences.
const fakeNewsStep = 1e-4

// newsFloor is the least fake news, relative to the largest, at which a
// grid point enters the Jacobian's product: the rest are too small to move
// it (the Jacobian only steers Newton's steps; the residuals are evaluated
// exactly).
const newsFloor = 1e-13

// blockJacobians are the households' sequence-space Jacobians at the
// stationary equilibrium after a reform: of the capital they carry into
// the next round (A) and of revenue (R), each with respect to r, w and the
// transfer T, round by round: A[x].At(t, s) is dA_t/dx_s.
type blockJacobians struct {
	A, R [3]*mat.Dense // inputs r, w, T
}

// ssPoint is what households at each (state, grid point) do in a round
// near the stationary equilibrium after: their saving (clamped to the
// grid) and the taxes they pay.
type ssPoint struct {
	saved, rho []float64
}

// points returns the moves of households following pol with cash on hand
// from budget b at wage w, and what they do at each point; it pushes the
// mass one round on into next.
func (e *pathEval) points(pol *agents.Policy, b *agents.Budget, w float64, mass, next []float64) (*agents.Moves, ssPoint) {
	a := e.p.After
	ch, g := a.Chain, a.Histogram.Grid
	G := len(g)
	pt := ssPoint{saved: make([]float64, len(mass)), rho: make([]float64, len(mass))}
	mv := agents.NewMoves(ch, pol, b, g, pt.saved)
	mv.Push(mass, next)
	tp := &e.rf.After
	for k := range mass {
		s, x := k/G, g[k%G]
		c, _ := pol.Decide(s, x, b.Cash(x, s))
		pt.rho[k] = tp.Paid(tp.LaborTax(w*ch.Levels[s]), b.Rate, x, c)
	}
	return mv, pt
}

func dot(x, y []float64) float64 {
	s := 0.0
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

// blocks computes the households' Jacobians by the fake-news algorithm:
// for a change of each input in one round, the policies of the rounds
// before it (one backward pass), the change each makes to the next
// round's distribution and to the outcomes at once, and the expectation
// vectors that carry a change of the distribution to later outcomes.
func (e *pathEval) blocks(ctx context.Context) (*blockJacobians, error) {
	a, n := e.p.After, e.n
	ch := a.Chain
	dss := a.Histogram.Mass
	nG := len(dss)
	r, w, T := a.Market.Rate, a.Market.Wage, a.Transfer
	bss, _ := NewBudget(ch, &e.rf.After, r, w, T, ch.Stationary)
	nextSS := make([]float64, nG)
	mvSS, ss := e.points(e.p.polAfter, &bss, w, dss, nextSS)
	yA, yR := dot(dss, ss.saved), dot(dss, ss.rho)
	// expectation vectors: E_k = Λ E_{k−1}, E_0 the outcome by point
	ea, er := mat.NewDense(n, nG, nil), mat.NewDense(n, nG, nil)
	ea.SetRow(0, ss.saved)
	er.SetRow(0, ss.rho)
	for k := 1; k < n; k++ {
		mvSS.Expect(ea.RawRowView(k-1), ea.RawRowView(k))
		mvSS.Expect(er.RawRowView(k-1), er.RawRowView(k))
	}
	all := make([]int, nG)
	for k := range all {
		all[k] = k
	}
	full := mat.NewDense(3*n, nG, nil) // row x·n + u: the fake news of input x in round u to the distribution
	var fa, fr [3]*mat.Dense
	var eg errgroup.Group
	for x := range 3 { // the inputs side by side
		eg.Go(func() error {
			var err error
			fa[x], fr[x], err = e.fakeNews(ctx, x, &bss, full.Slice(x*n, (x+1)*n, 0, nG).(*mat.Dense), all, nextSS, yA, yR)
			return err
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	// F[t][u] = E_{t−1}·dD_u for t ≥ 1, every input and outcome in one
	// product over the grid points the fake news reaches: rows of E are the
	// outcomes' expectation vectors (A's rounds 0 … n−2, then R's)
	act := reached(full)
	nA := len(act)
	D := mat.NewDense(3*n, nA, nil)
	for r := range 3 * n {
		src, dst := full.RawRowView(r), D.RawRowView(r)
		for i, k := range act {
			dst[i] = src[k]
		}
	}
	E := mat.NewDense(2*(n-1), nA, nil)
	for t := range n - 1 {
		ra, rr, oa, or := ea.RawRowView(t), er.RawRowView(t), E.RawRowView(t), E.RawRowView(n-1+t)
		for i, k := range act {
			oa[i], or[i] = ra[k], rr[k]
		}
	}
	var prod mat.Dense
	prod.Mul(E, D.T())
	var jb blockJacobians
	for x := range 3 {
		for t := 1; t < n; t++ {
			for u := range n {
				fa[x].Set(t, u, prod.At(t-1, x*n+u))
				fr[x].Set(t, u, prod.At(n-1+t-1, x*n+u))
			}
		}
		jb.A[x], jb.R[x] = accumulate(fa[x]), accumulate(fr[x])
	}
	return &jb, nil
}

// fakeNews computes, for a change of input x (r, w or T) in round u,
// u = 0 … n−1, the change of this round's saving and revenue (fa's and
// fr's row 0) and of the next round's distribution at the points act
// (row u of D), one backward pass over the policies before the change.
func (e *pathEval) fakeNews(ctx context.Context, x int, bss *agents.Budget, D *mat.Dense, act []int, nextSS []float64, yA, yR float64) (fa, fr *mat.Dense, err error) {
	a, n := e.p.After, e.n
	ch, g, sv := a.Chain, a.Histogram.Grid, e.h.Saver
	dss := a.Histogram.Mass
	r, w, T := a.Market.Rate, a.Market.Wage, a.Transfer
	var dr, dw, dT float64
	switch x {
	case 0:
		dr = fakeNewsStep
	case 1:
		dw = fakeNewsStep
	case 2:
		dT = fakeNewsStep
	}
	bx, _ := NewBudget(ch, &e.rf.After, r+dr, w+dw, T+dT, ch.Stationary)
	fa, fr = mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	pol := e.p.polAfter
	next := make([]float64, len(dss))
	for u := range n {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		cash, wage := bss, w
		switch u {
		case 0:
			cash, wage = &bx, w+dw
		case 1:
			if pol, err = sv.Backward(ch, pol, &bx, g, bx.Tax.Consumption); err != nil {
				return nil, nil, err
			}
		default:
			if pol, err = sv.Backward(ch, pol, bss, g, bss.Tax.Consumption); err != nil {
				return nil, nil, err
			}
		}
		pol.Index() // points looks consumption up at every grid point
		_, pt := e.points(pol, cash, wage, dss, next)
		fa.Set(0, u, (dot(dss, pt.saved)-yA)/fakeNewsStep)
		fr.Set(0, u, (dot(dss, pt.rho)-yR)/fakeNewsStep)
		row := D.RawRowView(u)
		for i, k := range act {
			row[i] = (next[k] - nextSS[k]) / fakeNewsStep
		}
	}
	return fa, fr, nil
}

// reached returns the columns of the fake news d whose largest entry is
// above newsFloor times d's largest.
func reached(d *mat.Dense) []int {
	rows, cols := d.Dims()
	colMax := make([]float64, cols)
	for r := range rows {
		for k, v := range d.RawRowView(r) {
			colMax[k] = max(colMax[k], math.Abs(v))
		}
	}
	top := 0.0
	for _, v := range colMax {
		top = max(top, v)
	}
	var act []int
	for k, v := range colMax {
		if v > newsFloor*top {
			act = append(act, k)
		}
	}
	return act
}

// accumulate turns fake news F into the Jacobian J[t][s] = F[t][s] +
// J[t−1][s−1].
func accumulate(f *mat.Dense) *mat.Dense {
	n, _ := f.Dims()
	j := mat.NewDense(n, n, nil)
	for t := range n {
		for s := range n {
			v := f.At(t, s)
			if t > 0 && s > 0 {
				v += j.At(t-1, s-1)
			}
			j.Set(t, s, v)
		}
	}
	return j
}

// jacobian returns the LU factors of the residuals' Jacobian in the
// unknowns at the equilibrium after, from the households' Jacobians and
// the firm's prices' derivatives in capital.
func (e *pathEval) jacobian(ctx context.Context) (*mat.LU, error) {
	jb, err := e.blocks(ctx)
	if err != nil {
		return nil, err
	}
	n, k, l := e.n, e.p.After.Market.Capital, e.p.Labor
	const dk = 1e-6
	r1, w1 := e.m.Prices(k*(1+dk), l)
	r0, w0 := e.m.Prices(k*(1-dk), l)
	drdk, dwdk := (r1-r0)/(2*dk*k), (w1-w0)/(2*dk*k)
	u := e.unknowns()
	m := mat.NewDense(u, u, nil)
	for t := range n {
		for s := 1; s < n; s++ { // capital K_s: column s − 1
			if t < n-1 {
				v := jb.A[0].At(t, s)*drdk + jb.A[1].At(t, s)*dwdk
				if s == t+1 {
					v--
				}
				m.Set(t, s-1, v)
			}
			if e.redistribute {
				m.Set(n-1+t, s-1, jb.R[0].At(t, s)*drdk+jb.R[1].At(t, s)*dwdk)
			}
		}
		if !e.redistribute {
			continue
		}
		for s := range n { // transfer T_s: column n − 1 + s
			if t < n-1 {
				m.Set(t, n-1+s, jb.A[2].At(t, s))
			}
			v := jb.R[2].At(t, s)
			if s == t {
				v--
			}
			m.Set(n-1+t, n-1+s, v)
		}
	}
	var lu mat.LU
	lu.Factorize(m)
	return &lu, nil
}
