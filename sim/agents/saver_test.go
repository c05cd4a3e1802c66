package agents

import (
	"context"
	"math"
	"testing"

	"github.com/econsim/econsim/sim/tax"
)

// vfi solves the same saver's problem by value-function iteration, an
// independent method: V(a, s) = max over a' of u(m − a') + β·Σ P·V(a', s'),
// with V linear between the points of a uniform grid and the maximum found
// by golden-section search over a' ∈ [limit, m − 1e-9] (the objective is
// concave). It returns consumption at the grid's points.
func vfi(sv *Saver, ch *Chain, b *Budget, lo, hi float64, n int) (grid, cons []float64) {
	S := ch.States()
	grid = make([]float64, n)
	for j := range grid {
		grid[j] = lo + (hi-lo)*float64(j)/float64(n-1)
	}
	V := make([]float64, S*n)
	next := make([]float64, S*n)
	cons = make([]float64, S*n)
	EV := make([]float64, S*n) // Σ_{s'} P(s'|s)·V(a', s') at the grid points
	interp := func(f []float64, x float64) float64 {
		p := (x - lo) / (hi - lo) * float64(n-1)
		j := min(max(int(p), 0), n-2)
		w := p - float64(j)
		return f[j]*(1-w) + f[j+1]*w
	}
	for it := 0; it < 5000; it++ {
		for s := range S {
			for j := range n {
				e := 0.0
				for sp := range S {
					e += ch.P[s*S+sp] * V[sp*n+j]
				}
				EV[s*n+j] = e
			}
		}
		diff := 0.0
		for s := range S {
			for j, a := range grid {
				m := b.Cash(a, s)
				obj := func(ap float64) float64 { return sv.Period(m-ap) + sv.Discount*interp(EV[s*n:(s+1)*n], ap) }
				x0, x1 := lo, min(m-1e-9, hi)
				g := (math.Sqrt(5) - 1) / 2
				for x1-x0 > 1e-11 {
					c := x1 - g*(x1-x0)
					d := x0 + g*(x1-x0)
					if obj(c) < obj(d) {
						x0 = c
					} else {
						x1 = d
					}
				}
				ap := (x0 + x1) / 2
				if obj(lo) >= obj(ap) {
					ap = lo
				}
				v := obj(ap)
				diff = max(diff, math.Abs(v-V[s*n+j]))
				next[s*n+j] = v
				cons[s*n+j] = m - ap
			}
		}
		V, next = next, V
		if diff < 1e-10 {
			break
		}
	}
	return grid, cons
}

// TestEGMAgainstVFI: on a two-state problem value-function iteration's
// consumption converges to the endogenous grid method's as VFI's grid is
// refined (its error is first order, from interpolating V linearly): the
// largest relative difference at least halves from 400 to 1,600 points and
// ends below 3e-3.
func TestEGMAgainstVFI(t *testing.T) {
	if testing.Short() {
		t.Skip("value-function iteration takes seconds")
	}
	ch, err := Productivity{Process: "markov", Levels: []float64{0.5, 1.5}, Transition: [][]float64{{0.8, 0.2}, {0.2, 0.8}}}.Chain()
	if err != nil {
		t.Fatal(err)
	}
	sv := Saver{RiskAversion: 2, Discount: 0.9}
	b := &Budget{Rate: 0.05, Income: ch.Levels}
	g := sv.Grid(10)
	pol, err := sv.Solve(context.Background(), ch, b, g, nil, 1e-12)
	if err != nil {
		t.Fatal(err)
	}
	diff := func(points int) float64 {
		grid, cons := vfi(&sv, ch, b, 0, 10, points)
		worst := 0.0
		for s := range 2 {
			for j, a := range grid {
				if a > 8 { // away from the top, where VFI's choice set is cut
					continue
				}
				c := pol.Consumption(s, b.Cash(a, s))
				worst = max(worst, math.Abs(c-cons[s*len(grid)+j])/c)
			}
		}
		return worst
	}
	coarse, fine := diff(400), diff(1600)
	if !(fine < coarse/2) || fine > 3e-3 {
		t.Errorf("EGM against VFI: largest relative difference %.3g at 400 points, %.3g at 1600; want it at least halved and ≤ 3e-3", coarse, fine)
	}
	t.Logf("largest relative difference %.2g (400 points), %.2g (1600); EGM %d iterations", coarse, fine, pol.Iters)
}

