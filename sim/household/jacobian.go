package household

import (
	"context"
	"math"
	"slices"

	"github.com/econsim/econsim/sim/agents"
	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
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

// newsTail is the fake news to the distribution, relative to that of a
// change one round ahead, below which a change further ahead is taken to
// make none: the policies have returned to the stationary one (the news
// shrinks geometrically with the distance), and what is dropped only
// steers Newton's steps.
const newsTail = 1e-7

// pathInput is a direction in which the households' inputs move together
// along a path: the change of r, w and the transfer per unit of the
// input (capital moves r and w through the firm's prices).
type pathInput struct{ dr, dw, dT float64 }

// step is the input's one-sided step in the fake news: the one that moves
// the most sensitive price by fakeNewsStep.
func (in pathInput) step() float64 {
	return fakeNewsStep / max(math.Abs(in.dr), math.Abs(in.dw), math.Abs(in.dT))
}

// blockJacobians are the households' sequence-space Jacobians at the
// stationary equilibrium after a reform: of the capital they carry into
// the next round (A) and of revenue (R), each with respect to every input,
// round by round: A[i].At(t, s) is dA_t/dx_s of input i.
type blockJacobians struct {
	A, R []*mat.Dense
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

// blocks computes the households' Jacobians in the inputs by the
// fake-news algorithm: for a change of each input in one round, the
// policies of the rounds before it (one backward pass), the change each
// makes to the next round's distribution and to the outcomes at once, and
// the expectation vectors that carry a change of the distribution to later
// outcomes.
func (e *pathEval) blocks(ctx context.Context, inputs []pathInput) (*blockJacobians, error) {
	a, n, ni := e.p.After, e.n, len(inputs)
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
	full := mat.NewDense(ni*n, nG, nil) // row i·n + u: the fake news of input i in round u to the distribution
	fa, fr := make([]*mat.Dense, ni), make([]*mat.Dense, ni)
	rounds := make([]int, ni)
	var eg errgroup.Group
	for i, in := range inputs { // the inputs side by side
		eg.Go(func() error {
			var err error
			fa[i], fr[i], rounds[i], err = e.fakeNews(ctx, in, &bss, full.Slice(i*n, (i+1)*n, 0, nG).(*mat.Dense), all, nextSS, yA, yR)
			return err
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	nu := slices.Max(rounds) // the rounds of news past which every input's is none
	// F[t][u] = E_{t−1}·dD_u for t ≥ 1, every input and outcome in one
	// product over the grid points the fake news reaches. The fake news
	// moves no mass in all (each row sums to 0), so E's rows enter less
	// their stationary mean (dss·E_k = dss·E_0), which keeps what is left
	// of them small and the product exact enough in single precision: it
	// only steers Newton's steps.
	act := reached(full)
	nA := len(act)
	D := make([]float32, ni*nu*nA) // row i·nu + u
	for i := range ni {
		for u := range nu {
			src, dst := full.RawRowView(i*n+u), D[(i*nu+u)*nA:(i*nu+u+1)*nA]
			for j, k := range act {
				dst[j] = float32(src[k])
			}
		}
	}
	E := make([]float32, 2*(n-1)*nA) // A's rounds 0 … n−2, then R's
	for t := range n - 1 {
		ra, rr := ea.RawRowView(t), er.RawRowView(t)
		oa, or := E[t*nA:(t+1)*nA], E[(n-1+t)*nA:(n+t)*nA]
		for i, k := range act {
			oa[i], or[i] = float32(ra[k]-yA), float32(rr[k]-yR)
		}
	}
	prod := make([]float32, 2*(n-1)*ni*nu)
	blas32.Gemm(blas.NoTrans, blas.Trans, 1,
		blas32.General{Rows: 2 * (n - 1), Cols: nA, Stride: nA, Data: E},
		blas32.General{Rows: ni * nu, Cols: nA, Stride: nA, Data: D},
		0, blas32.General{Rows: 2 * (n - 1), Cols: ni * nu, Stride: ni * nu, Data: prod})
	at := func(row, col int) float64 { return float64(prod[row*ni*nu+col]) }
	jb := &blockJacobians{A: make([]*mat.Dense, ni), R: make([]*mat.Dense, ni)}
	for i := range ni {
		for t := 1; t < n; t++ {
			for u := range nu {
				fa[i].Set(t, u, at(t-1, i*nu+u))
				fr[i].Set(t, u, at(n-1+t-1, i*nu+u))
			}
		}
		jb.A[i], jb.R[i] = accumulate(fa[i]), accumulate(fr[i])
	}
	return jb, nil
}

// fakeNews computes, for a change of input in in round u, u = 0 … n−1,
// the change of this round's saving and revenue (fa's and fr's row 0) and
// of the next round's distribution at the points act (row u of D), one
// backward pass over the policies before the change, until the news is
// below newsTail: rounds is the number of rounds of news computed, the
// rest none.
func (e *pathEval) fakeNews(ctx context.Context, in pathInput, bss *agents.Budget, D *mat.Dense, act []int, nextSS []float64, yA, yR float64) (fa, fr *mat.Dense, rounds int, err error) {
	a, n := e.p.After, e.n
	ch, g, sv := a.Chain, a.Histogram.Grid, e.h.Saver
	dss := a.Histogram.Mass
	r, w, T := a.Market.Rate, a.Market.Wage, a.Transfer
	h := in.step()
	dw := h * in.dw
	bx, _ := NewBudget(ch, &e.rf.After, r+h*in.dr, w+dw, T+h*in.dT, ch.Stationary)
	fa, fr = mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	pol := e.p.polAfter
	next := make([]float64, len(dss))
	ahead := 0.0 // the news of a change one round ahead
	for u := range n {
		if err := ctx.Err(); err != nil {
			return nil, nil, 0, err
		}
		cash, wage := bss, w
		switch u {
		case 0:
			cash, wage = &bx, w+dw
		case 1:
			if pol, err = sv.Backward(ch, pol, &bx, g, bx.Tax.Consumption); err != nil {
				return nil, nil, 0, err
			}
		default:
			if pol, err = sv.Backward(ch, pol, bss, g, bss.Tax.Consumption); err != nil {
				return nil, nil, 0, err
			}
		}
		pol.Index() // points looks consumption up at every grid point
		_, pt := e.points(pol, cash, wage, dss, next)
		fa.Set(0, u, (dot(dss, pt.saved)-yA)/h)
		fr.Set(0, u, (dot(dss, pt.rho)-yR)/h)
		row, news := D.RawRowView(u), 0.0
		for i, k := range act {
			row[i] = (next[k] - nextSS[k]) / h
			news += math.Abs(row[i])
		}
		switch {
		case u == 1:
			ahead = news
		case u > 1 && news < newsTail*ahead:
			return fa, fr, u + 1, nil
		}
	}
	return fa, fr, n, nil
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
// unknowns at the equilibrium after, from the households' Jacobians in
// capital (through the firm's prices) and the transfer.
func (e *pathEval) jacobian(ctx context.Context) (*mat.LU, error) {
	n, k, l := e.n, e.p.After.Market.Capital, e.p.Labor
	const dk = 1e-6
	r1, w1 := e.m.Prices(k*(1+dk), l)
	r0, w0 := e.m.Prices(k*(1-dk), l)
	inputs := []pathInput{{dr: (r1 - r0) / (2 * dk * k), dw: (w1 - w0) / (2 * dk * k)}}
	if e.redistribute {
		inputs = append(inputs, pathInput{dT: 1})
	}
	jb, err := e.blocks(ctx, inputs)
	if err != nil {
		return nil, err
	}
	u := e.unknowns()
	m := mat.NewDense(u, u, nil)
	for t := range n {
		for s := 1; s < n; s++ { // capital K_s: column s − 1
			if t < n-1 {
				v := jb.A[0].At(t, s)
				if s == t+1 {
					v--
				}
				m.Set(t, s-1, v)
			}
			if e.redistribute {
				m.Set(n-1+t, s-1, jb.R[0].At(t, s))
			}
		}
		if !e.redistribute {
			continue
		}
		for s := range n { // transfer T_s: column n − 1 + s
			if t < n-1 {
				m.Set(t, n-1+s, jb.A[1].At(t, s))
			}
			v := jb.R[1].At(t, s)
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
