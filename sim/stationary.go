package sim

import (
	"errors"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/tax"
	"github.com/econsim/econsim/sim/welfare"
)

// Households makes the engine's workers households that save (Aiyagari
// 1994): they hold wealth, draw productivity from a Markov chain, and own
// the capital the production market rents. See the package comment's
// "Households and time".
type Households struct {
	Saver        agents.Saver
	Productivity agents.Productivity
	// InitialWealth is where households start: "stationary" (draws from the
	// stationary distribution of the scenario's first policy, the default),
	// "zero", or "value" (everyone holds InitialValue).
	InitialWealth string
	InitialValue  float64
}

// Validate checks the households' parameters; errors are field errors.
func (h *Households) Validate() error {
	var errs []error
	errs = append(errs, field.Within("Saver", h.Saver.Validate()), field.Within("Productivity", h.Productivity.Validate()))
	switch h.InitialWealth {
	case "stationary", "zero":
	case "value":
		if !(h.InitialValue >= -h.Saver.BorrowingLimit) || math.IsInf(h.InitialValue, 0) {
			errs = append(errs, field.Errorf("InitialValue", "must be finite and at least the borrowing limit's −%v, got %v", h.Saver.BorrowingLimit, h.InitialValue))
		}
	default:
		errs = append(errs, field.Errorf("InitialWealth", "must be stationary, zero or value, got %q", h.InitialWealth))
	}
	return errors.Join(errs...)
}

// Stationary is the stationary equilibrium of an economy of savers under one
// policy: prices, the households' policy and the distribution they settle
// in, and its statistics (the `equilibrium` of summary.json).
type Stationary struct {
	Market      market.Equilibrium
	Policy      *agents.Policy
	Histogram   *agents.Histogram
	Budget      agents.Budget
	Chain       *agents.Chain
	SavingRate  float64 // δ·K/Y
	WealthGini  float64 // of the stationary distribution (welfare.WealthGini)
	WealthTop1  float64 // share of wealth held by the richest 1%
	WealthTop10 float64 // … by the richest 10%
	Constrained float64 // share of households at the borrowing limit
	EulerError  float64 // mean log10 |Euler-equation error| on the grid
	GridMax     float64 // top of the asset grid used
}

// Tolerances of the stationary solve.
const (
	rateTolerance      = 1e-9  // on r, as the validation asks
	policyTolerance    = 1e-11 // largest relative change of consumption at a knot
	histogramTolerance = 1e-13 // largest change of a histogram mass
	topMassLimit       = 1e-7  // mass allowed in the top tenth of the grid's range
	gridWidenings      = 4     // times the grid's top is doubled before giving up
)

// incomes fills b.Income with each state's labour income after the labour
// tax, w·l(s) − T(w·l(s)), plus the lump-sum transfer of the labour tax's
// revenue when redistribute is set, and returns the revenue per household
// when shares[s] of households are in state s.
func incomes(b *agents.Budget, ch *agents.Chain, sched tax.Schedule, w float64, shares []float64, redistribute bool) float64 {
	if len(b.Income) != ch.States() {
		b.Income = make([]float64, ch.States())
	}
	revenue := 0.0
	for s, l := range ch.Levels {
		y := w * l
		revenue += shares[s] * sched.Tax(y)
		b.Income[s] = sched.Net(y)
	}
	if redistribute {
		for s := range b.Income {
			b.Income[s] += revenue
		}
	}
	return revenue
}

// SolveStationary finds the stationary equilibrium of households h under the
// labour-tax schedule sched, with the labour tax's revenue returned lump-sum
// when redistribute is set, in the production market m: the r at which the
// capital households hold in their stationary distribution equals the
// capital the firm demands (market.SolveCapital), each evaluation solving
// the households' policy by EGM and their distribution by Young's method.
// The asset grid's top is doubled until the distribution puts no mass near
// it.
func SolveStationary(h *Households, m market.Config, sched tax.Schedule, redistribute bool) (*Stationary, error) {
	ch, err := h.Productivity.Chain()
	if err != nil {
		return nil, field.Within("Productivity", err)
	}
	sv := h.Saver
	beta, delta := sv.Discount, m.Depreciation
	// r must leave β·(1 + r) below 1, or wealth explodes; and above −δ, where
	// the firm's demand for capital is infinite.
	lo, hi := -delta+1e-6, 1/beta-1-1e-6
	if !(lo < hi) {
		return nil, fmt.Errorf("no interest rate lies between −δ = %v and 1/β − 1 = %v: raise the depreciation or lower the discount factor", -delta, 1/beta-1)
	}
	top := sv.GridMax
	if top == 0 {
		top = 50 * m.WageAt((lo+hi)/2) * ch.Levels[len(ch.Levels)-1]
	}
	for widen := 0; ; widen++ {
		st, err := solveOnGrid(&sv, ch, m, sched, redistribute, lo, hi, top)
		if err != nil {
			return nil, err
		}
		mass := st.Histogram.TopMass(0.9)
		if mass <= topMassLimit {
			return st, nil
		}
		if sv.GridMax != 0 || widen == gridWidenings {
			return nil, fmt.Errorf("the asset grid (top %.4g) cuts off the wealth distribution: %.3g of households are in its top tenth; raise agents.grid_max", top, mass)
		}
		top *= 2
	}
}

// solveOnGrid is SolveStationary on one asset grid.
func solveOnGrid(sv *agents.Saver, ch *agents.Chain, m market.Config, sched tax.Schedule, redistribute bool, lo, hi, top float64) (*Stationary, error) {
	g := sv.Grid(top)
	st := &Stationary{Chain: ch, GridMax: top}
	var pol *agents.Policy
	var hist *agents.Histogram
	supply := func(r float64) (float64, error) {
		b := agents.Budget{Rate: r}
		incomes(&b, ch, sched, m.WageAt(r), ch.Stationary, redistribute)
		p, err := sv.Solve(ch, &b, g, pol, policyTolerance)
		if err != nil {
			return 0, err
		}
		hs, err := agents.Stationary(ch, p, &b, g, hist, histogramTolerance)
		if err != nil {
			return 0, err
		}
		pol, hist = p, hs
		st.Policy, st.Histogram, st.Budget = p, hs, b
		return hs.Mean(), nil
	}
	eq, err := m.SolveCapital(1, hi-0.01, lo, hi, rateTolerance, supply)
	if err != nil {
		if errors.Is(err, market.ErrNoEquilibrium) {
			return nil, fmt.Errorf("%w (r from %.6g to %.6g); the asset grid's top %.4g may be too low for this much saving", err, lo, hi, top)
		}
		return nil, err
	}
	if st.Budget.Rate != eq.Rate { // the last evaluation was not at the root
		if _, err := supply(eq.Rate); err != nil {
			return nil, err
		}
	}
	st.Market = eq
	st.fillStatistics(sv, m)
	return st, nil
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
	st.EulerError = sv.EulerError(st.Chain, st.Policy, &st.Budget, g)
}