// TestEGMCertaintyLimit: with one state (no risk) and β(1+r) < 1, a household
// that starts above the constraint runs its wealth down and, once at zero,
// consumes its income y forever; the Euler equation holds off the
// constraint: u'(c) = β(1+r)·u'(c'), so c'/c = (β(1+r))^(1/μ).
func TestEGMCertaintyLimit(t *testing.T) {
	ch, err := Productivity{Process: "markov", Levels: []float64{1}, Transition: [][]float64{{1}}}.Chain()
	if err != nil {
		t.Fatal(err)
	}
	sv := Saver{RiskAversion: 2, Discount: 0.95}
	b := &Budget{Rate: 0.03, Income: []float64{1}}
	pol, err := sv.Solve(context.Background(), ch, b, sv.Grid(20), nil, 1e-13)
	if err != nil {
		t.Fatal(err)
	}
	if c := pol.Consumption(0, b.Cash(0, 0)); math.Abs(c-1) > 1e-12 {
		t.Errorf("at zero wealth c = %v, want income 1", c)
	}
	want := math.Pow(0.95*1.03, 1/2.0)
	a := 10.0
	for range 5 {
		c, next := pol.Choose(0, b.Cash(a, 0))
		c2, _ := pol.Choose(0, b.Cash(next, 0))
		if next <= 0 {
			break
		}
		if got := c2 / c; math.Abs(got-want) > 1e-4 {
			t.Errorf("at a = %.4g: c'/c = %.6f, want (β(1+r))^(1/μ) = %.6f", a, got, want)
		}
		a = next
	}
}

// TestSolveRefusesExplosion: β(1+r) ≥ 1 has no stationary wealth.
func TestSolveRefusesExplosion(t *testing.T) {
	ch, _ := Productivity{Process: "markov", Levels: []float64{1}, Transition: [][]float64{{1}}}.Chain()
	sv := Saver{RiskAversion: 2, Discount: 0.97}
	if _, err := sv.Solve(context.Background(), ch, &Budget{Rate: 0.04, Income: []float64{1}}, sv.Grid(20), nil, 1e-10); err == nil {
		t.Error("β(1+r) = 1.0088: no error")
	}
}

// TestCRRAFastPaths: the multiplied-out powers agree with the formulas.
func TestCRRAFastPaths(t *testing.T) {
	for _, mu := range []float64{1, 2, 3, 4, 5, 2.5} {
		sv := Saver{RiskAversion: mu}
		for _, c := range []float64{0.01, 0.7, 1, 3.3, 250} {
			u := math.Log(c)
			if mu != 1 {
				u = (math.Pow(c, 1-mu) - 1) / (1 - mu)
			}
			if got := sv.Period(c); math.Abs(got-u) > 1e-12*math.Max(1, math.Abs(u)) {
				t.Errorf("μ %v: Period(%v) = %v, want %v", mu, c, got, u)
			}
			m := math.Pow(c, -mu)
			if got := sv.Marginal(c); math.Abs(got-m) > 1e-13*m {
				t.Errorf("μ %v: Marginal(%v) = %v, want %v", mu, c, got, m)
			}
			if got := sv.inverseMarginal(m); math.Abs(got-c) > 1e-12*c {
				t.Errorf("μ %v: inverse of u'(%v) = %v", mu, c, got)
			}
		}
	}
}

// TestRules: the rules of thumb by hand, and their clamps.
func TestRules(t *testing.T) {
	f := FixedRate{Share: 0.2, Depreciation: 0.1, Limit: 0}
	// a = 10, m = 12: gross income 12 − 10 + 1 = 3, spend 0.8·3 = 2.4
	if c, next := f.Decide(0, 10, 12); math.Abs(c-2.4) > 1e-15 || math.Abs(next-9.6) > 1e-15 {
		t.Errorf("fixed_rate: c %v next %v, want 2.4, 9.6", c, next)
	}
	b := BufferStock{Target: 2, Speed: 0.5, Labor: []float64{1, 3}, CTax: 0.25}
	// state 1: target 6, a = 2 → next 4; m = 5 → (1.25)c = 1, c = 0.8
	if c, next := b.Decide(1, 2, 5); math.Abs(c-0.8) > 1e-15 || next != 4 {
		t.Errorf("buffer_stock: c %v next %v, want 0.8, 4", c, next)
	}
	// cash on hand below the wanted saving: save it all, consume nothing
	if c, next := b.Decide(1, 2, 3); c != 0 || next != 3 {
		t.Errorf("buffer_stock clamp: c %v next %v, want 0, 3", c, next)
	}
	// a household at the limit −1 whose cash on hand −1.5 is below it: the
	// rule would take it to −1.1; it stays at the limit, consuming nothing
	lim := FixedRate{Share: 0.2, Limit: -1}
	if c, next := lim.Decide(0, -1, -1.5); next != -1 || c != 0 {
		t.Errorf("limit: c %v next %v, want 0, -1", c, next)
	}
}

