package household

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/welfare"
)

// Stationary is the stationary equilibrium of an economy of savers under one
// policy: prices, the households' policy and the distribution they settle
// in, and its statistics (the `equilibrium` of summary.json).
type Stationary struct {
	Market      market.Equilibrium
	Policy      *agents.Policy // the optimal saver's policy; nil for rules of thumb
	Rule        agents.Rule    // what households follow: Policy, or their rule of thumb
	Histogram   *agents.Histogram
	Budget      agents.Budget
	Chain       *agents.Chain
	SavingRate  float64 // δ·K/Y
	WealthGini  float64 // of the stationary distribution (welfare.WealthGini)
	WealthTop1  float64 // share of wealth held by the richest 1%
	WealthTop10 float64 // … by the richest 10%
	Constrained float64 // share of households at the borrowing limit
	EulerError  float64 // mean log10 |Euler-equation error| where households are (agents.Saver.EulerErrorWhereHeld)
	GridMax     float64 // top of the asset grid used
	tight       bool    // solved to Tight on its grid (a transition's end)

	// A transition's from this equilibrium, kept for the next one from it:
	// the policy refined to the backward step's fixed point, and the value
	// of following it (nil until computed).
	// Types, with several patience types, are each type's policy and
	// distribution; Histogram is then their mixture, and Policy and Rule
	// are nil.
	Types []TypeEquilibrium

	refined      *agents.Policy
	refinedValue []float64
	refinedHours []float64 // the present value of the hours' disutility in refinedValue (elastic hours)
	HoursMean    float64   // mean hours (1 without elastic hours)
	Revenue      Revenue   // per household, by tax
	Transfer     float64   // per household (= Revenue.Total() when revenue is redistributed)
}

// Tolerances are a stationary solve's: on r, the policy's largest relative
// change of consumption at a knot, the histogram's largest change of a
// mass, and the transfer's distance from its revenue relative to the wage.
type Tolerances struct{ rate, policy, histogram, transfer float64 }

// Exact are SolveStationary's (r to 1e-9, the validation's tolerance);
// Planning are the planners' model's: a candidate's objective needs far
// less than that, and each candidate costs several solves.
var (
	Exact = Tolerances{rate: 1e-9, policy: 1e-11, histogram: 1e-13, transfer: 1e-10}
	// Tight are a transition's ends': its rounds clear to 1e-9, and a
	// reform that changes nothing must find the stationary path.
	Tight    = Tolerances{rate: 1e-13, policy: 1e-13, histogram: 1e-15, transfer: 1e-13}
	Planning = Tolerances{rate: 1e-7, policy: 1e-9, histogram: 1e-11, transfer: 1e-8}
)

// Checks of the stationary solve.
const (
	topMassLimit  = 1e-7 // mass allowed in the top tenth of the grid's range
	gridWidenings = 4    // times the grid's top is doubled before giving up
)

// SolveStationary finds the stationary equilibrium of households h under
// the tax policy p, with revenue returned lump-sum when redistribute is set,
// in the production market m: the r at which the capital households hold
// in their stationary distribution equals the capital the firm demands
// (market.SolveCapital), each evaluation solving the households' policy by
// EGM and their distribution by Young's method — and, when revenue depends
// on the distribution (capital, wealth or consumption taxes), iterating on
// the transfer until it equals the revenue it brings. The asset grid's top
// is doubled until the distribution puts no mass near it.
func SolveStationary(ctx context.Context, h *Config, m market.Config, p TaxPolicy, redistribute bool) (*Stationary, error) {
	return SolveFrom(ctx, h, m, p, redistribute, nil, Exact)
}

// SolveFrom is SolveStationary starting from a nearby equilibrium
// (warm: its grid, policy, distribution and r), as a planner's model does
// for candidate policies one after another; warm may be nil.
func SolveFrom(ctx context.Context, h *Config, m market.Config, p TaxPolicy, redistribute bool, warm *Stationary, tol Tolerances) (*Stationary, error) {
	return solveStationary(ctx, h, m, p, redistribute, warm, tol, true)
}

