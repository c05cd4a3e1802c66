package agents

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestMovesAdjoint: Expect is Push's adjoint — for any mass D and values v,
// (Push D)·v = D·(Expect v) — and Push keeps the total mass; Forward's
// saving is each point's policy saving, clamped to the grid.
func TestMovesAdjoint(t *testing.T) {
	ch, _, b, g, pol := aiyagariPolicy(t, 1e-11)
	r := rand.New(rand.NewPCG(1, 2))
	n := len(g) * ch.States()
	d, v := make([]float64, n), make([]float64, n)
	total := 0.0
	for k := range d {
		d[k], v[k] = r.Float64(), r.NormFloat64()
		total += d[k]
	}
	saved := make([]float64, n)
	mv := NewMoves(ch, pol, b, g, saved)
	pushed, expected := make([]float64, n), make([]float64, n)
	mv.Push(d, pushed)
	mv.Expect(v, expected)
	lhs, rhs, after := 0.0, 0.0, 0.0
	for k := range d {
		lhs += pushed[k] * v[k]
		rhs += d[k] * expected[k]
		after += pushed[k]
	}
	if math.Abs(lhs-rhs) > 1e-12*math.Abs(lhs) || math.Abs(after-total) > 1e-12*total {
		t.Errorf("(Push D)·v = %v, D·(Expect v) = %v; mass %v → %v", lhs, rhs, total, after)
	}
	G := len(g)
	for k, a := range saved {
		s, x := k/G, g[k%G]
		_, next := pol.Decide(s, x, b.Cash(x, s))
		if want := min(max(next, g[0]), g[G-1]); a != want {
			t.Fatalf("point %d: saved %v, policy %v", k, a, want)
		}
	}
}

// TestBackwardFixedPoint: one backward step from a converged policy at its
// own budget returns it (to the solve's tolerance), and a step at a budget
// with more income tomorrow (a transfer of 0.1 foreseen) raises
// consumption today, consumption being a normal good.
func TestBackwardFixedPoint(t *testing.T) {
	ch, sv, b, g, pol := aiyagariPolicy(t, 1e-13)
	back, err := sv.Backward(ch, pol, b, g, b)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for k, c := range back.C {
		worst = max(worst, math.Abs(c-pol.C[k])/c)
	}
	if worst > 1e-12 {
		t.Errorf("a backward step moves the converged policy by %v", worst)
	}
	richer := *b
	richer.Income = make([]float64, len(b.Income))
	for s, y := range b.Income {
		richer.Income[s] = y + 0.1
	}
	up, _ := sv.Backward(ch, pol, &richer, g, b)
	for s := range ch.States() {
		m := b.Cash(g[len(g)/2], s)
		if c0, c1 := pol.Consumption(s, m), up.Consumption(s, m); !(c1 > c0) {
			t.Errorf("state %d: more income foreseen, consumption today %v, was %v", s, c1, c0)
		}
	}
}

// aiyagariPolicy is Aiyagari's benchmark saver's policy at r = 3% on a grid
// to 40, solved to tol.
func aiyagariPolicy(t *testing.T, tol float64) (*Chain, Saver, *Budget, []float64, *Policy) {
	t.Helper()
	ch, err := Productivity{Process: "ar1", Rho: 0.6, Sigma: 0.4, States: 7, Method: "tauchen", Width: 3}.Chain()
	if err != nil {
		t.Fatal(err)
	}
	sv := Saver{RiskAversion: 3, Discount: 0.96}
	b := &Budget{Rate: 0.03, Income: ch.Levels}
	g := sv.Grid(40)
	pol, err := sv.Solve(context.Background(), ch, b, g, nil, tol)
	if err != nil {
		t.Fatal(err)
	}
	return ch, sv, b, g, pol
}
