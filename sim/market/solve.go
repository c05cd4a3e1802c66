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
	s := &solver{c: c, k: k, supply: supply, slope: slope0}
	if !(guess > 0) || math.IsInf(guess, 0) {
		guess = 1
	}
	x0 := math.Log(guess)
	f0 := s.f(x0)
	if s.converged(f0) {
		return s.result(x0), nil
	}
	s.note(x0, f0)
	if x, done, err := s.bracket(x0, f0, slope0); done || err != nil {
		return s.result(x), err
	}
	return s.refine(), nil
}

// solver is the state of one Solve: f's evaluations so far, the last
// supply and secant slope seen, and the bracket [lo, hi] found.
type solver struct {
	c      Config
	k      float64
	supply func(wage float64) float64

	passes           int
	lastS, slope     float64
	lo, hi, flo, fhi float64
	haveLo, haveHi   bool
}

// f is ln supply(eˣ) − ln Demand(k, eˣ) (−∞ when nothing is supplied); each
// call is one pass over the population.
func (s *solver) f(x float64) float64 {
	s.passes++
	w := math.Exp(x)
	sup := s.supply(w)
	s.lastS = sup
	if !(sup > 0) {
		return math.Inf(-1)
	}
	return math.Log(sup) - math.Log(s.c.Demand(s.k, w))
}

func (s *solver) converged(fx float64) bool { return math.Abs(math.Expm1(fx)) <= s.c.Tolerance }

// result is the clearing at x, with the supply of the last evaluation.
func (s *solver) result(x float64) Clearing {
	w := math.Exp(x)
	d := s.c.Demand(s.k, w)
	return Clearing{Wage: w, Residual: (s.lastS - d) / d, Iterations: s.passes, Labor: s.lastS, Output: s.c.Output(s.k, s.lastS), Capital: s.k, Slope: s.slope}
}

// note narrows the bracket with a point.
func (s *solver) note(x, fx float64) {
	if fx < 0 && (!s.haveLo || x > s.lo) {
		s.lo, s.flo, s.haveLo = x, fx, true
	}
	if fx > 0 && (!s.haveHi || x < s.hi) {
		s.hi, s.fhi, s.haveHi = x, fx, true
	}
}

// bracket looks for a sign change from x0, starting with a Newton step of
// slope slope0, then along secants. done reports a point that already
// clears the market (x); an error, that no sign change was found (x = x0).
func (s *solver) bracket(x0, f0, slope0 float64) (x float64, done bool, err error) {
	step := 1.0
	if slope0 > 0 && !math.IsInf(f0, 0) {
		step = math.Abs(f0 / slope0)
	}
	x1 := x0 + step // f rises with x: step up from a deficit of supply, down from a surplus
	if f0 > 0 {
		x1 = x0 - step
	}
	xp, fp := x0, f0 // the previous point, for secant extrapolation
	for !(s.haveLo && s.haveHi) {
		if s.passes >= maxPasses || math.Abs(x1) > 700 {
			return x0, false, fmt.Errorf("%w: no sign change between wages %.3g and %.3g (effective labour supplied %.3g)", ErrNoWage, math.Exp(min(x0, x1)), math.Exp(max(x0, x1)), s.lastS)
		}
		f1 := s.f(x1)
		if s.converged(f1) {
			return x1, true, nil
		}
		s.note(x1, f1)
		// Still on one side: extrapolate along the secant (at most eight
		// times the last step), or double the step if it points back.
		last := x1 - xp
		next := x1 + 2*last
		if d := f1 - fp; !math.IsInf(f1, 0) && !math.IsInf(fp, 0) && d != 0 {
			s.slope = d / (x1 - xp)
			if sec := -f1 / s.slope; sec*last > 0 {
				next = x1 + math.Copysign(min(math.Abs(sec), 8*math.Abs(last)), last)
			}
		}
		xp, fp, x1 = x1, f1, next
	}
	return 0, false, nil
}

// refine runs regula falsi with the Illinois modification inside the
// bracket, bisecting whenever a step would leave it.
func (s *solver) refine() Clearing {
	side := 0
	for s.passes < maxPasses {
		x := s.lo
		if !math.IsInf(s.flo, 0) && !math.IsInf(s.fhi, 0) {
			x = s.hi - s.fhi*(s.hi-s.lo)/(s.fhi-s.flo)
		}
		if !(x > s.lo && x < s.hi) {
			x = 0.5 * (s.lo + s.hi)
		}
		if s.hi-s.lo <= 4e-16*math.Max(1, math.Abs(x)) {
			s.f(x) // as narrow as floating point allows: report the residual here
			return s.result(x)
		}
		fx := s.f(x)
		if !math.IsInf(fx, 0) && !math.IsInf(s.flo, 0) && !math.IsInf(s.fhi, 0) {
			s.slope = (s.fhi - s.flo) / (s.hi - s.lo)
		}
		if s.converged(fx) {
			return s.result(x)
		}
		if fx < 0 {
			s.lo, s.flo = x, fx
			if side == -1 {
				s.fhi /= 2
			}
			side = -1
		} else {
			s.hi, s.fhi = x, fx
			if side == 1 {
				s.flo /= 2
			}
			side = 1
		}
	}
	x := 0.5 * (s.lo + s.hi)
	s.f(x)
	return s.result(x)
}