// TestPolicyLookup: the bucket table finds the same knot interval as a
// binary search, so consumption is bit-identical with and without it, below
// the first knot, between knots and past the last.
func TestPolicyLookup(t *testing.T) {
	ch, err := Productivity{Process: "ar1", Rho: 0.6, Sigma: 0.4, States: 7, Method: "tauchen", Width: 3}.Chain()
	if err != nil {
		t.Fatal(err)
	}
	sv := Saver{RiskAversion: 3, Discount: 0.96}
	b := &Budget{Rate: 0.03, Income: ch.Levels}
	pol, err := sv.Solve(context.Background(), ch, b, sv.Grid(100), nil, 1e-10)
	if err != nil {
		t.Fatal(err)
	}
	plain := *pol
	plain.bucket = nil
	for s := range 7 {
		for k := range 20000 {
			m := -0.5 + 130*float64(k)/20000 // spans below M[0] to past the top
			if a, b := pol.Consumption(s, m), plain.Consumption(s, m); math.Float64bits(a) != math.Float64bits(b) {
				t.Fatalf("state %d, m %v: %v with the table, %v without", s, m, a, b)
			}
		}
	}
}

// TestElasticHours: savers who choose hours. With log utility, no tax and
// one state, a household at zero wealth that stays there (β(1+r) < 1)
// consumes what it earns, c = w·h, and its hours solve κ·h^(1/e) = w/c =
// 1/h: h = κ^(−e/(1+e)). Away from the constraint, under a flat 20% tax,
// the intratemporal condition κ·h^(1/e) = (1 − 0.2)·w·u'(c) holds and the
// Euler ratio c'/c = (β(1+r))^(1/μ) of the certain case still does.
func TestElasticHours(t *testing.T) {
	ch, _ := Productivity{Process: "markov", Levels: []float64{1}, Transition: [][]float64{{1}}}.Chain()
	free := tax.MustNew([]float64{0}, []float64{0}, tax.DefaultBounds)
	kappa, e, w := 2.0, 0.5, 1.3
	lab, err := NewLabor(kappa, e, 10, free, []float64{w})
	if err != nil {
		t.Fatal(err)
	}
	sv := Saver{RiskAversion: 1, Discount: 0.95}
	b := &Budget{Rate: 0.03, Income: []float64{0}, Labor: lab}
	pol, err := sv.Solve(context.Background(), ch, b, sv.Grid(20), nil, 1e-13)
	if err != nil {
		t.Fatal(err)
	}
	c, next, h, y := pol.ChooseHours(0, b.Cash(0, 0))
	wantH := math.Pow(kappa, -e/(1+e))
	if math.Abs(h-wantH) > 1e-9 || math.Abs(c-w*wantH) > 1e-9 || next != 0 || math.Abs(y-w*h) > 1e-12 {
		t.Errorf("at zero wealth: c %v, a' %v, h %v, y %v; want h = %v, c = w·h, a' = 0", c, next, h, y, wantH)
	}
	flat := tax.MustNew([]float64{0}, []float64{0.2}, tax.DefaultBounds)
	lab2, err := NewLabor(kappa, e, 10, flat, []float64{w})
	if err != nil {
		t.Fatal(err)
	}
	sv2 := Saver{RiskAversion: 2, Discount: 0.95}
	b2 := &Budget{Rate: 0.03, Income: []float64{0}, Labor: lab2}
	pol2, err := sv2.Solve(context.Background(), ch, b2, sv2.Grid(40), nil, 1e-13)
	if err != nil {
		t.Fatal(err)
	}
	a := 15.0
	for range 4 {
		c, next, h, _ := pol2.ChooseHours(0, b2.Cash(a, 0))
		if lhs, rhs := kappa*math.Pow(h, 1/e), 0.8*w/(c*c); math.Abs(lhs-rhs) > 1e-9*rhs {
			t.Errorf("a = %.3g: κ·h^(1/e) = %v, (1−τ)·w·u'(c) = %v", a, lhs, rhs)
		}
		c2, _, _, _ := pol2.ChooseHours(0, b2.Cash(next, 0))
		if next > 0.5 {
			if got, want := c2/c, math.Sqrt(0.95*1.03); math.Abs(got-want) > 1e-4 {
				t.Errorf("a = %.3g: c'/c = %v, want %v", a, got, want)
			}
		}
		a = next
	}
	if _, err := NewLabor(kappa, e, 10, tax.MustNew([]float64{0, 1}, []float64{0.3, 0.1}, tax.DefaultBounds), []float64{w}); err == nil {
		t.Error("falling rates: no error")
	}
}