// SolveNear is SolveStationary starting from warm (nil for none) on the
// grid SolveStationary chooses: warm's policy, distribution and r are
// used only when its grid is that one, so that the equilibrium found
// depends on warm only within the solve's tolerance.
func SolveNear(ctx context.Context, h *Config, m market.Config, p TaxPolicy, redistribute bool, warm *Stationary) (*Stationary, error) {
	return solveStationary(ctx, h, m, p, redistribute, warm, Exact, false)
}

// solveStationary is SolveFrom, on warm's grid when it is wider than the
// one chosen and warmGrid is set.
func solveStationary(ctx context.Context, h *Config, m market.Config, p TaxPolicy, redistribute bool, warm *Stationary, tol Tolerances, warmGrid bool) (*Stationary, error) {
	ch, sv, lo, hi, err := setup(h, m, &p)
	if err != nil {
		return nil, err
	}
	top := sv.GridMax
	if top == 0 {
		top = 50 * m.WageAt((lo+hi)/2) * ch.Levels[len(ch.Levels)-1]
	}
	switch {
	case warm != nil && warmGrid && warm.GridMax >= top:
		top = warm.GridMax
	case warm != nil && !warmGrid && warm.GridMax == top:
	default:
		warm = nil
	}
	for widen := 0; ; widen++ {
		st, err := solveOnGrid(ctx, h, &sv, ch, m, &p, redistribute, lo, hi, top, warm, tol)
		if err != nil {
			return nil, err
		}
		mass := st.Histogram.TopMass(0.9)
		if mass <= topMassLimit && sv.GridMax != 0 && tol == Exact {
			return st, checkGrid(ctx, h, sv, ch, m, &p, redistribute, lo, hi, st)
		}
		if mass <= topMassLimit {
			return st, nil
		}
		if sv.GridMax != 0 || widen == gridWidenings {
			return nil, fmt.Errorf("the asset grid (top %.4g) cuts off the wealth distribution: %.3g of households are in its top tenth; raise agents.grid_max", top, mass)
		}
		top *= 2
	}
}

// setup returns what a stationary solve starts from: the productivity
// chain, the saver, and the interest rates an equilibrium may have.
func setup(h *Config, m market.Config, p *TaxPolicy) (ch *agents.Chain, sv agents.Saver, lo, hi float64, err error) {
	if ch, err = h.Productivity.Chain(); err != nil {
		return nil, sv, 0, 0, field.Within("Productivity", err)
	}
	sv = h.Saver
	if h.Typed() { // r must keep the most patient type's wealth bounded
		sv.Discount = 0
		for _, t := range h.Types() {
			sv.Discount = max(sv.Discount, t.Discount)
		}
	}
	lo, hi, err = rateBounds(&sv, m, p)
	return ch, sv, lo, hi, err
}

// rateBounds returns the interest rates an equilibrium may have: r must
// leave β times the after-tax return below 1, or wealth explodes; and lie
// above −δ, where the firm's demand for capital is infinite.
func rateBounds(sv *agents.Saver, m market.Config, p *TaxPolicy) (lo, hi float64, err error) {
	lo, hi = -m.Depreciation+1e-6, p.maxRate(sv.Discount)-1e-6
	if sv.Heuristic() { // no discounting: wealth is bounded by the rule
		hi = heuristicMaxRate(sv, m.Depreciation) - 1e-6
	}
	if !(lo < hi) {
		return 0, 0, fmt.Errorf("no interest rate lies between −δ = %v and %v, where wealth would grow without bound: raise the depreciation or lower the discount factor", -m.Depreciation, hi)
	}
	return lo, hi, nil
}

