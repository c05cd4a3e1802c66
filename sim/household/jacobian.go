package household

import (
	"context"

	"github.com/econsim/econsim/sim/agents"
	"gonum.org/v1/gonum/mat"
)

// fakeNewsStep is the one-sided step of each input in the Jacobian's
// finite differences.
const fakeNewsStep = 1e-4

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
	ch, g, sv := a.Chain, a.Histogram.Grid, e.h.Saver
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
	var jb blockJacobians
	for x := range 3 {
		dr, dw, dT := 0.0, 0.0, 0.0
		switch x {
		case 0:
			dr = fakeNewsStep
		case 1:
			dw = fakeNewsStep
		case 2:
			dT = fakeNewsStep
		}
		bx, _ := NewBudget(ch, &e.rf.After, r+dr, w+dw, T+dT, ch.Stationary)
		dd := mat.NewDense(n, nG, nil) // the fake news to the next round's distribution
		fa, fr := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
		pol := e.p.polAfter
		next := make([]float64, nG)
		for u := range n {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			cash, wage := &bss, w
			switch u {
			case 0:
				cash, wage = &bx, w+dw
			case 1:
				p, err := sv.Backward(ch, pol, &bx, g)
				if err != nil {
					return nil, err
				}
				pol = p
			default:
				p, err := sv.Backward(ch, pol, &bss, g)
				if err != nil {
					return nil, err
				}
				pol = p
			}
			_, pt := e.points(pol, cash, wage, dss, next)
			fa.Set(0, u, (dot(dss, pt.saved)-yA)/fakeNewsStep)
			fr.Set(0, u, (dot(dss, pt.rho)-yR)/fakeNewsStep)
			row := dd.RawRowView(u)
			for k := range row {
				row[k] = (next[k] - nextSS[k]) / fakeNewsStep
			}
		}
		// F[t][u] = E_{t−1}·dD_u for t ≥ 1
		var prodA, prodR mat.Dense
		prodA.Mul(ea.Slice(0, n-1, 0, nG), dd.T())
		prodR.Mul(er.Slice(0, n-1, 0, nG), dd.T())
		for t := 1; t < n; t++ {
			for u := range n {
				fa.Set(t, u, prodA.At(t-1, u))
				fr.Set(t, u, prodR.At(t-1, u))
			}
		}
		jb.A[x], jb.R[x] = accumulate(fa), accumulate(fr)
	}
	return &jb, nil
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
