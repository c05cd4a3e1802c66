package household

import (
	"context"
	"math"

	"github.com/econsim/econsim/sim/market"
)

// maxJointSteps bounds solveJoint's Newton steps.
const maxJointSteps = 25

// jointStep is the finite-difference step of solveJoint's first Jacobian,
// in r and in the transfer.
const jointStep = 1e-7

// solveJoint finds the stationary equilibrium near a warm one, r0 and the
// transfer t0: the r at which the capital households supply meets the
// firm's demand and, with revenue redistributed, the transfer that
// revenue pays, together, by Newton's method on both (a Jacobian by finite
// differences at the start, Broyden's updates after). Each evaluation
// solves the households' policy and distribution once, where the
// bracketing of r solves them again for every step of the transfer's fixed
// point. It stops when the next step would move r by at most tol.rate and
// the transfer by at most tol.transfer·max(1, w), or stops shrinking
// within a hundred times that (the evaluations' own precision); ok is
// false when it does not converge in maxJointSteps or leaves (lo, hi), and
// the caller brackets r instead. For inelastic hours and optimal savers.
func (sp *supplier) solveJoint(ctx context.Context, r0, t0, lo, hi float64) (eq market.Equilibrium, ok bool, err error) {
	m, n := sp.m, 1
	if sp.redistribute {
		n = 2
	}
	eval := func(x [2]float64) ([2]float64, error) {
		eq.Iterations++
		r := x[0]
		w := m.WageAt(r)
		_, labor := NewBudget(sp.ch, sp.p, r, w, 0, sp.ch.Stationary)
		sp.transfer = 0
		if sp.redistribute {
			sp.transfer = x[1]
		}
		supply, gap, err := sp.at(ctx, r, w, nil, labor)
		return [2]float64{supply - m.CapitalRatio(r), gap}, err
	}
	x := [2]float64{r0, t0}
	f, err := eval(x)
	if err != nil {
		return eq, false, err
	}
	var jac [2][2]float64
	for j := range n {
		y := x
		y[j] += jointStep
		fy, err := eval(y)
		if err != nil {
			return eq, false, err
		}
		for i := range n {
			jac[i][j] = (fy[i] - f[i]) / jointStep
		}
	}
	if n == 1 {
		jac[1][1] = 1
	}
	lastDr, atX := math.Inf(1), false
	for range maxJointSteps {
		det := jac[0][0]*jac[1][1] - jac[0][1]*jac[1][0]
		if det == 0 || math.IsNaN(det) {
			return eq, false, nil
		}
		dx := [2]float64{-(jac[1][1]*f[0] - jac[0][1]*f[1]) / det, -(jac[0][0]*f[1] - jac[1][0]*f[0]) / det}
		w := m.WageAt(x[0])
		dr, dt := math.Abs(dx[0]), math.Abs(dx[1])
		tTol := sp.tol.transfer * max(1, w)
		if (dr <= sp.tol.rate && dt <= tTol) || (dr >= lastDr && dr <= 100*sp.tol.rate && dt <= 100*tTol) {
			if !atX { // the last evaluation was the Jacobian's: the policy and distribution must be x's
				if f, err = eval(x); err != nil {
					return eq, false, err
				}
			}
			eq.Rate, eq.Excess, eq.Labor, eq.Wage = x[0], f[0], 1, w
			eq.Capital = m.CapitalRatio(x[0])
			eq.Output = m.TFP * math.Pow(eq.Capital, m.Alpha)
			return eq, true, nil
		}
		lastDr = dr
		y := [2]float64{x[0] + dx[0], x[1] + dx[1]}
		if !(y[0] > lo && y[0] < hi) {
			return eq, false, nil
		}
		fy, err := eval(y)
		if err != nil {
			return eq, false, err
		}
		// Broyden: J += (Δf − J·Δx)·Δxᵀ / (Δx·Δx)
		dd := dx[0]*dx[0] + dx[1]*dx[1]
		for i := range n {
			u := fy[i] - f[i] - jac[i][0]*dx[0] - jac[i][1]*dx[1]
			for j := range n {
				jac[i][j] += u * dx[j] / dd
			}
		}
		x, f, atX = y, fy, true
	}
	return eq, false, nil
}
