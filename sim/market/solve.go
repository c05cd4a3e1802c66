package market

import (
	"errors"
	"fmt"
	"math"
)

// ErrNoWage is returned when no wage clears the market.
var ErrNoWage = errors.New("no wage clears the labour market")

// maxPasses bounds the supply evaluations of one solve.
const maxPasses = 200

// Solve finds the clearing wage for capital k: the ω at which
// supply(ω) = Demand(k, ω), where supply is the effective labour the workers
// offer at ω (one pass over the population each call).
//
// It works on f(x) = ln supply(eˣ) − ln Demand(k, eˣ), which rises with x
// (supply rises with the wage, demand falls). From x₀ = ln guess it takes a
// Newton step with the slope slope0 (the model's d ln S/d ln ω + 1/α, a good
// first guess), then extrapolates along secants (one to eight times the last
// step) until the sign changes; inside the bracket it runs regula falsi with
// the Illinois modification, bisecting whenever a step would leave it. It stops when |S − L_d| ≤ tol·L_d, or when the bracket is as narrow
// as floating point allows (a supply that jumps, as on schedules with
// falling rates, may have no exact root: the residual is then reported).
// The result's Residual is (S − L_d)/L_d at the returned wage, and its Slope
// the last secant slope of f seen, a good slope0 for the next solve.
func (c Config) Solve(k, guess, slope0 float64, supply func(wage float64) float64) (Clearing, error) {
	tol := c.Tolerance
	passes := 0
	var lastS float64
	f := func(x float64) (float64, error) {
		passes++
		w := math.Exp(x)
		s := supply(w)
		lastS = s
		if !(s > 0) {
			return math.Inf(-1), nil
		}
		return math.Log(s) - math.Log(c.Demand(k, w)), nil
	}
	slope := slope0
	result := func(x float64) Clearing {
		w := math.Exp(x)
		d := c.Demand(k, w)
		return Clearing{Wage: w, Residual: (lastS - d) / d, Iterations: passes, Labor: lastS, Output: c.Output(k, lastS), Capital: k, Slope: slope}
	}
	converged := func(fx float64) bool { return math.Abs(math.Expm1(fx)) <= tol }

	if !(guess > 0) || math.IsInf(guess, 0) {
		guess = 1
	}
	x0 := math.Log(guess)
	f0, _ := f(x0)
	if converged(f0) {
		return result(x0), nil
	}
	// Find a bracket [lo, hi] with f(lo) < 0 < f(hi), starting with a Newton step.
	var lo, hi, flo, fhi float64
	haveLo, haveHi := false, false
	note := func(x, fx float64) {
		if fx < 0 && (!haveLo || x > lo) {
			lo, flo, haveLo = x, fx, true
		}
		if fx > 0 && (!haveHi || x < hi) {
			hi, fhi, haveHi = x, fx, true
		}
	}
	note(x0, f0)
	step := 1.0
	if slope0 > 0 && !math.IsInf(f0, 0) {
		step = math.Abs(f0 / slope0)
	}
	x1 := x0 + step // f rises with x: step up from a deficit of supply, down from a surplus
	if f0 > 0 {
		x1 = x0 - step
	}
	xp, fp := x0, f0 // the previous point, for secant extrapolation
	for !(haveLo && haveHi) {
		if passes >= maxPasses || math.Abs(x1) > 700 {
			return result(x0), fmt.Errorf("%w: no sign change between wages %.3g and %.3g (effective labour supplied %.3g)", ErrNoWage, math.Exp(min(x0, x1)), math.Exp(max(x0, x1)), lastS)
		}
		f1, _ := f(x1)
		if converged(f1) {
			return result(x1), nil
		}
		note(x1, f1)
		// Still on one side: extrapolate along the secant (at most eight
		// times the last step), or double the step if it points back.
		last := x1 - xp
		next := x1 + 2*last
		if d := f1 - fp; !math.IsInf(f1, 0) && !math.IsInf(fp, 0) && d != 0 {
			slope = d / (x1 - xp)
			if sec := -f1 / slope; sec*last > 0 {
				next = x1 + math.Copysign(min(math.Abs(sec), 8*math.Abs(last)), last)
			}
		}
		xp, fp, x1 = x1, f1, next
	}
	// Regula falsi with the Illinois modification inside the bracket.
	side := 0
	for passes < maxPasses {
		x := lo
		if !math.IsInf(flo, 0) && !math.IsInf(fhi, 0) {
			x = hi - fhi*(hi-lo)/(fhi-flo)
		}
		if !(x > lo && x < hi) {
			x = 0.5 * (lo + hi)
		}
		if hi-lo <= 4e-16*math.Max(1, math.Abs(x)) {
			f(x) // as narrow as floating point allows: report the residual here
			return result(x), nil
		}
		fx, _ := f(x)
		if !math.IsInf(fx, 0) && !math.IsInf(flo, 0) && !math.IsInf(fhi, 0) {
			slope = (fhi - flo) / (hi - lo)
		}
		if converged(fx) {
			return result(x), nil
		}
		if fx < 0 {
			lo, flo = x, fx
			if side == -1 {
				fhi /= 2
			}
			side = -1
		} else {
			hi, fhi = x, fx
			if side == 1 {
				flo /= 2
			}
			side = 1
		}
	}
	x := 0.5 * (lo + hi)
	f(x)
	return result(x), nil
}
