package welfare

import (
	"math"
	"testing"
)

// TestWealthGini: by hand. {0, 0, 0, 4}: Σ|x_i − x_j| = 2·3·4 = 24, N² = 16,
// mean|x| = 1 → 24/32 = 0.75 (the Gini). {−1, 1}: Σ|..| = 4, mean|x| = 1
// → 4/8 = 0.5, where the usual Gini divides by a zero mean. Weights act as
// repeated values: {1, 3} with weights {3, 1} is {1, 1, 1, 3}: Σ|..| = 12,
// mean 1.5 → 12/(2·16·1.5) = 0.25.
func TestWealthGini(t *testing.T) {
	for _, c := range []struct {
		x, w []float64
		want float64
	}{
		{[]float64{0, 0, 0, 4}, nil, 0.75},
		{[]float64{-1, 1}, nil, 0.5},
		{[]float64{1, 3}, []float64{3, 1}, 0.25},
		{[]float64{1, 3}, []float64{0.75, 0.25}, 0.25},
		{[]float64{0, 0}, nil, 0},
		{[]float64{2, 2, 2}, nil, 0},
	} {
		if got := WealthGiniWeighted(c.x, c.w); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("WealthGini(%v, %v) = %v, want %v", c.x, c.w, got, c.want)
		}
	}
	x := []float64{0.5, 1, 2, 7, 30} // no negative wealth: the usual Gini
	if a, b := WealthGiniWeighted(x, nil), GiniSorted(x); math.Abs(a-b) > 1e-15 {
		t.Errorf("wealth Gini %v ≠ Gini %v without negative wealth", a, b)
	}
}

// TestTopShare: by hand. {1, 2, 3, 4}: the top 25% holds 4/10; the top 10%
// is 0.4 of the richest household: 0.4·4/10 = 0.16. Weighted {1, 9} with
// weights {0.9, 0.1}: total 1.8, the top 10% holds 0.9 → 0.5.
func TestTopShare(t *testing.T) {
	for _, c := range []struct {
		x, w    []float64
		q, want float64
	}{
		{[]float64{1, 2, 3, 4}, nil, 0.25, 0.4},
		{[]float64{1, 2, 3, 4}, nil, 0.10, 0.16},
		{[]float64{1, 9}, []float64{0.9, 0.1}, 0.10, 0.5},
		{[]float64{1, 2, 3, 4}, nil, 1, 1},
	} {
		if got := TopShareWeighted(c.x, c.w, c.q); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("TopShare(%v, %v, %v) = %v, want %v", c.x, c.w, c.q, got, c.want)
		}
	}
	if got := TopShareWeighted([]float64{-2, 1}, nil, 0.5); !math.IsNaN(got) {
		t.Errorf("negative total wealth: %v, want NaN", got)
	}
}
