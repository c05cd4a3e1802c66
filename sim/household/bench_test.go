package household

import (
	"context"
	"testing"
)

// BenchmarkStationary is the stationary equilibrium of Aiyagari's benchmark
// (7 states × 500 grid points, r to 1e-9).
func BenchmarkStationary(b *testing.B) {
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	for b.Loop() {
		if _, err := SolveStationary(context.Background(), h, AiyagariMarket, noTax, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransition is SolveTransition of a 1% wealth tax in Aiyagari's
// benchmark, 7 states × 500 points, a horizon of 300: its two ends solved
// tightly on one grid, the Jacobian, and the Newton steps.
func BenchmarkTransition(b *testing.B) {
	ctx := context.Background()
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	before, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		b.Fatal(err)
	}
	rf := Reform{Before: noTax, After: wealthTax(0.01)}
	for b.Loop() {
		if _, err := SolveTransition(ctx, h, AiyagariMarket, before, rf, true, 300); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCandidate is a planner's evaluation of one candidate by its
// transition: a 1% wealth tax from the status quo of none, solved from the
// path to a 0.9% tax (SolveTransitionNear: the equilibrium after, the
// path and its Jacobian to start from), and who gains.
func BenchmarkCandidate(b *testing.B) {
	ctx := context.Background()
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	before, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		b.Fatal(err)
	}
	prev, err := SolveTransition(ctx, h, AiyagariMarket, before, Reform{Before: noTax, After: wealthTax(0.009)}, true, 300)
	if err != nil {
		b.Fatal(err)
	}
	rf := Reform{Before: noTax, After: wealthTax(0.01)}
	for b.Loop() {
		p, err := SolveTransitionNear(ctx, h, AiyagariMarket, prev.Before, prev, rf, true, 300)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Gains(ctx, &h.Saver); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransitionPath is the transition's solve alone, its two
// stationary ends given (as the Sequence-Space Jacobian toolkit's
// solve_impulse_nonlinear is timed): the Jacobian and the Newton steps of
// a 1% wealth tax in Aiyagari's benchmark, 7 states × 500 points, a
// horizon of 300.
func BenchmarkTransitionPath(b *testing.B) {
	ctx := context.Background()
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	st, err := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	if err != nil {
		b.Fatal(err)
	}
	rf := Reform{Before: noTax, After: wealthTax(0.01)}
	before, after, err := solveEnds(ctx, h, AiyagariMarket, st, st, &rf, true, Tight)
	if err != nil {
		b.Fatal(err)
	}
	g := before.Histogram.Grid
	for b.Loop() {
		p := newPath(before, after, 300)
		if p.polBefore, err = refined(ctx, &h.Saver, before.Chain, before.Policy, &before.Budget, g); err != nil {
			b.Fatal(err)
		}
		if p.polAfter, err = refined(ctx, &h.Saver, after.Chain, after.Policy, &after.Budget, g); err != nil {
			b.Fatal(err)
		}
		e := &pathEval{h: h, m: AiyagariMarket, rf: &rf, p: p, redistribute: true, n: 300}
		if err := e.newton(ctx, e.initial()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStationaryTypes is the stationary equilibrium of Aiyagari's
// benchmark with seven patience types, β 0.95 ± 0.02 (7 states × 500
// points each, r to 1e-9): the types solved side by side at each r.
func BenchmarkStationaryTypes(b *testing.B) {
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	h.Patience = UniformPatience(0.95, 0.02, 7)
	for b.Loop() {
		if _, err := SolveStationary(context.Background(), h, AiyagariMarket, noTax, true); err != nil {
			b.Fatal(err)
		}
	}
}
