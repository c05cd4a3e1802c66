package household

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/mat"
)

// Reform is a change of taxes households foresee from its announcement:
// Before's taxes for the path's first Switch rounds, After's from then on.
type Reform struct {
	Before, After TaxPolicy
	Switch        int // rounds from the announcement to the change, ≥ 0
}

// policy is the taxes of round t of the path.
func (rf *Reform) policy(t int) *TaxPolicy {
	if t < rf.Switch {
		return &rf.Before
	}
	return &rf.After
}

// Path is a perfect-foresight transition: from the stationary equilibrium
// Before, households learn of a reform in round 0 and foresee the prices
// and transfers it leads to, round by round, until the stationary
// equilibrium After. Every slice is per round from the announcement.
type Path struct {
	Rate, Wage []float64
	Capital    []float64 // per household, at the round's start
	Transfer   []float64 // per household
	Revenue    []Revenue // per household, by tax
	// Excess is the capital households carry into the next round less the
	// capital the path has the firm rent then (the last round: less
	// After's).
	Excess     []float64
	Labor      []float64 // efficiency labour per household
	Hours      []float64 // mean hours (1 with inelastic hours)
	Gap        float64   // |K at the horizon − After's K| / After's K
	Iterations int       // Newton steps
	Before     *Stationary
	After      *Stationary

	// The stationary equilibria's policies refined to the backward step's
	// own fixed point (refined).
	polBefore, polAfter   *agents.Policy
	ruleBefore, ruleAfter agents.Rule      // what households follow at the ends: the refined policies, or the rules
	rules                 []agents.Rule    // rule savers' round t rules (nil for optimal savers)
	jac                   *mat.LU          // the Newton steps' last Jacobian
	x                     []float64        // the unknowns solved (pathEval)
	policies              []*agents.Policy // round t's, t = 0 … H−1
	budgets               []agents.Budget
	mass                  [][]float64 // the distribution at round t's start, t = 0 … H
}

// Horizon is the number of rounds the path solves.
func (p *Path) Horizon() int { return len(p.Rate) }

// Tolerances of the transition: the capital market and the transfer
// clear in every round to pathTolerance per household, and the path ends
// within horizonTolerance (relative) of After's capital.
const (
	pathTolerance    = 1e-9
	horizonTolerance = 1e-6
	maxNewtonSteps   = 50
)

// MaxHorizon is the longest transition solved: the Jacobian's matrices
// grow with the square of the horizon.
const MaxHorizon = 2000

// ErrHorizon is returned when the path has not reached the stationary
// equilibrium after the reform by its last round.
var ErrHorizon = errors.New("the transition does not reach the stationary equilibrium after the reform within its horizon")

// SolveTransition solves the perfect-foresight path of households h from
// the stationary equilibrium before (solved under rf.Before) to the one
// after rf, over horizon rounds, in the production market m, with revenue
// returned lump-sum when redistribute is set. The capital path and the
// transfer path are found by Newton's method on the sequence-space
// Jacobian of the households at the equilibrium after (Auclert, Bardóczy,
// Rognlie and Straub 2021, the fake-news algorithm), each step evaluating
// the path exactly: policies backward from After's by the endogenous grid
// method, the distribution forward from Before's by Young's method.
func SolveTransition(ctx context.Context, h *Config, m market.Config, before *Stationary, rf Reform, redistribute bool, horizon int) (*Path, error) {
	return SolveTransitionNear(ctx, h, m, before, nil, rf, redistribute, horizon)
}

// SolveTransitionNear is SolveTransition starting from prev, the path of a
// nearby reform from the same status quo (nil for none), as a planner
// comparing candidates has: the equilibrium after rf is sought from prev's,
// the path from prev's shifted to it, and Newton's steps are steered by
// prev's Jacobian until one fails to halve the largest residual, when the
// Jacobian is computed at rf's equilibrium after.
func SolveTransitionNear(ctx context.Context, h *Config, m market.Config, before *Stationary, prev *Path, rf Reform, redistribute bool, horizon int) (*Path, error) {
	if err := transitionChecks(h, before, &rf, horizon); err != nil {
		return nil, err
	}
	near := before
	if prev != nil {
		near = prev.After
	}
	tol := Tight
	if h.Saver.Heuristic() { // a rule's path is a forward recursion: nothing to clear to 1e-9
		tol = Exact
	}
	before, after, err := solveEnds(ctx, h, m, before, near, &rf, redistribute, tol)
	if err != nil {
		return nil, err
	}
	p := newPath(before, after, horizon)
	if h.Saver.Heuristic() { // no expectations to solve: the rules, round by round
		p.ruleBefore, p.ruleAfter = before.Rule, after.Rule
		if err := p.followRules(ctx, h, m, &rf, redistribute, horizon); err != nil {
			return nil, err
		}
	} else if err := p.solveForesight(ctx, h, m, prev, &rf, redistribute, horizon); err != nil {
		return nil, err
	}
	kAfter := after.Market.Capital
	p.Gap = math.Abs(p.Capital[horizon-1]-kAfter) / kAfter
	if p.Gap > horizonTolerance {
		return p, fmt.Errorf("%w: capital is %.6g in round %d against %.6g after (%.2g relative); lengthen the horizon", ErrHorizon, p.Capital[horizon-1], horizon-1, kAfter, p.Gap)
	}
	return p, nil
}

