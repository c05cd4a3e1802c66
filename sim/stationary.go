package sim

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
	// Taxes beside the labour schedule, and the planner's instrument.
	Taxes HouseholdTaxes
	// Hours, when not nil, makes hours a choice (utility.labor = "elastic").
	Hours *Hours
}

// Hours are savers' elastic hours: disutility κ·h^(1+1/e)/(1+1/e), h ∈ [0,
// Max] in units of the time endowment (agents.Labor).
type Hours struct {
	Kappa      float64 // κ > 0
	Elasticity float64 // e > 0 (Frisch)
	Max        float64 // hours cap > 0
}

// labor returns the households' hours at wage w under the tax policy p (nil
// without elastic hours).
func (h *Households) labor(ch *agents.Chain, p *TaxPolicy, w float64) (*agents.Labor, error) {
	if h.Hours == nil {
		return nil, nil
	}
	if p.HSV != nil {
		return nil, errors.New("elastic hours work with the bracket schedule only, not the HSV tax")
	}
	wage := make([]float64, ch.States())
	for s, l := range ch.Levels {
		wage[s] = w * l
	}
	return agents.NewLabor(h.Hours.Kappa, h.Hours.Elasticity, h.Hours.Max, p.Labor, wage)
}

// Validate checks the households' parameters; errors are field errors.
func (h *Households) Validate() error {
	var errs []error
	errs = append(errs, field.Within("Saver", h.Saver.Validate()), field.Within("Productivity", h.Productivity.Validate()),
		field.Within("Taxes", h.Taxes.Validate()))
	if pr := h.Productivity; riskless(pr) {
		name := "Productivity.Sigma"
		if pr.Process == "markov" {
			name = "Productivity.Levels"
		} else if pr.States == 1 {
			name = "Productivity.States"
		}
		errs = append(errs, field.Errorf(name, "households without income risk save nothing below r = 1/β − 1 and hold any wealth at it: there is no stationary equilibrium to start from; give productivity some risk"))
	}
	if hr := h.Hours; hr != nil {
		u := agents.Utility{Kind: agents.Quasilinear, Kappa: hr.Kappa, Elasticity: hr.Elasticity}
		errs = append(errs, field.Within("Hours", u.Validate()))
		if !(hr.Max > 0) || math.IsInf(hr.Max, 0) {
			errs = append(errs, field.Errorf("Hours.Max", "must be positive and finite, got %v", hr.Max))
		}
		if h.Saver.Saving != "" && h.Saver.Saving != "optimal" {
			errs = append(errs, field.Errorf("Saver.Saving", "elastic hours are for the optimal saver, not %q", h.Saver.Saving))
		}
		if h.Taxes.HSV != nil {
			errs = append(errs, field.Errorf("Taxes.HSV", "elastic hours work with the bracket schedule only"))
		}
	}
	noCapital := "households who all start with nothing leave the firm no capital in round 0 (no output, an unbounded r): start from \"stationary\" or a positive \"value\""
	switch h.InitialWealth {
	case "stationary":
	case "zero":
		errs = append(errs, field.Errorf("InitialWealth", "%s", noCapital))
	case "value":
		switch {
		case !(h.InitialValue >= -h.Saver.BorrowingLimit) || math.IsInf(h.InitialValue, 0):
			errs = append(errs, field.Errorf("InitialValue", "must be finite and at least the borrowing limit's −%v, got %v", h.Saver.BorrowingLimit, h.InitialValue))
		case h.InitialValue <= 0:
			errs = append(errs, field.Errorf("InitialValue", "%s", noCapital))
		}
	default:
		errs = append(errs, field.Errorf("InitialWealth", "must be stationary, zero or value, got %q", h.InitialWealth))
	}
	return errors.Join(errs...)
}

