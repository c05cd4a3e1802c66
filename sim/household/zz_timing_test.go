package household

import (
	"context"
	"testing"
	"time"
)

func TestZZCandidate(t *testing.T) {
	ctx := context.Background()
	h := Aiyagari(3, 0.6, 0.4, "tauchen")
	before, _ := SolveStationary(ctx, h, AiyagariMarket, noTax, true)
	prev, _ := SolveTransition(ctx, h, AiyagariMarket, before, Reform{Before: noTax, After: wealthTax(0.009)}, true, 300)
	rf := Reform{Before: noTax, After: wealthTax(0.01)}
	for range 3 {
		t0 := time.Now()
		_, after, _ := solveEnds(ctx, h, AiyagariMarket, prev.Before, prev.After, &rf, true, Tight)
		t.Log("ends", time.Since(t0))
		t0 = time.Now()
		refined(ctx, &h.Saver, after.Chain, after.Policy, &after.Budget, after.Histogram.Grid)
		t.Log("refine", time.Since(t0))
		t0 = time.Now()
		p, _ := SolveTransitionNear(ctx, h, AiyagariMarket, prev.Before, prev, rf, true, 300)
		t.Log("near", time.Since(t0), p.Iterations)
		t0 = time.Now()
		p.Gains(ctx, &h.Saver)
		t.Log("gains", time.Since(t0))
	}
}