// SolveOnGrid is SolveStationary on the asset grid of top top (and the
// configured points) to the tolerances tol, starting from warm (nil for
// none), as a transition needs both its ends on one grid and solved
// tightly.
func SolveOnGrid(ctx context.Context, h *Config, m market.Config, p TaxPolicy, redistribute bool, top float64, warm *Stationary, tol Tolerances) (*Stationary, error) {
	ch, sv, lo, hi, err := setup(h, m, &p)
	if err != nil {
		return nil, err
	}
	st, err := solveOnGrid(ctx, h, &sv, ch, m, &p, redistribute, lo, hi, top, warm, tol)
	if err != nil {
		return nil, err
	}
	if mass := st.Histogram.TopMass(0.9); mass > topMassLimit {
		return nil, fmt.Errorf("the asset grid (top %.4g) cuts off the wealth distribution: %.3g of households are in its top tenth; raise agents.grid_max", top, mass)
	}
	return st, nil
}

// gridRateTolerance is how far r may move when a grid the user set is
// refined (its points doubled, its top kept): the accuracy the automatic
// grid reaches on Aiyagari's economy, where 500 and 5,000 points agree to
// 4e-5.
const gridRateTolerance = 1e-4

// checkGrid solves again on the user's grid with twice the points and
// returns an error when r moves by more than gridRateTolerance: a top far
// above where households hold wealth leaves the cubic grid's points too
// sparse where they are, and bends the equilibrium without any other sign
// (the Euler errors, measured at the grid's points, even improve).
func checkGrid(ctx context.Context, h *Config, sv agents.Saver, ch *agents.Chain, m market.Config, p *TaxPolicy, redistribute bool, lo, hi float64, st *Stationary) error {
	points := sv.GridPoints
	if points == 0 {
		points = agents.DefaultGridPoints
	}
	sv.GridPoints = 2 * points
	fine, err := solveOnGrid(ctx, h, &sv, ch, m, p, redistribute, lo, hi, st.GridMax, nil, Exact)
	if err != nil {
		return fmt.Errorf("checking the asset grid (top %.4g) on %d points: %w", st.GridMax, 2*points, err)
	}
	if d := math.Abs(fine.Market.Rate - st.Market.Rate); d > gridRateTolerance {
		return field.Errorf("Saver.GridMax", "the asset grid's top %.4g with %d points is too coarse where households hold their wealth (mean %.4g): r is %.4f%% on it and %.4f%% on %d points; lower the top (0 chooses it) or raise the grid's points",
			st.GridMax, points, st.Market.Capital, 100*st.Market.Rate, 100*fine.Market.Rate, 2*points)
	}
	return nil
}

// heuristicMaxRate is the highest r a rule of thumb's wealth stays bounded
// at: a fixed_rate saver's wealth follows a' = (1 − (1 − σ)δ + σr)·a + …,
// which explodes once σr ≥ (1 − σ)δ; a buffer_stock saver's is bounded by
// its target. Capped at 1.
func heuristicMaxRate(sv *agents.Saver, delta float64) float64 {
	if sv.Saving == agents.SaveFixedRate && sv.Share > 0 {
		return min(1, (1-sv.Share)*delta/sv.Share)
	}
	return 1
}

// maxTransferIterations bounds the fixed point on the transfer.
const maxTransferIterations = 200