// riskless reports whether the productivity process has no risk: one
// state, or all levels equal.
func riskless(p agents.Productivity) bool {
	switch p.Process {
	case "ar1":
		return p.Sigma == 0 || p.States == 1
	case "markov":
		for _, l := range p.Levels {
			if l != p.Levels[0] {
				return false
			}
		}
		return len(p.Levels) > 0
	}
	return false
}

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
	HoursMean   float64 // mean hours (1 without elastic hours)
	Revenue     Revenue // per household, by tax
	Transfer    float64 // per household (= Revenue.Total() when revenue is redistributed)
}

// tolerances are a stationary solve's: on r, the policy's largest relative
// change of consumption at a knot, the histogram's largest change of a
// mass, and the transfer's distance from its revenue relative to the wage.
type tolerances struct{ rate, policy, histogram, transfer float64 }

// exact are SolveStationary's (r to 1e-9, the validation's tolerance);
// planning are the planners' model's: a candidate's objective needs far
// less than that, and each candidate costs several solves.
var (
	exact    = tolerances{rate: 1e-9, policy: 1e-11, histogram: 1e-13, transfer: 1e-10}
	planning = tolerances{rate: 1e-7, policy: 1e-9, histogram: 1e-11, transfer: 1e-8}
)

// Checks of the stationary solve.
const (
	topMassLimit  = 1e-7 // mass allowed in the top tenth of the grid's range
	gridWidenings = 4    // times the grid's top is doubled before giving up
)

// budget returns the households' budget at prices r, w under policy p with
// the transfer T, for shares[s] of households in state s, and the labour
// tax's revenue per household.
func budget(ch *agents.Chain, p *TaxPolicy, r, w, transfer float64, shares []float64) (agents.Budget, float64) {
	b := agents.Budget{Rate: r, Tax: p.AssetTaxes, Income: make([]float64, ch.States())}
	revenue := 0.0
	for s, l := range ch.Levels {
		y := w * l
		t := p.LaborTax(y)
		revenue += shares[s] * t
		b.Income[s] = y - t + transfer
	}
	return b, revenue
}

// laborBudget is budget with elastic hours lab: Income is the transfer
// alone, and the labour tax's revenue depends on the hours chosen.
func laborBudget(ch *agents.Chain, p *TaxPolicy, r, transfer float64, lab *agents.Labor) agents.Budget {
	b := agents.Budget{Rate: r, Tax: p.AssetTaxes, Income: make([]float64, ch.States()), Labor: lab}
	for s := range b.Income {
		b.Income[s] = transfer
	}
	return b
}

// Revenue is tax revenue per household, by tax.
type Revenue struct {
	Labor, Capital, Wealth, Consumption float64
}

// Total is the sum of the parts.
func (r Revenue) Total() float64 { return r.Labor + r.Capital + r.Wealth + r.Consumption }

// histogramRevenue returns the capital, wealth and consumption taxes that
// households distributed as h pay under b and pol.
func histogramRevenue(h *agents.Histogram, pol agents.Rule, b *agents.Budget, p *TaxPolicy) Revenue {
	var rv Revenue
	g := h.Grid
	G := len(g)
	for k, x := range h.Mass {
		if x == 0 {
			continue
		}
		a := g[k%G]
		rv.Capital += x * p.CapitalTax(b.Rate, a)
		rv.Wealth += x * p.WealthTax(a)
		if p.Consumption != 0 {
			c, _ := pol.Decide(k/G, a, b.Cash(a, k/G))
			rv.Consumption += x * p.Consumption * c
		}
	}
	return rv
}

// histogramLabor returns, for households with elastic hours distributed as
// h and following pol, the labour tax's revenue, efficiency labour Σ l·h and
// mean hours, per household.
func histogramLabor(h *agents.Histogram, pol *agents.Policy, b *agents.Budget, ch *agents.Chain) (revenue, eff, hours float64) {
	g := h.Grid
	G := len(g)
	for k, x := range h.Mass {
		if x == 0 {
			continue
		}
		s, a := k/G, g[k%G]
		_, _, hr, y := pol.ChooseHours(s, b.Cash(a, s))
		revenue += x * b.Labor.Tax(y)
		eff += x * ch.Levels[s] * hr
		hours += x * hr
	}
	return revenue, eff, hours
}