// newPath is a path from before to after over horizon rounds, its labour
// Before's in every round (with elastic hours, until solved).
func newPath(before, after *Stationary, horizon int) *Path {
	p := &Path{Before: before, After: after, Labor: make([]float64, horizon), Hours: make([]float64, horizon)}
	for t := range p.Labor {
		p.Hours[t] = 1
		p.Labor[t] = before.Market.Labor
		if p.Labor[t] == 0 {
			p.Labor[t] = 1
		}
	}
	return p
}

// solveForesight solves the path of optimal savers who foresee it: their
// stationary policies refined, then Newton's method from prev's path and
// Jacobian when they fit, else from the jump to the equilibrium after.
func (p *Path) solveForesight(ctx context.Context, h *Config, m market.Config, prev *Path, rf *Reform, redistribute bool, horizon int) error {
	before, after := p.Before, p.After
	g := before.Histogram.Grid
	var err error
	if before.refined == nil {
		if before.refined, err = refined(ctx, &h.Saver, before.Chain, before.Policy, &before.Budget, g); err != nil {
			return err
		}
	}
	p.polBefore = before.refined
	if p.polAfter, err = refined(ctx, &h.Saver, after.Chain, after.Policy, &after.Budget, g); err != nil {
		return err
	}
	p.ruleBefore, p.ruleAfter = p.polBefore, p.polAfter
	e := &pathEval{h: h, m: m, rf: rf, p: p, redistribute: redistribute, n: horizon}
	x := e.initial()
	if prev != nil && prev.jac != nil && len(prev.x) == len(x) {
		p.jac = prev.jac
		e.shifted(prev, x)
	}
	return e.newton(ctx, x)
}

// newton solves the path from x by Newton's method: the residuals
// evaluated exactly, the steps by the Jacobian p.jac (computed at the
// equilibrium after when there is none, or when a step from another
// reform's fails to halve the largest residual), corrected after each step
// by Broyden's update of its inverse (broyden), which the path's
// nonlinearity between the two equilibria calls for.
func (e *pathEval) newton(ctx context.Context, x []float64) error {
	p := e.p
	fresh, last := false, math.Inf(1)
	var inv *broyden
	var prevRes, step []float64
	// with no Jacobian yet, it is computed beside the first evaluation
	type computed struct {
		lu  *mat.LU
		err error
	}
	var pending chan computed
	if p.jac == nil {
		jctx, cancel := context.WithCancel(ctx)
		defer cancel() // not needed when the start already clears
		pending = make(chan computed, 1)
		go func() {
			lu, err := e.jacobian(jctx)
			pending <- computed{lu, err}
		}()
	}
	for k := 0; ; k++ {
		res, err := e.eval(ctx, x)
		if err != nil {
			return err
		}
		worst := maxAbs(res)
		if worst <= pathTolerance {
			p.Iterations, p.x = k, x
			return nil
		}
		if k == maxNewtonSteps {
			return fmt.Errorf("the transition did not converge in %d Newton steps (largest excess %.3g per household)", k, worst)
		}
		switch {
		case pending != nil:
			c := <-pending
			if c.err != nil {
				return c.err
			}
			pending, p.jac = nil, c.lu
			fresh, inv = true, &broyden{lu: p.jac}
		case !fresh && worst > last/2:
			if p.jac, err = e.jacobian(ctx); err != nil {
				return err
			}
			fresh, inv = true, &broyden{lu: p.jac}
		case inv == nil:
			inv = &broyden{lu: p.jac}
		case worst < last:
			inv.update(step, res, prevRes)
		default: // the update led astray: back to the Jacobian
			inv = &broyden{lu: p.jac}
		}
		last = worst
		if step, err = inv.apply(res, false); err != nil {
			return fmt.Errorf("the transition's Jacobian: %w", err)
		}
		for i := range x {
			step[i] = -step[i]
			x[i] += step[i]
		}
		prevRes = res
	}
}

