package market

import (
	"errors"
	"fmt"
	"math"
)

// The capital market of households that save (Aiyagari 1994): the firm
// rents capital K, the households' wealth, and efficiency labour L, and pays
// their marginal products,
//
//	r = α·tfp·(K/L)^(α−1) − δ,   w = (1 − α)·tfp·(K/L)^α.
//
// In a stationary equilibrium r is the rate at which the capital households
// want to hold, S(r), equals the capital the firm demands at r.

// Prices returns the net return r and the wage w at capital k and labour l.
func (c Config) Prices(k, l float64) (r, w float64) {
	kl := k / l
	return c.Alpha*c.TFP*math.Pow(kl, c.Alpha-1) - c.Depreciation, (1 - c.Alpha) * c.TFP * math.Pow(kl, c.Alpha)
}

// CapitalRatio returns the K/L at which the net return is r (r > −δ).
func (c Config) CapitalRatio(r float64) float64 {
	return math.Pow((r+c.Depreciation)/(c.Alpha*c.TFP), 1/(c.Alpha-1))
}

// WageAt returns the wage that goes with the net return r.
func (c Config) WageAt(r float64) float64 {
	return (1 - c.Alpha) * c.TFP * math.Pow(c.CapitalRatio(r), c.Alpha)
}

// Equilibrium is the stationary capital market's solution.
type Equilibrium struct {
	Rate       float64 // r
	Wage       float64 // w
	Capital    float64 // K per household
	Labor      float64 // L per household
	Output     float64 // Y per household
	Excess     float64 // S(r) − K_d(r) at the solution, per household
	Iterations int     // evaluations of the supply
}

// ErrNoEquilibrium is returned when the households' supply of capital does
// not cross the firm's demand in the interval searched.
var ErrNoEquilibrium = errors.New("no stationary equilibrium in the range searched")

// SolveCapital finds the stationary equilibrium: the r in (lo, hi) at which
// supply(r), the capital households hold per head at r, equals the firm's
// demand CapitalRatio(r)·labor, to tol in r. It brackets the root from
// guess outwards (steps down that double, steps up that halve the distance
// to hi, where supply grows without bound and each evaluation is slowest),
// then refines it by Brent's method. An error from supply stops the search.
func (c Config) SolveCapital(labor, guess, lo, hi, tol float64, supply func(r float64) (float64, error)) (Equilibrium, error) {
	eq := Equilibrium{Labor: labor}
	excess := func(r float64) (float64, error) {
		eq.Iterations++
		s, err := supply(r)
		if err != nil {
			return 0, fmt.Errorf("at r = %.6g: %w", r, err)
		}
		return s - c.CapitalRatio(r)*labor, nil
	}
	a, b, fa, fb, err := bracket(excess, guess, lo, hi, tol)
	if err != nil {
		return eq, err
	}
	r, fr, err := brent(excess, a, b, fa, fb, tol)
	if err != nil {
		return eq, err
	}
	eq.Rate, eq.Excess = r, fr
	eq.Wage = c.WageAt(r)
	eq.Capital = c.CapitalRatio(r) * labor
	eq.Output = c.TFP * math.Pow(eq.Capital, c.Alpha) * math.Pow(labor, 1-c.Alpha)
	return eq, nil
}

// bracket returns a < b in [lo, hi] with f(a) < 0 < f(b) (f increasing:
// excess supply of capital rises with r), starting at guess.
func bracket(f func(float64) (float64, error), guess, lo, hi, tol float64) (a, b, fa, fb float64, err error) {
	x := min(max(guess, lo), hi)
	fx, err := f(x)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	if fx == 0 {
		return x, x, 0, 0, nil
	}
	if fx > 0 { // too much saving: step down, doubling the step
		step := max((hi-lo)/64, tol)
		for {
			y := max(x-step, lo)
			fy, err := f(y)
			if err != nil {
				return 0, 0, 0, 0, err
			}
			if fy <= 0 {
				return y, x, fy, fx, nil
			}
			if y == lo {
				return 0, 0, 0, 0, fmt.Errorf("%w: households hold more capital than the firm demands even at r = %.6g", ErrNoEquilibrium, lo)
			}
			x, fx, step = y, fy, 2*step
		}
	}
	for { // too little: halve the distance to hi
		y := x + (hi-x)/2
		if hi-x < tol {
			y = hi
		}
		fy, err := f(y)
		if err != nil {
			return 0, 0, 0, 0, err
		}
		if fy >= 0 {
			return x, y, fx, fy, nil
		}
		if y == hi {
			return 0, 0, 0, 0, fmt.Errorf("%w: households hold less capital than the firm demands even at r = %.6g", ErrNoEquilibrium, hi)
		}
		x, fx = y, fy
	}
}

// brent finds a root of f in [a, b], where fa = f(a) and fb = f(b) differ
// in sign, to tol in x by Brent's (1973) method: inverse quadratic
// interpolation or the secant where they make progress, bisection where
// they do not. It returns the root and f there.
func brent(f func(float64) (float64, error), a, b, fa, fb, tol float64) (float64, float64, error) {
	var err error
	if fa == 0 {
		return a, 0, nil
	}
	if fb == 0 {
		return b, 0, nil
	}
	if (fa > 0) == (fb > 0) {
		return 0, 0, fmt.Errorf("%w: excess %.4g at %.6g and %.4g at %.6g have the same sign", ErrNoEquilibrium, fa, a, fb, b)
	}
	c, fc := a, fa
	d := b - a
	e := d
	for range 200 {
		if (fb > 0) == (fc > 0) {
			c, fc = a, fa
			d = b - a
			e = d
		}
		if math.Abs(fc) < math.Abs(fb) {
			a, b, c = b, c, b
			fa, fb, fc = fb, fc, fb
		}
		t := 2*2.2e-16*math.Abs(b) + tol/2
		m := (c - b) / 2
		if math.Abs(m) <= t || fb == 0 {
			return b, fb, nil
		}
		if math.Abs(e) >= t && math.Abs(fa) > math.Abs(fb) {
			var p, q float64
			s := fb / fa
			if a == c { // secant
				p, q = 2*m*s, 1-s
			} else { // inverse quadratic interpolation
				qa, r := fa/fc, fb/fc
				p = s * (2*m*qa*(qa-r) - (b-a)*(r-1))
				q = (qa - 1) * (r - 1) * (s - 1)
			}
			if p > 0 {
				q = -q
			} else {
				p = -p
			}
			if 2*p < min(3*m*q-math.Abs(t*q), math.Abs(e*q)) {
				e, d = d, p/q
			} else {
				d, e = m, m
			}
		} else {
			d, e = m, m
		}
		a, fa = b, fb
		if math.Abs(d) > t {
			b += d
		} else if m > 0 {
			b += t
		} else {
			b -= t
		}
		if fb, err = f(b); err != nil {
			return 0, 0, err
		}
	}
	return b, fb, fmt.Errorf("root finding did not converge in 200 steps")
}
