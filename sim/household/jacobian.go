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

// The households' outcomes a round's Jacobian tracks: the capital they
// carry into the next round, the taxes they pay, and (with elastic hours)
// the efficiency labour they supply.
const (
	outSaved = iota
	outTaxes
	outLabor
	numOutcomes
)

// blockJacobians are the households' sequence-space Jacobians at the
// stationary equilibrium after a reform: J[o][i].At(t, s) is the change of
// outcome o in round t for a unit of input i in round s.
type blockJacobians struct {
	J [numOutcomes][]*mat.Dense
}

// pointOutcomes is what households at each (state, grid point) do in a
// round near the stationary equilibrium after, by outcome: their saving
// (clamped to the grid), the taxes they pay and the efficiency labour they
// supply.
type pointOutcomes [numOutcomes][]float64

// points returns the moves of households following pol with budget b at
// wage w, and what they do at each point; it pushes the mass one round on
// into next.
func (e *pathEval) points(pol *agents.Policy, b *agents.Budget, w float64, mass, next []float64) (*agents.Moves, pointOutcomes) {
	a := e.p.After
	ch, g := a.Chain, a.Histogram.Grid
	G := len(g)
	var pt pointOutcomes
	for o := range pt {
		pt[o] = make([]float64, len(mass))
	}
	mv := agents.NewMoves(ch, pol, b, g, pt[outSaved])
	mv.Push(mass, next)
	tp := &e.rf.After
	for k := range mass {
		s, x := k/G, g[k%G]
		if b.Labor == nil {
			c, _ := pol.Decide(s, x, b.Cash(x, s))
			pt[outTaxes][k] = tp.Paid(tp.LaborTax(w*ch.Levels[s]), b.Rate, x, c)
			continue
		}
		c, _, h, y := pol.ChooseHours(s, b.Cash(x, s))
		pt[outTaxes][k] = tp.Paid(b.Labor.Tax(y), b.Rate, x, c)
		pt[outLabor][k] = ch.Levels[s] * h
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

// blocks computes the households' Jacobians of the outcomes outs in the
// inputs by the fake-news algorithm: for a change of each input in one
// round, the policies of the rounds before it (one backward pass), the
// change each makes to the next round's distribution and to the outcomes
// at once, and the expectation vectors that carry a change of the
// distribution to later outcomes.
func (e *pathEval) blocks(ctx context.Context, inputs []pathInput, outs []int) (*blockJacobians, error) {
	a, n, ni, no := e.p.After, e.n, len(inputs), len(outs)
	dss := a.Histogram.Mass
	nG := len(dss)
	bss, _, err := e.budget(&e.rf.After, a.Market.Rate, a.Market.Wage, a.Transfer)
	if err != nil {
		return nil, err
	}
	nextSS := make([]float64, nG)
	mvSS, ss := e.points(e.p.polAfter, &bss, a.Market.Wage, dss, nextSS)
	var yss [numOutcomes]float64
	for o := range yss {
		yss[o] = dot(dss, ss[o])
	}
	ex := make([]*mat.Dense, no) // expectation vectors: E_k = Λ E_{k−1}, E_0 the outcome by point
	for j, o := range outs {
		ex[j] = mat.NewDense(n, nG, nil)
		ex[j].SetRow(0, ss[o])
		for k := 1; k < n; k++ {
			mvSS.Expect(ex[j].RawRowView(k-1), ex[j].RawRowView(k))
		}
	}
	all := make([]int, nG)
	for k := range all {
		all[k] = k
	}
	full := mat.NewDense(ni*n, nG, nil) // row i·n + u: the fake news of input i in round u to the distribution
	first := make([][numOutcomes][]float64, ni)
	rounds := make([]int, ni)
	var eg errgroup.Group
	for i, in := range inputs { // the inputs side by side
		eg.Go(func() error {
			var err error
			first[i], rounds[i], err = e.fakeNews(ctx, in, &bss, full.Slice(i*n, (i+1)*n, 0, nG).(*mat.Dense), all, nextSS, &yss)
			return err
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	nu := slices.Max(rounds) // the rounds of news past which every input's is none
	prod := newsProduct(full, ex, outs, &yss, ni, nu, n)
	cols := ni * nu
	jb := &blockJacobians{}
	for j, o := range outs {
		jb.J[o] = make([]*mat.Dense, ni)
		for i := range ni {
			f := mat.NewDense(n, n, nil)
			f.SetRow(0, first[i][o])
			for t := 1; t < n; t++ {
				row := prod[(j*(n-1)+t-1)*cols+i*nu:]
				for u := range nu {
					f.Set(t, u, float64(row[u]))
				}
			}
			jb.J[o][i] = accumulate(f)
		}
	}
	return jb, nil
}

// newsProduct returns F[t][u] = E_{t−1}·dD_u for t ≥ 1, every outcome's
// and input's in one product over the grid points the fake news full
// reaches (nu rounds of it per input): row j·(n−1) + t − 1, column i·nu +
// u. The fake news moves no mass in all (each row sums to 0), so E's rows
// enter less their stationary mean yss (dss·E_k = dss·E_0), which keeps
// what is left of them small and the product exact enough in single
// precision: it only steers Newton's steps.
func newsProduct(full *mat.Dense, ex []*mat.Dense, outs []int, yss *[numOutcomes]float64, ni, nu, n int) []float32 {
	no := len(outs)
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
	E := make([]float32, no*(n-1)*nA) // row j·(n−1) + t: outcome j's E_t
	for j, o := range outs {
		for t := range n - 1 {
			src, dst := ex[j].RawRowView(t), E[(j*(n-1)+t)*nA:(j*(n-1)+t+1)*nA]
			for i, k := range act {
				dst[i] = float32(src[k] - yss[o])
			}
		}
	}
	cols := ni * nu
	prod := make([]float32, no*(n-1)*cols)
	blas32.Gemm(blas.NoTrans, blas.Trans, 1,
		blas32.General{Rows: no * (n - 1), Cols: nA, Stride: nA, Data: E},
		blas32.General{Rows: cols, Cols: nA, Stride: nA, Data: D},
		0, blas32.General{Rows: no * (n - 1), Cols: cols, Stride: cols, Data: prod})
	return prod
}

// fakeNews computes, for a change of input in in round u, u = 0 … n−1,
// the change of each outcome in that round (first[o][u]) and of the next
// round's distribution at the points act (row u of D), one backward pass
// over the policies before the change, until the news is below newsTail:
// rounds is the number of rounds of news computed, the rest none.
func (e *pathEval) fakeNews(ctx context.Context, in pathInput, bss *agents.Budget, D *mat.Dense, act []int, nextSS []float64, yss *[numOutcomes]float64) (first [numOutcomes][]float64, rounds int, err error) {
	a, n := e.p.After, e.n
	ch, g, sv := a.Chain, a.Histogram.Grid, e.h.Saver
	dss := a.Histogram.Mass
	w := a.Market.Wage
	h := in.step()
	bx, _, err := e.budget(&e.rf.After, a.Market.Rate+h*in.dr, w+h*in.dw, a.Transfer+h*in.dT)
	if err != nil {
		return first, 0, err
	}
	for o := range first {
		first[o] = make([]float64, n)
	}
	// the policy of the round of the change: with inelastic hours the
	// stationary one (its own prices enter through cash on hand alone),
	// with elastic hours one step back at its own wage
	pol := e.p.polAfter
	if bx.Labor != nil {
		if pol, err = sv.Backward(ch, pol, bss, g, &bx); err != nil {
			return first, 0, err
		}
	}
	next := make([]float64, len(dss))
	ahead := 0.0 // the news of a change one round ahead
	for u := range n {
		if err := ctx.Err(); err != nil {
			return first, 0, err
		}
		cash, wage := bss, w
		switch u {
		case 0:
			cash, wage = &bx, w+h*in.dw
		case 1:
			if pol, err = sv.Backward(ch, pol, &bx, g, bss); err != nil {
				return first, 0, err
			}
		default:
			if pol, err = sv.Backward(ch, pol, bss, g, bss); err != nil {
				return first, 0, err
			}
		}
		pol.Index() // points looks consumption up at every grid point
		_, pt := e.points(pol, cash, wage, dss, next)
		for o := range first {
			first[o][u] = (dot(dss, pt[o]) - yss[o]) / h
		}
		row, news := D.RawRowView(u), 0.0
		for i, k := range act {
			row[i] = (next[k] - nextSS[k]) / h
			news += math.Abs(row[i])
		}
		switch {
		case u == 1:
			ahead = news
		case u > 1 && news < newsTail*ahead:
			return first, u + 1, nil
		}
	}
	return first, n, nil
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
// capital and labour (through the firm's prices) and the transfer.
func (e *pathEval) jacobian(ctx context.Context) (*mat.LU, error) {
	n, a := e.n, e.p.After
	k, l := a.Market.Capital, a.Market.Labor
	if l == 0 {
		l = 1
	}
	const d = 1e-6
	rk1, wk1 := e.m.Prices(k*(1+d), l)
	rk0, wk0 := e.m.Prices(k*(1-d), l)
	// the unknowns' blocks: each an input to the households, where its
	// columns start in x, its first round, and the outcome it is the
	// market's other side of (its residual: outcome less the unknown, one
	// round on for capital)
	type block struct {
		in        pathInput
		col, from int
		out       int
	}
	blocks := []block{{in: pathInput{dr: (rk1 - rk0) / (2 * d * k), dw: (wk1 - wk0) / (2 * d * k)}, col: 0, from: 1, out: outSaved}}
	if e.redistribute {
		blocks = append(blocks, block{in: pathInput{dT: 1}, col: e.transferAt(), out: outTaxes})
	}
	if e.hours() {
		rl1, wl1 := e.m.Prices(k, l*(1+d))
		rl0, wl0 := e.m.Prices(k, l*(1-d))
		blocks = append(blocks, block{in: pathInput{dr: (rl1 - rl0) / (2 * d * l), dw: (wl1 - wl0) / (2 * d * l)}, col: e.laborAt(), out: outLabor})
	}
	inputs, outs := make([]pathInput, len(blocks)), make([]int, len(blocks))
	for i, b := range blocks {
		inputs[i], outs[i] = b.in, b.out
	}
	jb, err := e.blocks(ctx, inputs, outs)
	if err != nil {
		return nil, err
	}
	u := e.unknowns()
	m := mat.NewDense(u, u, nil)
	for _, rb := range blocks { // the residuals: capital's rows 0 … n−2, the others' 0 … n−1
		row, last := rb.col, n
		if rb.out == outSaved {
			row, last = 0, n-1
		}
		for i, cb := range blocks {
			J := jb.J[rb.out][i]
			for t := range last {
				for s := cb.from; s < n; s++ {
					v := J.At(t, s)
					if cb.out == rb.out && ((rb.out == outSaved && s == t+1) || (rb.out != outSaved && s == t)) {
						v--
					}
					m.Set(row+t, cb.col+s-cb.from, v)
				}
			}
		}
	}
	var lu mat.LU
	lu.Factorize(m)
	return &lu, nil
}