// broyden is the inverse of a Jacobian J given by its LU factors, with
// Broyden's ("good") updates: H = J⁻¹ + Σ a_i·b_iᵀ.
type broyden struct {
	lu   *mat.LU
	a, b [][]float64
}

// apply returns H·v, or Hᵀ·v when trans is set.
func (h *broyden) apply(v []float64, trans bool) ([]float64, error) {
	var out mat.VecDense
	if err := h.lu.SolveVecTo(&out, trans, mat.NewVecDense(len(v), v)); err != nil {
		return nil, err
	}
	x := append([]float64(nil), out.RawVector().Data...)
	for i := range h.a {
		u, w := h.a[i], h.b[i]
		if trans {
			u, w = w, u
		}
		f := dot(w, v)
		for j := range x {
			x[j] += f * u[j]
		}
	}
	return x, nil
}

// update adds the step s, which took the residuals from prev to res:
// H ← H + (s − H·y)·sᵀ·H / (sᵀ·H·y), y = res − prev. A degenerate update
// is skipped.
func (h *broyden) update(s, res, prev []float64) {
	y := make([]float64, len(res))
	for i := range y {
		y[i] = res[i] - prev[i]
	}
	hy, err1 := h.apply(y, false)
	hts, err2 := h.apply(s, true)
	den := dot(s, hy)
	if err1 != nil || err2 != nil || den == 0 || math.IsNaN(den) {
		return
	}
	a := make([]float64, len(s))
	for i := range a {
		a[i] = (s[i] - hy[i]) / den
	}
	h.a, h.b = append(h.a, a), append(h.b, hts)
}

// solveEnds solves the stationary equilibria before and after the reform
// to tol on the grid of warm (solved under the policy before; kept as it
// is when a transition solved it), side by side, before from warm and
// after from near.
func solveEnds(ctx context.Context, h *Config, m market.Config, warm, near *Stationary, rf *Reform, redistribute bool, tol Tolerances) (before, after *Stationary, err error) {
	var g errgroup.Group
	g.Go(func() (err error) {
		if warm.tight { // solved by a transition already
			before = warm
			return nil
		}
		if before, err = SolveOnGrid(ctx, h, m, rf.Before, redistribute, warm.GridMax, warm, tol); err != nil {
			return fmt.Errorf("the stationary equilibrium before the reform: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if after, err = SolveOnGrid(ctx, h, m, rf.After, redistribute, warm.GridMax, near, tol); err != nil {
			return fmt.Errorf("the stationary equilibrium after the reform: %w", err)
		}
		return nil
	})
	return before, after, g.Wait()
}

// transitionChecks refuses what the path solver does not handle.
func transitionChecks(h *Config, before *Stationary, rf *Reform, horizon int) error {
	switch {
	case h.Typed():
		return fmt.Errorf("a transition is %w", errTyped)
	case h.Hours != nil && h.Saver.Heuristic():
		return errors.New("a transition with elastic hours is solved for optimal savers, not rules of thumb")
	case h.Saver.Saving == agents.SaveLLM:
		return errors.New("a transition is solved for optimal savers and rules of thumb, not LLM savers")
	case before == nil || before.Rule == nil:
		return errors.New("a transition starts from the savers' stationary equilibrium")
	case rf.Switch < 0 || horizon < rf.Switch+2:
		return fmt.Errorf("the horizon (%d rounds) must extend at least two rounds past the reform's start (%d)", horizon, rf.Switch)
	case horizon > MaxHorizon:
		return fmt.Errorf("the horizon (%d rounds) is over %d: the Jacobian's matrices grow with its square", horizon, MaxHorizon)
	}
	return nil
}

// refineTolerance is the largest relative change of consumption at a knot
// at which refined stops; maxRefineSteps bounds it.
const (
	refineTolerance = 1e-14
	maxRefineSteps  = 20_000
)

// refined returns pol stepped backward at its own budget b until
// consumption at every knot changes by less than refineTolerance
// (relative), or stops changing: the backward step's own fixed point, so
// that a path that stays at a stationary equilibrium keeps its policy to
// rounding, and a null reform's consumption equivalents are 0.
func refined(ctx context.Context, sv *agents.Saver, ch *agents.Chain, pol *agents.Policy, b *agents.Budget, g []float64) (*agents.Policy, error) {
	last := math.Inf(1)
	for step := range maxRefineSteps {
		if step%100 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		next, err := sv.Backward(ch, pol, b, g, b)
		if err != nil {
			return nil, err
		}
		worst := 0.0
		for k, c := range next.C {
			worst = max(worst, math.Abs(c-pol.C[k])/c)
		}
		pol = next
		if worst < refineTolerance || worst >= last {
			break
		}
		last = worst
	}
	pol.Index()
	return pol, nil
}

func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}