// solveOnGrid is SolveStationary on one asset grid.
func solveOnGrid(ctx context.Context, h *Config, sv *agents.Saver, ch *agents.Chain, m market.Config, p *TaxPolicy, redistribute bool, lo, hi, top float64, warm *Stationary, tol Tolerances) (*Stationary, error) {
	sp := &supplier{hh: h, sv: sv, ch: ch, m: m, p: p, redistribute: redistribute, tol: tol, g: sv.Grid(top),
		st: &Stationary{Chain: ch, GridMax: top, HoursMean: 1}, transfer: math.NaN(), prevR: math.NaN()}
	if warm != nil && warm.GridMax == top && warm.Chain.States() == ch.States() {
		sp.pol, sp.hist, sp.transfer = warm.Policy, warm.Histogram, warm.Transfer
		if len(warm.Types) == len(h.Types()) && h.Typed() {
			sp.types = append([]TypeEquilibrium(nil), warm.Types...)
		}
	}
	guess := min(hi, 1/sv.Discount-1) - 0.01
	if sv.Heuristic() {
		guess = min(hi-0.01, 0.03)
	}
	if warm != nil {
		guess = min(max(warm.Market.Rate, lo), hi)
	}
	supply := func(r float64) (float64, error) { return sp.supply(ctx, r) }
	var eq market.Equilibrium
	var err error
	ok := false
	if warm != nil && tol == Tight && h.Hours == nil && !sv.Heuristic() { // a transition's end, near a known equilibrium
		t0 := warm.Transfer
		if !redistribute {
			t0 = 0
		}
		eq, ok, err = sp.solveJoint(ctx, guess, t0, lo, hi)
		if err != nil && ctx.Err() != nil {
			return nil, err
		}
	}
	if !ok {
		eq, err = m.SolveCapital(1, guess, lo, hi, tol.rate, supply)
	}
	if err != nil {
		if errors.Is(err, market.ErrNoEquilibrium) {
			return nil, noEquilibrium(err, sp.st, lo, hi, top)
		}
		return nil, err
	}
	st := sp.st
	if st.Budget.Rate != eq.Rate { // the last evaluation was not at the root
		if _, err := sp.supply(ctx, eq.Rate); err != nil {
			return nil, err
		}
	}
	if h.Hours != nil { // supply was capital per unit of labour: scale by labour
		l := sp.labor
		eq.Labor, eq.Capital = l, m.CapitalRatio(eq.Rate)*l
		eq.Output = m.TFP * math.Pow(eq.Capital, m.Alpha) * math.Pow(l, 1-m.Alpha)
	}
	st.Market, st.tight = eq, tol == Tight
	st.fillStatistics(sv, m)
	return st, nil
}

// noEquilibrium says why the capital market did not clear between lo and
// hi, from the last evaluation st: households at the grid's top (the grid
// may be too low), or a supply of capital the firm's demand never meets
// without the grid being the reason (a saving rule that saves too little).
func noEquilibrium(err error, st *Stationary, lo, hi, top float64) error {
	if h := st.Histogram; h != nil && h.TopMass(0.9) <= topMassLimit {
		return fmt.Errorf("%w (r from %.6g to %.6g): households hold %.4g per head at r = %.6g, and the asset grid (top %.4g) is not what limits them; their saving cannot meet the firm's demand", err, lo, hi, h.Mean(), st.Budget.Rate, top)
	}
	return fmt.Errorf("%w (r from %.6g to %.6g); the asset grid's top %.4g may be too low for this much saving", err, lo, hi, top)
}

// fillStatistics computes the equilibrium's saving rate, wealth inequality
// and accuracy.
func (st *Stationary) fillStatistics(sv *agents.Saver, m market.Config) {
	eq := st.Market
	st.SavingRate = m.Depreciation * eq.Capital / eq.Output
	w := st.Histogram.ByWealth()
	g := st.Histogram.Grid
	st.WealthGini = welfare.WealthGiniWeighted(g, w)
	st.WealthTop1 = welfare.TopShareWeighted(g, w, 0.01)
	st.WealthTop10 = welfare.TopShareWeighted(g, w, 0.10)
	st.Constrained = st.Histogram.Constrained()
	st.EulerError = math.NaN() // a rule of thumb does not solve the Euler equation
	if len(st.Types) > 0 {
		st.EulerError = st.typesEulerError(sv)
	}
	if st.Policy != nil {
		st.EulerError = sv.EulerErrorWhereHeld(st.Chain, st.Policy, &st.Budget, st.Histogram)
	}
}
