package market

import (
	"errors"
	"math"
	"testing"
)

func prod() Config {
	return Config{Kind: Production, Alpha: 0.33, TFP: 1.7, Capital: 1, Ownership: "equal", Tolerance: 1e-12}
}

// TestSolveClosedForm: with supply S(ω) = A·ω^e the market clears where
// A·ω^e = ((1−α)·tfp·K^α/ω)^(1/α), so
// ω* = [((1−α)·tfp·K^α)^(1/α) / A]^(1/(e + 1/α)).
func TestSolveClosedForm(t *testing.T) {
	c := prod()
	for _, tc := range []struct{ a, e, k, guess float64 }{
		{1000, 0.5, 5e4, 1}, {3, 1, 10, 100}, {1e6, 0.2, 1e9, 1e-3}, {50, 2, 1e3, 7},
	} {
		want := math.Pow(math.Pow((1-c.Alpha)*c.TFP*math.Pow(tc.k, c.Alpha), 1/c.Alpha)/tc.a, 1/(tc.e+1/c.Alpha))
		cl, err := c.Solve(tc.k, tc.guess, tc.e+1/c.Alpha, func(w float64) float64 { return tc.a * math.Pow(w, tc.e) })
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(cl.Wage/want-1) > 1e-10 || math.Abs(cl.Residual) > 1e-12 {
			t.Errorf("%+v: wage %v, want %v (residual %v, %d passes)", tc, cl.Wage, want, cl.Residual, cl.Iterations)
		}
		// Accounting: the wage is the marginal product of the labour supplied.
		if mp := (1 - c.Alpha) * cl.Output / cl.Labor; math.Abs(mp/cl.Wage-1) > 1e-11 {
			t.Errorf("marginal product %v, wage %v", mp, cl.Wage)
		}
	}
}

// TestSolveNoWage: nobody works at any wage → a clear error, not a hang.
func TestSolveNoWage(t *testing.T) {
	_, err := prod().Solve(10, 1, 3, func(float64) float64 { return 0 })
	if !errors.Is(err, ErrNoWage) {
		t.Errorf("error = %v, want ErrNoWage", err)
	}
}

// TestSolveJump: a supply that jumps over demand has no exact root; the
// solve still ends, at the jump, and reports the residual left.
func TestSolveJump(t *testing.T) {
	c := prod()
	k := 100.0
	jump := 2.0
	supply := func(w float64) float64 {
		if w < jump {
			return 0.5 * c.Demand(k, jump)
		}
		return 2 * c.Demand(k, jump)
	}
	cl, err := c.Solve(k, 1, 3, supply)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(cl.Wage/jump-1) > 1e-12 || cl.Iterations >= maxPasses || cl.Residual == 0 {
		t.Errorf("wage %v (want the jump at %v), residual %v, %d passes", cl.Wage, jump, cl.Residual, cl.Iterations)
	}
}

func TestValidate(t *testing.T) {
	good := prod()
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []func(*Config){
		func(c *Config) { c.Alpha = 1 },
		func(c *Config) { c.Alpha = 0 },
		func(c *Config) { c.Capital = 0 },
		func(c *Config) { c.TFP = math.NaN() },
		func(c *Config) { c.Ownership = "state" },
		func(c *Config) { c.Saving = 1.5 },
		func(c *Config) { c.Tolerance = 0 },
	} {
		c := prod()
		bad(&c)
		if c.Validate() == nil {
			t.Errorf("%+v validated", c)
		}
	}
}