// SolveStationary finds the stationary equilibrium of households h under
// the tax policy p, with revenue returned lump-sum when redistribute is set,
// in the production market m: the r at which the capital households hold
// in their stationary distribution equals the capital the firm demands
// (market.SolveCapital), each evaluation solving the households' policy by
// EGM and their distribution by Young's method — and, when revenue depends
// on the distribution (capital, wealth or consumption taxes), iterating on
// the transfer until it equals the revenue it brings. The asset grid's top
// is doubled until the distribution puts no mass near it.
func SolveStationary(ctx context.Context, h *Households, m market.Config, p TaxPolicy, redistribute bool) (*Stationary, error) {
	return solveStationaryFrom(ctx, h, m, p, redistribute, nil, exact)
}

// solveStationaryFrom is SolveStationary starting from a nearby equilibrium
// (warm: its grid, policy, distribution and r), as a planner's model does
// for candidate policies one after another; warm may be nil.
func solveStationaryFrom(ctx context.Context, h *Households, m market.Config, p TaxPolicy, redistribute bool, warm *Stationary, tol tolerances) (*Stationary, error) {
	ch, err := h.Productivity.Chain()
	if err != nil {
		return nil, field.Within("Productivity", err)
	}
	sv := h.Saver
	beta, delta := sv.Discount, m.Depreciation
	// r must leave β times the after-tax return below 1, or wealth
	// explodes; and lie above −δ, where the firm's demand for capital is
	// infinite.
	lo, hi := -delta+1e-6, p.maxRate(beta)-1e-6
	if sv.Heuristic() { // no discounting: wealth is bounded by the rule
		hi = heuristicMaxRate(&sv, delta) - 1e-6
	}
	if !(lo < hi) {
		return nil, fmt.Errorf("no interest rate lies between −δ = %v and %v, where wealth would grow without bound: raise the depreciation or lower the discount factor", -delta, hi)
	}
	top := sv.GridMax
	if top == 0 {
		top = 50 * m.WageAt((lo+hi)/2) * ch.Levels[len(ch.Levels)-1]
	}
	if warm != nil && warm.GridMax >= top {
		top = warm.GridMax
	} else {
		warm = nil
	}
	for widen := 0; ; widen++ {
		st, err := solveOnGrid(ctx, h, &sv, ch, m, &p, redistribute, lo, hi, top, warm, tol)
		if err != nil {
			return nil, err
		}
		mass := st.Histogram.TopMass(0.9)
		if mass <= topMassLimit && sv.GridMax != 0 && tol == exact {
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
func checkGrid(ctx context.Context, h *Households, sv agents.Saver, ch *agents.Chain, m market.Config, p *TaxPolicy, redistribute bool, lo, hi float64, st *Stationary) error {
	points := sv.GridPoints
	if points == 0 {
		points = agents.DefaultGridPoints
	}
	sv.GridPoints = 2 * points
	fine, err := solveOnGrid(ctx, h, &sv, ch, m, p, redistribute, lo, hi, st.GridMax, nil, exact)
	if err != nil {
		return fmt.Errorf("checking the asset grid (top %.4g) on %d points: %w", st.GridMax, 2*points, err)
	}
	if d := math.Abs(fine.Market.Rate - st.Market.Rate); d > gridRateTolerance {
		return field.Errorf("Saver.GridMax", "the asset grid's top %.4g with %d points is too coarse where households hold their wealth (mean %.4g): r is %.4f%% on it and %.4f%% on %d points; lower the top (0 chooses it) or raise the grid's points",
			st.GridMax, points, st.Market.Capital, 100*st.Market.Rate, 100*fine.Market.Rate, 2*points)
	}
	return nil
}

// scaledRevenue guesses the capital, wealth and consumption taxes' revenue
// at r from rv, their revenue at r0: each scaled by its base where capital
// is what the firm demands, r·K, K and Y − δK. The transfer's fixed point
// then starts close to its answer near the equilibrium.
func scaledRevenue(rv Revenue, m market.Config, r0, r float64) float64 {
	k0, k := m.CapitalRatio(r0), m.CapitalRatio(r)
	c0 := m.TFP*math.Pow(k0, m.Alpha) - m.Depreciation*k0
	c := m.TFP*math.Pow(k, m.Alpha) - m.Depreciation*k
	ratio := func(a, b float64) float64 {
		if b == 0 || math.IsNaN(a/b) || math.IsInf(a/b, 0) {
			return 1
		}
		return a / b
	}
	return rv.Capital*ratio(r*k, r0*k0) + rv.Wealth*ratio(k, k0) + rv.Consumption*ratio(c, c0)
}

// heuristicMaxRate is the highest r a rule of thumb's wealth stays bounded
// at: a fixed_rate saver's wealth follows a' = (1 − (1 − σ)δ + σr)·a + …,
// which explodes once σr ≥ (1 − σ)δ; a buffer_stock saver's is bounded by
// its target. Capped at 1.
func heuristicMaxRate(sv *agents.Saver, delta float64) float64 {
	if sv.Saving == "fixed_rate" && sv.Share > 0 {
		return min(1, (1-sv.Share)*delta/sv.Share)
	}
	return 1
}

// maxTransferIterations bounds the fixed point on the transfer.
const maxTransferIterations = 200

// solveOnGrid is SolveStationary on one asset grid.
func solveOnGrid(ctx context.Context, h *Households, sv *agents.Saver, ch *agents.Chain, m market.Config, p *TaxPolicy, redistribute bool, lo, hi, top float64, warm *Stationary, tol tolerances) (*Stationary, error) {
	sp := &supplier{hh: h, sv: sv, ch: ch, m: m, p: p, redistribute: redistribute, tol: tol, g: sv.Grid(top),
		st: &Stationary{Chain: ch, GridMax: top, HoursMean: 1}, transfer: math.NaN(), prevR: math.NaN()}
	if warm != nil && warm.GridMax == top {
		sp.pol, sp.hist, sp.transfer = warm.Policy, warm.Histogram, warm.Transfer
	}
	guess := min(hi, 1/sv.Discount-1) - 0.01
	if sv.Heuristic() {
		guess = min(hi-0.01, 0.03)
	}
	if warm != nil {
		guess = min(max(warm.Market.Rate, lo), hi)
	}
	supply := func(r float64) (float64, error) { return sp.supply(ctx, r) }
	eq, err := m.SolveCapital(1, guess, lo, hi, tol.rate, supply)
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
	st.Market = eq
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

// supplier evaluates the households' supply of capital at an interest
// rate, keeping each evaluation's policy, distribution and transfer as the
// next one's start; st holds the last evaluation's.
type supplier struct {
	hh           *Households
	sv           *agents.Saver
	ch           *agents.Chain
	m            market.Config
	p            *TaxPolicy
	redistribute bool
	tol          tolerances
	g            []float64
	st           *Stationary

	pol      *agents.Policy
	hist     *agents.Histogram
	transfer float64 // the last evaluation's
	prevR    float64
	labor    float64 // efficiency labour of the last evaluation (elastic hours)
}

// supply returns the capital households hold per head in the stationary
// distribution at r — per unit of efficiency labour with elastic hours —
// with the transfer at its fixed point (revenue = the transfer paid) when
// revenue is redistributed.
func (sp *supplier) supply(ctx context.Context, r float64) (float64, error) {
	ch, p, st := sp.ch, sp.p, sp.st
	w := sp.m.WageAt(r)
	if !(w > 0) || math.IsInf(w, 0) {
		return 0, fmt.Errorf("the wage at r = %.6g is %v: the production function overflows (capital share α = %v)", r, w, sp.m.Alpha)
	}
	lab, err := sp.hh.labor(ch, p, w)
	if err != nil {
		return 0, err
	}
	_, labor := budget(ch, p, r, w, 0, ch.Stationary)
	if lab != nil {
		labor = 0 // revenue from the hours chosen, below
	}
	switch {
	case math.IsNaN(sp.transfer) || (p.Untaxed() && lab == nil): // then revenue is the labour tax's alone
		sp.transfer = labor
	case sp.prevR != r:
		// start from the last evaluation's revenue, each tax's part scaled
		// by its base at the firm's demand for capital
		sp.transfer = labor + scaledRevenue(st.Revenue, sp.m, sp.prevR, r)
	}
	sp.prevR = r
	if !sp.redistribute {
		sp.transfer = 0
	}
	var prevT, prevGap float64
	for it := 0; ; it++ {
		b, _ := budget(ch, p, r, w, sp.transfer, ch.Stationary)
		if lab != nil {
			b = laborBudget(ch, p, r, sp.transfer, lab)
		}
		if err := negativeTransfer(&b, sp.g, sp.transfer); err != nil {
			return 0, err
		}
		rule := sp.sv.Rule(ch, &b, w, sp.m.Depreciation)
		if rule == nil {
			pl, err := sp.sv.Solve(ctx, ch, &b, sp.g, sp.pol, sp.tol.policy)
			if err != nil {
				return 0, err
			}
			sp.pol, rule = pl, pl
		}
		hs, err := agents.Stationary(ctx, ch, rule, &b, sp.g, sp.hist, sp.tol.histogram)
		if err != nil {
			return 0, err
		}
		sp.hist = hs
		rv := histogramRevenue(hs, rule, &b, p)
		rv.Labor = labor
		supply := hs.Mean()
		if lab != nil {
			rv.Labor, sp.labor, st.HoursMean = histogramLabor(hs, sp.pol, &b, ch)
			supply /= sp.labor
		}
		st.Rule, st.Histogram, st.Budget, st.Revenue, st.Transfer = rule, hs, b, rv, sp.transfer
		if !sp.sv.Heuristic() {
			st.Policy = sp.pol
		}
		if !sp.redistribute {
			return supply, nil
		}
		gap := rv.Total() - sp.transfer // revenue minus the transfer paid
		if math.Abs(gap) <= sp.tol.transfer*max(1, w) {
			return supply, nil
		}
		if it == maxTransferIterations {
			return 0, fmt.Errorf("the transfer did not settle in %d iterations (%.6g against revenue %.6g)", it, sp.transfer, rv.Total())
		}
		// the secant on gap(T) once two points are known (revenue moves
		// little with the transfer, so gap is nearly linear), else the
		// plain update T ← revenue
		next := sp.transfer + gap
		if it > 0 && gap != prevGap {
			next = sp.transfer - gap*(sp.transfer-prevT)/(gap-prevGap)
		}
		prevT, prevGap, sp.transfer = sp.transfer, gap, next
	}
}

// negativeTransfer returns an error when revenue is negative (the taxes pay
// out more than they raise) and the lump-sum transfer that balances it
// leaves a household at the borrowing limit nothing to consume.
func negativeTransfer(b *agents.Budget, g []float64, transfer float64) error {
	if transfer >= 0 || b.Labor != nil {
		return nil
	}
	for s := range b.Income {
		if c := b.Cash(g[0], s) - g[0]; !(c > 0) {
			return fmt.Errorf("tax revenue is negative (the taxes pay out more than they raise), and the lump-sum transfer that balances it takes %.4g from every household, leaving those in state %d at the borrowing limit %.4g to consume: raise the lowest tax rates or return no revenue (tax.redistribution = \"none\")", -transfer, s, c)
		}
	}
	return nil
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
	if st.Policy != nil {
		st.EulerError = sv.EulerErrorWhereHeld(st.Chain, st.Policy, &st.Budget, st.Histogram)
	}
}
