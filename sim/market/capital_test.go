package market

import (
	"errors"
	"math"
	"testing"
)

// TestBrent: roots of functions with known roots, to the tolerance asked.
func TestBrent(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(float64) float64
		a, b float64
		want float64
	}{
		{"cubic", func(x float64) float64 { return x*x*x - 2 }, 0, 3, math.Cbrt(2)},
		{"exp", func(x float64) float64 { return math.Exp(x) - 5 }, -10, 10, math.Log(5)},
		{"steep", func(x float64) float64 { return math.Atan(1e4 * (x - 0.3)) }, -1, 1, 0.3},
	} {
		n := 0
		f := func(x float64) (float64, error) { n++; return c.f(x), nil }
		fa, _ := f(c.a)
		fb, _ := f(c.b)
		x, _, err := brent(f, c.a, c.b, fa, fb, 1e-12)
		if err != nil || math.Abs(x-c.want) > 1e-11 {
			t.Errorf("%s: root %v (err %v), want %v", c.name, x, err, c.want)
		}
		if n > 60 {
			t.Errorf("%s: %d evaluations", c.name, n)
		}
	}
}

// TestSolveCapitalClosedForm: with a supply of capital that is linear in r,
// S(r) = 5 + 100·r, the root of S(r) = CapitalRatio(r) is checked by
// evaluating both sides at it; the prices satisfy r + δ = α·Y/K and
// w = (1 − α)·Y/L (the marginal products).
func TestSolveCapitalClosedForm(t *testing.T) {
	c := Config{Kind: Production, Alpha: 0.36, TFP: 1, Depreciation: 0.08, Rented: true}
	eq, err := c.SolveCapital(1, 0.03, -0.08+1e-6, 1/0.96-1-1e-6, 1e-12, func(r float64) (float64, error) { return 5 + 100*r, nil })
	if err != nil {
		t.Fatal(err)
	}
	if d := 5 + 100*eq.Rate - c.CapitalRatio(eq.Rate); math.Abs(d) > 1e-9 {
		t.Errorf("excess %v at r = %v", d, eq.Rate)
	}
	if d := eq.Rate + 0.08 - 0.36*eq.Output/eq.Capital; math.Abs(d) > 1e-12 {
		t.Errorf("r + δ − αY/K = %v", d)
	}
	if d := eq.Wage - 0.64*eq.Output; math.Abs(d) > 1e-12 {
		t.Errorf("w − (1−α)Y/L = %v", d)
	}
	r, w := c.Prices(eq.Capital, 1)
	if math.Abs(r-eq.Rate) > 1e-12 || math.Abs(w-eq.Wage) > 1e-12 {
		t.Errorf("Prices(K, L) = %v, %v; want %v, %v", r, w, eq.Rate, eq.Wage)
	}
	_, err = c.SolveCapital(1, 0.03, -0.08+1e-6, 0.04, 1e-12, func(r float64) (float64, error) { return 1e-3, nil })
	if !errors.Is(err, ErrNoEquilibrium) {
		t.Errorf("supply below demand everywhere: %v, want ErrNoEquilibrium", err)
	}
}
